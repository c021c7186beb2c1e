package inventory

import (
	"context"

	"github.com/hotelplatform/hotel"
)

// TODO(issue 4): being implemented; this file is deleted when done.

var errTODO = hotel.Errorf(hotel.EINTERNAL, "not implemented yet")

func (s *Service) Search(ctx context.Context, q hotel.SearchQuery) (*hotel.SearchPage, error) {
	return nil, errTODO
}
func (s *Service) CreateHold(ctx context.Context, req hotel.HoldRequest) (*hotel.Hold, bool, error) {
	return nil, false, errTODO
}
func (s *Service) GetHold(ctx context.Context, bookingID string) (*hotel.Hold, error) {
	return nil, errTODO
}
func (s *Service) MoveHold(ctx context.Context, bookingID string, m hotel.HoldMove) (*hotel.Hold, error) {
	return nil, errTODO
}
func (s *Service) ReleaseHold(ctx context.Context, bookingID string, r hotel.HoldRelease) (*hotel.Hold, error) {
	return nil, errTODO
}
func (s *Service) CreateHotel(ctx context.Context, h *hotel.Hotel) error { return errTODO }
func (s *Service) UpdateHotel(ctx context.Context, h *hotel.Hotel) error { return errTODO }
func (s *Service) ListHotels(ctx context.Context, f hotel.HotelFilter) ([]hotel.Hotel, error) {
	return nil, errTODO
}
func (s *Service) ListRoomTypes(ctx context.Context, hotelID int64) ([]hotel.RoomType, error) {
	return nil, errTODO
}
func (s *Service) CreateRoomType(ctx context.Context, rt *hotel.RoomType) error { return errTODO }
func (s *Service) UpdateRoomType(ctx context.Context, rt *hotel.RoomType) error { return errTODO }
func (s *Service) SetCalendar(ctx context.Context, u hotel.CalendarUpdate) (*hotel.CalendarResult, error) {
	return nil, errTODO
}
func (s *Service) Adjust(ctx context.Context, a *hotel.Adjustment) (bool, error) {
	return false, errTODO
}
func (s *Service) ListAdjustments(ctx context.Context, hotelID int64, afterID int64, limit int) ([]hotel.Adjustment, error) {
	return nil, errTODO
}
