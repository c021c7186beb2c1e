package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// GetRatePlan returns one plan of a hotel.
func (s *Store) GetRatePlan(ctx context.Context, hotelID, id int64) (hotel.RatePlan, error) {
	var r store.RatePlanRow
	err := s.read(ctx, func(q dbtx) error {
		return q.QueryRow(ctx, `SELECT `+store.RatePlanColumns+` FROM rate_plan WHERE hotel_id = $1 AND id = $2`, hotelID, id).
			Scan(store.RatePlanDest(&r)...)
	})
	if err != nil {
		return hotel.RatePlan{}, translate(err)
	}
	return r.RatePlan()
}

// lockedPlans locks the hotel's row (FOR NO KEY UPDATE: the rate and ARI
// writes of one hotel queue, bookings' foreign key checks do not) and
// reads its plans.
func lockedPlans(ctx context.Context, tx dbtx, hotelID int64) ([]hotel.RatePlan, error) {
	var one int
	if err := tx.QueryRow(ctx, `SELECT 1 FROM hotel WHERE id = $1 FOR NO KEY UPDATE`, hotelID).Scan(&one); err != nil {
		return nil, err
	}
	var out []hotel.RatePlan
	var r store.RatePlanRow
	err := each(ctx, tx, store.RatePlanDest(&r), func() error {
		p, err := r.RatePlan()
		out = append(out, p)
		return err
	}, `SELECT `+store.RatePlanColumns+` FROM rate_plan WHERE hotel_id = $1 ORDER BY id`, hotelID)
	return out, err
}

// planArgs are the values of the columns of a plan a write sets, from code
// to policies.
func planArgs(p hotel.RatePlan) []any {
	var parent *int64
	if p.ParentID != 0 {
		parent = &p.ParentID
	}
	return []any{p.Code, p.Name, p.MealPlan, p.Refundable, p.Sellable, parent, p.PercentBP, int64(p.AmountCents),
		p.FollowsParentRestrictions, p.Occupancy.BaseAdults, int64(p.Occupancy.ExtraAdult), store.ChildBandsJSON(p), store.PoliciesJSON(p)}
}

// CreateRatePlan inserts a (non-default) plan after checking its parent.
func (s *Store) CreateRatePlan(ctx context.Context, p *hotel.RatePlan) error {
	var id int64
	c := *p
	c.ID, c.Default = 0, false
	err := s.write(ctx, func(tx dbtx) error {
		plans, err := lockedPlans(ctx, tx, c.HotelID)
		if err != nil {
			return err
		}
		if err := store.CheckRatePlan(plans, c); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO rate_plan (hotel_id, room_type_id, code, name, meal_plan, refundable, sellable,
    parent_id, adjust_percent_bp, adjust_amount_cents, follows_parent_restrictions, base_adults, extra_adult_cents, child_bands, policies)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
			append([]any{c.HotelID, c.RoomTypeID}, planArgs(c)...)...).Scan(&id)
		if hasCode(err, codeForeignKeyViolation) {
			return store.ErrNotFound // no such room type in the hotel
		}
		return err
	})
	if err != nil {
		return err
	}
	c.ID = id
	*p = c
	return nil
}

