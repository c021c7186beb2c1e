package inventoryhttp_test

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store/storetest"
)

// The behaviour suite of hotel.InventoryService. It runs against every
// driver × {in-process Service, HTTP Client → server → Service} with the same
// expectations, so the two implementations cannot drift apart.

// newService returns the implementation under test with clock now.
type newService func(t *testing.T, now func() time.Time) hotel.InventoryService

// noon is the default clock: 11:30 UTC on 2030-01-01 is still 2030-01-01 in
// Europe/London but already 2030-01-02 (00:30 NZDT) in Pacific/Auckland.
const noon = "2030-01-01T11:30:00Z"

func TestInventoryService(t *testing.T) {
	t.Parallel()
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			st := seeded(t, d)
			for _, m := range modes {
				t.Run(m.name, func(t *testing.T) {
					t.Parallel()
					runSuite(t, func(t *testing.T, now func() time.Time) hotel.InventoryService {
						return m.new(t, st, now)
					})
				})
			}
		})
	}
}

func runSuite(t *testing.T, newSvc newService) {
	tests := []struct {
		name string
		run  func(t *testing.T, newSvc newService)
	}{
		{"GetHotel", testGetHotel},
		{"HotelLocalToday", testHotelLocalToday},
		{"HotelInventoryErrors", testHotelInventoryErrors},
		{"ListInventoryErrors", testListInventoryErrors},
		{"RangeLimits", testRangeLimits},
		{"PageSizes", testPageSizes},
		{"Pagination", testPagination},
		{"CursorPastTheEnd", testCursorPastTheEnd},
		{"Filters", testFilters},
		{"ExactPrices", testExactPrices},
		{"SearchOffers", testSearchOffers},
		{"SearchPages", testSearchPages},
		{"SearchHotelLocalPast", testSearchHotelLocalPast},
		{"SearchErrors", testSearchErrors},
		{"CatalogueReads", testCatalogueReads},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, newSvc)
		})
	}
}

// date parses a YYYY-MM-DD literal of a test table.
func date(s string) hotel.Date {
	v, err := hotel.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func testGetHotel(t *testing.T, newSvc newService) {
	svc := newSvc(t, at(t, noon))
	hotels := storetest.NewFixture(london, 1).Hotels
	tests := []struct {
		id   int64
		want *hotel.Hotel
		code string
	}{
		{london, &hotels[0], ""},
		{auckland, &hotels[1], ""},
		{999999, nil, hotel.ENOTFOUND},
		{0, nil, hotel.ENOTFOUND},
		{-1, nil, hotel.ENOTFOUND},
	}
	for _, tc := range tests {
		got, err := svc.GetHotel(context.Background(), tc.id)
		if tc.code != "" {
			if got != nil {
				t.Errorf("GetHotel(%d) = %+v, want nil with the error", tc.id, got)
			}
			checkError(t, err, tc.code, "")
			continue
		}
		if err != nil || got == nil || !reflect.DeepEqual(*got, *tc.want) {
			t.Errorf("GetHotel(%d) = %+v, %v; want %+v", tc.id, got, err, tc.want)
		}
	}
}

// checkRows checks a page holds exactly the nights from first to last of
// perDay room types, in (hotel, date, room type) order, as one page.
func checkRows(t *testing.T, p *hotel.InventoryPage, hotelID int64, first, last hotel.Date, perDay int) {
	t.Helper()
	want := (first.DaysUntil(last) + 1) * perDay
	if len(p.Items) != want || p.Next != "" {
		t.Fatalf("%d rows (next %q), want %d rows %s..%s on one page", len(p.Items), p.Next, want, first, last)
	}
	if got := p.Items[0].Date; got != first {
		t.Errorf("first date %s, want %s", got, first)
	}
	if got := p.Items[len(p.Items)-1].Date; got != last {
		t.Errorf("last date %s, want %s", got, last)
	}
	for i, it := range p.Items {
		if hotelID != 0 && it.HotelID != hotelID {
			t.Fatalf("row %d is of hotel %d, want %d", i, it.HotelID, hotelID)
		}
		if i > 0 && compareKey(p.Items[i-1], it) >= 0 {
			t.Fatalf("rows %d and %d are out of (hotel, date, room type) order", i-1, i)
		}
	}
}

func compareKey(a, b hotel.InventoryItem) int {
	if c := cmp.Compare(a.HotelID, b.HotelID); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Date.DaysUntil(a.Date), 0); c != 0 {
		return c
	}
	return cmp.Compare(a.RoomTypeID, b.RoomTypeID)
}

