package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/hotelplatform/hotel/internal/store"
)

// batchInsert writes rows of cols values each with multi-row INSERTs of up
// to batch rows (a prepared statement for full batches).
type batchInsert struct {
	ctx   context.Context
	tx    *sql.Tx
	head  string // INSERT INTO t (cols) VALUES
	cols  int
	batch int
	full  *sql.Stmt
	args  []any
	what  string
}

func newBatchInsert(ctx context.Context, tx *sql.Tx, table string, cols []string, what string) (*batchInsert, error) {
	b := &batchInsert{ctx: ctx, tx: tx, head: `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES `,
		cols: len(cols), batch: 30_000 / len(cols), what: what}
	full, err := tx.PrepareContext(ctx, b.sql(b.batch))
	if err != nil {
		return nil, err
	}
	b.full = full
	b.args = make([]any, 0, b.batch*b.cols)
	return b, nil
}

func (b *batchInsert) sql(rows int) string {
	var sb strings.Builder
	sb.WriteString(b.head)
	row := "(" + strings.Repeat("?,", b.cols-1) + "?)"
	for i := range rows {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(row)
	}
	return sb.String()
}

// add appends one row's values, writing a full batch.
func (b *batchInsert) add(vals ...any) error {
	b.args = append(b.args, vals...)
	if len(b.args) == b.batch*b.cols {
		return b.flush()
	}
	return nil
}

// flush writes the rows added since the last write.
func (b *batchInsert) flush() error {
	if len(b.args) == 0 {
		return nil
	}
	var err error
	if len(b.args) == b.batch*b.cols {
		_, err = b.full.ExecContext(b.ctx, b.args...)
	} else {
		_, err = b.tx.ExecContext(b.ctx, b.sql(len(b.args)/b.cols), b.args...)
	}
	if err != nil {
		return fmt.Errorf("insert %s: %w", b.what, err)
	}
	b.args = b.args[:0]
	return b.ctx.Err()
}

// close writes what is left and frees the statement.
func (b *batchInsert) close() error {
	err := b.flush()
	if cerr := b.full.Close(); err == nil {
		err = cerr
	}
	return err
}

// loadRatePlans writes the data set's plans (none: the room types keep the
// default plans the schema made): staged in a temporary table, then the
// default plans the room type trigger made for the room types they name
// are deleted and every plan is inserted in one statement.
func loadRatePlans(ctx context.Context, tx *sql.Tx, ds store.Dataset, roomTypes int64) error {
	if ds.RatePlans == nil {
		return nil
	}
	cols := strings.Join(store.LoadRatePlanColumns, ", ")
	for _, stmt := range []string{
		`DROP TABLE IF EXISTS temp.load_rate_plan`,
		`CREATE TEMPORARY TABLE load_rate_plan AS SELECT ` + cols + ` FROM rate_plan WHERE 0`,
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("stage rate plans: %w", err)
		}
	}
	b, err := newBatchInsert(ctx, tx, "temp.load_rate_plan", store.LoadRatePlanColumns, "rate plans")
	if err != nil {
		return err
	}
	for p := range ds.RatePlans {
		vals, err := store.RatePlanValues(p)
		if err != nil {
			_ = b.close()
			return err
		}
		if err := b.add(vals...); err != nil {
			_ = b.close()
			return err
		}
	}
	if err := b.close(); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM rate_plan WHERE is_default
AND room_type_id IN (SELECT room_type_id FROM temp.load_rate_plan WHERE is_default)`)
	if err != nil {
		return fmt.Errorf("replace default plans: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != roomTypes {
		if err != nil {
			return err
		}
		return store.MissingDefaultPlans(roomTypes, n)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO rate_plan (`+cols+`) SELECT `+cols+` FROM temp.load_rate_plan`); err != nil {
		return fmt.Errorf("insert rate plans: %w", err)
	}
	_, err = tx.ExecContext(ctx, `DROP TABLE temp.load_rate_plan`)
	return err
}

// loadRateNights writes the data set's base plan prices.
func loadRateNights(ctx context.Context, tx *sql.Tx, ds store.Dataset) error {
	if ds.RateNights == nil {
		return nil
	}
	b, err := newBatchInsert(ctx, tx, "rate_night", []string{"hotel_id", "rate_plan_id", "night", "price_cents"}, "rate nights")
	if err != nil {
		return err
	}
	for n := range ds.RateNights {
		if err := b.add(n.HotelID, n.RatePlanID, n.Night.String(), int64(n.Price)); err != nil {
			_ = b.close()
			return err
		}
	}
	return b.close()
}

// loadRestrictions writes the data set's restrictions.
func loadRestrictions(ctx context.Context, tx *sql.Tx, ds store.Dataset) error {
	if ds.Restrictions == nil {
		return nil
	}
	b, err := newBatchInsert(ctx, tx, "restriction_night", store.LoadRestrictionColumns, "restrictions")
	if err != nil {
		return err
	}
	for r := range ds.Restrictions {
		if err := b.add(store.RestrictionValues(r, r.Night.String())...); err != nil {
			_ = b.close()
			return err
		}
	}
	return b.close()
}
