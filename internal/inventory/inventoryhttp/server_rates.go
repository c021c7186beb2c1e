package inventoryhttp

import (
	"context"
	"math"
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/idempotency"
	"github.com/hotelplatform/hotel/internal/web"
)

// Handlers of rate plans, bulk ARI updates, their log and the ARI calendar.

// ratePlanBody is the body of POST …/rate-plans and PATCH …/rate-plans/{id}:
// the fields given replace the plan's. The parent is named by code
// (parent; "" makes the plan a base plan) or by id (parent_id; 0 likewise).
type ratePlanBody struct {
	RoomTypeID *int64           `json:"room_type_id,omitempty"`
	Code       *string          `json:"code,omitempty"`
	Name       *string          `json:"name,omitempty"`
	MealPlan   *string          `json:"meal_plan,omitempty"`
	Refundable *bool            `json:"refundable,omitempty"`
	Sellable   *bool            `json:"sellable,omitempty"`
	Parent     *string          `json:"parent,omitempty"`
	ParentID   *int64           `json:"parent_id,omitempty"`
	PercentBP  *int             `json:"adjust_percent_bp,omitempty"`
	Amount     *hotel.Cents     `json:"adjust_amount,omitempty"`
	Follows    *bool            `json:"follows_parent_restrictions,omitempty"`
	Occupancy  *hotel.Occupancy `json:"occupancy,omitempty"`
	// A policy given replaces the plan's; refundable, when not given with
	// a cancellation policy, follows it.
	Cancellation *hotel.CancellationPolicy `json:"cancellation_policy,omitempty"`
	NoShow       *hotel.NoShowPolicy       `json:"no_show_policy,omitempty"`
	Guarantee    *hotel.Guarantee          `json:"guarantee,omitempty"`
}

// apply sets the fields of b on p, finding a parent code among plans.
// A plan made base drops its adjustment unless b sets one (the service
// then refuses it).
func (b ratePlanBody) apply(p *hotel.RatePlan, plans []hotel.RatePlan) error {
	var v hotel.Validation
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	if b.RoomTypeID != nil {
		p.RoomTypeID = *b.RoomTypeID
	}
	set(&p.Code, b.Code)
	set(&p.Name, b.Name)
	set(&p.MealPlan, b.MealPlan)
	if b.Refundable != nil {
		p.Refundable = *b.Refundable
	}
	if b.Sellable != nil {
		p.Sellable = *b.Sellable
	}
	if b.Cancellation != nil {
		c := *b.Cancellation
		p.Cancellation = &c
		if b.Refundable == nil {
			p.Refundable = !c.NonRefundable
		}
	}
	if b.NoShow != nil {
		p.NoShow = *b.NoShow
	}
	if b.Guarantee != nil {
		p.Guarantee = *b.Guarantee
	}
	switch {
	case b.Parent != nil && b.ParentID != nil:
		v.Add("parent", "give the parent by code (parent) or by id (parent_id), not both")
	case b.ParentID != nil:
		p.ParentID = *b.ParentID
	case b.Parent != nil && *b.Parent == "":
		p.ParentID = 0
	case b.Parent != nil:
		p.ParentID = -1
		for _, q := range plans {
			if q.Code == *b.Parent {
				p.ParentID = q.ID
			}
		}
		if p.ParentID < 0 {
			p.ParentID = 0
			v.Add("parent", "the hotel has no rate plan with this code")
		}
	}
	if p.ParentID == 0 {
		p.PercentBP, p.AmountCents, p.FollowsParentRestrictions = 0, 0, false
	}
	if b.PercentBP != nil {
		p.PercentBP = *b.PercentBP
	}
	if b.Amount != nil {
		p.AmountCents = *b.Amount
	}
	if b.Follows != nil {
		p.FollowsParentRestrictions = *b.Follows
	}
	if b.Occupancy != nil {
		p.Occupancy = *b.Occupancy
	} else if p.ParentID != 0 {
		p.Occupancy = hotel.Occupancy{ChildBands: []hotel.ChildBand{}}
	}
	return v.Err()
}

// planPath is the path of a hotel's plan.
func planPath(hotelID, id int64) string {
	return hotelPath(hotelID) + "/rate-plans/" + strconv.FormatInt(id, 10)
}

func handleListRatePlans(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := web.PathID(r, "hotel_id")
		if err != nil {
			web.Error(w, r, err)
			return
		}
		if err := web.NewQuery(r).Err(); err != nil {
			web.Error(w, r, err)
			return
		}
		ps, err := svc.ListRatePlans(r.Context(), id)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		web.Encode(w, http.StatusOK, nonNil(ps))
	})
}

func handleGetRatePlan(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hotelID, id, err := hotelPathIDs(r, "rate_plan_id")
		if err != nil {
			web.Error(w, r, err)
			return
		}
		if err := web.NewQuery(r).Err(); err != nil {
			web.Error(w, r, err)
			return
		}
		p, err := svc.GetRatePlan(r.Context(), hotelID, id)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		web.Encode(w, http.StatusOK, p)
	})
}

