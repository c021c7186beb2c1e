package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hotelplatform/hotel"
)

// Admission bounds the requests a service works on at once, per class of
// route, and refuses the excess early and cheaply: a request that finds
// its class full waits at most Wait for a slot, then gets 503 with
// Retry-After — instead of queueing behind the database pool or SQLite's
// writer until every answer is late. Each class has its own slots, so a
// flood of one (searches) never takes the slots of another (bookings).
type Admission struct {
	classify func(*http.Request) string // "" admits without a slot
	classes  map[string]*admissionClass
	wait     time.Duration
}

// AdmissionClass is one class of routes and its bound.
type AdmissionClass struct {
	Name  string
	Limit int // requests in progress at most; ≤ 0: unbounded
}

type admissionClass struct {
	slots    chan struct{}
	inFlight prometheus.Gauge
	refused  prometheus.Counter
}

// NewAdmission returns an Admission over classes; classify names the class
// of a request ("" for none: probes, say). wait is how long a request may
// wait for a slot. reg, when not nil, receives the metrics
// hotel_admission_limit, hotel_admission_in_flight and
// hotel_admission_refused_total, each by class.
func NewAdmission(classes []AdmissionClass, wait time.Duration, classify func(*http.Request) string, reg prometheus.Registerer) (*Admission, error) {
	a := &Admission{classify: classify, classes: map[string]*admissionClass{}, wait: wait}
	limit := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "hotel_admission_limit", Help: "Requests of a class of routes a service works on at once at most (HOTEL_MAX_*_IN_FLIGHT); 0: unbounded.",
	}, []string{"class"})
	inFlight := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "hotel_admission_in_flight", Help: "Requests of a class of routes in progress.",
	}, []string{"class"})
	refused := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hotel_admission_refused_total", Help: "Requests refused with 503 because their class of routes was at its limit (overload).",
	}, []string{"class"})
	if reg != nil {
		for _, c := range []prometheus.Collector{limit, inFlight, refused} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	for _, c := range classes {
		ac := &admissionClass{inFlight: inFlight.WithLabelValues(c.Name), refused: refused.WithLabelValues(c.Name)}
		if c.Limit > 0 {
			ac.slots = make(chan struct{}, c.Limit)
		}
		limit.WithLabelValues(c.Name).Set(float64(max(0, c.Limit)))
		a.classes[c.Name] = ac
	}
	return a, nil
}

// errOverloaded is the answer to a request refused for overload.
var errOverloaded = &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "The service is at capacity; try again shortly."}

// Wrap returns next behind the bound.
func (a *Admission) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := a.classes[a.classify(r)]
		if c == nil {
			next.ServeHTTP(w, r)
			return
		}
		if c.slots != nil && !c.acquire(r, a.wait) {
			c.refused.Inc()
			w.Header().Set("Retry-After", strconv.Itoa(1))
			Error(w, r, errOverloaded)
			return
		}
		c.inFlight.Inc()
		defer func() {
			c.inFlight.Dec()
			if c.slots != nil {
				<-c.slots
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// acquire takes a slot, waiting at most wait (or until the client goes).
func (c *admissionClass) acquire(r *http.Request, wait time.Duration) bool {
	select {
	case c.slots <- struct{}{}:
		return true
	default:
	}
	if wait <= 0 {
		return false
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case c.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-r.Context().Done():
		return false
	}
}