func testHotelLocalToday(t *testing.T, newSvc newService) {
	if hotel.DefaultRangeDays != 30 {
		t.Fatalf("the cases below spell out a 30-day default range; DefaultRangeDays is %d", hotel.DefaultRangeDays)
	}
	tests := []struct {
		name        string
		now         string
		hotelID     int64
		f           hotel.InventoryFilter
		first, last hotel.Date // of the rows returned
		perDay      int
	}{
		{"london at 11:30Z is Jan 1", noon, london, hotel.InventoryFilter{}, date("2030-01-01"), date("2030-01-30"), 2},
		{"auckland at 11:30Z is already Jan 2", noon, auckland, hotel.InventoryFilter{}, date("2030-01-02"), date("2030-01-31"), 2},
		{"auckland one second before its midnight", "2030-01-01T10:59:59Z", auckland, hotel.InventoryFilter{}, date("2030-01-01"), date("2030-01-30"), 2},
		{"auckland at its midnight", "2030-01-01T11:00:00Z", auckland, hotel.InventoryFilter{}, date("2030-01-02"), date("2030-01-31"), 2},
		{"london one second before its midnight", "2030-01-01T23:59:59Z", london, hotel.InventoryFilter{}, date("2030-01-01"), date("2030-01-30"), 2},
		// London's today (Dec 31) has no rows: the range still ends 29 days later.
		{"london on new year's eve", "2029-12-31T23:30:00Z", london, hotel.InventoryFilter{}, date("2030-01-01"), date("2030-01-29"), 2},
		{"auckland at the same instant", "2029-12-31T23:30:00Z", auckland, hotel.InventoryFilter{}, date("2030-01-01"), date("2030-01-30"), 2},
		{"start only", noon, london, hotel.InventoryFilter{StartDate: date("2030-02-01")}, date("2030-02-01"), date("2030-03-02"), 2},
		{"end only, ahead", noon, london, hotel.InventoryFilter{EndDate: date("2030-01-05")}, date("2030-01-01"), date("2030-01-05"), 2},
		{"end only, today", noon, auckland, hotel.InventoryFilter{EndDate: date("2030-01-02")}, date("2030-01-02"), date("2030-01-02"), 2},
		// An end before today shows the DefaultRangeDays ending there (Dec 12 – Jan 10).
		{"end only, in the past", "2030-03-01T12:00:00Z", london, hotel.InventoryFilter{EndDate: date("2030-01-10")}, date("2030-01-01"), date("2030-01-10"), 2},
		{"end only, yesterday in auckland", noon, auckland, hotel.InventoryFilter{EndDate: date("2030-01-01")}, date("2030-01-01"), date("2030-01-01"), 2},
		{"room type", noon, auckland, hotel.InventoryFilter{RoomType: "deluxe rooms"}, date("2030-01-02"), date("2030-01-31"), 1},
		{"both dates ignore the clock", "2040-06-01T00:00:00Z", london, hotel.InventoryFilter{StartDate: date("2030-03-01"), EndDate: date("2030-03-03")}, date("2030-03-01"), date("2030-03-03"), 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc := newSvc(t, at(t, tc.now))
			p, err := svc.HotelInventory(context.Background(), tc.hotelID, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, p, tc.hotelID, tc.first, tc.last, tc.perDay)
		})
	}
}

// cursor returns a valid cursor with one field changed by mod.
func cursor(mod func(c *hotel.InventoryCursor)) *hotel.InventoryCursor {
	c := &hotel.InventoryCursor{HotelID: london, Date: start, RoomTypeID: london * 10}
	mod(c)
	return c
}

// hotelInventoryCase is a call that must fail with code, naming field if set.
type hotelInventoryCase struct {
	name    string
	hotelID int64
	f       hotel.InventoryFilter
	code    string
	field   string
}

