package postgres

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/sampledata"
)

func TestSearch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openWithInventory(t, 1, 5)
	q := hotel.SearchQuery{Location: "LISBON", CheckIn: day0.AddDays(1), CheckOut: day0.AddDays(3), Adults: 2, Limit: 10}
	offers, err := s.Search(ctx, q)
	if err != nil || len(offers) != 2 {
		t.Fatalf("Search = %+v, %v", offers, err)
	}
	want := hotel.Offer{HotelID: 1, HotelName: "Hotel One", Location: "Lisbon", TimeZone: "Europe/Lisbon",
		RoomTypeID: 10, RoomType: "Double", MaxOccupancy: 2, CheckIn: q.CheckIn, CheckOut: q.CheckOut, AvailableRooms: 1,
		TotalPrice: 20300, Currency: "EUR",
		NightlyPrices: []hotel.NightPrice{{Date: day0.AddDays(1), Price: 10100}, {Date: day0.AddDays(2), Price: 10200}},
	}
	if !offerEqual(offers[0], want) || offers[1].RoomTypeID != 11 {
		t.Fatalf("offers = %+v\nwant first %+v", offers, want)
	}
	// Taking the only room of night 2 hides room type 10.
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: uuid.NewString(), HotelID: 1, RoomTypeID: 10, CheckIn: day0.AddDays(2), CheckOut: day0.AddDays(3)}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(*hotel.SearchQuery)
		want []int64
	}{
		{"sold out night", func(*hotel.SearchQuery) {}, []int64{11}},
		{"too many guests", func(q *hotel.SearchQuery) { q.Children = 3 }, nil},
		{"stay past the inventory", func(q *hotel.SearchQuery) { q.CheckOut = day0.AddDays(6) }, nil},
		{"by hotel", func(q *hotel.SearchQuery) { q.Location, q.HotelID = "", 1 }, []int64{11}},
		{"room type", func(q *hotel.SearchQuery) { q.RoomType = "SUITE" }, []int64{11}},
		{"other room type", func(q *hotel.SearchQuery) { q.RoomType = "double" }, nil},
		{"max price", func(q *hotel.SearchQuery) { q.MaxPrice = 10199 }, nil},
		{"max price met", func(q *hotel.SearchQuery) { q.MaxPrice = 10200 }, []int64{11}},
		{"after the last", func(q *hotel.SearchQuery) {
			q.After = &hotel.SearchCursor{Total: 20300, HotelID: 1, RoomTypeID: 11}
		}, nil},
		{"after a cheaper one", func(q *hotel.SearchQuery) {
			q.After = &hotel.SearchCursor{Total: 20300, HotelID: 1, RoomTypeID: 10}
		}, []int64{11}},
		{"other location", func(q *hotel.SearchQuery) { q.Location = "Lisbo" }, nil},
	} {
		tq := q
		tc.edit(&tq)
		offers, err := s.Search(ctx, tq)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []int64
		for _, o := range offers {
			got = append(got, o.RoomTypeID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: room types %v, want %v", tc.name, got, tc.want)
		}
	}
}

func offerEqual(a, b hotel.Offer) bool {
	return slices.Equal(a.NightlyPrices, b.NightlyPrices) && func() bool {
		a.NightlyPrices, b.NightlyPrices = nil, nil
		return a.HotelID == b.HotelID && a.HotelName == b.HotelName && a.Location == b.Location && a.TimeZone == b.TimeZone &&
			a.RoomTypeID == b.RoomTypeID && a.RoomType == b.RoomType && a.MaxOccupancy == b.MaxOccupancy &&
			a.CheckIn == b.CheckIn && a.CheckOut == b.CheckOut && a.AvailableRooms == b.AvailableRooms &&
			a.TotalPrice == b.TotalPrice && a.Currency == b.Currency
	}()
}

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
