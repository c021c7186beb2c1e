package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// testEvents is the conformance suite of store.Events: the outbox the
// booking triggers write.
func testEvents(t *testing.T, h Harness) {
	t.Run("BookingChanges", func(t *testing.T) { t.Parallel(); testEventsBookingChanges(t, h) })
	t.Run("Concurrent", func(t *testing.T) { t.Parallel(); testEventsConcurrent(t, h) })
	t.Run("Consumers", func(t *testing.T) { t.Parallel(); testEventsConsumers(t, h) })
}

// testEventsConsumers: a consumer stores its position (never beyond the
// feed), and its unacknowledged view holds the booking events after the
// position it started from until it acknowledges them, once each.
func testEventsConsumers(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 5)
	s := loaded(t, h, f)
	at := time.Now()
	head := func() int64 {
		evs := allEvents(t, s, hotel.EventFilter{})
		if len(evs) == 0 {
			return 0
		}
		return mustPos(t, evs[len(evs)-1])
	}
	if _, err := s.GetConsumer(ctx, "channel"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetConsumer of none = %v", err)
	}
	if _, err := s.AckEvents(ctx, "channel", []int64{1}, at); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("AckEvents of no consumer = %v", err)
	}
	start := head()
	if _, err := s.SetConsumer(ctx, "channel", start+1, at); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a position beyond the feed = %v", err)
	}
	c, err := s.SetConsumer(ctx, "channel", start, at)
	if err != nil || c.Name != "channel" || c.Position != start || c.AckFrom != start || c.CreatedAt.IsZero() {
		t.Fatalf("SetConsumer = %+v, %v", c, err)
	}
	a := insertBooking(t, s, sampleBooking(f, 1, 1000, day(1), 2, hotel.StatusConfirmed))
	b := insertBooking(t, s, sampleBooking(f, 2, 1001, day(2), 1, hotel.StatusConfirmed))
	b.Status = hotel.StatusCancelled
	if err := s.UpdateBooking(ctx, &b, false); err != nil {
		t.Fatal(err)
	}
	allEvents(t, s, hotel.EventFilter{}) // publish
	un, err := s.UnackedEvents(ctx, "channel", 10)
	if err != nil || len(un) != 3 || un[0].Subject != a.ID || un[2].Type != hotel.EventBookingCancelled {
		t.Fatalf("unacknowledged = %+v, %v", un, err)
	}
	n, err := s.AckEvents(ctx, "channel", []int64{mustPos(t, un[0]), mustPos(t, un[2]), mustPos(t, un[2]) + 1000}, at)
	if err != nil || n != 2 {
		t.Fatalf("AckEvents = %d, %v", n, err)
	}
	if n, err := s.AckEvents(ctx, "channel", []int64{mustPos(t, un[0])}, at); err != nil || n != 0 {
		t.Fatalf("AckEvents again = %d, %v", n, err)
	}
	if left, err := s.UnackedEvents(ctx, "channel", 10); err != nil || len(left) != 1 || left[0].ID != un[1].ID {
		t.Fatalf("unacknowledged after acks = %+v, %v", left, err)
	}
	// Moving the position does not move where the view starts.
	end := head()
	if c, err := s.SetConsumer(ctx, "channel", end, at.Add(time.Second)); err != nil || c.Position != end || c.AckFrom != start || !c.UpdatedAt.After(c.CreatedAt) {
		t.Fatalf("SetConsumer again = %+v, %v", c, err)
	}
	if got, err := s.GetConsumer(ctx, "channel"); err != nil || got.Position != end {
		t.Fatalf("GetConsumer = %+v, %v", got, err)
	}
	// Another consumer starting now has nothing to acknowledge.
	if _, err := s.SetConsumer(ctx, "warehouse", end, at); err != nil {
		t.Fatal(err)
	}
	if un, err := s.UnackedEvents(ctx, "warehouse", 10); err != nil || len(un) != 0 {
		t.Fatalf("warehouse's view = %+v, %v", un, err)
	}
	// Pruned events take their acknowledgements with them.
	if _, err := s.PruneEvents(ctx, time.Now().Add(time.Millisecond), 100000); err != nil {
		t.Fatal(err)
	}
	if un, err := s.UnackedEvents(ctx, "channel", 10); err != nil || len(un) != 0 {
		t.Fatalf("view after pruning = %+v, %v", un, err)
	}
}

