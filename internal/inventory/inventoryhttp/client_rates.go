package inventoryhttp

import (
	"context"
	"net/http"
	"net/url"

	"github.com/google/uuid"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/idempotency"
)

// ListRatePlans returns a hotel's rate plans.
func (c *Client) ListRatePlans(ctx context.Context, hotelID int64) ([]hotel.RatePlan, error) {
	if hotelID <= 0 {
		return nil, hotelNotFound(hotelID)
	}
	var ps []hotel.RatePlan
	if _, err := c.get(ctx, hotelPath(hotelID)+"/rate-plans", nil, &ps); err != nil {
		return nil, err
	}
	return nonNil(ps), nil
}

// GetRatePlan returns one plan of a hotel.
func (c *Client) GetRatePlan(ctx context.Context, hotelID, id int64) (*hotel.RatePlan, error) {
	if hotelID <= 0 {
		return nil, hotelNotFound(hotelID)
	}
	if id <= 0 {
		return nil, hotel.Errorf(hotel.ENOTFOUND, "Rate plan %d of hotel %d was not found.", id, hotelID)
	}
	var p hotel.RatePlan
	if _, err := c.get(ctx, planPath(hotelID, id), nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// CreateRatePlan creates p and sets it to the stored plan.
func (c *Client) CreateRatePlan(ctx context.Context, p *hotel.RatePlan) error {
	if p.HotelID <= 0 {
		return hotelNotFound(p.HotelID)
	}
	return c.sendPlan(ctx, http.MethodPost, hotelPath(p.HotelID)+"/rate-plans", p)
}

// UpdateRatePlan replaces the fields of p.ID.
func (c *Client) UpdateRatePlan(ctx context.Context, p *hotel.RatePlan) error {
	if p.HotelID <= 0 {
		return hotelNotFound(p.HotelID)
	}
	if p.ID <= 0 {
		return hotel.Errorf(hotel.ENOTFOUND, "Rate plan %d of hotel %d was not found.", p.ID, p.HotelID)
	}
	return c.sendPlan(ctx, http.MethodPatch, planPath(p.HotelID, p.ID), p)
}

// sendPlan sends every field of p (a full replacement).
func (c *Client) sendPlan(ctx context.Context, method, path string, p *hotel.RatePlan) error {
	occ := p.Occupancy
	if occ.ChildBands == nil {
		occ.ChildBands = []hotel.ChildBand{}
	}
	body := ratePlanBody{Code: &p.Code, Name: &p.Name, MealPlan: &p.MealPlan, Refundable: &p.Refundable, Sellable: &p.Sellable,
		ParentID: &p.ParentID, PercentBP: &p.PercentBP, Amount: &p.AmountCents, Follows: &p.FollowsParentRestrictions, Occupancy: &occ,
		Cancellation: p.Cancellation, NoShow: &p.NoShow, Guarantee: &p.Guarantee}
	if p.RoomTypeID != 0 {
		body.RoomTypeID = &p.RoomTypeID
	}
	var out hotel.RatePlan
	if _, _, err := c.do(ctx, method, path, nil, nil, body, &out); err != nil {
		return err
	}
	*p = out
	return nil
}

// ApplyARI sends a bulk ARI update. The server records the caller's
// credential as the actor and requires an Idempotency-Key: c's, or a new
// random one (a client without a key gets no retry safety across calls).
func (c *Client) ApplyARI(ctx context.Context, ch *hotel.ARIChange) (bool, error) {
	if ch.HotelID <= 0 {
		return false, hotelNotFound(ch.HotelID)
	}
	key := ch.IdempotencyKey
	if key == "" {
		key = uuid.NewString()
	} else if err := hotel.CheckIdempotencyKey(key, false); err != nil {
		return false, err
	}
	hdr := http.Header{}
	hdr.Set(idempotency.Header, key)
	var out hotel.ARIChange
	h, _, err := c.do(ctx, http.MethodPost, hotelPath(ch.HotelID)+"/ari", nil, hdr, ariBody{Reason: ch.Reason, Updates: ch.Updates}, &out)
	if err != nil {
		return false, err
	}
	out.IdempotencyKey = ch.IdempotencyKey
	*ch = out
	return h.Get(idempotency.ReplayedHeader) == "true", nil
}

// ListARIChanges returns one page of a hotel's ARI changes, newest first.
func (c *Client) ListARIChanges(ctx context.Context, hotelID, beforeID int64, limit int) ([]hotel.ARIChange, error) {
	if hotelID <= 0 {
		return nil, hotelNotFound(hotelID)
	}
	v := url.Values{}
	setInt(v, "cursor", beforeID)
	setInt(v, "limit", int64(limit))
	var cs []hotel.ARIChange
	if _, err := c.get(ctx, hotelPath(hotelID)+"/ari-changes", v, &cs); err != nil {
		return nil, err
	}
	return nonNil(cs), nil
}

// ARICalendar returns a hotel's ARI calendar.
func (c *Client) ARICalendar(ctx context.Context, q hotel.ARICalendarQuery) (*hotel.ARICalendar, error) {
	if q.HotelID <= 0 {
		return nil, hotelNotFound(q.HotelID)
	}
	v := url.Values{}
	if !q.From.IsZero() {
		v.Set("from", q.From.String())
	}
	if !q.To.IsZero() {
		v.Set("to", q.To.String())
	}
	setInt(v, "room_type_id", q.RoomTypeID)
	var cal hotel.ARICalendar
	if _, err := c.get(ctx, hotelPath(q.HotelID)+"/ari", v, &cal); err != nil {
		return nil, err
	}
	return &cal, nil
}