func handleCreateRatePlan(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := web.PathID(r, "hotel_id")
		if err != nil {
			web.Error(w, r, err)
			return
		}
		b, err := decode[ratePlanBody](w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		var plans []hotel.RatePlan
		if b.Parent != nil && *b.Parent != "" {
			if plans, err = svc.ListRatePlans(r.Context(), id); err != nil {
				web.Error(w, r, err)
				return
			}
		}
		p := hotel.RatePlan{HotelID: id, Refundable: true, Sellable: true}
		if err := b.apply(&p, plans); err != nil {
			web.Error(w, r, err)
			return
		}
		if err := svc.CreateRatePlan(r.Context(), &p); err != nil {
			web.Error(w, r, err)
			return
		}
		w.Header().Set("Location", planPath(id, p.ID))
		web.Encode(w, http.StatusCreated, p)
	})
}

// handleUpdateRatePlan applies a partial update, as handleUpdateHotel.
func handleUpdateRatePlan(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hotelID, id, err := hotelPathIDs(r, "rate_plan_id")
		if err != nil {
			web.Error(w, r, err)
			return
		}
		b, err := decode[ratePlanBody](w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		p, err := svc.GetRatePlan(r.Context(), hotelID, id)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		var plans []hotel.RatePlan
		if b.Parent != nil && *b.Parent != "" {
			if plans, err = svc.ListRatePlans(r.Context(), hotelID); err != nil {
				web.Error(w, r, err)
				return
			}
		}
		if err := b.apply(p, plans); err != nil {
			web.Error(w, r, err)
			return
		}
		if err := svc.UpdateRatePlan(r.Context(), p); err != nil {
			web.Error(w, r, err)
			return
		}
		web.Encode(w, http.StatusOK, p)
	})
}

// ariBody is the body of POST /inventory/hotels/{hotel_id}/ari.
type ariBody struct {
	Reason  string            `json:"reason,omitempty"`
	Updates []hotel.ARIUpdate `json:"updates"`
}

// handleApplyARI applies a bulk ARI update by the caller (the actor). Its
// Idempotency-Key is required, and applied by keys as on the adjust
// route; the store records the change under the claim's id, so a retry
// that resumes an interrupted request finds it.
func handleApplyARI(svc hotel.InventoryService, keys *idempotency.Keys) http.Handler {
	newID := func(*http.Request) (string, bool) { return uuid.NewString(), true }
	apply := keys.Handle(idempotency.Route{Resource: newID, Resumable: true}, func(w http.ResponseWriter, r *http.Request, opID string) {
		id, err := web.PathID(r, "hotel_id")
		if err != nil {
			web.Error(w, r, err)
			return
		}
		b, err := decode[ariBody](w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		c := hotel.ARIChange{HotelID: id, Reason: b.Reason, Updates: b.Updates, Actor: actor(r), IdempotencyKey: opID}
		replayed, err := svc.ApplyARI(r.Context(), &c)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		if replayed {
			w.Header().Set(idempotency.ReplayedHeader, "true")
		}
		web.Encode(w, http.StatusOK, c)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, sent := r.Header[idempotency.Header]; !sent {
			var v hotel.Validation
			v.Add(idempotency.Header, "is required: a bulk update must be safe to retry")
			web.Error(w, r, v.Err())
			return
		}
		apply.ServeHTTP(w, r)
	})
}

func handleListARIChanges(svc hotel.InventoryService) http.Handler {
	return handleHotelLog(func(ctx context.Context, id, before int64, limit int) ([]hotel.ARIChange, error) {
		return svc.ListARIChanges(ctx, id, before, limit)
	}, func(c hotel.ARIChange) int64 { return c.ID })
}

func handleARICalendar(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := web.PathID(r, "hotel_id")
		if err != nil {
			web.Error(w, r, err)
			return
		}
		q := web.NewQuery(r, "from", "to", "room_type_id")
		cq := hotel.ARICalendarQuery{HotelID: id, From: q.Date("from"), To: q.Date("to"),
			RoomTypeID: q.Int64("room_type_id", 1, math.MaxInt64)}
		if err := q.Err(); err != nil {
			web.Error(w, r, err)
			return
		}
		cal, err := svc.ARICalendar(r.Context(), cq)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		web.Encode(w, http.StatusOK, cal)
	})
}

// hotelPathIDs reads the path's hotel id and the id of one of its things
// (a room type, a rate plan) from the path value name.
func hotelPathIDs(r *http.Request, name string) (hotelID, id int64, err error) {
	if hotelID, err = web.PathID(r, "hotel_id"); err != nil {
		return 0, 0, err
	}
	id, err = web.PathID(r, name)
	return hotelID, id, err
}