// hotelInventoryErrors are the failing HotelInventory calls at clock noon
// (today is 2030-01-01 in London).
var hotelInventoryErrors = []hotelInventoryCase{
	{"unknown hotel", 999999, hotel.InventoryFilter{}, hotel.ENOTFOUND, ""},
	{"zero hotel id", 0, hotel.InventoryFilter{}, hotel.ENOTFOUND, ""},
	{"negative hotel id", -5, hotel.InventoryFilter{}, hotel.ENOTFOUND, ""},
	{"unknown hotel with reversed dates", 999999, hotel.InventoryFilter{StartDate: date("2030-01-10"), EndDate: date("2030-01-09")}, hotel.ENOTFOUND, ""},
	{"reversed dates", london, hotel.InventoryFilter{StartDate: date("2030-01-10"), EndDate: date("2030-01-09")}, hotel.EINVALID, "end_date"},
	{"367 days", london, hotel.InventoryFilter{StartDate: date("2030-01-01"), EndDate: date("2031-01-02")}, hotel.EINVALID, "end_date"},
	{"end only, 367 days from today", london, hotel.InventoryFilter{EndDate: date("2031-01-02")}, hotel.EINVALID, "end_date"},
	{"negative limit", london, hotel.InventoryFilter{Limit: -1}, hotel.EINVALID, "limit"},
	{"limit above max", london, hotel.InventoryFilter{Limit: hotel.MaxPageSize + 1}, hotel.EINVALID, "limit"},
	{"unknown hotel with bad limit", 999999, hotel.InventoryFilter{Limit: -1}, hotel.EINVALID, "limit"},
	{"location is not a filter of one hotel", london, hotel.InventoryFilter{Location: "London"}, hotel.EINVALID, "location"},
	{"room type too long", london, hotel.InventoryFilter{RoomType: strings.Repeat("x", 101)}, hotel.EINVALID, "room_type"},
	{"room type with control character", london, hotel.InventoryFilter{RoomType: "Deluxe\nRooms"}, hotel.EINVALID, "room_type"},
	{"cursor without hotel", london, hotel.InventoryFilter{After: cursor(func(c *hotel.InventoryCursor) { c.HotelID = 0 })}, hotel.EINVALID, "cursor"},
	{"cursor without date", london, hotel.InventoryFilter{After: cursor(func(c *hotel.InventoryCursor) { c.Date = hotel.Date{} })}, hotel.EINVALID, "cursor"},
	{"start after year 9999", london, hotel.InventoryFilter{StartDate: hotel.NewDate(10000, 1, 1)}, hotel.EINVALID, "start_date"},
	{"location and bad limit", london, hotel.InventoryFilter{Location: "London", Limit: -1}, hotel.EINVALID, "location"},
}

func testHotelInventoryErrors(t *testing.T, newSvc newService) {
	svc := newSvc(t, at(t, noon))
	for _, tc := range hotelInventoryErrors {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := svc.HotelInventory(context.Background(), tc.hotelID, tc.f)
			if p != nil {
				t.Errorf("page = %d rows, want nil with the error", len(p.Items))
			}
			checkError(t, err, tc.code, tc.field)
		})
	}
}

type listCase struct {
	name  string
	f     hotel.InventoryFilter
	code  string
	field string
}

