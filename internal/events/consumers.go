package events

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/web"
)

// Named consumers: a consumer stores its position on the server to resume
// after a restart (PUT /events/consumers/{name}), and a channel system
// acknowledges booking events one by one: each booking event after the
// position the consumer started from stays in its unacknowledged view
// (GET …/unacknowledged) until it is acknowledged (POST …/ack).

// consumerName is the form of a consumer's name.
var consumerName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// MaxAck bounds the ids of one acknowledgement.
const MaxAck = 1000

func checkName(name string) error {
	if !consumerName.MatchString(name) {
		return &hotel.Error{Code: hotel.EINVALID, Message: "The request has invalid fields.",
			Fields: []hotel.FieldError{{Field: "name", Reason: "must be 1 to 64 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"}}}
	}
	return nil
}

func consumerError(err error, name string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return hotel.Errorf(hotel.ENOTFOUND, "No consumer is called %q.", name)
	case errors.Is(err, store.ErrConflict):
		return &hotel.Error{Code: hotel.EINVALID, Message: "The request has invalid fields.", Err: err,
			Fields: []hotel.FieldError{{Field: "position", Reason: "is beyond the last event of the feed"}}}
	}
	return storeError(err)
}

// SetConsumer stores consumer name's position pos, creating the consumer
// (its unacknowledged view then starts after pos), and says whether it
// created it. Errors: EINVALID (name, a position beyond the feed).
func (fd *Feed) SetConsumer(ctx context.Context, name string, pos int64) (hotel.EventConsumer, bool, error) {
	if err := checkName(name); err != nil {
		return hotel.EventConsumer{}, false, err
	}
	if pos < 0 {
		return hotel.EventConsumer{}, false, &hotel.Error{Code: hotel.EINVALID, Message: "The request has invalid fields.",
			Fields: []hotel.FieldError{{Field: "position", Reason: "must be an event id or 0"}}}
	}
	if _, err := fd.Publish(ctx); err != nil {
		return hotel.EventConsumer{}, false, err
	}
	_, gerr := fd.st.GetConsumer(ctx, name)
	c, err := fd.st.SetConsumer(ctx, name, pos, time.Now())
	return c, errors.Is(gerr, store.ErrNotFound), consumerError(err, name)
}

// Consumer returns consumer name. Errors: ENOTFOUND.
func (fd *Feed) Consumer(ctx context.Context, name string) (hotel.EventConsumer, error) {
	if err := checkName(name); err != nil {
		return hotel.EventConsumer{}, hotel.Errorf(hotel.ENOTFOUND, "No consumer is called %q.", hotel.Clip(name, 40))
	}
	c, err := fd.st.GetConsumer(ctx, name)
	return c, consumerError(err, name)
}

// Unacknowledged returns at most limit booking events consumer name has
// not acknowledged, oldest first. Errors: ENOTFOUND, EINVALID (limit).
func (fd *Feed) Unacknowledged(ctx context.Context, name string, limit int) ([]hotel.Event, error) {
	if _, err := fd.Consumer(ctx, name); err != nil {
		return nil, err
	}
	var v hotel.Validation
	if v.PageLimit(&limit, DefaultPageSize, MaxPageSize); v.Err() != nil {
		return nil, v.Err()
	}
	if _, err := fd.Publish(ctx); err != nil {
		return nil, err
	}
	evs, err := fd.st.UnackedEvents(ctx, name, limit)
	return evs, consumerError(err, name)
}

// Ack acknowledges the booking events ids for consumer name and returns
// how many it had not acknowledged before. Errors: ENOTFOUND, EINVALID.
func (fd *Feed) Ack(ctx context.Context, name string, ids []string) (int, error) {
	if _, err := fd.Consumer(ctx, name); err != nil {
		return 0, err
	}
	var v hotel.Validation
	if len(ids) == 0 || len(ids) > MaxAck {
		v.Add("ids", fmt.Sprintf("must list 1 to %d event ids", MaxAck))
	}
	positions := make([]int64, 0, len(ids))
	for i, id := range ids {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n < 1 {
			v.Add(fmt.Sprintf("ids[%d]", i), "not an event id of this feed")
			break
		}
		positions = append(positions, n)
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	n, err := fd.st.AckEvents(ctx, name, positions, time.Now())
	return n, consumerError(err, name)
}

// consumerBody is the body of PUT /events/consumers/{name}.
type consumerBody struct {
	Position string `json:"position"`
}

// ackBody is the body of POST /events/consumers/{name}/ack.
type ackBody struct {
	IDs []string `json:"ids"`
}

// ackResult is the answer of POST /events/consumers/{name}/ack.
type ackResult struct {
	Acknowledged int `json:"acknowledged"`
}

// putConsumer handles PUT /events/consumers/{name}: 201 (with Location)
// when it creates the consumer, 200 when it moves its position.
func (fd *Feed) putConsumer(w http.ResponseWriter, r *http.Request) {
	body, err := web.Decode[consumerBody](w, r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	pos, perr := strconv.ParseInt(body.Position, 10, 64)
	if perr != nil || pos < 0 || pos == math.MaxInt64 {
		web.Error(w, r, &hotel.Error{Code: hotel.EINVALID, Message: "The request has invalid fields.",
			Fields: []hotel.FieldError{{Field: "position", Reason: `must be an event id, or "0" for the start of the feed`}}})
		return
	}
	name := r.PathValue("name")
	c, created, err := fd.SetConsumer(r.Context(), name, pos)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/events/consumers/"+name)
	}
	w.Header().Set("Cache-Control", "no-store")
	web.Encode(w, status, c)
}

// getConsumer handles GET /events/consumers/{name}.
func (fd *Feed) getConsumer(w http.ResponseWriter, r *http.Request) {
	if err := web.NewQuery(r).Err(); err != nil {
		web.Error(w, r, err)
		return
	}
	c, err := fd.Consumer(r.Context(), r.PathValue("name"))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	web.Encode(w, http.StatusOK, c)
}

// unacknowledged handles GET /events/consumers/{name}/unacknowledged.
func (fd *Feed) unacknowledged(w http.ResponseWriter, r *http.Request) {
	q := web.NewQuery(r, "limit")
	limit := int(q.Int64("limit", 1, MaxPageSize))
	if err := q.Err(); err != nil {
		web.Error(w, r, err)
		return
	}
	evs, err := fd.Unacknowledged(r.Context(), r.PathValue("name"), limit)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	if evs == nil {
		evs = []hotel.Event{}
	}
	w.Header().Set("Cache-Control", "no-store")
	web.Encode(w, http.StatusOK, evs)
}

// ack handles POST /events/consumers/{name}/ack.
func (fd *Feed) ack(w http.ResponseWriter, r *http.Request) {
	body, err := web.Decode[ackBody](w, r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	n, err := fd.Ack(r.Context(), r.PathValue("name"), body.IDs)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.Encode(w, http.StatusOK, ackResult{Acknowledged: n})
}
