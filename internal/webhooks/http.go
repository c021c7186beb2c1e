package webhooks

import (
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/web"
)

// Page sizes of a delivery log.
const (
	DefaultDeliveries = 50
	MaxDeliveries     = 500
)

// Routes are the admin routes of webhook subscriptions.
func Routes(s *Service) []auth.Route {
	admin := auth.Rule{Scope: hotel.ScopeAdmin}
	return []auth.Route{
		{Pattern: "POST /webhooks", Rule: admin, Handler: http.HandlerFunc(s.create)},
		{Pattern: "GET /webhooks", Rule: admin, Handler: http.HandlerFunc(s.list)},
		{Pattern: "GET /webhooks/{id}", Rule: admin, Handler: http.HandlerFunc(s.get)},
		{Pattern: "PATCH /webhooks/{id}", Rule: admin, Handler: http.HandlerFunc(s.update)},
		{Pattern: "DELETE /webhooks/{id}", Rule: admin, Handler: http.HandlerFunc(s.remove)},
		{Pattern: "GET /webhooks/{id}/deliveries", Rule: admin, Handler: http.HandlerFunc(s.deliveries)},
		{Pattern: "POST /webhooks/{id}/redeliver", Rule: admin, Handler: http.HandlerFunc(s.redeliver)},
		{Pattern: "POST /webhooks/{id}/test", Rule: admin, Handler: http.HandlerFunc(s.test)},
	}
}

func path(id int64) string { return "/webhooks/" + strconv.FormatInt(id, 10) }

// create handles POST /webhooks: 201, the subscription with its secret.
func (s *Service) create(w http.ResponseWriter, r *http.Request) {
	in, err := web.Decode[Input](w, r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	wh, err := s.Create(r.Context(), in)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	w.Header().Set("Location", path(wh.ID))
	w.Header().Set("Cache-Control", "no-store")
	web.Encode(w, http.StatusCreated, wh)
}

// list handles GET /webhooks.
func (s *Service) list(w http.ResponseWriter, r *http.Request) {
	if err := web.NewQuery(r).Err(); err != nil {
		web.Error(w, r, err)
		return
	}
	ws, err := s.List(r.Context())
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.Encode(w, http.StatusOK, ws)
}

// withID runs h with the path's subscription id.
func withID(w http.ResponseWriter, r *http.Request, h func(id int64) (any, error)) {
	id, err := web.PathID(r, "id")
	if err != nil {
		web.Error(w, r, notFound(0))
		return
	}
	v, err := h(id)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	if v == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	web.Encode(w, http.StatusOK, v)
}

// get handles GET /webhooks/{id}.
func (s *Service) get(w http.ResponseWriter, r *http.Request) {
	withID(w, r, func(id int64) (any, error) {
		if err := web.NewQuery(r).Err(); err != nil {
			return nil, err
		}
		return s.Get(r.Context(), id)
	})
}

// update handles PATCH /webhooks/{id}.
func (s *Service) update(w http.ResponseWriter, r *http.Request) {
	withID(w, r, func(id int64) (any, error) {
		in, err := web.Decode[Input](w, r)
		if err != nil {
			return nil, err
		}
		return s.Update(r.Context(), id, in)
	})
}

// remove handles DELETE /webhooks/{id}: 204.
func (s *Service) remove(w http.ResponseWriter, r *http.Request) {
	withID(w, r, func(id int64) (any, error) {
		if err := web.NoBody(r); err != nil {
			return nil, err
		}
		return nil, s.Delete(r.Context(), id)
	})
}

// deliveries handles GET /webhooks/{id}/deliveries: newest first, with
// Link: rel="next" to the older ones when the page is full.
func (s *Service) deliveries(w http.ResponseWriter, r *http.Request) {
	withID(w, r, func(id int64) (any, error) {
		q := web.NewQuery(r, "before", "limit")
		before := q.Int64("before", 1, math.MaxInt64)
		limit := int(q.Int64("limit", 1, MaxDeliveries))
		var v hotel.Validation
		v.PageLimit(&limit, DefaultDeliveries, MaxDeliveries)
		if err := q.Err(); err != nil {
			return nil, err
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		ds, err := s.Deliveries(r.Context(), id, before, limit)
		if err == nil && len(ds) == limit {
			next := url.Values{"before": {strconv.FormatInt(ds[len(ds)-1].ID, 10)}, "limit": {strconv.Itoa(limit)}}
			w.Header().Set("Link", "<"+path(id)+"/deliveries?"+next.Encode()+`>; rel="next"`)
		}
		return ds, err
	})
}

// redeliverBody is the body of POST /webhooks/{id}/redeliver: one of
// event_id (deliver that event again, now) and after (deliver everything
// after that position again, in order).
type redeliverBody struct {
	EventID *string `json:"event_id"`
	After   *string `json:"after"`
}

// redeliver handles POST /webhooks/{id}/redeliver: with event_id, 200 and
// the attempt; with after, 200 and the subscription rewound.
func (s *Service) redeliver(w http.ResponseWriter, r *http.Request) {
	withID(w, r, func(id int64) (any, error) {
		body, err := web.Decode[redeliverBody](w, r)
		if err != nil {
			return nil, err
		}
		var v hotel.Validation
		parse := func(field string, s *string) int64 {
			n, err := strconv.ParseInt(*s, 10, 64)
			if err != nil || n < 0 || (field == "event_id" && n == 0) {
				v.Add(field, "must be an event id (a decimal string)")
			}
			return n
		}
		switch {
		case (body.EventID == nil) == (body.After == nil):
			v.Add("event_id", "give either event_id (one event) or after (every event after that position)")
		case body.EventID != nil:
			n := parse("event_id", body.EventID)
			if err := v.Err(); err != nil {
				return nil, err
			}
			return s.Redeliver(r.Context(), id, n)
		default:
			n := parse("after", body.After)
			if err := v.Err(); err != nil {
				return nil, err
			}
			return s.Rewind(r.Context(), id, n)
		}
		return nil, v.Err()
	})
}

// test handles POST /webhooks/{id}/test: 200 and the attempt.
func (s *Service) test(w http.ResponseWriter, r *http.Request) {
	withID(w, r, func(id int64) (any, error) {
		if err := web.NoBody(r); err != nil {
			return nil, err
		}
		return s.Test(r.Context(), id)
	})
}
