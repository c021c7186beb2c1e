package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// GetRatePlan returns one plan of a hotel.
func (s *Store) GetRatePlan(ctx context.Context, hotelID, id int64) (hotel.RatePlan, error) {
	var r store.RatePlanRow
	err := s.r.QueryRowContext(ctx, `SELECT `+store.RatePlanColumns+` FROM rate_plan WHERE hotel_id = ? AND id = ?`, hotelID, id).
		Scan(store.RatePlanDest(&r)...)
	if err != nil {
		return hotel.RatePlan{}, translate(err)
	}
	return r.RatePlan()
}

// hotelPlans reads a hotel's plans in tx, after checking the hotel exists.
func hotelPlans(ctx context.Context, tx *sql.Tx, hotelID int64) ([]hotel.RatePlan, error) {
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM hotel WHERE id = ?`, hotelID).Scan(&one); err != nil {
		return nil, err
	}
	var out []hotel.RatePlan
	var r store.RatePlanRow
	err := each(ctx, tx, store.RatePlanDest(&r), func() error {
		p, err := r.RatePlan()
		out = append(out, p)
		return err
	}, `SELECT `+store.RatePlanColumns+` FROM rate_plan WHERE hotel_id = ? ORDER BY id`, hotelID)
	return out, err
}

// CreateRatePlan inserts a (non-default) plan after checking its parent.
func (s *Store) CreateRatePlan(ctx context.Context, p *hotel.RatePlan) error {
	c := *p
	c.ID, c.Default = 0, false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		plans, err := hotelPlans(ctx, tx, c.HotelID)
		if err != nil {
			return err
		}
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM room_type WHERE hotel_id = ? AND id = ?`, c.HotelID, c.RoomTypeID).Scan(&one); err != nil {
			return err
		}
		if err := store.CheckRatePlan(plans, c); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO rate_plan (hotel_id, room_type_id, code, name, meal_plan, refundable, sellable,
    parent_id, adjust_percent_bp, adjust_amount_cents, follows_parent_restrictions, base_adults, extra_adult_cents, child_bands, policies)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, append([]any{c.HotelID, c.RoomTypeID}, planArgs(c)...)...).Scan(&c.ID)
	})
	if err != nil {
		return err
	}
	*p = c
	return nil
}

// planArgs are the values of the columns of a plan a write sets, from code
// to policies.
func planArgs(p hotel.RatePlan) []any {
	parent := sql.NullInt64{Int64: p.ParentID, Valid: p.ParentID != 0}
	return []any{p.Code, p.Name, p.MealPlan, p.Refundable, p.Sellable, parent, p.PercentBP, int64(p.AmountCents),
		p.FollowsParentRestrictions, p.Occupancy.BaseAdults, int64(p.Occupancy.ExtraAdult), store.ChildBandsJSON(p), store.PoliciesJSON(p)}
}

// UpdateRatePlan replaces a plan's fields after checking its chain.
func (s *Store) UpdateRatePlan(ctx context.Context, p hotel.RatePlan) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		plans, err := hotelPlans(ctx, tx, p.HotelID)
		if err != nil {
			return err
		}
		found := false
		for _, q := range plans {
			if q.ID == p.ID {
				p.RoomTypeID, p.Default, found = q.RoomTypeID, q.Default, true
			}
		}
		if !found {
			return store.ErrNotFound
		}
		if err := store.CheckRatePlan(plans, p); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE rate_plan SET code = ?, name = ?, meal_plan = ?, refundable = ?, sellable = ?,
    parent_id = ?, adjust_percent_bp = ?, adjust_amount_cents = ?, follows_parent_restrictions = ?,
    base_adults = ?, extra_adult_cents = ?, child_bands = ?, policies = ?, updated_at = `+nowSQL+`
WHERE hotel_id = ? AND id = ?`, append(planArgs(p), p.HotelID, p.ID)...)
		return err
	})
}

// ApplyARI applies a bulk ARI change in one transaction and records it.
func (s *Store) ApplyARI(ctx context.Context, c *hotel.ARIChange) (bool, error) {
	req, err := store.ARIRequest(c)
	if err != nil {
		return false, err
	}
	var replayed bool
	var done hotel.ARIChange
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		replayed, done = false, *c
		if c.IdempotencyKey != "" {
			var r store.ARIChangeRow
			err := tx.QueryRowContext(ctx, `SELECT `+store.ARIChangeColumns+` FROM ari_change WHERE actor = ? AND idempotency_key = ?`,
				c.Actor, c.IdempotencyKey).Scan(store.ARIChangeDest(&r)...)
			switch {
			case err == nil:
				if r.Request != req {
					return store.ErrIdempotencyMismatch
				}
				replayed = true
				done, err = r.ARIChange()
				return err
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		plans, err := hotelPlans(ctx, tx, c.HotelID)
		if err != nil {
			return err
		}
		ops, err := store.ARIOps(plans, c.Updates)
		if err != nil {
			return err
		}
		for _, op := range ops {
			if err := applyOp(ctx, tx, c.HotelID, op, &done.Result); err != nil {
				return err
			}
		}
		at := now()
		done.CreatedAt = at
		return tx.QueryRowContext(ctx, `INSERT INTO ari_change (hotel_id, actor, reason, idempotency_key, request, result, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.HotelID, c.Actor, store.NullString(c.Reason), store.NullString(c.IdempotencyKey),
			req, store.ResultJSON(done.Result), ts(at)).Scan(&done.ID)
	})
	if err != nil {
		return false, err
	}
	done.IdempotencyKey = c.IdempotencyKey
	*c = done
	return replayed, nil
}

