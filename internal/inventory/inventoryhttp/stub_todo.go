package inventoryhttp

import (
	"context"

	"github.com/hotelplatform/hotel"
)

// TODO(issue 4): being implemented; this file is deleted when done.

var errTODO = hotel.Errorf(hotel.EINTERNAL, "not implemented yet")

func (c *Client) Search(ctx context.Context, q hotel.SearchQuery) (*hotel.SearchPage, error) {
	return nil, errTODO
}
func (c *Client) CreateHold(ctx context.Context, req hotel.HoldRequest) (*hotel.Hold, bool, error) {
	return nil, false, errTODO
}
func (c *Client) GetHold(ctx context.Context, bookingID string) (*hotel.Hold, error) {
	return nil, errTODO
}
func (c *Client) MoveHold(ctx context.Context, bookingID string, m hotel.HoldMove) (*hotel.Hold, error) {
	return nil, errTODO
}
func (c *Client) ReleaseHold(ctx context.Context, bookingID string, r hotel.HoldRelease) (*hotel.Hold, error) {
	return nil, errTODO
}
func (c *Client) CreateHotel(ctx context.Context, h *hotel.Hotel) error { return errTODO }
func (c *Client) UpdateHotel(ctx context.Context, h *hotel.Hotel) error { return errTODO }
func (c *Client) ListHotels(ctx context.Context, f hotel.HotelFilter) ([]hotel.Hotel, error) {
	return nil, errTODO
}
func (c *Client) ListRoomTypes(ctx context.Context, hotelID int64) ([]hotel.RoomType, error) {
	return nil, errTODO
}
func (c *Client) CreateRoomType(ctx context.Context, rt *hotel.RoomType) error { return errTODO }
func (c *Client) UpdateRoomType(ctx context.Context, rt *hotel.RoomType) error { return errTODO }
func (c *Client) SetCalendar(ctx context.Context, u hotel.CalendarUpdate) (*hotel.CalendarResult, error) {
	return nil, errTODO
}
func (c *Client) Adjust(ctx context.Context, a *hotel.Adjustment) (bool, error) {
	return false, errTODO
}
func (c *Client) ListAdjustments(ctx context.Context, hotelID int64, afterID int64, limit int) ([]hotel.Adjustment, error) {
	return nil, errTODO
}
