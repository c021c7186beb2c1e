package webhooks

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/hotelplatform/hotel"
)

// The dispatcher: each active subscription is followed by its own
// goroutine, which reads the feed after the subscription's position,
// delivers the events it selects one at a time, in order, and moves the
// position past each delivered one with a conditional write (so two
// dispatchers never both record it). A failed attempt stores the failure
// and the time of the next one; the event is tried again then, with the
// same webhook-id, and nothing after it is delivered before it. An event
// retried for RetryFor pauses the subscription.

// Intervals of the dispatcher.
const (
	// readWait is how long a follower long-polls the feed for new events.
	readWait = time.Second
	// listEvery is how often the dispatcher looks for new, resumed or
	// deleted subscriptions.
	listEvery = time.Second
	// renewEvery is how often a run renews its lease.
	renewEvery = 10 * time.Second
	// pageSize is how many events a follower reads at once.
	pageSize = 100
)

// Result counts what a dispatch run did.
type Result struct {
	Delivered, Failed, Paused int
}

// Dispatch delivers to the active subscriptions for d (or until ctx
// ends, or renew fails: another replica took over), calling renew every
// few seconds, and returns what it did. An attempt cut short by the end of
// the run is not recorded: the event is delivered again, with the same
// webhook-id, by the next run.
func (s *Service) Dispatch(ctx context.Context, d time.Duration, renew func(context.Context) error) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu      sync.Mutex
		res     Result
		running = map[int64]bool{}
		wg      sync.WaitGroup
	)
	add := func(r Result) {
		mu.Lock()
		defer mu.Unlock()
		res.Delivered += r.Delivered
		res.Failed += r.Failed
		res.Paused += r.Paused
	}
	list := time.NewTicker(listEvery)
	defer list.Stop()
	lastRenew := time.Now()
	var err error
	for ctx.Err() == nil {
		if renew != nil && time.Since(lastRenew) >= renewEvery {
			if err = renew(ctx); err != nil {
				break
			}
			lastRenew = time.Now()
		}
		ws, lerr := s.st.ListWebhooks(ctx)
		if lerr == nil {
			s.m.subscriptions(ws)
		}
		for _, w := range ws {
			mu.Lock()
			start := w.Status == hotel.WebhookActive && !running[w.ID]
			running[w.ID] = running[w.ID] || start
			mu.Unlock()
			if start {
				wg.Go(func() {
					add(s.follow(ctx, w.ID))
					mu.Lock()
					delete(running, w.ID)
					mu.Unlock()
				})
			}
		}
		select {
		case <-ctx.Done():
		case <-list.C:
		}
	}
	cancel()
	wg.Wait()
	return res, err // nil when the run's time is up
}

// follow delivers to subscription id until ctx ends or it is no longer
// active.
func (s *Service) follow(ctx context.Context, id int64) Result {
	var res Result
	for ctx.Err() == nil {
		w, err := s.st.GetWebhook(ctx, id)
		if err != nil || w.Status != hotel.WebhookActive {
			if err != nil && ctx.Err() == nil {
				s.opts.Log.WarnContext(ctx, "webhook subscription unreadable; the dispatcher tries again", "webhook_id", id, "err", err)
			}
			return res
		}
		if w.NextAttemptAt != nil {
			if wait := w.NextAttemptAt.Sub(s.opts.Now()); wait > 0 {
				if !sleep(ctx, min(wait, listEvery)) {
					return res
				}
				continue // read it again: an admin may have rewound or paused it
			}
		}
		f := hotel.EventFilter{After: w.Position, Types: w.Types, Limit: pageSize}
		if len(w.HotelIDs) == 1 {
			f.HotelID = w.HotelIDs[0]
		}
		evs, err := s.feed.Read(ctx, f, readWait)
		if err != nil {
			if ctx.Err() == nil {
				s.opts.Log.WarnContext(ctx, "webhook dispatcher cannot read the feed; it tries again", "webhook_id", id, "err", err)
				sleep(ctx, listEvery)
			}
			continue
		}
		s.m.pending(w, evs)
		s.deliverPage(ctx, &w, evs, &res)
	}
	return res
}

// deliverPage delivers the events of evs w selects, in order, moving w's
// position past each (and past those it does not select), and says
// whether it got through the page.
func (s *Service) deliverPage(ctx context.Context, w *hotel.Webhook, evs []hotel.Event, res *Result) bool {
	for i, e := range evs {
		pos, _ := strconv.ParseInt(e.ID, 10, 64)
		if !selects(*w, e) {
			if i < len(evs)-1 {
				continue // moved past with the next delivered one
			}
			return s.move(ctx, w, pos)
		}
		body, err := json.Marshal(e)
		if err != nil {
			return false
		}
		d := s.send(ctx, *w, e.ID, e.Type, "feed", w.FailedAttempts+1, body)
		if ctx.Err() != nil {
			return false // the run ended mid-attempt: the next run delivers it again
		}
		ctx := context.WithoutCancel(ctx) // what happened is recorded, even as the run ends
		if err := s.st.RecordDelivery(ctx, &d); err != nil {
			s.opts.Log.WarnContext(ctx, "webhook delivery not logged", "webhook_id", w.ID, "err", err)
		}
		if !d.Delivered {
			res.Failed++
			if s.fail(ctx, w, d) {
				res.Paused++
			}
			return false
		}
		res.Delivered++
		if !s.move(ctx, w, pos) {
			return false
		}
	}
	return true
}

// move records w delivered up to pos, and says whether it still held
// (not moved, paused or deleted meanwhile).
func (s *Service) move(ctx context.Context, w *hotel.Webhook, pos int64) bool {
	from := w.Position
	next := *w
	next.Position = pos
	clearFailure(&next)
	ok, err := s.st.SetWebhookState(ctx, next, from)
	if err != nil || !ok {
		return false
	}
	*w = next
	return true
}

// fail records attempt d failed: the next attempt after the backoff, or,
// when the event has failed for RetryFor, the subscription paused (and
// says so).
func (s *Service) fail(ctx context.Context, w *hotel.Webhook, d hotel.WebhookDelivery) bool {
	now := s.opts.Now()
	next := *w
	next.FailedAttempts++
	if next.FailingSince == nil {
		next.FailingSince = &now
	}
	at := now.Add(s.backoff(next.FailedAttempts))
	next.NextAttemptAt = &at
	paused := now.Sub(*next.FailingSince) >= s.opts.RetryFor
	if paused {
		next.Status = hotel.WebhookPaused
		next.PausedReason = "event " + d.MessageID + " failed for " + s.opts.RetryFor.String() + " (last attempt: " + d.Error + ")"
	}
	ok, err := s.st.SetWebhookState(ctx, next, w.Position)
	if err != nil || !ok {
		return false
	}
	*w = next
	if paused {
		s.opts.Log.WarnContext(ctx, "webhook subscription paused: its receiver failed for the whole retry period",
			"webhook_id", w.ID, "receiver", clip(w.URL), "attempts", next.FailedAttempts, "last_error", d.Error)
		s.m.paused()
	} else {
		s.opts.Log.InfoContext(ctx, "webhook delivery failed; retrying later", "webhook_id", w.ID, "receiver", clip(w.URL),
			"event_id", d.MessageID, "attempt", next.FailedAttempts, "error", d.Error, "retry_at", at.UTC().Format(time.RFC3339))
	}
	return paused
}

// sleep waits d or until ctx ends, and says whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