// applyOp applies one update: inventory nights (created when capacity
// and the default plan's price are both set; capacity; the default plan's
// price), a base plan's prices, restrictions.
func applyOp(ctx context.Context, tx *sql.Tx, hotelID int64, op store.ARIOp, res *hotel.ARIResult) error {
	if len(op.Nights) == 0 {
		return nil
	}
	nights, err := nightsJSON(op.Nights)
	if err != nil {
		return err
	}
	inNights := `night IN (SELECT value FROM json_each(?))`
	defaultPrice := op.DefaultPlan && op.Price != nil
	if op.Capacity != nil || defaultPrice {
		if op.Capacity != nil && defaultPrice {
			r, err := tx.ExecContext(ctx, `INSERT INTO inventory_night (hotel_id, room_type_id, night, capacity, allowance, price_cents, demand_level)
SELECT ?1, ?2, value, ?3, (SELECT overbooking_allowance FROM room_type WHERE hotel_id = ?1 AND id = ?2), ?4, 'medium'
FROM json_each(?5) WHERE true
ON CONFLICT (hotel_id, room_type_id, night) DO NOTHING`, hotelID, op.RoomTypeID, *op.Capacity, int64(*op.Price), nights)
			if err != nil {
				return err
			}
			n, _ := r.RowsAffected()
			res.Created += int(n)
		}
		var capacity, price sql.NullInt64
		if op.Capacity != nil {
			capacity = sql.NullInt64{Int64: int64(*op.Capacity), Valid: true}
		}
		if defaultPrice {
			price = sql.NullInt64{Int64: int64(*op.Price), Valid: true}
		}
		updated, err := nightList(ctx, tx, `UPDATE inventory_night
SET capacity = coalesce(?1, capacity), price_cents = coalesce(?2, price_cents), updated_at = `+nowSQL+`
WHERE hotel_id = ?3 AND room_type_id = ?4 AND night IN (SELECT value FROM json_each(?5))
  AND (?1 IS NULL OR held + blocked <= ?1 + allowance)
RETURNING night`, capacity, price, hotelID, op.RoomTypeID, nights)
		if err != nil {
			return err
		}
		if len(updated) < len(op.Nights) {
			exist, err := nightList(ctx, tx, `SELECT night FROM inventory_night WHERE hotel_id = ? AND room_type_id = ? AND `+inNights,
				hotelID, op.RoomTypeID, nights)
			if err != nil {
				return err
			}
			if e := store.RefuseNights(store.ErrNotFound, store.Minus(op.Nights, exist)); e != nil {
				return e
			}
			return store.RefuseNights(store.ErrConflict, store.Minus(exist, updated))
		}
		if op.Capacity != nil {
			res.Capacity += len(updated)
		}
		if defaultPrice {
			res.Prices += len(updated)
		}
	}
	if op.Price != nil && !op.DefaultPlan {
		_, err := tx.ExecContext(ctx, `INSERT INTO rate_night (hotel_id, rate_plan_id, night, price_cents)
SELECT ?, ?, value, ? FROM json_each(?) WHERE true
ON CONFLICT (hotel_id, rate_plan_id, night) DO UPDATE SET price_cents = excluded.price_cents`,
			hotelID, op.PlanID, int64(*op.Price), nights)
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
func setRules(ctx context.Context, tx *sql.Tx, hotelID int64, op store.ARIOp, nights string) error {
	vals := store.RestrictionArgs(*op.Rules)
	var insert, update []string
	args := []any{hotelID, op.RoomTypeID, op.PlanID, nights}
	for i, col := range store.RestrictionNames {
		n := len(args) + 1
		insert = append(insert, fmt.Sprintf("coalesce(?%d, 0)", n))
		update = append(update, fmt.Sprintf("%s = coalesce(?%d, %s)", col, n, col))
		args = append(args, vals[i])
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO restriction_night (hotel_id, room_type_id, rate_plan_id, night, `+strings.Join(store.RestrictionNames, ", ")+`)
SELECT ?1, ?2, ?3, value, `+strings.Join(insert, ", ")+` FROM json_each(?4) WHERE true
ON CONFLICT (hotel_id, room_type_id, rate_plan_id, night) DO UPDATE SET `+strings.Join(update, ", "), args...)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM restriction_night
WHERE hotel_id = ? AND room_type_id = ? AND rate_plan_id = ? AND night IN (SELECT value FROM json_each(?))
  AND `+strings.Join(store.RestrictionNames, " = 0 AND ")+` = 0`, hotelID, op.RoomTypeID, op.PlanID, nights)
	return err
}

// nightsJSON is a JSON array of the nights, for json_each.
func nightsJSON(ds []hotel.Date) (string, error) {
	b, err := json.Marshal(ds)
	return string(b), err
}

// ListARIChanges returns a hotel's changes with id < beforeID, newest first.
func (s *Store) ListARIChanges(ctx context.Context, hotelID, beforeID int64, limit int) ([]hotel.ARIChange, error) {
	var out []hotel.ARIChange
	var r store.ARIChangeRow
	err := each(ctx, s.r, store.ARIChangeDest(&r), func() error {
		c, err := r.ARIChange()
		out = append(out, c)
		return err
	}, `SELECT `+store.ARIChangeColumns+` FROM ari_change WHERE hotel_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, hotelID, beforeID, limit)
	return out, translate(err)
}