var listInventoryErrors = []listCase{
	{"reversed dates", hotel.InventoryFilter{StartDate: date("2030-01-10"), EndDate: date("2030-01-09")}, hotel.EINVALID, "end_date"},
	{"367 days", hotel.InventoryFilter{StartDate: date("2030-01-01"), EndDate: date("2031-01-02")}, hotel.EINVALID, "end_date"},
	{"negative limit", hotel.InventoryFilter{Limit: -1}, hotel.EINVALID, "limit"},
	{"limit above max", hotel.InventoryFilter{Limit: hotel.MaxPageSize + 1}, hotel.EINVALID, "limit"},
	{"negative hotel id", hotel.InventoryFilter{HotelID: -1}, hotel.EINVALID, "hotel_id"},
	{"location too long", hotel.InventoryFilter{Location: strings.Repeat("x", 201)}, hotel.EINVALID, "location"},
	{"location with NUL", hotel.InventoryFilter{Location: "Lon\x00don"}, hotel.EINVALID, "location"},
	{"location not UTF-8", hotel.InventoryFilter{Location: "Lond\xffn"}, hotel.EINVALID, "location"},
	{"room type too long", hotel.InventoryFilter{RoomType: strings.Repeat("x", 101)}, hotel.EINVALID, "room_type"},
	{"room type with DEL", hotel.InventoryFilter{RoomType: "Deluxe\x7f"}, hotel.EINVALID, "room_type"},
	{"cursor without hotel", hotel.InventoryFilter{After: cursor(func(c *hotel.InventoryCursor) { c.HotelID = 0 })}, hotel.EINVALID, "cursor"},
	{"cursor without date", hotel.InventoryFilter{After: cursor(func(c *hotel.InventoryCursor) { c.Date = hotel.Date{} })}, hotel.EINVALID, "cursor"},
	{"cursor with negative room type", hotel.InventoryFilter{After: cursor(func(c *hotel.InventoryCursor) { c.RoomTypeID = -1 })}, hotel.EINVALID, "cursor"},
	{"start after year 9999", hotel.InventoryFilter{StartDate: hotel.NewDate(10000, 1, 1)}, hotel.EINVALID, "start_date"},
	{"end after year 9999", hotel.InventoryFilter{EndDate: hotel.NewDate(10000, 1, 1)}, hotel.EINVALID, "end_date"},
	{"start after year 9999, end before it", hotel.InventoryFilter{StartDate: hotel.NewDate(10000, 1, 1), EndDate: start}, hotel.EINVALID, "start_date"},
	{"bad cursor and bad limit", hotel.InventoryFilter{Limit: -1, After: cursor(func(c *hotel.InventoryCursor) { c.HotelID = 0 })}, hotel.EINVALID, "cursor"},
	{"bad limit and location", hotel.InventoryFilter{Limit: -1, Location: "\xff"}, hotel.EINVALID, "limit"},
}

func testListInventoryErrors(t *testing.T, newSvc newService) {
	svc := newSvc(t, at(t, noon))
	for _, tc := range listInventoryErrors {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := svc.ListInventory(context.Background(), tc.f)
			if p != nil {
				t.Errorf("page = %d rows, want nil with the error", len(p.Items))
			}
			checkError(t, err, tc.code, tc.field)
		})
	}
}

func testRangeLimits(t *testing.T, newSvc newService) {
	svc := newSvc(t, at(t, noon))
	ctx := context.Background()
	first, last := date("2030-01-01"), date("2031-01-01") // 366 days, the most allowed
	if n := first.DaysUntil(last) + 1; n != hotel.MaxRangeDays {
		t.Fatalf("test range covers %d days, want %d", n, hotel.MaxRangeDays)
	}
	widest := hotel.InventoryFilter{StartDate: first, EndDate: last, Limit: hotel.MaxPageSize}
	tests := []struct {
		name   string
		call   func() (*hotel.InventoryPage, error)
		hotel  int64
		perDay int
	}{
		{"ListInventory 366 days", func() (*hotel.InventoryPage, error) { return svc.ListInventory(ctx, widest) }, 0, 4},
		{"HotelInventory 366 days", func() (*hotel.InventoryPage, error) { return svc.HotelInventory(ctx, london, widest) }, london, 2},
		{"HotelInventory end only, 366 days from today", func() (*hotel.InventoryPage, error) {
			return svc.HotelInventory(ctx, london, hotel.InventoryFilter{EndDate: last, Limit: hotel.MaxPageSize})
		}, london, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := tc.call()
			if err != nil {
				t.Fatal(err)
			}
			if tc.hotel == 0 {
				// Two hotels: check the count and the edges of the whole listing.
				if want := hotel.MaxRangeDays * tc.perDay; len(p.Items) != want || p.Next != "" {
					t.Fatalf("%d rows (next %q), want %d", len(p.Items), p.Next, want)
				}
				return
			}
			checkRows(t, p, tc.hotel, first, last, tc.perDay)
		})
	}
}