// allEvents publishes and returns every event after after matching f.
func allEvents(t *testing.T, s store.Store, f hotel.EventFilter) []hotel.Event {
	t.Helper()
	ctx := context.Background()
	if _, err := s.PublishEvents(ctx); err != nil {
		t.Fatal(err)
	}
	var out []hotel.Event
	f.Limit = 7 // several pages
	for {
		page, err := s.ListEvents(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(page) < f.Limit {
			return out
		}
		n, err := strconv.ParseInt(page[len(page)-1].ID, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		f.After = n
	}
}

// testEventsBookingChanges: each committed change of a booking row writes
// one event — created, modified, its new status — in order, with the
// row's state and no guest name; a change of the sync mark alone writes
// none, and a change that is refused none either.
func testEventsBookingChanges(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 5)
	s := loaded(t, h, f)
	bookings := hotel.EventFilter{Types: hotel.BookingEventTypes}
	if evs := allEvents(t, s, bookings); len(evs) != 0 {
		t.Fatalf("a loaded store has %d booking events", len(evs))
	}
	b := insertBooking(t, s, sampleBooking(f, 1, 1000, day(1), 2, hotel.StatusConfirmed))
	other := insertBooking(t, s, sampleBooking(f, 2, 1001, day(2), 1, hotel.StatusFailed))

	// The sync mark alone is no change; a stale update is refused.
	if err := s.SetSyncPending(ctx, b.ID, b.Version, true, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSyncPending(ctx, b.ID, b.Version, false, time.Now()); err != nil {
		t.Fatal(err)
	}
	stale := b
	stale.Version = 7
	if err := s.UpdateBooking(ctx, &stale, false); err == nil {
		t.Fatal("a stale update was written")
	}
	b.StayLength, b.CheckOutDate = 3, day(4)
	if err := s.UpdateBooking(ctx, &b, false); err != nil {
		t.Fatal(err)
	}
	b.Status, b.CancellationCharge, b.CancelledAt = hotel.StatusCancelled, 1234, time.Now()
	if err := s.UpdateBooking(ctx, &b, false); err != nil {
		t.Fatal(err)
	}

	evs := allEvents(t, s, bookings)
	want := []struct {
		typ, subject string
		seq          int64
		version      int
	}{
		{hotel.EventBookingCreated, b.ID, 1, 1}, {hotel.EventBookingFailed, other.ID, 1, 1},
		{hotel.EventBookingModified, b.ID, 2, 2}, {hotel.EventBookingCancelled, b.ID, 3, 3},
	}
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(evs), len(want), evs)
	}
	var last int64
	for i, e := range evs {
		w := want[i]
		pos, err := strconv.ParseInt(e.ID, 10, 64)
		if err != nil || pos <= last {
			t.Fatalf("event %d: id %q after %d", i, e.ID, last)
		}
		last = pos
		var d hotel.BookingEvent
		if err := json.Unmarshal(e.Data, &d); err != nil {
			t.Fatal(err)
		}
		if e.Type != w.typ || e.Subject != w.subject || e.Sequence != w.seq || d.Version != w.version || e.HotelID != 100 ||
			d.RoomID != w.subject || d.BookingID != w.subject || e.Time.IsZero() {
			t.Fatalf("event %d = %+v (data %s), want %+v", i, e, e.Data, w)
		}
	}
	var d hotel.BookingEvent
	_ = json.Unmarshal(evs[3].Data, &d)
	if d.Status != hotel.StatusCancelled || d.StayLength != 3 || d.CancellationFee == nil || *d.CancellationFee != 1234 ||
		d.TotalPrice != b.TotalPrice || d.Currency != b.Currency || d.ConfirmationCode != b.ConfirmationCode || d.RoomTypeID != 1000 {
		t.Fatalf("cancelled event data: %s", evs[3].Data)
	}
	for _, e := range evs {
		var m map[string]any
		_ = json.Unmarshal(e.Data, &m)
		if _, ok := m["guest_name"]; ok {
			t.Fatalf("event data carries a guest name: %s", e.Data)
		}
	}

	if gaps, err := s.EventGaps(ctx, 10); err != nil || len(gaps) != 0 {
		t.Fatalf("EventGaps = %+v, %v; want none", gaps, err)
	}
	// Filters: after a position, by type, by hotel.
	if got := allEvents(t, s, hotel.EventFilter{After: mustPos(t, evs[1]), Types: hotel.BookingEventTypes}); len(got) != 2 || got[0].ID != evs[2].ID {
		t.Fatalf("after %s: %+v", evs[1].ID, got)
	}
	if got := allEvents(t, s, hotel.EventFilter{Types: []string{hotel.EventBookingCancelled, hotel.EventBookingFailed}}); len(got) != 2 ||
		got[0].Type != hotel.EventBookingFailed || got[1].Type != hotel.EventBookingCancelled {
		t.Fatalf("by type: %+v", got)
	}
	if got := allEvents(t, s, hotel.EventFilter{HotelID: 101, Types: hotel.BookingEventTypes}); len(got) != 0 {
		t.Fatalf("hotel 101: %+v", got)
	}
	// Publishing again changes nothing; pruning deletes what is older, a
	// batch at a time.
	if n, err := s.PublishEvents(ctx); err != nil || n != 0 {
		t.Fatalf("publish again: %d, %v", n, err)
	}
	if n, err := s.PruneEvents(ctx, time.Now().Add(-time.Hour), 100); err != nil || n != 0 {
		t.Fatalf("prune of nothing old: %d, %v", n, err)
	}
	horizon := time.Now().Add(time.Millisecond) // after every event written so far
	if n, err := s.PruneEvents(ctx, horizon, 3); err != nil || n != 3 {
		t.Fatalf("prune: %d, %v", n, err)
	}
	if _, err := s.PruneEvents(ctx, horizon, 100000); err != nil {
		t.Fatal(err)
	}
	if got := allEvents(t, s, hotel.EventFilter{}); len(got) != 0 {
		t.Fatalf("after pruning: %+v", got)
	}

	// Rows created before the events were pruned up to are not compared; a
	// newer row whose change has no event is found.
	newer := sampleBooking(f, 3, 1000, day(2), 1, hotel.StatusConfirmed)
	newer.CreatedAt = horizon.Add(time.Second) // created after the horizon, whatever the clock's resolution
	c := insertBooking(t, s, newer)
	if gaps, err := s.EventGaps(ctx, 10); err != nil || len(gaps) != 0 {
		t.Fatalf("EventGaps after pruning = %+v, %v; want none", gaps, err)
	}
	if err := h.Exec(t, s, "DELETE FROM event WHERE subject = '"+c.ID+"'"); err != nil {
		t.Fatal(err)
	}
	if gaps, err := s.EventGaps(ctx, 10); err != nil || len(gaps) != 1 || gaps[0] != (store.EventGap{Subject: c.ID, Version: 1, Events: 0}) {
		t.Fatalf("EventGaps after deleting an event = %+v, %v", gaps, err)
	}
}

