// Package ariindex is the search index: the availability, prices and
// restrictions (ARI) of the hotels searched, kept in memory in arrays by
// day and kept current from the database's feed of changes (store.ARIFeed),
// so that a search quotes every room type × rate plan of a city without
// reading the database.
//
// Freshness: a search first makes sure the index has applied every change
// committed more than MaxLag before the search began (with MaxLag 0, every
// change committed before it began: as fresh as reading the database).
// Concurrent searches share one poll of the feed. A hotel is loaded the
// first time a search needs it, over a window of days (Days from the
// earliest "today" on Earth); a stay outside the window is not answered
// here (Search returns ok false) and the caller reads the database.
//
// The index only answers searches. A booking checks every rule again in
// its own transaction (hotel.Plans.Quote over what the hold reads), so a
// search answered from the index can never sell what the database refuses.
package ariindex

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Source is what the index reads: whole hotels (LoadARI), the hotels of a
// location, and the feed of changes.
type Source interface {
	LoadARI(ctx context.Context, q hotel.ARIQuery) (hotel.ARISnapshot, error)
	ListHotels(ctx context.Context, f hotel.HotelFilter) ([]hotel.Hotel, error)
	store.ARIFeed
}

// Options configure an Index.
type Options struct {
	// Days is how many nights from the window's first day are kept
	// (default DefaultDays).
	Days int
	// MaxLag is how old a change may be and still be missing from a
	// search's answer (0: none may be).
	MaxLag time.Duration
	// Retention is how long the feed keeps touches (default
	// DefaultRetention); an index that could not poll for half of it
	// drops what it holds and loads again.
	Retention time.Duration
	// Now is the business clock: the window follows its days.
	Now func() time.Time
}

// Defaults of Options.
const (
	DefaultDays      = 400
	DefaultRetention = 10 * time.Minute
	// rebuildAfter: once the earliest today has moved this many days past
	// the window's first day, the window moves (everything is loaded again).
	rebuildAfter = 7
	// compactRulesAt is the size of a hotel's table of restrictions past
	// which those no day uses any more are dropped.
	compactRulesAt = 1 << 16
)

// Index is the search index. Its methods are safe for concurrent use.
//
// What changes the hotels it holds — a poll of the feed, a hotel loaded,
// the window moved — happens under pollMu, one at a time, so a hotel's
// load and the polls before and after it cannot miss a change between
// them: the next poll reads every touch since the cursor of the one
// before the load (those the load saw are read back again, harmlessly).
type Index struct {
	src Source
	opt Options

	pollMu     sync.Mutex
	cursor     store.TouchCursor
	cursorAt   time.Time // when cursor was taken, for pruning
	pruneAfter store.TouchCursor

	mu sync.RWMutex
	// polled is when the last poll that succeeded began (monotonic clock).
	polled time.Time
	base   int64 // the window's first day, in days since the Unix epoch
	// hotels loaded, by id; nil for a hotel without room types.
	hotels map[int64]*hotelARI
	// warming: Warm is loading every hotel.
	warming bool
	// locations are the hotel ids of each location searched, as the
	// database matched them (the key is the query's text).
	locations map[string][]int64
	stats     Stats
	// server is the database server the index reads (see pinLocked);
	// written under pollMu and mu.
	server string
}

// Stats count what the index did and holds.
type Stats struct {
	// Polls of the change feed applied, touches read, hotels loaded,
	// searches left to the database (stays outside the window), times
	// everything was dropped (the window moved, or the index fell behind
	// the feed's retention).
	Polls, Touches, HotelLoads, Fallbacks, Resets uint64
	// Prunes counts the calls that pruned the feed behind the index.
	Prunes uint64
	Hotels int       // loaded now
	Polled time.Time // when the last poll applied began (zero: none yet)
}

