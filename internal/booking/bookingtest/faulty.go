package bookingtest

import (
	"context"
	"sync"
	"time"

	"github.com/hotelplatform/hotel"
)

// Inventory methods the booking service calls, as Faulty names them.
const (
	CreateHold    = "CreateHold"
	CreateHolds   = "CreateHolds"
	GetHold       = "GetHold"
	MoveHold      = "MoveHold"
	ReleaseHold   = "ReleaseHold"
	GetHotel      = "GetHotel"
	ListRoomTypes = "ListRoomTypes"
)

// Fault is what Faulty does to calls of one method.
type Fault struct {
	// Err is returned instead of the call's own result (nil: the call's).
	Err error
	// After makes the call first and then returns Err: the effect happened
	// but the answer was lost (a timeout, a crash between steps).
	After bool
	// Delay waits before the call (or until the caller's context ends,
	// returning its error as an unavailable inventory would).
	Delay time.Duration
	// Times is how many calls the fault affects; 0 means every call until
	// Clear.
	Times int
}

// Unavailable is the error of an inventory that cannot be reached.
var Unavailable = &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "inventory unavailable (injected fault)"}

// Faulty is an inventory service that injects faults into the calls the
// booking service makes, and counts them. Methods not listed above pass
// through untouched.
type Faulty struct {
	hotel.InventoryService

	mu     sync.Mutex
	faults map[string]Fault
	calls  map[string]int
}

// NewFaulty wraps inv.
func NewFaulty(inv hotel.InventoryService) *Faulty {
	return &Faulty{InventoryService: inv, faults: map[string]Fault{}, calls: map[string]int{}}
}

// Set makes calls of method behave as f (replacing any earlier fault).
func (f *Faulty) Set(method string, fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.faults == nil {
		f.faults = map[string]Fault{}
	}
	f.faults[method] = fault
}

// Clear removes every fault.
func (f *Faulty) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.faults)
}

// Calls returns how many calls of method were made (faulty or not).
func (f *Faulty) Calls(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

// enter counts a call of method and returns the fault to apply to it.
func (f *Faulty) enter(method string) (Fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[method]++
	fault, ok := f.faults[method]
	if !ok {
		return Fault{}, false
	}
	if fault.Times > 0 {
		if fault.Times == 1 {
			delete(f.faults, method)
		} else {
			fault.Times--
			f.faults[method] = fault
			fault.Times++
		}
	}
	return fault, true
}

// do runs call under method's fault.
func do[T any](ctx context.Context, f *Faulty, method string, call func() (T, error)) (T, error) {
	fault, ok := f.enter(method)
	var zero T
	if !ok {
		return call()
	}
	if fault.Delay > 0 {
		t := time.NewTimer(fault.Delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return zero, &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "inventory timed out (injected delay)", Err: ctx.Err()}
		case <-t.C:
		}
	}
	if fault.Err == nil {
		return call()
	}
	if fault.After {
		_, _ = call()
	}
	return zero, fault.Err
}

// CreateHold implements hotel.InventoryService.
func (f *Faulty) CreateHold(ctx context.Context, req hotel.HoldRequest) (*hotel.Hold, bool, error) {
	var created bool
	h, err := do(ctx, f, CreateHold, func() (*hotel.Hold, error) {
		h, c, err := f.InventoryService.CreateHold(ctx, req)
		created = c
		return h, err
	})
	return h, created && err == nil, err
}

// CreateHolds implements hotel.InventoryService.
func (f *Faulty) CreateHolds(ctx context.Context, reqs []hotel.HoldRequest) ([]hotel.Hold, bool, error) {
	var created bool
	hs, err := do(ctx, f, CreateHolds, func() ([]hotel.Hold, error) {
		hs, c, err := f.InventoryService.CreateHolds(ctx, reqs)
		created = c
		return hs, err
	})
	return hs, created && err == nil, err
}

// GetHold implements hotel.InventoryService.
func (f *Faulty) GetHold(ctx context.Context, id string) (*hotel.Hold, error) {
	return do(ctx, f, GetHold, func() (*hotel.Hold, error) { return f.InventoryService.GetHold(ctx, id) })
}

// MoveHold implements hotel.InventoryService.
func (f *Faulty) MoveHold(ctx context.Context, id string, m hotel.HoldMove) (*hotel.Hold, error) {
	return do(ctx, f, MoveHold, func() (*hotel.Hold, error) { return f.InventoryService.MoveHold(ctx, id, m) })
}

// ReleaseHold implements hotel.InventoryService.
func (f *Faulty) ReleaseHold(ctx context.Context, id string, r hotel.HoldRelease) (*hotel.Hold, error) {
	return do(ctx, f, ReleaseHold, func() (*hotel.Hold, error) { return f.InventoryService.ReleaseHold(ctx, id, r) })
}

// GetHotel implements hotel.InventoryService.
func (f *Faulty) GetHotel(ctx context.Context, id int64) (*hotel.Hotel, error) {
	return do(ctx, f, GetHotel, func() (*hotel.Hotel, error) { return f.InventoryService.GetHotel(ctx, id) })
}

// ListRoomTypes implements hotel.InventoryService.
func (f *Faulty) ListRoomTypes(ctx context.Context, id int64) ([]hotel.RoomType, error) {
	return do(ctx, f, ListRoomTypes, func() ([]hotel.RoomType, error) { return f.InventoryService.ListRoomTypes(ctx, id) })
}
