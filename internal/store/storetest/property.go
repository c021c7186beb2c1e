package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// The property test runs a random sequence of hold, move, release, adjust,
// calendar and allowance operations against a small hotel, predicts each
// outcome with a model, and checks after every step that the store agrees:
// every night's held equals the number of holds holding it, held + blocked
// never exceeds capacity + allowance, and a refused operation changed nothing.

const (
	propSteps = 300
	propDays  = 10 // operations touch days 0..propDays+1; the calendar starts with days 0-7
)

// propRoomTypes are the room types of hotel 100 the property test uses.
var propRoomTypes = []int64{1000, 1001}

type propKey struct {
	rt  int64
	day int
}

type propNight struct {
	capacity, blocked int
	price             hotel.Cents
	demand            string
}

type propHold struct {
	req      hotel.HoldRequest // the request that created it
	rt       int64
	in, out  int
	nights   map[int]hotel.Cents // held day → price
	released bool
}

type propTest struct {
	t         *testing.T
	s         store.Store
	r         *rand.Rand
	f         Fixture
	step      int
	what      string // the current operation, for failure messages
	kind      string // its kind, for the statistics
	nights    map[propKey]*propNight
	allowance map[int64]int
	holds     map[string]*propHold
	ids       []string // hold ids in creation order
	stats     map[string]int
}

func testHoldProperty(t *testing.T, h Harness) {
	f := newInventoryFixture(100, 8)
	for d := range 8 {
		f.set(1000, d, func(n *hotel.Night) { n.Capacity = 3 })
		f.set(1001, d, func(n *hotel.Night) { n.Capacity = 2 })
	}
	p := &propTest{
		t: t, s: loaded(t, h, f), r: seeded(t), f: f,
		nights: map[propKey]*propNight{}, allowance: map[int64]int{}, holds: map[string]*propHold{}, stats: map[string]int{},
	}
	for _, n := range f.Nights {
		if n.HotelID == 100 {
			p.nights[propKey{n.RoomTypeID, Start.DaysUntil(n.Date)}] = &propNight{capacity: n.Capacity, price: n.Price, demand: n.DemandLevel}
		}
	}
	p.what = "setting allowance 1 on room type 1001"
	p.setAllowance(1001, 1)
	p.checkInventory()
	for p.step = 1; p.step <= propSteps; p.step++ {
		p.randomOp()
		p.checkInventory()
		if p.step%25 == 0 {
			p.checkHolds()
		}
	}
	p.checkHolds()
	t.Logf("%d holds; outcomes: %v", len(p.ids), p.stats)
}

func (p *propTest) fatalf(format string, args ...any) {
	p.t.Helper()
	p.t.Fatalf("step %d (%s): %s", p.step, p.what, fmt.Sprintf(format, args...))
}

// count records an outcome of the current kind of operation.
func (p *propTest) count(outcome string) { p.stats[p.kind+" "+outcome]++ }

func (p *propTest) randomOp() {
	switch x := p.r.IntN(100); {
	case x < 28 || len(p.ids) == 0:
		p.createNew()
	case x < 32:
		p.createRepeat()
	case x < 36:
		p.createOther()
	case x < 54:
		p.move()
	case x < 64:
		p.release(false)
	case x < 76:
		p.release(true)
	case x < 78:
		p.unknownID()
	case x < 90:
		p.adjust()
	case x < 97:
		p.calendar()
	default:
		rt := propRoomTypes[p.r.IntN(len(propRoomTypes))]
		n := p.r.IntN(3)
		p.what = fmt.Sprintf("allowance %d on room type %d", n, rt)
		p.setAllowance(rt, n)
	}
}

// held returns how many holds hold the night k in the model.
func (p *propTest) held(k propKey) int {
	n := 0
	for _, h := range p.holds {
		if _, ok := h.nights[k.day]; ok && h.rt == k.rt {
			n++
		}
	}
	return n
}

func (p *propTest) available(k propKey) int {
	n := p.nights[k]
	return n.capacity + p.allowance[k.rt] - p.held(k) - n.blocked
}