// UpdateRatePlan replaces a plan's fields after checking its chain.
func (s *Store) UpdateRatePlan(ctx context.Context, p hotel.RatePlan) error {
	return s.write(ctx, func(tx dbtx) error {
		plans, err := lockedPlans(ctx, tx, p.HotelID)
		if err != nil {
			return err
		}
		c := p
		found := false
		for _, q := range plans {
			if q.ID == c.ID {
				c.RoomTypeID, c.Default, found = q.RoomTypeID, q.Default, true
			}
		}
		if !found {
			return store.ErrNotFound
		}
		if err := store.CheckRatePlan(plans, c); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE rate_plan SET code = $1, name = $2, meal_plan = $3, refundable = $4, sellable = $5,
    parent_id = $6, adjust_percent_bp = $7, adjust_amount_cents = $8, follows_parent_restrictions = $9,
    base_adults = $10, extra_adult_cents = $11, child_bands = $12, policies = $13, updated_at = now()
WHERE hotel_id = $14 AND id = $15`, append(planArgs(c), c.HotelID, c.ID)...)
		return err
	})
}

// lockARINights locks the hotel's inventory nights over the span of dates
// ops change — every room type's, one statement however many updates the
// change has — in (room type, night) order, before anything is written. A
// hold locks its stay's nights through check-out before it reads the ARI it
// is priced on, so a hold and an ARI change of the same nights are
// serialised: the hold reads all of the change or none of it.
func lockARINights(ctx context.Context, tx dbtx, hotelID int64, ops []store.ARIOp) error {
	var lo, hi hotel.Date
	for _, op := range ops {
		if len(op.Nights) == 0 {
			continue
		}
		if first := op.Nights[0]; lo.IsZero() || first.Before(lo) {
			lo = first
		}
		if last := op.Nights[len(op.Nights)-1]; hi.IsZero() || hi.Before(last) {
			hi = last
		}
	}
	if lo.IsZero() {
		return nil
	}
	_, err := tx.Exec(ctx, `SELECT FROM inventory_night WHERE hotel_id = $1 AND night BETWEEN $2 AND $3
ORDER BY room_type_id, night FOR NO KEY UPDATE`, hotelID, lo.Time(), hi.Time())
	return err
}

// ApplyARI applies a bulk ARI change in one transaction and records it.
func (s *Store) ApplyARI(ctx context.Context, c *hotel.ARIChange) (bool, error) {
	req, err := store.ARIRequest(c)
	if err != nil {
		return false, err
	}
	var replayed bool
	var done hotel.ARIChange
	err = s.write(ctx, func(tx dbtx) error {
		replayed, done = false, *c
		// The hotel's lock first: a retry of the same key waits for the
		// first request and then finds its change.
		plans, err := lockedPlans(ctx, tx, c.HotelID)
		if err != nil {
			return err
		}
		if c.IdempotencyKey != "" {
			var r store.ARIChangeRow
			err := tx.QueryRow(ctx, `SELECT `+store.ARIChangeColumns+` FROM ari_change WHERE actor = $1 AND idempotency_key = $2`,
				c.Actor, c.IdempotencyKey).Scan(store.ARIChangeDest(&r)...)
			switch {
			case err == nil:
				if r.Request != req {
					return store.ErrIdempotencyMismatch
				}
				replayed = true
				done, err = r.ARIChange()
				return err
			case !errors.Is(err, pgx.ErrNoRows):
				return err
			}
		}
		ops, err := store.ARIOps(plans, c.Updates)
		if err != nil {
			return err
		}
		if err := lockARINights(ctx, tx, c.HotelID, ops); err != nil {
			return err
		}
		for _, op := range ops {
			if err := applyOp(ctx, tx, c.HotelID, op, &done.Result); err != nil {
				return err
			}
		}
		err = tx.QueryRow(ctx, `INSERT INTO ari_change (hotel_id, actor, reason, idempotency_key, request, result)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (actor, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
RETURNING id, created_at`, c.HotelID, c.Actor, store.NullString(c.Reason), store.NullString(c.IdempotencyKey),
			req, store.ResultJSON(done.Result)).Scan(&done.ID, &done.CreatedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			// The key was taken meanwhile by the actor's request for another
			// hotel (this hotel's are queued behind its lock).
			return store.ErrIdempotencyMismatch
		}
		return err
	})
	if err != nil {
		return false, err
	}
	done.CreatedAt = done.CreatedAt.UTC()
	done.IdempotencyKey = c.IdempotencyKey
	*c = done
	return replayed, nil
}

// applyOp applies one update: inventory nights (created when capacity
// and the default plan's price are both set; capacity; the default plan's
// price), a base plan's prices, restrictions.
func applyOp(ctx context.Context, tx dbtx, hotelID int64, op store.ARIOp, res *hotel.ARIResult) error {
	if len(op.Nights) == 0 {
		return nil
	}
	nights := dates(op.Nights)
	defaultPrice := op.DefaultPlan && op.Price != nil
	if op.Capacity != nil || defaultPrice {
		var capacity, price *int64
		if op.Capacity != nil {
			v := int64(*op.Capacity)
			capacity = &v
		}
		if defaultPrice {
			v := int64(*op.Price)
			price = &v
		}
		if capacity != nil && price != nil {
			tag, err := tx.Exec(ctx, `INSERT INTO inventory_night (hotel_id, room_type_id, night, capacity, allowance, price_cents, demand_level)
SELECT $1, $2, night, $4, rt.overbooking_allowance, $5, 'medium'
FROM unnest($3::date[]) AS night JOIN room_type rt ON rt.hotel_id = $1 AND rt.id = $2
ORDER BY night
ON CONFLICT (hotel_id, room_type_id, night) DO NOTHING`, hotelID, op.RoomTypeID, nights, *capacity, *price)
			if err != nil {
				return err
			}
			res.Created += int(tag.RowsAffected())
		}
		rows, err := tx.Query(ctx, `WITH l AS (
    SELECT night FROM inventory_night
    WHERE hotel_id = $1 AND room_type_id = $2 AND night = ANY($3::date[])
    ORDER BY night
    FOR NO KEY UPDATE),
u AS (
    UPDATE inventory_night n SET capacity = coalesce($4, n.capacity), price_cents = coalesce($5, n.price_cents), updated_at = now()
    FROM l
    WHERE n.hotel_id = $1 AND n.room_type_id = $2 AND n.night = l.night
      AND ($4::integer IS NULL OR n.held + n.blocked - n.allowance <= $4)
    RETURNING n.night)
SELECT l.night, u.night IS NULL FROM l LEFT JOIN u ON u.night = l.night ORDER BY l.night`,
			hotelID, op.RoomTypeID, nights, capacity, price)
		if err != nil {
			return err
		}
		var found, failed []hotel.Date
		var night time.Time
		var fail bool
		if _, err := pgx.ForEachRow(rows, []any{&night, &fail}, func() error {
			d := hotel.DateOf(night)
			found = append(found, d)
			if fail {
				failed = append(failed, d)
			}
			return nil
		}); err != nil {
			return err
		}
		if e := store.RefuseNights(store.ErrNotFound, store.Minus(op.Nights, found)); e != nil {
			return e
		}
		if e := store.RefuseNights(store.ErrConflict, failed); e != nil {
			return e
		}
		if capacity != nil {
			res.Capacity += len(found)
		}
		if price != nil {
			res.Prices += len(found)
		}
	}
	if op.Price != nil && !op.DefaultPlan {
		_, err := tx.Exec(ctx, `INSERT INTO rate_night (hotel_id, rate_plan_id, night, price_cents)
SELECT $1, $2, night, $4 FROM unnest($3::date[]) AS night ORDER BY night
ON CONFLICT (hotel_id, rate_plan_id, night) DO UPDATE SET price_cents = excluded.price_cents`,
			hotelID, op.PlanID, nights, int64(*op.Price))
		if err != nil {
			return err
		}
		res.Prices += len(op.Nights)
	}
	if op.Rules != nil {
		if err := setRules(ctx, tx, hotelID, op, nights); err != nil {
			return err
		}
		res.Restrictions += len(op.Nights)
	}
	return nil
}

// setRules upserts the restrictions of op's nights, setting the fields its
// patch sets, then deletes the rows left with no restriction.
func setRules(ctx context.Context, tx dbtx, hotelID int64, op store.ARIOp, nights []time.Time) error {
	vals := store.RestrictionArgs(*op.Rules)
	var insert, update, zero []string
	args := []any{hotelID, op.RoomTypeID, op.PlanID, nights}
	for i, col := range store.RestrictionNames {
		n := len(args) + 1
		typ, none := "integer", "0"
		if strings.HasPrefix(col, "closed") || col == "stop_sell" {
			typ, none = "boolean", "FALSE"
		}
		insert = append(insert, fmt.Sprintf("coalesce($%d::%s, %s)", n, typ, none))
		update = append(update, fmt.Sprintf("%s = coalesce($%d::%s, r.%s)", col, n, typ, col))
		zero = append(zero, fmt.Sprintf("%s = %s", col, none))
		args = append(args, vals[i])
	}
	_, err := tx.Exec(ctx, `INSERT INTO restriction_night AS r (hotel_id, room_type_id, rate_plan_id, night, `+strings.Join(store.RestrictionNames, ", ")+`)
SELECT $1, $2, $3, night, `+strings.Join(insert, ", ")+` FROM unnest($4::date[]) AS night ORDER BY night
ON CONFLICT (hotel_id, room_type_id, rate_plan_id, night) DO UPDATE SET `+strings.Join(update, ", "), args...)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `DELETE FROM restriction_night
WHERE hotel_id = $1 AND room_type_id = $2 AND rate_plan_id = $3 AND night = ANY($4::date[])
  AND `+strings.Join(zero, " AND "), hotelID, op.RoomTypeID, op.PlanID, nights)
	return err
}

// ListARIChanges returns a hotel's changes with id < beforeID, newest first.
func (s *Store) ListARIChanges(ctx context.Context, hotelID, beforeID int64, limit int) ([]hotel.ARIChange, error) {
	var out []hotel.ARIChange
	var r store.ARIChangeRow
	err := each(ctx, s.pool, store.ARIChangeDest(&r), func() error {
		c, err := r.ARIChange()
		out = append(out, c)
		return err
	}, `SELECT `+store.ARIChangeColumns+` FROM ari_change WHERE hotel_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, hotelID, beforeID, limit)
	return out, translate(err)
}