func mustPos(t *testing.T, e hotel.Event) int64 {
	t.Helper()
	n, err := strconv.ParseInt(e.ID, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// testEventsConcurrent: bookings changed by many writers at once, while
// readers publish and read: every change is in the feed once, each
// booking's in order, and a reader following the feed from position 0
// sees what a full read sees afterwards.
func testEventsConcurrent(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 5)
	s := loaded(t, h, f)
	const writers, changes = 6, 5
	var wg sync.WaitGroup
	done := make(chan struct{})
	var followed []hotel.Event
	var after int64
	var followErr error
	wg.Go(func() {
		// follow publishes and reads one page; it returns how many events
		// it read, -1 on error.
		follow := func() int {
			if _, err := s.PublishEvents(ctx); err != nil {
				followErr = err
				return -1
			}
			page, err := s.ListEvents(ctx, hotel.EventFilter{After: after, Limit: 50, Types: hotel.BookingEventTypes})
			if err != nil {
				followErr = err
				return -1
			}
			for _, e := range page {
				n, _ := strconv.ParseInt(e.ID, 10, 64)
				after = n
			}
			followed = append(followed, page...)
			return len(page)
		}
		for {
			select {
			case <-done:
				// Every write has committed: read on until a read finds
				// nothing more.
				for follow() > 0 {
				}
				return
			default:
				if follow() < 0 {
					return
				}
			}
		}
	})
	var writersWG sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		writersWG.Go(func() {
			b := sampleBooking(f, 10+w, 1000, day(1), 1, hotel.StatusConfirmed)
			b.AccessToken = ""
			if err := s.InsertBooking(ctx, &b, nil); err != nil {
				errs <- err
				return
			}
			for i := range changes {
				b.Adults = 1 + i%2
				if err := s.UpdateBooking(ctx, &b, false); err != nil {
					errs <- fmt.Errorf("update %d of %s: %w", i, b.ID, err)
					return
				}
			}
		})
	}
	writersWG.Wait()
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if followErr != nil {
		t.Fatal(followErr)
	}
	all := allEvents(t, s, hotel.EventFilter{Types: hotel.BookingEventTypes})
	if len(all) != writers*(changes+1) || len(followed) != len(all) {
		t.Fatalf("%d events, %d followed, want %d", len(all), len(followed), writers*(changes+1))
	}
	seq := map[string]int64{}
	for i, e := range all {
		if followed[i].ID != e.ID || followed[i].Subject != e.Subject {
			t.Fatalf("followed event %d = %s of %s, a full read has %s of %s", i, followed[i].ID, followed[i].Subject, e.ID, e.Subject)
		}
		var d hotel.BookingEvent
		_ = json.Unmarshal(e.Data, &d)
		seq[e.Subject]++
		if e.Sequence != seq[e.Subject] || int64(d.Version) != e.Sequence {
			t.Fatalf("event %s of %s: sequence %d, version %d, want %d", e.ID, e.Subject, e.Sequence, d.Version, seq[e.Subject])
		}
	}
}

