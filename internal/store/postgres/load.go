package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/hotelplatform/hotel/internal/store"
)

// loadRatePlans writes the data set's plans (none: the room types keep the
// default plans the schema made). The plans are copied into a temporary
// table first; the default plans the room type trigger made for the room
// types they name are deleted, then every plan is inserted in one
// statement, whose foreign keys are checked at its end (so a derived plan
// may come before its parent).
func loadRatePlans(ctx context.Context, tx pgx.Tx, ds store.Dataset, roomTypes int64) error {
	if ds.RatePlans == nil {
		return nil
	}
	if _, err := tx.Exec(ctx, `CREATE TEMPORARY TABLE load_rate_plan (LIKE rate_plan INCLUDING DEFAULTS) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("stage rate plans: %w", err)
	}
	next, stop := iter2(ds.RatePlans)
	defer stop()
	var failed error
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"load_rate_plan"}, store.LoadRatePlanColumns,
		pgx.CopyFromFunc(func() ([]any, error) {
			p, ok := next()
			if !ok {
				return nil, nil
			}
			row, err := store.RatePlanValues(p)
			if err != nil {
				failed = err
			}
			return row, err
		})); err != nil {
		if failed != nil {
			return failed
		}
		return fmt.Errorf("copy rate plans: %w", err)
	}
	tag, err := tx.Exec(ctx, `DELETE FROM rate_plan r USING load_rate_plan l
WHERE l.is_default AND r.is_default AND r.room_type_id = l.room_type_id`)
	if err != nil {
		return fmt.Errorf("replace default plans: %w", err)
	}
	if tag.RowsAffected() != roomTypes {
		return store.MissingDefaultPlans(roomTypes, tag.RowsAffected())
	}
	cols := strings.Join(store.LoadRatePlanColumns, ", ")
	if _, err := tx.Exec(ctx, `INSERT INTO rate_plan (`+cols+`) SELECT `+cols+` FROM load_rate_plan`); err != nil {
		return fmt.Errorf("insert rate plans: %w", err)
	}
	return nil
}

// loadRateNights copies the data set's base plan prices.
func loadRateNights(ctx context.Context, tx pgx.Tx, ds store.Dataset) error {
	if ds.RateNights == nil {
		return nil
	}
	next, stop := iter2(ds.RateNights)
	defer stop()
	row := make([]any, 4)
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"rate_night"}, []string{"hotel_id", "rate_plan_id", "night", "price_cents"},
		pgx.CopyFromFunc(func() ([]any, error) {
			n, ok := next()
			if !ok {
				return nil, nil
			}
			row[0], row[1] = n.HotelID, n.RatePlanID
			row[2] = pgtype.Date{Time: n.Night.Time(), Valid: true}
			row[3] = int64(n.Price)
			return row, nil
		})); err != nil {
		return fmt.Errorf("copy rate nights: %w", err)
	}
	return nil
}

// loadRestrictions copies the data set's restrictions.
func loadRestrictions(ctx context.Context, tx pgx.Tx, ds store.Dataset) error {
	if ds.Restrictions == nil {
		return nil
	}
	next, stop := iter2(ds.Restrictions)
	defer stop()
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"restriction_night"}, store.LoadRestrictionColumns,
		pgx.CopyFromFunc(func() ([]any, error) {
			r, ok := next()
			if !ok {
				return nil, nil
			}
			return store.RestrictionValues(r, pgtype.Date{Time: r.Night.Time(), Valid: true}), nil
		})); err != nil {
		return fmt.Errorf("copy restrictions: %w", err)
	}
	return nil
}