func testPageSizes(t *testing.T, newSvc newService) {
	svc := newSvc(t, at(t, noon))
	ten := func(limit int) hotel.InventoryFilter {
		return hotel.InventoryFilter{StartDate: date("2030-01-01"), EndDate: date("2030-01-10"), Limit: limit} // 40 rows
	}
	all := 2 * 2 * fixtureDays
	tests := []struct {
		name     string
		f        hotel.InventoryFilter
		wantRows int
		wantNext bool
	}{
		{"limit 1", ten(1), 1, true},
		{"limit one short", ten(39), 39, true},
		{"limit exactly the rows", ten(40), 40, false},
		{"limit above the rows", ten(41), 40, false},
		{"default limit", hotel.InventoryFilter{}, hotel.DefaultPageSize, true},
		{"max limit", hotel.InventoryFilter{Limit: hotel.MaxPageSize}, all, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := svc.ListInventory(context.Background(), tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Items) != tc.wantRows || (p.Next != "") != tc.wantNext {
				t.Fatalf("%d rows, next %q; want %d rows, next: %v", len(p.Items), p.Next, tc.wantRows, tc.wantNext)
			}
		})
	}
}

func testPagination(t *testing.T, newSvc newService) {
	svc := newSvc(t, at(t, noon))
	ctx := context.Background()
	list := func(f hotel.InventoryFilter) func(hotel.InventoryFilter) (*hotel.InventoryPage, error) {
		return func(page hotel.InventoryFilter) (*hotel.InventoryPage, error) {
			f.Limit, f.After = page.Limit, page.After
			return svc.ListInventory(ctx, f)
		}
	}
	inHotel := func(id int64, f hotel.InventoryFilter) func(hotel.InventoryFilter) (*hotel.InventoryPage, error) {
		return func(page hotel.InventoryFilter) (*hotel.InventoryPage, error) {
			f.Limit, f.After = page.Limit, page.After
			return svc.HotelInventory(ctx, id, f)
		}
	}
	tenDays := hotel.InventoryFilter{StartDate: date("2030-01-01"), EndDate: date("2030-01-10")}
	tests := []struct {
		name  string
		fetch func(hotel.InventoryFilter) (*hotel.InventoryPage, error)
		limit int
	}{
		{"one row a page", list(tenDays), 1},
		{"pages cross hotels", list(tenDays), 7},
		{"rows a multiple of the limit", list(tenDays), 8},
		{"one full page", list(tenDays), 40},
		{"everything, default limit", list(hotel.InventoryFilter{}), 0},
		{"location", list(hotel.InventoryFilter{Location: "auckland", StartDate: date("2030-03-01"), EndDate: date("2030-03-31")}), 9},
		{"room type", list(hotel.InventoryFilter{RoomType: "Standard Rooms", StartDate: date("2030-03-01"), EndDate: date("2030-03-31")}), 11},
		{"one hotel, default range", inHotel(auckland, hotel.InventoryFilter{}), 13},
		{"one hotel and room type", inHotel(london, hotel.InventoryFilter{RoomType: "deluxe rooms", EndDate: date("2030-02-15")}), 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			whole, err := tc.fetch(hotel.InventoryFilter{Limit: hotel.MaxPageSize})
			if err != nil || whole.Next != "" || len(whole.Items) == 0 {
				t.Fatalf("one big listing: %v; want a non-empty single page", err)
			}
			limit := tc.limit
			if limit == 0 {
				limit = hotel.DefaultPageSize
			}
			wantPages := (len(whole.Items) + limit - 1) / limit
			var joined []hotel.InventoryItem
			seen := map[hotel.InventoryCursor]bool{}
			var after *hotel.InventoryCursor
			for pages := 1; ; pages++ {
				if pages > wantPages {
					t.Fatalf("more than %d pages of %d for %d rows", wantPages, limit, len(whole.Items))
				}
				p, err := tc.fetch(hotel.InventoryFilter{Limit: tc.limit, After: after})
				if err != nil {
					t.Fatalf("page %d: %v", pages, err)
				}
				if len(p.Items) == 0 || len(p.Items) > limit {
					t.Fatalf("page %d has %d rows, want 1..%d", pages, len(p.Items), limit)
				}
				for _, it := range p.Items {
					k := key(it)
					if seen[k] {
						t.Fatalf("row %+v appears twice", k)
					}
					seen[k] = true
				}
				joined = append(joined, p.Items...)
				if p.Next == "" {
					if pages != wantPages {
						t.Fatalf("last page is page %d, want %d", pages, wantPages)
					}
					break
				}
				if len(p.Items) != limit {
					t.Fatalf("page %d has %d rows and a next page, want %d", pages, len(p.Items), limit)
				}
				if after, err = hotel.ParseInventoryCursor(p.Next); err != nil {
					t.Fatalf("page %d: next cursor %q: %v", pages, p.Next, err)
				}
				if *after != key(p.Items[len(p.Items)-1]) {
					t.Fatalf("page %d: next cursor %+v is not its last row %+v", pages, *after, key(p.Items[len(p.Items)-1]))
				}
			}
			if !slices.Equal(joined, whole.Items) {
				t.Fatalf("pages joined (%d rows) differ from one listing (%d rows)", len(joined), len(whole.Items))
			}
		})
	}
}

