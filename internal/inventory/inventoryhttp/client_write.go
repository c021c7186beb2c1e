package inventoryhttp

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/idempotency"
	"github.com/hotelplatform/hotel/internal/inventory"
)

// The client checks only what it cannot send (ids no path can carry, a
// booking id or idempotency key that would change in transit) and answers
// those exactly as the in-process service does, which checks them first.

// Search returns a page of offers. adults is always sent: the server's
// default of 1 is for callers that omit it on the wire.
func (c *Client) Search(ctx context.Context, q hotel.SearchQuery) (*hotel.SearchPage, error) {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("location", q.Location)
	set("room_type", q.RoomType)
	set("check_in", q.CheckIn.String())
	set("check_out", q.CheckOut.String())
	v.Set("adults", strconv.Itoa(q.Adults))
	setInt(v, "hotel_id", q.HotelID)
	setInt(v, "children", int64(q.Children))
	setInt(v, "limit", int64(q.Limit))
	if q.MaxPrice != 0 {
		v.Set("max_price", q.MaxPrice.String())
	}
	if len(q.ChildAges) > 0 {
		ages := make([]string, len(q.ChildAges))
		for i, a := range q.ChildAges {
			ages[i] = strconv.Itoa(a)
		}
		v.Set("children_ages", strings.Join(ages, ","))
	}
	set("meal_plan", q.MealPlan)
	if q.Refundable != nil {
		v.Set("refundable", strconv.FormatBool(*q.Refundable))
	}
	if q.Explain {
		v.Set("explain", "true")
	}
	if q.After != nil {
		v.Set("cursor", q.After.String())
	}
	var body searchBody
	h, err := c.get(ctx, "/inventory/search", v, &body)
	if err != nil {
		return nil, err
	}
	return &hotel.SearchPage{Offers: nonNil(body.Offers), Excluded: body.Excluded, Next: NextCursor(h.Get("Link"))}, nil
}

// setInt sets a non-zero integer parameter.
func setInt(v url.Values, k string, n int64) {
	if n != 0 {
		v.Set(k, strconv.FormatInt(n, 10))
	}
}

// CreateHold holds every night of the stay or none; created is false when
// the identical hold existed (200 rather than 201).
func (c *Client) CreateHold(ctx context.Context, req hotel.HoldRequest) (*hotel.Hold, bool, error) {
	if err := inventory.CheckBookingID(req.BookingID); err != nil {
		return nil, false, err
	}
	var h hotel.Hold
	_, status, err := c.do(ctx, http.MethodPut, holdPath(req.BookingID), nil, nil, holdBodyOf(req), &h)
	if err != nil {
		return nil, false, err
	}
	return &h, status == http.StatusCreated, nil
}

// CreateHolds holds the rooms of a booking, all or none; created is false
// when the identical holds existed (200 rather than 201). The group's size
// and ids, which the path and body cannot carry otherwise, are checked
// here as the in-process service checks them.
func (c *Client) CreateHolds(ctx context.Context, reqs []hotel.HoldRequest) ([]hotel.Hold, bool, error) {
	if err := inventory.CheckGroupIDs(reqs); err != nil {
		return nil, false, err
	}
	var g holdGroup
	_, status, err := c.do(ctx, http.MethodPut, "/inventory/hold-groups/"+reqs[0].BookingID, nil, nil, holdGroupBodyOf(reqs), &g)
	if err != nil {
		return nil, false, err
	}
	return nonNil(g.Holds), status == http.StatusCreated, nil
}

// GetHold returns a booking's hold.
func (c *Client) GetHold(ctx context.Context, bookingID string) (*hotel.Hold, error) {
	if err := inventory.CheckBookingID(bookingID); err != nil {
		return nil, err
	}
	var h hotel.Hold
	if _, err := c.get(ctx, holdPath(bookingID), nil, &h); err != nil {
		return nil, err
	}
	return &h, nil
}

// MoveHold moves a hold atomically.
func (c *Client) MoveHold(ctx context.Context, bookingID string, m hotel.HoldMove) (*hotel.Hold, error) {
	return c.holdAction(ctx, bookingID, "/move", moveBodyOf(m))
}

