package booking

import (
	"context"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
)

// call runs f (one inventory call) with the per-call timeout, retrying with
// exponential backoff and jitter while the inventory is unavailable.
func (s *Service) call(ctx context.Context, f func(ctx context.Context) error) error {
	for attempt := 0; ; attempt++ {
		cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
		err := f(cctx)
		cancel()
		if hotel.ErrorCode(err) != hotel.EUNAVAILABLE || attempt >= s.cfg.Retries {
			return err
		}
		t := time.NewTimer(backoff(s.cfg.Backoff, attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// backoff is the wait before retry attempt+1: base doubled per attempt (at
// most 16×), drawn uniformly from its upper half so that clients that failed
// together do not retry together.
func backoff(base time.Duration, attempt int) time.Duration {
	d := base << min(attempt, 4)
	return d/2 + rand.N(d/2+1) //nolint:gosec // jitter needs no cryptographic randomness
}

// cachedHotel is a hotel and its room types as the inventory service
// returned them, reused until expires.
type cachedHotel struct {
	hotel     hotel.Hotel
	roomTypes []hotel.RoomType
	expires   time.Time
}

// roomType returns the room type called name (case-insensitive).
func (c cachedHotel) roomType(name string) (hotel.RoomType, bool) {
	for _, rt := range c.roomTypes {
		if strings.EqualFold(rt.Name, name) {
			return rt, true
		}
	}
	return hotel.RoomType{}, false
}

// today is the hotel-local date at now.
func (c cachedHotel) today(now time.Time) hotel.Date { return hotel.Today(now, c.hotel.Zone()) }

// maxCachedHotels bounds the cache; past it, expired entries are dropped
// (and, if that is not enough, everything: the cache only saves calls).
const maxCachedHotels = 10000

// hotelInfo returns hotel id and its room types, from the cache when fresh.
// Errors: ENOTFOUND (no such hotel), EUNAVAILABLE.
func (s *Service) hotelInfo(ctx context.Context, id int64) (cachedHotel, error) {
	now := s.now()
	s.mu.Lock()
	c, ok := s.hotels[id]
	s.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c, nil
	}
	var h *hotel.Hotel
	err := s.call(ctx, func(ctx context.Context) (err error) {
		h, err = s.inv.GetHotel(ctx, id)
		return err
	})
	if err != nil {
		return cachedHotel{}, err
	}
	var rts []hotel.RoomType
	err = s.call(ctx, func(ctx context.Context) (err error) {
		rts, err = s.inv.ListRoomTypes(ctx, id)
		return err
	})
	if err != nil {
		return cachedHotel{}, err
	}
	c = cachedHotel{hotel: *h, roomTypes: rts, expires: now.Add(s.cfg.CacheTTL)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.hotels) >= maxCachedHotels {
		for k, e := range s.hotels {
			if !now.Before(e.expires) {
				delete(s.hotels, k)
			}
		}
		if len(s.hotels) >= maxCachedHotels {
			clear(s.hotels)
		}
	}
	s.hotels[id] = c
	return c, nil
}