func key(it hotel.InventoryItem) hotel.InventoryCursor {
	return hotel.InventoryCursor{HotelID: it.HotelID, Date: it.Date, RoomTypeID: it.RoomTypeID}
}

func testCursorPastTheEnd(t *testing.T, newSvc newService) {
	svc := newSvc(t, at(t, noon))
	tests := []struct {
		name  string
		after hotel.InventoryCursor
		want  int
	}{
		{"after the last row", hotel.InventoryCursor{HotelID: auckland, Date: date("2030-01-10"), RoomTypeID: auckland*10 + 1}, 0},
		{"unknown hotel", hotel.InventoryCursor{HotelID: 999999, Date: start, RoomTypeID: 1}, 0},
		{"before the first row", hotel.InventoryCursor{HotelID: 1, Date: start, RoomTypeID: 1}, 40},
		{"mid-day: the other room type", hotel.InventoryCursor{HotelID: london, Date: date("2030-01-10"), RoomTypeID: london * 10}, 21},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := svc.ListInventory(context.Background(), hotel.InventoryFilter{
				StartDate: date("2030-01-01"), EndDate: date("2030-01-10"), After: &tc.after,
			})
			if err != nil || len(p.Items) != tc.want || p.Next != "" {
				t.Fatalf("= %v; want %d rows and no next page", describe(p, err), tc.want)
			}
		})
	}
}

func describe(p *hotel.InventoryPage, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%d rows, next %q", len(p.Items), p.Next)
}

// filterCases run over five days (2030-01-01..05) of both hotels.
var filterCases = []struct {
	name string
	f    hotel.InventoryFilter
	want int
	ok   func(hotel.InventoryItem) bool
}{
	{"no filter", hotel.InventoryFilter{}, 20, nil},
	{"location", hotel.InventoryFilter{Location: "London"}, 10, inHotel(london)},
	{"location lower case", hotel.InventoryFilter{Location: "london"}, 10, inHotel(london)},
	{"location mixed case", hotel.InventoryFilter{Location: "aUcKlAnD"}, 10, inHotel(auckland)},
	{"location with spaces around", hotel.InventoryFilter{Location: "  London "}, 10, inHotel(london)},
	{"location prefix is no match", hotel.InventoryFilter{Location: "Lond"}, 0, nil},
	{"location is not a pattern", hotel.InventoryFilter{Location: "Lond_n"}, 0, nil},
	{"location percent", hotel.InventoryFilter{Location: "%"}, 0, nil},
	{"location accented", hotel.InventoryFilter{Location: "Londön"}, 0, nil},
	{"room type any case", hotel.InventoryFilter{RoomType: "deluxe ROOMS"}, 10, func(it hotel.InventoryItem) bool { return it.RoomType == "Deluxe Rooms" }},
	{"hotel", hotel.InventoryFilter{HotelID: auckland}, 10, inHotel(auckland)},
	{"hotel and room type", hotel.InventoryFilter{HotelID: london, RoomType: "STANDARD ROOMS"}, 5, func(it hotel.InventoryItem) bool {
		return it.HotelID == london && it.RoomType == "Standard Rooms"
	}},
	{"hotel and location of another", hotel.InventoryFilter{HotelID: auckland, Location: "London"}, 0, nil},
	{"unknown hotel", hotel.InventoryFilter{HotelID: 999999}, 0, nil},
	{"hotel id past 2^53", hotel.InventoryFilter{HotelID: 1<<53 + 1}, 0, nil},
	{"sql in location", hotel.InventoryFilter{Location: "London' OR '1'='1"}, 0, nil},
	{"sql in room type", hotel.InventoryFilter{RoomType: `x"; DROP TABLE hotel; --`}, 0, nil},
	{"sql comment", hotel.InventoryFilter{Location: "') OR 1=1 --", RoomType: "' UNION SELECT * FROM hotel --"}, 0, nil},
}