// short returns the days of rt among ds (ascending) that lack a room for
// sale or inventory, skipping kept days.
func (p *propTest) short(rt int64, ds []int, kept map[int]hotel.Cents) []hotel.Date {
	var out []hotel.Date
	for _, d := range ds {
		if _, ok := kept[d]; ok {
			continue
		}
		k := propKey{rt, d}
		if _, ok := p.nights[k]; !ok || p.available(k) < 1 {
			out = append(out, day(d))
		}
	}
	return out
}

func span(first, end int) []int {
	var ds []int
	for d := first; d < end; d++ {
		ds = append(ds, d)
	}
	return ds
}

// stay returns a random room type and stay of 1-3 nights starting in the window.
func (p *propTest) stay() (rt int64, in, out int) {
	rt = propRoomTypes[p.r.IntN(len(propRoomTypes))]
	in = p.r.IntN(propDays)
	return rt, in, in + 1 + p.r.IntN(3)
}

// pick returns a random existing hold id; with preferHeld, most often one
// still held (when there is one).
func (p *propTest) pick(preferHeld bool) (string, *propHold) {
	ids := p.ids
	if preferHeld && p.r.IntN(5) > 0 {
		held := slices.DeleteFunc(slices.Clone(p.ids), func(id string) bool { return p.holds[id].released })
		if len(held) > 0 {
			ids = held
		}
	}
	id := ids[p.r.IntN(len(ids))]
	return id, p.holds[id]
}

// want returns the model's hold id as the store should show it.
func (p *propTest) want(id string) hotel.Hold {
	h := p.holds[id]
	w := hotel.Hold{
		BookingID: id, HotelID: 100, RoomTypeID: h.rt, CheckIn: day(h.in), CheckOut: day(h.out),
		Status: hotel.HoldHeld, Currency: "GBP",
	}
	if h.released {
		w.Status = hotel.HoldReleased
	}
	for _, d := range slices.Sorted(maps.Keys(h.nights)) {
		w.Nights = append(w.Nights, hotel.NightPrice{Date: day(d), Price: h.nights[d]})
		w.TotalPrice += h.nights[d]
	}
	return w
}

// checkHold fails unless got is the model's hold id.
func (p *propTest) checkHold(id string, got hotel.Hold) {
	p.t.Helper()
	if d := holdDiff(got, p.want(id)); d != "" {
		p.fatalf("hold %s differs from the model:%s", id, d)
	}
}

// stored fails unless GetHold(id) is the model's hold.
func (p *propTest) stored(id string) {
	p.t.Helper()
	got, err := p.s.GetHold(context.Background(), id)
	if err != nil {
		p.fatalf("GetHold(%s): %v", id, err)
	}
	p.checkHold(id, got)
}

func (p *propTest) wantRefusal(err, sentinel error, nights []hotel.Date) {
	p.t.Helper()
	if d := nightsErrorDiff(err, sentinel, nights); d != "" {
		p.fatalf("%s", d)
	}
	p.count("refused")
}

func (p *propTest) wantPlainConflict(err error) {
	p.t.Helper()
	var ne *store.NightsError
	if !errors.Is(err, store.ErrConflict) || errors.As(err, &ne) {
		p.fatalf("error %v, want ErrConflict (not a *store.NightsError)", err)
	}
	p.count("conflict")
}

func (p *propTest) createNew() {
	p.kind = "create"
	rt, in, out := p.stay()
	id := bookingID(len(p.ids) + 1)
	req := hotel.HoldRequest{BookingID: id, HotelID: 100, RoomTypeID: rt, CheckIn: day(in), CheckOut: day(out)}
	p.what = fmt.Sprintf("CreateHold %s room type %d days %d-%d", id, rt, in, out-1)
	short := p.short(rt, span(in, out), nil)
	got, created, err := p.s.CreateHold(context.Background(), req)
	if len(short) > 0 {
		p.wantRefusal(err, store.ErrConflict, short)
		noHold(p.t, p.s, id)
		return
	}
	if err != nil || !created {
		p.fatalf("created %v, %v; want a new hold", created, err)
	}
	h := &propHold{req: req, rt: rt, in: in, out: out, nights: map[int]hotel.Cents{}}
	for d := in; d < out; d++ {
		h.nights[d] = p.nights[propKey{rt, d}].price
	}
	p.holds[id] = h
	p.ids = append(p.ids, id)
	p.checkHold(id, got)
	p.count("ok")
}

