package loadtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// rush sends every client at the last rooms of one hotel-night: half ask
// for that night alone, half for stays of up to four nights overlapping
// it. It reports how many bookings won the night against the rooms there
// were: more is overselling.
func (r *runner) rush(ctx context.Context, start time.Time) (*RushResult, error) {
	h := r.cat.hotels[0]
	night := r.cat.today.AddDate(0, 0, 30)
	// The room type with the fewest rooms that night is the contested one.
	var items []struct {
		RoomType  string `json:"room_type"`
		Available int    `json:"available_rooms"`
	}
	q := url.Values{"start_date": {day(night)}, "end_date": {day(night)}}
	if st := r.getPatiently(ctx, "/inventory/"+strconv.FormatInt(h.ID, 10)+"?"+q.Encode(), "", &items, time.Now().Add(patience)); st != http.StatusOK || len(items) == 0 {
		return nil, fmt.Errorf("inventory of hotel %d on %s: status %d", h.ID, day(night), st)
	}
	target := items[0]
	for _, it := range items {
		if it.Available < target.Available {
			target = it
		}
	}
	res := &RushResult{HotelID: h.ID, RoomType: target.RoomType, Night: day(night), Available: target.Available}
	clients := max(r.cfg.Clients, 1)
	stop := r.progress(ctx, start)
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range clients {
		rng := rand.New(rand.NewPCG(r.cfg.Seed, uint64(i)+1)) //nolint:gosec // a workload, not a secret
		wg.Go(func() {
			<-gate // all at once
			arrival, nights := night, 1
			if i%2 == 1 {
				back := rng.IntN(3)
				arrival, nights = night.AddDate(0, 0, -back), back+1+rng.IntN(2)
			}
			r.create(ctx, rng, h.ID, target.RoomType, arrival, nights)
		})
	}
	close(gate)
	wg.Wait()
	stop()
	for _, b := range r.books {
		a, _ := time.Parse(time.DateOnly, b.Arrival)
		n, _ := time.Parse(time.DateOnly, res.Night)
		if b.RoomType == target.RoomType && !a.After(n) && a.AddDate(0, 0, b.Nights).After(n) {
			res.Won++
		}
	}
	res.Oversold = max(0, res.Won-res.Available)
	return res, nil
}

// storm books a small set of rooms, then has every client change and
// cancel those same bookings at once for the duration: moves of dates and
// length, and cancels, racing each other.
func (r *runner) storm(ctx context.Context, start time.Time) error {
	rng := rand.New(rand.NewPCG(r.cfg.Seed, 0)) //nolint:gosec // a workload, not a secret
	for i := range 20 {
		h := r.cat.hotels[i%len(r.cat.hotels)]
		r.create(ctx, rng, h.ID, h.RoomTypes[0], r.cat.today.AddDate(0, 0, 10+i), 2)
	}
	if len(r.usable) == 0 {
		return fmt.Errorf("the storm could not book its rooms")
	}
	return r.drive(ctx, start, func(rng *rand.Rand) {
		if rng.IntN(10) == 0 {
			r.do(ctx, rng, OpCancel)
		} else {
			r.do(ctx, rng, OpModify)
		}
	})
}