func inHotel(id int64) func(hotel.InventoryItem) bool {
	return func(it hotel.InventoryItem) bool { return it.HotelID == id }
}

func testFilters(t *testing.T, newSvc newService) {
	svc := newSvc(t, at(t, noon))
	// The group returns only when its parallel cases have finished, so the
	// check after it sees the database after every SQL-looking filter.
	t.Run("cases", func(t *testing.T) {
		for _, tc := range filterCases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				f := tc.f
				f.StartDate, f.EndDate, f.Limit = date("2030-01-01"), date("2030-01-05"), 1000
				p, err := svc.ListInventory(context.Background(), f)
				if err != nil || len(p.Items) != tc.want || p.Next != "" {
					t.Fatalf("= %v; want %d rows", describe(p, err), tc.want)
				}
				for _, it := range p.Items {
					if tc.ok != nil && !tc.ok(it) {
						t.Fatalf("row %+v does not match the filter", it)
					}
				}
			})
		}
	})
	p, err := svc.ListInventory(context.Background(), hotel.InventoryFilter{Limit: hotel.MaxPageSize})
	if err != nil || len(p.Items) != 2*2*fixtureDays {
		t.Fatalf("after the filters: %s; want all %d rows intact", describe(p, err), 2*2*fixtureDays)
	}
}

func testExactPrices(t *testing.T, newSvc newService) {
	svc := newSvc(t, at(t, noon))
	item := func(h int64, name, loc, cur string, rt int64, rtName string, total, avail int, price hotel.Cents) hotel.InventoryItem {
		return hotel.InventoryItem{HotelID: h, HotelName: name, Location: loc, RoomTypeID: rt, RoomType: rtName, Date: start,
			AvailableRooms: avail, TotalRooms: total, RoomPrice: price, Currency: cur, DemandLevel: hotel.DemandMedium}
	}
	tests := []struct {
		hotelID int64
		want    []hotel.InventoryItem
		prices  []string
	}{
		{london, []hotel.InventoryItem{
			item(london, "Test Hotel 100", "London", "GBP", 1000, "Standard Rooms", 10, 10, 30400),
			item(london, "Test Hotel 100", "London", "GBP", 1001, "Deluxe Rooms", 11, 10, 36480),
		}, []string{"304.00", "364.80"}},
		{auckland, []hotel.InventoryItem{
			item(auckland, "Test Hotel 101", "Auckland", "NZD", 1002, "Standard Rooms", 10, 10, 30400),
			item(auckland, "Test Hotel 101", "Auckland", "NZD", 1003, "Deluxe Rooms", 11, 10, 36480),
		}, []string{"304.00", "364.80"}},
	}
	for _, tc := range tests {
		p, err := svc.HotelInventory(context.Background(), tc.hotelID, hotel.InventoryFilter{StartDate: start, EndDate: start})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Items, tc.want) {
			t.Fatalf("hotel %d on %s:\n got  %+v\n want %+v", tc.hotelID, start, p.Items, tc.want)
		}
		for i, it := range p.Items {
			if it.RoomPrice.String() != tc.prices[i] {
				t.Errorf("price %s, want exactly %s", it.RoomPrice, tc.prices[i])
			}
		}
	}
}

