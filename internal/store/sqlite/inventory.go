package sqlite

import (
	"context"
	"errors"

	"github.com/hotelplatform/hotel"
)

// TODO(issue 4): being implemented; every method below is replaced.

var errTODO = errors.New("not implemented yet")

func (s *Store) CreateHotel(ctx context.Context, h *hotel.Hotel) error { return errTODO }
func (s *Store) UpdateHotel(ctx context.Context, h hotel.Hotel) error  { return errTODO }
func (s *Store) ListHotels(ctx context.Context, f hotel.HotelFilter) ([]hotel.Hotel, error) {
	return nil, errTODO
}
func (s *Store) GetRoomType(ctx context.Context, hotelID, id int64) (hotel.RoomType, error) {
	return hotel.RoomType{}, errTODO
}
func (s *Store) CreateRoomType(ctx context.Context, rt *hotel.RoomType) error { return errTODO }
func (s *Store) UpdateRoomType(ctx context.Context, rt hotel.RoomType) error  { return errTODO }
func (s *Store) Search(ctx context.Context, q hotel.SearchQuery) ([]hotel.Offer, error) {
	return nil, errTODO
}
func (s *Store) CreateHold(ctx context.Context, req hotel.HoldRequest) (hotel.Hold, bool, error) {
	return hotel.Hold{}, false, errTODO
}
func (s *Store) GetHold(ctx context.Context, bookingID string) (hotel.Hold, error) {
	return hotel.Hold{}, errTODO
}
func (s *Store) MoveHold(ctx context.Context, bookingID string, m hotel.HoldMove) (hotel.Hold, error) {
	return hotel.Hold{}, errTODO
}
func (s *Store) ReleaseHold(ctx context.Context, bookingID string, r hotel.HoldRelease) (hotel.Hold, error) {
	return hotel.Hold{}, errTODO
}
func (s *Store) Adjust(ctx context.Context, a *hotel.Adjustment) (bool, error) { return false, errTODO }
func (s *Store) ListAdjustments(ctx context.Context, hotelID, afterID int64, limit int) ([]hotel.Adjustment, error) {
	return nil, errTODO
}
func (s *Store) SetCalendar(ctx context.Context, u hotel.CalendarUpdate) (hotel.CalendarResult, error) {
	return hotel.CalendarResult{}, errTODO
}
