package store

import (
	"context"
	"time"
)

// Where reads go. A driver with read replicas (PostgreSQL standbys) sends
// the reads that may lag — search, the ARI calendar, the catalogue,
// inventory listings, the change and event feeds — to a replica that is
// current enough, and everything else to the primary. A caller that must
// see writes says so in the context:
//
//   - ReadPrimary: every read made with the context goes to the primary
//     (a request that writes, a service-to-service call, the booking
//     service);
//   - ReadAfter(t): reads go to a replica only if it has replayed every
//     transaction the primary had committed at t (read-your-writes for a
//     client that wrote at t); otherwise to the primary.
//
// Drivers without replicas ignore both.

type readKey struct{}

// ReadRoute is what a context says about where its reads may go.
type ReadRoute struct {
	// Primary: only the primary.
	Primary bool
	// After: only a replica that has every commit made before this time
	// (zero: any replica within the lag bound).
	After time.Time
	// Pin, set by a driver's PinReads, names the server every read of the
	// context goes to.
	Pin string
}

// ReadPrimary returns ctx whose reads all go to the primary.
func ReadPrimary(ctx context.Context) context.Context {
	r := ReadRouteOf(ctx)
	r.Primary = true
	return context.WithValue(ctx, readKey{}, r)
}

// ReadAfter returns ctx whose reads go to a replica only once it has
// replayed every commit made before t.
func ReadAfter(ctx context.Context, t time.Time) context.Context {
	r := ReadRouteOf(ctx)
	if t.After(r.After) {
		r.After = t
	}
	return context.WithValue(ctx, readKey{}, r)
}

// WithReadRoute returns ctx with r (drivers use it to pin reads).
func WithReadRoute(ctx context.Context, r ReadRoute) context.Context {
	return context.WithValue(ctx, readKey{}, r)
}

// ReadRouteOf returns what ctx says about its reads.
func ReadRouteOf(ctx context.Context) ReadRoute {
	r, _ := ctx.Value(readKey{}).(ReadRoute)
	return r
}

// ReadPinner is implemented by a store whose reads may go to several
// servers. PinReads returns a context whose reads all go to one server —
// the one a read without constraints would go to now, whatever ctx's
// route says — and its name ("primary", or the
// replica's host:port). A reader that keeps state derived from its reads
// across calls (the search index and its feed cursor) pins each call and
// starts afresh when the server changes: two servers are not at the same
// point of the history.
//
// Serves reports whether a read routed as ctx says (ReadPrimary,
// ReadAfter) may be answered from what server holds now.
type ReadPinner interface {
	PinReads(ctx context.Context) (context.Context, string)
	Serves(ctx context.Context, server string) bool
}

// ReplicaStats is the state of one read replica, for metrics.
type ReplicaStats struct {
	Name string // host:port
	// Lag is how far behind the primary it is, in seconds: 0 when it has
	// replayed everything the primary had written at the last check.
	Lag float64
	// InUse: reads go to it (reachable, a standby within the lag bound,
	// or promoted).
	InUse bool
	// Reads counts the reads sent to it.
	Reads int64
}
