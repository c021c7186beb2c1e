package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/sampledata"
)

// TestSearchPlan checks, on a synthetic data set of a few thousand hotels,
// that search by location reaches hotels through hotel_location_idx and
// inventory nights through an index, never a scan of the whole table.
func TestSearchPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := open(t)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ds, err := sampledata.Synthetic(sampledata.SyntheticOptions{Hotels: 2000, Days: 14, Seed: 7, Start: day0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, ds, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	var city string
	if err := s.pool.QueryRow(ctx, `SELECT location FROM hotel GROUP BY location ORDER BY count(*) DESC, location LIMIT 1`).Scan(&city); err != nil {
		t.Fatal(err)
	}
	for _, q := range []hotel.SearchQuery{
		{Location: strings.ToUpper(city), CheckIn: day0.AddDays(3), CheckOut: day0.AddDays(6), Adults: 2, Limit: 50},
		{Location: city, RoomType: sampledata.RoomStandard, CheckIn: day0.AddDays(3), CheckOut: day0.AddDays(6), Adults: 1, MaxPrice: 50000, Limit: 50,
			After: &hotel.SearchCursor{Total: 1000, HotelID: 1, RoomTypeID: 1}},
		{HotelID: 1234, CheckIn: day0, CheckOut: day0.AddDays(7), Adults: 1, Limit: 50},
	} {
		sql, args := searchSQL(q)
		rows, err := s.pool.Query(ctx, "EXPLAIN "+sql, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		text := strings.Join(plan, "\n")
		if strings.Contains(text, "Seq Scan on inventory_night") || !strings.Contains(text, "Index Scan using inventory_night_") ||
			(q.Location != "" && !strings.Contains(text, "hotel_location_idx")) {
			t.Errorf("search plan does not use the indexes:\n%s", text)
		}
		if offers, err := s.Search(ctx, q); err != nil || (q.RoomType == "" && len(offers) == 0) {
			t.Errorf("Search(%+v) = %d offers, %v", q, len(offers), err)
		}
	}
}