func (p *propTest) createRepeat() {
	p.kind = "create again"
	id, h := p.pick(false)
	p.what = "CreateHold repeating the request of " + id
	got, created, err := p.s.CreateHold(context.Background(), h.req)
	if err != nil || created {
		p.fatalf("created %v, %v; want the existing hold, created false", created, err)
	}
	p.checkHold(id, got)
	p.count("ok")
}

func (p *propTest) createOther() {
	p.kind = "create with a used id"
	id, h := p.pick(false)
	rt, in, out := p.stay()
	if rt == h.req.RoomTypeID && day(in) == h.req.CheckIn && day(out) == h.req.CheckOut {
		out++
	}
	p.what = fmt.Sprintf("CreateHold %s (used) for room type %d days %d-%d", id, rt, in, out-1)
	_, _, err := p.s.CreateHold(context.Background(), hotel.HoldRequest{BookingID: id, HotelID: 100, RoomTypeID: rt, CheckIn: day(in), CheckOut: day(out)})
	p.wantPlainConflict(err)
	p.stored(id)
}

func (p *propTest) move() {
	p.kind = "move"
	id, h := p.pick(true)
	rt, in, out := p.stay()
	p.what = fmt.Sprintf("MoveHold %s to room type %d days %d-%d", id, rt, in, out-1)
	got, err := p.s.MoveHold(context.Background(), id, hotel.HoldMove{RoomTypeID: rt, CheckIn: day(in), CheckOut: day(out)})
	if h.released {
		p.wantPlainConflict(err)
		p.stored(id)
		return
	}
	kept := map[int]hotel.Cents{}
	if rt == h.rt {
		for d, price := range h.nights {
			if d >= in && d < out {
				kept[d] = price
			}
		}
	}
	if short := p.short(rt, span(in, out), kept); len(short) > 0 {
		p.wantRefusal(err, store.ErrConflict, short)
		p.stored(id)
		return
	}
	if err != nil {
		p.fatalf("%v", err)
	}
	for d := in; d < out; d++ {
		if _, ok := kept[d]; !ok {
			kept[d] = p.nights[propKey{rt, d}].price
		}
	}
	h.rt, h.in, h.out, h.nights = rt, in, out, kept
	p.checkHold(id, got)
	p.count("ok")
}

func (p *propTest) release(fromDate bool) {
	p.kind = "release"
	id, h := p.pick(fromDate)
	var r hotel.HoldRelease
	from := -1
	p.what = "ReleaseHold " + id
	if fromDate {
		p.kind = "release from"
		from = p.r.IntN(propDays+2) - 1
		r.From = day(from)
		p.what += fmt.Sprintf(" from day %d", from)
	}
	got, err := p.s.ReleaseHold(context.Background(), id, r)
	if err != nil {
		p.fatalf("%v", err)
	}
	switch {
	case h.released:
	case fromDate && from > h.in:
		for d := range h.nights {
			if d >= from {
				delete(h.nights, d)
			}
		}
		h.out = min(h.out, from)
	default:
		h.nights, h.released = map[int]hotel.Cents{}, true
		if fromDate { // released from check-in or before: the stay ends where it began
			h.out = h.in
		}
	}
	p.checkHold(id, got)
	p.count("ok")
}

func (p *propTest) unknownID() {
	p.kind = "unknown id"
	ctx := context.Background()
	id := bookingID(1000000 + p.step)
	p.what = "calls on the unknown hold " + id
	if _, err := p.s.GetHold(ctx, id); !errors.Is(err, store.ErrNotFound) {
		p.fatalf("GetHold = %v, want ErrNotFound", err)
	}
	if _, err := p.s.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: 1000, CheckIn: day(0), CheckOut: day(1)}); !errors.Is(err, store.ErrNotFound) {
		p.fatalf("MoveHold = %v, want ErrNotFound", err)
	}
	if _, err := p.s.ReleaseHold(ctx, id, hotel.HoldRelease{}); !errors.Is(err, store.ErrNotFound) {
		p.fatalf("ReleaseHold = %v, want ErrNotFound", err)
	}
	p.count("not found")
}

