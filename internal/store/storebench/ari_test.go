package storebench

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
	"github.com/hotelplatform/hotel/internal/store/postgres"
	"github.com/hotelplatform/hotel/internal/store/sqlite"
)

// BenchmarkBulkARI measures one bulk ARI update (issue 17): a year of
// prices and restrictions for 22 base plans (the two room types' default
// plans and ten more plans on each) of one hotel, 22 updates × 365 dates =
// 8 030 plan nights, each setting a price and two restrictions, in one
// transaction recorded in the audit log. Each iteration alternates the
// values, so every one writes. Reports ms/op and nights/s, on a fresh
// SQLite file and a fresh PostgreSQL database.
func BenchmarkBulkARI(b *testing.B) {
	for _, d := range []struct {
		name string
		open func(b *testing.B) store.Store
	}{
		{"sqlite", func(b *testing.B) store.Store {
			s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "hotel.db"))
			if err != nil {
				b.Fatal(err)
			}
			return s
		}},
		{"postgres", func(b *testing.B) store.Store {
			s, err := postgres.Open(context.Background(), pgtest.NewDatabase(b), postgres.Options{ConnectTimeout: 10 * time.Second})
			if err != nil {
				b.Fatal(err)
			}
			return s
		}},
	} {
		b.Run(d.name, func(b *testing.B) {
			st := d.open(b)
			b.Cleanup(func() { st.Close() })
			updates := ariYear(b, st)
			nights := 0
			for _, u := range updates {
				nights += len(u.Nights())
			}
			ctx := context.Background()
			i := 0
			b.ResetTimer()
			for b.Loop() {
				i++
				for j := range updates {
					updates[j].Price = ptrTo(hotel.Cents(10000 + i%2))
					updates[j].Rules.MinStayArrival = ptrTo(1 + i%2)
				}
				c := &hotel.ARIChange{HotelID: 1, Actor: "bench", Reason: "year", IdempotencyKey: fmt.Sprint("bench-", i), Updates: slices.Clone(updates)}
				if _, err := st.ApplyARI(ctx, c); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
			b.ReportMetric(float64(nights*b.N)/b.Elapsed().Seconds(), "nights/s")
		})
	}
}

func ptrTo[T any](v T) *T { return &v }

// ariYear loads hotel 1 with two room types and a year of nights, creates
// ten base plans per room type, and returns one update per base plan
// covering the year.
func ariYear(b *testing.B, st store.Store) []hotel.ARIUpdate {
	b.Helper()
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	first := hotel.NewDate(2030, 1, 1)
	rts := []hotel.RoomType{{ID: 1, HotelID: 1, Name: "Standard", MaxOccupancy: 2}, {ID: 2, HotelID: 1, Name: "Deluxe", MaxOccupancy: 3}}
	var nights []hotel.Night
	for _, rt := range rts {
		for d := range 365 {
			nights = append(nights, hotel.Night{HotelID: 1, RoomTypeID: rt.ID, Date: first.AddDays(d), Capacity: 10, Price: 10000, DemandLevel: hotel.DemandMedium})
		}
	}
	ds := store.Dataset{Hotels: slices.Values([]hotel.Hotel{{ID: 1, Name: "Bench", Location: "London", TimeZone: "Europe/London", Currency: "GBP"}}),
		RoomTypes: slices.Values(rts), Nights: slices.Values(nights)}
	if ok, err := st.Load(ctx, ds, false); err != nil || !ok {
		b.Fatalf("Load = %v, %v", ok, err)
	}
	var updates []hotel.ARIUpdate
	for _, rt := range rts {
		codes := []string{fmt.Sprintf("BAR-%d", rt.ID)}
		for k := range 10 {
			p := hotel.RatePlan{HotelID: 1, RoomTypeID: rt.ID, Code: fmt.Sprintf("P%d-%d", rt.ID, k), Name: "Plan", MealPlan: "RO", Sellable: true}
			if err := st.CreateRatePlan(ctx, &p); err != nil {
				b.Fatal(err)
			}
			codes = append(codes, p.Code)
		}
		for _, code := range codes {
			updates = append(updates, hotel.ARIUpdate{RoomTypeID: rt.ID, RatePlan: code, From: first, To: first.AddDays(364),
				Rules: &hotel.RestrictionPatch{ClosedToArrival: ptrTo(false)}})
		}
	}
	return updates
}