// ReleaseHold returns a hold's nights (from r.From on, or all) to inventory.
func (c *Client) ReleaseHold(ctx context.Context, bookingID string, r hotel.HoldRelease) (*hotel.Hold, error) {
	return c.holdAction(ctx, bookingID, "/release", r)
}

func (c *Client) holdAction(ctx context.Context, bookingID, action string, body any) (*hotel.Hold, error) {
	if err := inventory.CheckBookingID(bookingID); err != nil {
		return nil, err
	}
	var h hotel.Hold
	if _, _, err := c.do(ctx, http.MethodPost, holdPath(bookingID)+action, nil, nil, body, &h); err != nil {
		return nil, err
	}
	return &h, nil
}

// UnconfirmedHolds lists holds made before before and not confirmed since.
func (c *Client) UnconfirmedHolds(ctx context.Context, before time.Time, limit int) ([]hotel.Hold, error) {
	v := url.Values{}
	v.Set("before", before.UTC().Format(time.RFC3339Nano))
	setInt(v, "limit", int64(limit))
	var hs []hotel.Hold
	if _, err := c.get(ctx, "/inventory/holds", v, &hs); err != nil {
		return nil, err
	}
	return nonNil(hs), nil
}

// ConfirmHolds confirms the holds of ids.
func (c *Client) ConfirmHolds(ctx context.Context, ids []string) (int, error) {
	var res hotel.HoldConfirmation
	if _, _, err := c.do(ctx, http.MethodPost, "/inventory/holds/confirm", nil, nil, hotel.HoldConfirmation{BookingIDs: ids}, &res); err != nil {
		return 0, err
	}
	return res.Confirmed, nil
}

// holdPath is the path of a hold; the id is a checked UUID, safe in a path.
func holdPath(bookingID string) string { return "/inventory/holds/" + bookingID }

// CreateHotel creates h and sets it to the stored hotel (with its id).
func (c *Client) CreateHotel(ctx context.Context, h *hotel.Hotel) error {
	return c.sendHotel(ctx, http.MethodPost, "/inventory/hotels", h)
}

// UpdateHotel replaces every field of hotel h.ID and sets h to the result.
func (c *Client) UpdateHotel(ctx context.Context, h *hotel.Hotel) error {
	if h.ID <= 0 {
		return hotelNotFound(h.ID)
	}
	return c.sendHotel(ctx, http.MethodPatch, hotelPath(h.ID), h)
}

func (c *Client) sendHotel(ctx context.Context, method, path string, h *hotel.Hotel) error {
	taxes := h.Taxes
	if taxes == nil {
		taxes = []hotel.Tax{} // none: null is not a list of taxes
	}
	body := hotelBody{Name: &h.Name, Location: &h.Location, TimeZone: &h.TimeZone, Currency: &h.Currency, Taxes: &taxes}
	var out hotel.Hotel
	if _, _, err := c.do(ctx, method, path, nil, nil, body, &out); err != nil {
		return err
	}
	*h = out
	return nil
}

// ListHotels returns one page of hotels.
func (c *Client) ListHotels(ctx context.Context, f hotel.HotelFilter) ([]hotel.Hotel, error) {
	v := url.Values{}
	if f.Location != "" {
		v.Set("location", f.Location)
	}
	setInt(v, "cursor", f.AfterID)
	setInt(v, "limit", int64(f.Limit))
	var hs []hotel.Hotel
	if _, err := c.get(ctx, "/inventory/hotels", v, &hs); err != nil {
		return nil, err
	}
	return nonNil(hs), nil
}

// ListRoomTypes returns a hotel's room types.
func (c *Client) ListRoomTypes(ctx context.Context, hotelID int64) ([]hotel.RoomType, error) {
	if hotelID <= 0 {
		return nil, hotelNotFound(hotelID)
	}
	var rts []hotel.RoomType
	if _, err := c.get(ctx, hotelPath(hotelID)+"/room-types", nil, &rts); err != nil {
		return nil, err
	}
	return nonNil(rts), nil
}