// wantEither accepts a refusal naming the missing nights (ErrNotFound) or
// the short ones (ErrConflict), when the contract does not order the two.
func (p *propTest) wantEither(err error, missing, short []hotel.Date) {
	p.t.Helper()
	switch {
	case len(short) == 0:
		p.wantRefusal(err, store.ErrNotFound, missing)
	case len(missing) == 0:
		p.wantRefusal(err, store.ErrConflict, short)
	case nightsErrorDiff(err, store.ErrNotFound, missing) != "" && nightsErrorDiff(err, store.ErrConflict, short) != "":
		p.fatalf("error %v, want a *store.NightsError naming %v (ErrNotFound) or %v (ErrConflict)", err, missing, short)
	default:
		p.count("refused")
	}
}

func (p *propTest) adjust() {
	p.kind = "adjust"
	rt := propRoomTypes[p.r.IntN(len(propRoomTypes))]
	first := p.r.IntN(propDays)
	last := first + p.r.IntN(3)
	n := []int{-2, -1, 1, 2}[p.r.IntN(4)]
	p.what = fmt.Sprintf("Adjust %+d rooms of room type %d days %d-%d", n, rt, first, last)
	var missing, short []hotel.Date
	for d := first; d <= last; d++ {
		k := propKey{rt, d}
		switch night, ok := p.nights[k]; {
		case !ok:
			missing = append(missing, day(d))
		case n > 0 && p.available(k) < n, n < 0 && night.blocked < -n:
			short = append(short, day(d))
		}
	}
	a := &hotel.Adjustment{
		HotelID: 100, RoomTypeID: rt, RoomType: p.f.roomType(rt).Name, StartDate: day(first), EndDate: day(last),
		NumRooms: n, Reason: "property test", Actor: "prop",
	}
	replayed, err := p.s.Adjust(context.Background(), a)
	if len(missing)+len(short) > 0 {
		p.wantEither(err, missing, short)
		return
	}
	if err != nil || replayed {
		p.fatalf("replayed %v, %v; want applied", replayed, err)
	}
	for d := first; d <= last; d++ {
		p.nights[propKey{rt, d}].blocked += n
	}
	p.count("ok")
}

func (p *propTest) calendar() {
	p.kind = "calendar"
	rt := propRoomTypes[p.r.IntN(len(propRoomTypes))]
	first := p.r.IntN(propDays)
	last := first + p.r.IntN(3)
	u := hotel.CalendarUpdate{HotelID: 100, RoomTypeID: rt, StartDate: day(first), EndDate: day(last)}
	p.what = fmt.Sprintf("SetCalendar room type %d days %d-%d", rt, first, last)
	if p.r.IntN(2) == 0 {
		u.Capacity = ptr(p.r.IntN(5))
		p.what += fmt.Sprintf(" capacity %d", *u.Capacity)
	}
	if p.r.IntN(2) == 0 {
		u.Price = ptr(hotel.Cents(10000 + 100*p.r.IntN(100)))
		p.what += " price " + u.Price.String()
	}
	if p.r.IntN(3) == 0 || (u.Capacity == nil && u.Price == nil) {
		u.DemandLevel = ptr([]string{hotel.DemandLow, hotel.DemandMedium, hotel.DemandHigh}[p.r.IntN(3)])
		p.what += " demand " + *u.DemandLevel
	}
	create := u.Capacity != nil && u.Price != nil
	var missing, short []hotel.Date
	var want hotel.CalendarResult
	for d := first; d <= last; d++ {
		k := propKey{rt, d}
		switch _, ok := p.nights[k]; {
		case !ok && !create:
			missing = append(missing, day(d))
		case !ok:
			want.Created++
		case u.Capacity != nil && *u.Capacity+p.allowance[rt] < p.held(k)+p.nights[k].blocked:
			short = append(short, day(d))
		default:
			want.Updated++
		}
	}
	got, err := p.s.SetCalendar(context.Background(), u)
	if len(missing)+len(short) > 0 {
		p.wantEither(err, missing, short)
		return
	}
	if err != nil || got != want {
		p.fatalf("= %+v, %v; want %+v", got, err, want)
	}
	for d := first; d <= last; d++ {
		k := propKey{rt, d}
		n, ok := p.nights[k]
		if !ok {
			n = &propNight{demand: hotel.DemandMedium}
			p.nights[k] = n
		}
		if u.Capacity != nil {
			n.capacity = *u.Capacity
		}
		if u.Price != nil {
			n.price = *u.Price
		}
		if u.DemandLevel != nil {
			n.demand = *u.DemandLevel
		}
	}
	p.count("ok")
}