// testEventsARIGaps: every ARI and catalogue change has its event and
// every such event its change (EventGaps' ARI half); a change whose event
// is deleted, and an event whose change (touch) is deleted, are found.
func testEventsARIGaps(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(370, 10)
	s := loaded(t, h, f)
	id := bookingID(7)
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: id, HotelID: 370, RoomTypeID: 3700, CheckIn: day(1), CheckOut: day(4)}); err != nil {
		t.Fatal(err)
	}
	flex := hotel.RatePlan{HotelID: 370, RoomTypeID: 3701, Code: "FLEX", Name: "Flexible", MealPlan: "RO", Sellable: true}
	if err := s.CreateRatePlan(ctx, &flex); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyARI(ctx, &hotel.ARIChange{HotelID: 370, Actor: "gaps", Updates: []hotel.ARIUpdate{{
		RoomTypeID: 3701, From: day(2), To: day(5), Rules: &hotel.RestrictionPatch{MinStayArrival: new(2)}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PublishEvents(ctx); err != nil {
		t.Fatal(err)
	}
	if gaps, err := s.EventGaps(ctx, 10); err != nil || len(gaps) != 0 {
		t.Fatalf("EventGaps = %+v, %v; want none", gaps, err)
	}
	// The hold of three nights wrote one event per statement, not one per
	// night (SQLite's row triggers widen the event just written).
	if n, err := h.Int64s(t, s, `SELECT count(*) FROM event WHERE subject = 'hotel/370/room-type/3700'`); err != nil || len(n) != 1 || n[0] > 2 {
		t.Fatalf("events of the hold = %v, %v; want at most 2 (its statements), not one a night", n, err)
	}
	// A change without its event: the hold's availability event deleted.
	if err := h.Exec(t, s, `DELETE FROM event WHERE subject = 'hotel/370/room-type/3700'`); err != nil {
		t.Fatal(err)
	}
	gaps, err := s.EventGaps(ctx, 10)
	if err != nil || len(gaps) == 0 {
		t.Fatalf("EventGaps after deleting an availability event = %+v, %v", gaps, err)
	}
	for _, g := range gaps {
		if g.Subject != "hotel/370/room-type/3700" || !strings.Contains(g.ARI, "change nights") || !strings.Contains(g.ARI, "has no event") {
			t.Fatalf("gap %+v; want the hold's change of room type 3700 without its event", g)
		}
	}
	if err := h.Exec(t, s, `DELETE FROM ari_touch WHERE room_type_id = 3700`); err != nil {
		t.Fatal(err)
	}
	// An event without its change: the restriction change's touches deleted.
	if err := h.Exec(t, s, `DELETE FROM ari_touch WHERE room_type_id = 3701 AND kind = 'rules'`); err != nil {
		t.Fatal(err)
	}
	gaps, err = s.EventGaps(ctx, 10)
	if err != nil || len(gaps) == 0 {
		t.Fatalf("EventGaps after deleting a change = %+v, %v", gaps, err)
	}
	for _, g := range gaps {
		if g.Subject != "hotel/370/room-type/3701" || !strings.Contains(g.ARI, "event ari.changed restrictions") || !strings.Contains(g.ARI, "has no change") {
			t.Fatalf("gap %+v; want the restriction event of room type 3701 without its change", g)
		}
	}
}