// TestImplementationsAgree calls the in-process Service and the HTTP Client
// over the same store with the same inputs and demands identical answers:
// rows, next-page tokens, error codes and invalid field names.
func TestImplementationsAgree(t *testing.T) {
	t.Parallel()
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			st := seeded(t, d)
			now := at(t, noon)
			local := modes[0].new(t, st, now)
			remote := modes[1].new(t, st, now)
			for _, c := range agreementCalls() {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					ctx := context.Background()
					want, werr := c.call(ctx, local)
					got, gerr := c.call(ctx, remote)
					if hotel.ErrorCode(gerr) != hotel.ErrorCode(werr) || !slices.Equal(errorFields(gerr), errorFields(werr)) {
						t.Fatalf("errors differ:\n in-process %v (fields %v)\n http       %v (fields %v)", werr, errorFields(werr), gerr, errorFields(gerr))
					}
					if want != got {
						t.Fatalf("answers differ:\n in-process %s\n http       %s", want, got)
					}
				})
			}
			t.Run("closed store", func(t *testing.T) {
				// Its own store: closing the shared one would break the others.
				st := seeded(t, d)
				local := modes[0].new(t, st, now)
				remote := modes[1].new(t, st, now)
				st.Close()
				for _, c := range agreementCalls()[:3] {
					_, werr := c.call(context.Background(), local)
					_, gerr := c.call(context.Background(), remote)
					if c := hotel.ErrorCode(werr); c != hotel.EINTERNAL && c != hotel.EUNAVAILABLE {
						t.Fatalf("in-process on a closed store: %v, want internal or unavailable", werr)
					}
					if hotel.ErrorCode(gerr) != hotel.ErrorCode(werr) {
						t.Fatalf("codes differ on a closed store: in-process %v, http %v", werr, gerr)
					}
				}
			})
		})
	}
}

type agreementCall struct {
	name string
	call func(ctx context.Context, svc hotel.InventoryService) (string, error)
}

// agreementCalls are every input of the suite's tables; the first three
// need the database.
func agreementCalls() []agreementCall {
	page := func(p *hotel.InventoryPage, err error) (string, error) {
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%+v next=%q", p.Items, p.Next), nil
	}
	calls := []agreementCall{
		{"GetHotel", func(ctx context.Context, svc hotel.InventoryService) (string, error) {
			h, err := svc.GetHotel(ctx, london)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("%+v", *h), nil
		}},
		{"ListInventory", func(ctx context.Context, svc hotel.InventoryService) (string, error) {
			return page(svc.ListInventory(ctx, hotel.InventoryFilter{Limit: 3}))
		}},
		{"HotelInventory", func(ctx context.Context, svc hotel.InventoryService) (string, error) {
			return page(svc.HotelInventory(ctx, auckland, hotel.InventoryFilter{Limit: 3}))
		}},
	}
	for _, id := range []int64{auckland, 999999, 0, -1} {
		calls = append(calls, agreementCall{fmt.Sprintf("GetHotel %d", id), func(ctx context.Context, svc hotel.InventoryService) (string, error) {
			h, err := svc.GetHotel(ctx, id)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("%+v", *h), nil
		}})
	}
	for _, tc := range hotelInventoryErrors {
		calls = append(calls, agreementCall{"HotelInventory " + tc.name, func(ctx context.Context, svc hotel.InventoryService) (string, error) {
			return page(svc.HotelInventory(ctx, tc.hotelID, tc.f))
		}})
	}
	for _, tc := range listInventoryErrors {
		calls = append(calls, agreementCall{"ListInventory " + tc.name, func(ctx context.Context, svc hotel.InventoryService) (string, error) {
			return page(svc.ListInventory(ctx, tc.f))
		}})
	}
	for _, tc := range filterCases {
		calls = append(calls, agreementCall{"filter " + tc.name, func(ctx context.Context, svc hotel.InventoryService) (string, error) {
			f := tc.f
			f.StartDate, f.Limit = date("2030-01-04"), 7
			return page(svc.ListInventory(ctx, f))
		}}, agreementCall{"one hotel, filter " + tc.name, func(ctx context.Context, svc hotel.InventoryService) (string, error) {
			f := tc.f
			f.HotelID, f.Location = 0, ""
			return page(svc.HotelInventory(ctx, auckland, f))
		}})
	}
	return calls
}