// CreateRoomType creates rt in hotel rt.HotelID and sets rt to the result.
func (c *Client) CreateRoomType(ctx context.Context, rt *hotel.RoomType) error {
	if rt.HotelID <= 0 {
		return hotelNotFound(rt.HotelID)
	}
	return c.sendRoomType(ctx, http.MethodPost, hotelPath(rt.HotelID)+"/room-types", rt)
}

// UpdateRoomType replaces every field of room type rt.ID and sets rt to the result.
func (c *Client) UpdateRoomType(ctx context.Context, rt *hotel.RoomType) error {
	if rt.HotelID <= 0 {
		return hotelNotFound(rt.HotelID)
	}
	if rt.ID <= 0 {
		// No path carries it; the service first looks for the hotel.
		if _, err := c.ListRoomTypes(ctx, rt.HotelID); err != nil {
			return err
		}
		return roomTypeNotFound(rt.HotelID, rt.ID)
	}
	return c.sendRoomType(ctx, http.MethodPatch, hotelPath(rt.HotelID)+"/room-types/"+strconv.FormatInt(rt.ID, 10), rt)
}

func (c *Client) sendRoomType(ctx context.Context, method, path string, rt *hotel.RoomType) error {
	body := roomTypeBody{Name: &rt.Name, MaxOccupancy: &rt.MaxOccupancy, OverbookingAllowance: &rt.OverbookingAllowance}
	var out hotel.RoomType
	if _, _, err := c.do(ctx, method, path, nil, nil, body, &out); err != nil {
		return err
	}
	*rt = out
	return nil
}

// SetCalendar sets capacity, price and/or demand level over a date range.
func (c *Client) SetCalendar(ctx context.Context, u hotel.CalendarUpdate) (*hotel.CalendarResult, error) {
	if u.HotelID <= 0 {
		return nil, hotelNotFound(u.HotelID)
	}
	body := calendarBody{RoomTypeID: u.RoomTypeID, StartDate: u.StartDate, EndDate: u.EndDate,
		Capacity: u.Capacity, Price: u.Price, DemandLevel: u.DemandLevel}
	var res hotel.CalendarResult
	if _, _, err := c.do(ctx, http.MethodPut, hotelPath(u.HotelID)+"/calendar", nil, nil, body, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// Adjust blocks or unblocks rooms and sets a to the recorded adjustment.
// The server records the caller's credential as the actor; a.Actor is not
// sent.
func (c *Client) Adjust(ctx context.Context, a *hotel.Adjustment) (bool, error) {
	if a.HotelID <= 0 {
		return false, hotelNotFound(a.HotelID)
	}
	hdr := http.Header{}
	if a.IdempotencyKey != "" {
		// Only what every key must be, so it cannot break the header; the
		// server applies the rule of the caller it finds.
		if err := hotel.CheckIdempotencyKey(a.IdempotencyKey, false); err != nil {
			return false, err
		}
		hdr.Set(idempotency.Header, a.IdempotencyKey)
	}
	body := adjustBody{RoomType: a.RoomType, RoomTypeID: a.RoomTypeID, Date: a.StartDate, EndDate: a.EndDate,
		NumRooms: a.NumRooms, Reason: a.Reason}
	var out hotel.Adjustment
	h, _, err := c.do(ctx, http.MethodPost, "/inventory/"+strconv.FormatInt(a.HotelID, 10)+"/adjust", nil, hdr, body, &out)
	if err != nil {
		return false, err
	}
	out.IdempotencyKey = a.IdempotencyKey
	*a = out
	return h.Get(idempotency.ReplayedHeader) == "true", nil
}

// ListAdjustments returns one page of a hotel's adjustments, newest first.
func (c *Client) ListAdjustments(ctx context.Context, hotelID int64, beforeID int64, limit int) ([]hotel.Adjustment, error) {
	if hotelID <= 0 {
		return nil, hotelNotFound(hotelID)
	}
	v := url.Values{}
	setInt(v, "cursor", beforeID)
	setInt(v, "limit", int64(limit))
	var as []hotel.Adjustment
	if _, err := c.get(ctx, hotelPath(hotelID)+"/adjustments", v, &as); err != nil {
		return nil, err
	}
	return nonNil(as), nil
}