// New returns an empty index over src.
func New(src Source, opt Options) *Index {
	if opt.Days <= 0 {
		opt.Days = DefaultDays
	}
	if opt.Retention <= 0 {
		opt.Retention = DefaultRetention
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Index{src: src, opt: opt, hotels: map[int64]*hotelARI{}, locations: map[string][]int64{}}
}

// Stats returns the index's counters.
func (x *Index) Stats() Stats {
	x.mu.RLock()
	defer x.mu.RUnlock()
	s := x.stats
	s.Hotels, s.Polled = len(x.hotels), x.polled
	return s
}

// Run polls the feed every MaxLag/2 (from 50 ms to a second) until ctx
// ends, so searches rarely wait for a poll, and prunes the feed's touches
// older than Retention.
func (x *Index) Run(ctx context.Context) {
	every := min(max(x.opt.MaxLag/2, 50*time.Millisecond), time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		x.pollMu.Lock()
		_ = x.pollLocked(ctx, time.Now()) // a failed poll is tried again by the next tick or search
		x.pruneLocked(ctx)
		x.pollMu.Unlock()
	}
}

// warmChunk is how many hotels warm loads at a time (searches wait for
// no more than one chunk's load).
const warmChunk = 100

// Warm loads every hotel, a chunk at a time; meanwhile a search of hotels
// not loaded yet is not answered (ok false: the caller reads the
// database) rather than wait for their load. It returns the first error
// of a read (the hotels not loaded then are loaded by the searches that
// need them).
func (x *Index) Warm(ctx context.Context) error {
	x.mu.Lock()
	x.warming = true
	x.mu.Unlock()
	defer func() {
		x.mu.Lock()
		x.warming = false
		x.mu.Unlock()
	}()
	f := hotel.HotelFilter{Limit: warmChunk}
	for {
		hs, err := x.src.ListHotels(ctx, f)
		if err != nil {
			return fmt.Errorf("search index: warm: %w", err)
		}
		ids := make([]int64, len(hs))
		for i, h := range hs {
			ids[i] = h.ID
		}
		x.pollMu.Lock()
		x.moveWindow(x.opt.Now())
		err = x.pollLocked(ctx, time.Now())
		if err == nil {
			err = x.ensureLocked(ctx, ids)
		}
		x.pollMu.Unlock()
		if err != nil || len(hs) < f.Limit {
			return err
		}
		f.AfterID = hs[len(hs)-1].ID
	}
}

// moveWindow starts the window on the earliest today at now when it has
// none yet or that day has left its first week. pollMu is held.
func (x *Index) moveWindow(now time.Time) {
	earliest := dayOf(hotel.EarliestToday(now))
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.base == 0 || earliest < x.base || earliest > x.base+rebuildAfter {
		x.resetLocked(earliest)
	}
}

// pruneLocked deletes the touches taken before a cursor at least
// Retention old. pollMu is held.
func (x *Index) pruneLocked(ctx context.Context) {
	if x.cursor.IsZero() || time.Since(x.cursorAt) < x.opt.Retention {
		return
	}
	if !x.pruneAfter.IsZero() {
		if _, err := x.src.PruneARITouches(ctx, x.pruneAfter); err == nil { // another replica may have pruned them
			x.count(func(s *Stats) { s.Prunes++ })
		}
	}
	x.pruneAfter, x.cursorAt = x.cursor, time.Now()
}

// Search answers q at time now from the index: ok is false when the stay
// is outside the window (the caller reads the database).
func (x *Index) Search(ctx context.Context, q hotel.SearchQuery, now time.Time) (offers []hotel.Offer, excluded []hotel.Exclusion, ok bool, err error) {
	since := time.Now().Add(-x.opt.MaxLag)
	ids, base, err := x.prepare(ctx, q, now, since)
	if err != nil || ids == nil {
		return nil, nil, false, err
	}
	if !x.serves(ctx) {
		// The caller must see more than the index's server has replayed
		// (its own write): the database answers, from a server that has.
		x.count(func(s *Stats) { s.Fallbacks++ })
		return nil, nil, false, nil
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.base != base {
		return nil, nil, false, nil // the window moved meanwhile
	}

	plans := 0
	for _, id := range ids {
		if h := x.hotels[id]; h != nil {
			plans += len(h.plans)
		}
	}
	s := hotel.NewOfferSearch(q, plans)
	minGuests := q.ARIQuery().MinOccupancy
	for _, id := range ids {
		h := x.hotels[id]
		if h == nil {
			continue // no room type, or unloaded by a change meanwhile
		}
		v := &view{h: h, base: base}
		today := hotel.Today(now, h.hotel.Zone())
		for _, r := range h.rooms {
			if r.rt.MaxOccupancy < minGuests || (q.RoomType != "" && !strings.EqualFold(r.rt.Name, q.RoomType)) {
				continue
			}
			s.RoomType(h.hotel, today, r.rt, r.chains, v)
		}
	}
	offers, excluded = s.Result()
	return offers, excluded, true, nil
}

// prepare makes sure the index has applied a poll that began after since
// and holds the hotels q names, and returns their ids (ascending, not
// nil) and the window's first day; nil ids when the stay is outside the
// window.
func (x *Index) prepare(ctx context.Context, q hotel.SearchQuery, now, since time.Time) ([]int64, int64, error) {
	earliest := dayOf(hotel.EarliestToday(now))
	x.mu.RLock()
	base := x.base
	ids, known := x.cachedLocked(q)
	fresh := x.polled.After(since)
	warming := x.warming
	x.mu.RUnlock()
	moved := base == 0 || earliest < base || earliest > base+rebuildAfter
	if !moved && known && fresh {
		return x.inWindow(q, base, ids)
	}
	if warming && (moved || !known) {
		// Warm is loading every hotel: read the database rather than wait.
		x.count(func(s *Stats) { s.Fallbacks++ })
		return nil, 0, nil
	}

	x.pollMu.Lock()
	defer x.pollMu.Unlock()
	if moved {
		x.moveWindow(now)
	}
	if err := x.pollLocked(ctx, since); err != nil {
		return nil, 0, err
	}
	x.mu.RLock()
	base = x.base
	ids, known = x.cachedLocked(q)
	x.mu.RUnlock()
	if _, _, ok := x.span(q, base); !ok {
		x.count(func(s *Stats) { s.Fallbacks++ })
		return nil, 0, nil
	}
	if !known {
		var err error
		if ids, err = x.locateLocked(ctx, q); err != nil {
			return nil, 0, err
		}
	}
	if err := x.ensureLocked(ctx, ids); err != nil {
		return nil, 0, err
	}
	return x.inWindow(q, base, ids)
}

// inWindow returns ids when q's stay is inside the window starting on
// day base, else nil.
func (x *Index) inWindow(q hotel.SearchQuery, base int64, ids []int64) ([]int64, int64, error) {
	if _, _, ok := x.span(q, base); !ok {
		x.count(func(s *Stats) { s.Fallbacks++ })
		return nil, 0, nil
	}
	if ids == nil {
		ids = []int64{}
	}
	return ids, base, nil
}

// span returns the days of q's check-in and check-out in the window
// starting on day base, and whether both are in it.
func (x *Index) span(q hotel.SearchQuery, base int64) (first, last int, ok bool) {
	first, last = int(dayOf(q.CheckIn)-base), int(dayOf(q.CheckOut)-base)
	return first, last, base != 0 && first >= 0 && last <= x.opt.Days && first < last
}

// cachedLocked returns the ids of the hotels q names when every one of
// them is loaded. mu is held.
func (x *Index) cachedLocked(q hotel.SearchQuery) ([]int64, bool) {
	ids := []int64{q.HotelID}
	if q.Location != "" {
		at, ok := x.locations[q.Location]
		if !ok {
			return nil, false
		}
		ids = narrow(at, q.HotelID)
	}
	for _, id := range ids {
		if _, ok := x.hotels[id]; !ok {
			return nil, false
		}
	}
	return ids, true
}

func (x *Index) count(f func(*Stats)) {
	x.mu.Lock()
	f(&x.stats)
	x.mu.Unlock()
}

// resetLocked drops every hotel and starts the window on day base. mu
// (and pollMu) are held.
func (x *Index) resetLocked(base int64) {
	x.base = base
	x.hotels = map[int64]*hotelARI{}
	x.locations = map[string][]int64{}
	x.stats.Resets++
}

// pinLocked returns ctx with the index's reads pinned to one server of a
// store that reads from replicas (store.ReadPinner) — the one a read
// would go to now, whatever the request's context says — and, when that
// is not the server of the reads before, drops what the index holds and
// takes a cursor there: two servers are not at the same point of the
// history (a standby behind the other would give back older rows for
// touches already applied). The first standby in use is kept while it
// stays in use, so this happens when standbys come and go. pollMu is held.
func (x *Index) pinLocked(ctx context.Context) (context.Context, error) {
	p, ok := x.src.(store.ReadPinner)
	if !ok {
		return ctx, nil
	}
	ctx, server := p.PinReads(store.WithReadRoute(ctx, store.ReadRoute{}))
	x.mu.RLock()
	same := server == x.server
	x.mu.RUnlock()
	if same {
		return ctx, nil
	}
	x.mu.Lock()
	first := x.server == ""
	x.server = server
	if !first {
		x.resetLocked(x.base)
	}
	x.mu.Unlock()
	x.cursor = store.TouchCursor{}
	return ctx, x.applyPoll(ctx) // takes the cursor
}

// serves reports whether the server the index reads holds what ctx's
// reads must see (store.ReadPinner.Serves).
func (x *Index) serves(ctx context.Context) bool {
	p, ok := x.src.(store.ReadPinner)
	if !ok {
		return true
	}
	x.mu.RLock()
	server := x.server
	x.mu.RUnlock()
	return server == "" || p.Serves(ctx, server)
}

// pollLocked applies a poll unless one that began after since was
// applied already. pollMu is held.
func (x *Index) pollLocked(ctx context.Context, since time.Time) error {
	x.mu.RLock()
	polled := x.polled
	x.mu.RUnlock()
	if polled.After(since) {
		return nil // a poll that began after since finished while this one waited
	}
	began := time.Now()
	ctx, err := x.pinLocked(ctx)
	if err != nil {
		return fmt.Errorf("search index: poll: %w", err)
	}
	if !polled.IsZero() && began.Sub(polled) > x.opt.Retention/2 {
		// The touches since the last poll may be pruned: start again.
		x.cursor = store.TouchCursor{}
		x.mu.Lock()
		x.resetLocked(x.base)
		x.mu.Unlock()
	}
	if err := x.applyPoll(ctx); err != nil {
		return fmt.Errorf("search index: poll: %w", err)
	}
	x.mu.Lock()
	x.polled = began
	x.mu.Unlock()
	return nil
}

// applyPoll applies the touches committed since the cursor. pollMu is held.
func (x *Index) applyPoll(ctx context.Context) error {
	touches, next, err := x.src.ARITouches(ctx, x.cursor)
	if err != nil {
		return err
	}
	if x.cursor.IsZero() {
		// Nothing is loaded before the first cursor is taken.
		x.mu.Lock()
		x.resetLocked(x.base)
		x.mu.Unlock()
		x.cursor, x.cursorAt = next, time.Now()
		return nil
	}
	// The touches of loaded hotels (only polls and loads, under pollMu,
	// change which are): catalogue changes load the hotel again, the
	// others read their ranges back.
	x.mu.RLock()
	base := x.base
	var ranges []store.ARITouch
	reload := map[int64]bool{}
	unknown := false
	for _, t := range touches {
		h, known := x.hotels[t.HotelID]
		switch {
		case t.Kind == store.TouchCatalogue && known:
			reload[t.HotelID] = true
		case t.Kind == store.TouchCatalogue:
			unknown = true // maybe a hotel new to a location searched
		case h != nil:
			ranges = append(ranges, t)
		}
	}
	x.mu.RUnlock()
	rows, err := x.src.LoadARIRanges(ctx, ranges)
	if err != nil {
		return err
	}
	var loaded map[int64]*hotelARI
	if len(reload) > 0 {
		ids := make([]int64, 0, len(reload))
		for id := range reload {
			ids = append(ids, id)
		}
		if loaded, err = x.load(ctx, ids, base); err != nil {
			return err
		}
	}

	x.mu.Lock()
	defer x.mu.Unlock()
	x.stats.Polls++
	x.stats.Touches += uint64(len(touches))
	x.applyLocked(ranges, rows)
	for id := range reload {
		old := x.hotels[id]
		h := loaded[id]
		x.hotels[id] = h
		if old == nil || h == nil || old.hotel.Location != h.hotel.Location {
			unknown = true // it may have moved: the location lists are read again
		}
	}
	if unknown {
		x.locations = map[string][]int64{}
	}
	x.cursor = next
	return nil
}

// locateLocked reads the ids of the hotels q names (one, those at its
// location, or the one if it is at the location) and keeps a location's.
// pollMu is held.
func (x *Index) locateLocked(ctx context.Context, q hotel.SearchQuery) ([]int64, error) {
	if q.Location == "" {
		return []int64{q.HotelID}, nil
	}
	ctx, err := x.pinLocked(ctx) // the same server as the feed's: one that knows the hotels the feed told of
	if err != nil {
		return nil, err
	}
	ids := []int64{}
	f := hotel.HotelFilter{Location: q.Location, Limit: 1000}
	for {
		hs, err := x.src.ListHotels(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			ids = append(ids, h.ID)
		}
		if len(hs) < f.Limit {
			break
		}
		f.AfterID = hs[len(hs)-1].ID
	}
	x.mu.Lock()
	x.locations[q.Location] = ids
	x.mu.Unlock()
	return narrow(ids, q.HotelID), nil
}

// narrow returns the hotels of a location, or only hotel id of them when
// id is not 0 (a search of a hotel and a location).
func narrow(ids []int64, id int64) []int64 {
	if id == 0 {
		return ids
	}
	if slices.Contains(ids, id) {
		return []int64{id}
	}
	return []int64{}
}

// ensureLocked loads the hotels of ids not loaded yet. pollMu is held.
func (x *Index) ensureLocked(ctx context.Context, ids []int64) error {
	x.mu.RLock()
	var missing []int64
	for _, id := range ids {
		if _, ok := x.hotels[id]; !ok {
			missing = append(missing, id)
		}
	}
	x.mu.RUnlock()
	if len(missing) == 0 {
		return nil
	}
	ctx, err := x.pinLocked(ctx)
	if err != nil {
		return err
	}
	x.mu.RLock()
	base := x.base // after pinLocked, which may have started afresh
	missing = missing[:0]
	for _, id := range ids {
		if _, ok := x.hotels[id]; !ok {
			missing = append(missing, id)
		}
	}
	x.mu.RUnlock()
	if len(missing) == 0 {
		return nil
	}
	loaded, err := x.load(ctx, missing, base)
	if err != nil {
		return err
	}
	x.mu.Lock()
	for _, id := range missing {
		x.hotels[id] = loaded[id] // nil: no room type, nothing to offer
	}
	x.stats.HotelLoads += uint64(len(missing))
	x.mu.Unlock()
	return nil
}

// load reads whole hotels over the window starting on day base.
func (x *Index) load(ctx context.Context, ids []int64, base int64) (map[int64]*hotelARI, error) {
	from := dateOf(base)
	snap, err := x.src.LoadARI(ctx, hotel.ARIQuery{HotelIDs: ids, From: from, To: from.AddDays(x.opt.Days)})
	if err != nil {
		return nil, err
	}
	return build(snap, base, x.opt.Days), nil
}

// dayOf is d's number of days since the Unix epoch.
func dayOf(d hotel.Date) int64 { return d.Time().Unix() / 86400 }

// dateOf is the date of a day number.
func dateOf(day int64) hotel.Date { return hotel.DateOf(time.Unix(day*86400, 0).UTC()) }