func (p *propTest) setAllowance(rt int64, allowance int) {
	p.kind = "allowance"
	var short []hotel.Date
	for _, k := range p.nightKeys() {
		if n := p.nights[k]; k.rt == rt && p.held(k)+n.blocked > n.capacity+allowance {
			short = append(short, day(k.day))
		}
	}
	r := p.f.roomType(rt)
	r.OverbookingAllowance = allowance
	err := p.s.UpdateRoomType(context.Background(), r)
	if len(short) > 0 {
		p.wantRefusal(err, store.ErrConflict, short)
		return
	}
	if err != nil {
		p.fatalf("UpdateRoomType: %v", err)
	}
	p.allowance[rt] = allowance
	p.count("ok")
}

// nightKeys returns the model's nights by room type, then day.
func (p *propTest) nightKeys() []propKey {
	return slices.SortedFunc(maps.Keys(p.nights), func(a, b propKey) int {
		if a.rt != b.rt {
			return int(a.rt - b.rt)
		}
		return a.day - b.day
	})
}

// checkInventory fails unless the store's nights of hotel 100 are the model's.
func (p *propTest) checkInventory() {
	p.t.Helper()
	items, err := p.s.ListInventory(context.Background(), hotel.InventoryFilter{HotelID: 100, Limit: 100000})
	if err != nil {
		p.fatalf("ListInventory: %v", err)
	}
	seen := map[propKey]bool{}
	for _, it := range items {
		k := propKey{it.RoomTypeID, Start.DaysUntil(it.Date)}
		seen[k] = true
		n, ok := p.nights[k]
		if !ok {
			p.fatalf("the store has a night %s of room type %d the model does not", it.Date, it.RoomTypeID)
		}
		held := p.held(k)
		if held+n.blocked > n.capacity+p.allowance[k.rt] {
			p.fatalf("model overbooked on %s of room type %d (a bug in the test)", it.Date, k.rt)
		}
		want := nightState{n.capacity, n.capacity + p.allowance[k.rt] - held - n.blocked, n.price, n.demand}
		if got := (nightState{it.TotalRooms, it.AvailableRooms, it.RoomPrice, it.DemandLevel}); got != want {
			p.fatalf("night %s of room type %d = %v, want %v (held %d, blocked %d, allowance %d)",
				it.Date, k.rt, got, want, held, n.blocked, p.allowance[k.rt])
		}
	}
	for _, k := range p.nightKeys() {
		if !seen[k] {
			p.fatalf("the store lacks night %s of room type %d", day(k.day), k.rt)
		}
	}
}

// checkHolds reads every hold back and checks that each night's held (from
// ListInventory, with the model's blocked and allowance) equals the number
// of holds holding it.
func (p *propTest) checkHolds() {
	p.t.Helper()
	p.what, p.kind = "checking every hold", "check"
	holding := map[propKey]int{}
	for _, id := range p.ids {
		got, err := p.s.GetHold(context.Background(), id)
		if err != nil {
			p.fatalf("GetHold(%s): %v", id, err)
		}
		p.checkHold(id, got)
		for _, n := range got.Nights {
			holding[propKey{got.RoomTypeID, Start.DaysUntil(n.Date)}]++
		}
	}
	items, err := p.s.ListInventory(context.Background(), hotel.InventoryFilter{HotelID: 100, Limit: 100000})
	if err != nil {
		p.fatalf("ListInventory: %v", err)
	}
	for _, it := range items {
		k := propKey{it.RoomTypeID, Start.DaysUntil(it.Date)}
		held := it.TotalRooms + p.allowance[k.rt] - p.nights[k].blocked - it.AvailableRooms
		if held != holding[k] {
			p.fatalf("night %s of room type %d: held %d, but %d holds hold it", it.Date, k.rt, held, holding[k])
		}
	}
}
