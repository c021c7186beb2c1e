package inventoryhttp_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store/storetest"
)

// Read-only tests of search and the catalogue reads, run by runSuite on the
// shared fixture (which nothing in the suite changes).

// fixture is the suite's data set, to derive expected answers from.
var fixture = storetest.NewFixture(london, fixtureDays)

// offer is the fixture's offer for room type rt over [in, out).
func offer(rt int64, in, out hotel.Date) hotel.Offer {
	i := slices.IndexFunc(fixture.RoomTypes, func(r hotel.RoomType) bool { return r.ID == rt })
	r := fixture.RoomTypes[i]
	h := fixture.Hotels[slices.IndexFunc(fixture.Hotels, func(h hotel.Hotel) bool { return h.ID == r.HotelID })]
	o := hotel.Offer{HotelID: h.ID, HotelName: h.Name, Location: h.Location, TimeZone: h.TimeZone,
		RoomTypeID: rt, RoomType: r.Name, MaxOccupancy: r.MaxOccupancy, CheckIn: in, CheckOut: out,
		// The room type's default plan: made with it, so the fixture's four
		// room types, loaded in id order into an empty database, have plans 1–4.
		RatePlanID: rt - londonStandard + 1, RatePlan: fmt.Sprintf("BAR-%d", rt), RatePlanName: "Best available rate",
		MealPlan: "RO", Refundable: true,
		AvailableRooms: 10, Currency: h.Currency, NightlyPrices: []hotel.NightPrice{}}
	for d := in; d.Before(out); d = d.AddDays(1) {
		price := hotel.Cents(30400 + 6080*(rt%2))
		o.NightlyPrices = append(o.NightlyPrices, hotel.NightPrice{Date: d, Price: price})
		o.TotalPrice += price
	}
	return withTerms(o, h)
}

// withTerms is o with the terms of a default plan (no policy: free to
// cancel until the arrival day begins at the hotel) and its total split by
// the hotel's taxes (the fixture's are percentages: the party does not
// matter).
func withTerms(o hotel.Offer, h hotel.Hotel) hotel.Offer {
	deadline := o.CheckIn.At(0, 0, h.Zone())
	o.CancellationDeadline = &deadline
	o.Guarantee.Kind = hotel.GuaranteeNone
	o.PriceBreakdown = hotel.ApplyTaxes(h.Taxes, o.TotalPrice, len(o.NightlyPrices), hotel.Party{}, hotel.MinorUnit(h.Currency))
	return o
}

// Room types of the fixture.
const (
	londonStandard   = int64(1000) // 2 guests, 10 rooms, 304.00
	londonDeluxe     = int64(1001) // 3 guests, 11 rooms (1 held), 364.80
	aucklandStandard = int64(1002)
	aucklandDeluxe   = int64(1003)
)

// stay is a search of [in, in+nights) by location or hotel.
func stay(loc string, hotelID int64, in string, nights, adults int) hotel.SearchQuery {
	return hotel.SearchQuery{Location: loc, HotelID: hotelID, CheckIn: date(in), CheckOut: date(in).AddDays(nights), Adults: adults}
}

func formatOffers(p *hotel.SearchPage, err error) string {
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for _, o := range p.Offers {
		fmt.Fprintf(&b, "\n\t%+v", o)
	}
	fmt.Fprintf(&b, "\n\tnext=%q", p.Next)
	return b.String()
}

func testSearchOffers(t *testing.T, newSvc newService) {
	svc := newSvc(t, at(t, noon))
	in, out := date("2030-01-10"), date("2030-01-13")
	with := func(q hotel.SearchQuery, mod func(*hotel.SearchQuery)) hotel.SearchQuery { mod(&q); return q }
	q := stay("London", 0, "2030-01-10", 3, 2)
	tests := []struct {
		name string
		q    hotel.SearchQuery
		want []hotel.Offer
	}{
		{"by location, cheapest first", q, []hotel.Offer{offer(londonStandard, in, out), offer(londonDeluxe, in, out)}},
		{"location any case, spaces around", with(q, func(q *hotel.SearchQuery) { q.Location = "  lONDON " }), []hotel.Offer{offer(londonStandard, in, out), offer(londonDeluxe, in, out)}},
		{"by hotel", stay("", auckland, "2030-01-10", 3, 1), []hotel.Offer{offer(aucklandStandard, in, out), offer(aucklandDeluxe, in, out)}},
		{"hotel and its location", with(q, func(q *hotel.SearchQuery) { q.HotelID = london }), []hotel.Offer{offer(londonStandard, in, out), offer(londonDeluxe, in, out)}},
		{"hotel and another location", with(q, func(q *hotel.SearchQuery) { q.HotelID = auckland }), nil},
		{"three guests fit only deluxe", with(q, func(q *hotel.SearchQuery) { q.Adults = 3 }), []hotel.Offer{offer(londonDeluxe, in, out)}},
		{"children count as guests", with(q, func(q *hotel.SearchQuery) { q.Adults, q.Children = 1, 2 }), []hotel.Offer{offer(londonDeluxe, in, out)}},
		{"four guests fit nothing", with(q, func(q *hotel.SearchQuery) { q.Adults, q.Children = 2, 2 }), nil},
		{"room type any case", with(q, func(q *hotel.SearchQuery) { q.RoomType = "DELUXE rooms" }), []hotel.Offer{offer(londonDeluxe, in, out)}},
		{"max price equal to the nightly price", with(q, func(q *hotel.SearchQuery) { q.MaxPrice = 30400 }), []hotel.Offer{offer(londonStandard, in, out)}},
		{"max price a cent below", with(q, func(q *hotel.SearchQuery) { q.MaxPrice = 30399 }), nil},
		{"one night", stay("Auckland", 0, "2030-03-01", 1, 2), []hotel.Offer{offer(aucklandStandard, date("2030-03-01"), date("2030-03-02")), offer(aucklandDeluxe, date("2030-03-01"), date("2030-03-02"))}},
		{"thirty nights", stay("London", 0, "2030-06-01", 30, 3), []hotel.Offer{offer(londonDeluxe, date("2030-06-01"), date("2030-07-01"))}},
		{"last night of the calendar", stay("London", 0, "2031-02-04", 1, 3), []hotel.Offer{offer(londonDeluxe, date("2031-02-04"), date("2031-02-05"))}},
		{"a night past the calendar", stay("London", 0, "2031-02-04", 2, 1), nil},
		{"unknown location", with(q, func(q *hotel.SearchQuery) { q.Location = "Londön" }), nil},
		{"location is not a pattern", with(q, func(q *hotel.SearchQuery) { q.Location = "Lond%" }), nil},
		{"sql in location", with(q, func(q *hotel.SearchQuery) { q.Location = "London' OR '1'='1" }), nil},
		{"sql in room type", with(q, func(q *hotel.SearchQuery) { q.RoomType = "x' OR 1=1 --" }), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := svc.Search(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if want == nil {
				want = []hotel.Offer{}
			}
			if (len(p.Offers) > 0 || len(want) > 0) && jsonOf(p.Offers) != jsonOf(want) || p.Next != "" {
				t.Fatalf("offers:%s\nwant %+v", formatOffers(p, nil), want)
			}
		})
	}
}

func testSearchPages(t *testing.T, newSvc newService) {
	svc := newSvc(t, at(t, noon))
	ctx := context.Background()
	q := stay("london", 0, "2030-02-01", 2, 1)
	whole, err := svc.Search(ctx, q)
	if err != nil || len(whole.Offers) != 2 || whole.Next != "" {
		t.Fatalf("whole = %s; want 2 offers on one page", formatOffers(whole, err))
	}
	q.Limit = 1
	var joined []hotel.Offer
	for pages := 1; ; pages++ {
		p, err := svc.Search(ctx, q)
		if err != nil || len(p.Offers) != 1 {
			t.Fatalf("page %d = %s; want 1 offer", pages, formatOffers(p, err))
		}
		joined = append(joined, p.Offers...)
		if p.Next == "" {
			if pages != 2 {
				t.Fatalf("%d pages, want 2", pages)
			}
			break
		}
		c, err := hotel.ParseSearchCursor(p.Next)
		if err != nil {
			t.Fatal(err)
		}
		if last := p.Offers[0]; *c != (hotel.SearchCursor{Total: last.TotalPrice, HotelID: last.HotelID, RoomTypeID: last.RoomTypeID, RatePlanID: last.RatePlanID}) {
			t.Fatalf("cursor %+v is not the page's last offer", c)
		}
		q.After = c
	}
	if jsonOf(joined) != jsonOf(whole.Offers) {
		t.Fatalf("pages joined %+v, one page %+v", joined, whole.Offers)
	}
	// A cursor past every offer gives an empty last page.
	q.After = &hotel.SearchCursor{Total: 1 << 40, HotelID: 1, RoomTypeID: 1}
	if p, err := svc.Search(ctx, q); err != nil || len(p.Offers) != 0 || p.Next != "" {
		t.Fatalf("after the end = %s; want no offers", formatOffers(p, err))
	}
}

// testSearchHotelLocalPast: at 11:30Z on Jan 1 it is Jan 1 in London,
// already Jan 2 in Auckland and still Dec 31 at UTC−12.
func testSearchHotelLocalPast(t *testing.T, newSvc newService) {
	tests := []struct {
		name   string
		now    string
		q      hotel.SearchQuery
		offers int
		field  string // an EINVALID naming it, when set
	}{
		{"london today", noon, stay("", london, "2030-01-01", 1, 1), 2, ""},
		{"auckland yesterday", noon, stay("", auckland, "2030-01-01", 1, 1), 0, "check_in"},
		{"auckland today", noon, stay("", auckland, "2030-01-02", 1, 1), 2, ""},
		{"auckland a second before its midnight", "2030-01-01T10:59:59Z", stay("", auckland, "2030-01-01", 1, 1), 2, ""},
		{"auckland at its midnight", "2030-01-01T11:00:00Z", stay("", auckland, "2030-01-01", 1, 1), 0, "check_in"},
		{"london a second before its midnight", "2030-01-01T23:59:59Z", stay("", london, "2030-01-01", 1, 1), 2, ""},
		{"london at its midnight", "2030-01-02T00:00:00Z", stay("", london, "2030-01-01", 1, 1), 0, "check_in"},
		// By location: past in Auckland is no error (somewhere it is still
		// Jan 1), but Auckland's offers are left out.
		{"location auckland, its yesterday", noon, stay("Auckland", 0, "2030-01-01", 1, 1), 0, ""},
		{"location london, its today", noon, stay("London", 0, "2030-01-01", 1, 1), 2, ""},
		{"today at UTC-12 is no error", noon, stay("London", 0, "2029-12-31", 2, 1), 0, ""},
		{"before today at UTC-12", noon, stay("London", 0, "2029-12-30", 3, 1), 0, "check_in"},
		{"UTC-12 turns to Jan 1 at 12:00Z", "2030-01-01T12:00:00Z", stay("London", 0, "2029-12-31", 2, 1), 0, "check_in"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc := newSvc(t, at(t, tc.now))
			p, err := svc.Search(context.Background(), tc.q)
			if tc.field != "" {
				checkError(t, err, hotel.EINVALID, tc.field)
				return
			}
			if err != nil || len(p.Offers) != tc.offers {
				t.Fatalf("= %s; want %d offers", formatOffers(p, err), tc.offers)
			}
		})
	}
}

// searchErrors are invalid searches at clock noon, each naming a field.
var searchErrors = []struct {
	name  string
	q     hotel.SearchQuery
	field string
}{
	{"no location nor hotel", stay("", 0, "2030-02-01", 2, 1), "location"},
	{"location only spaces", stay("   ", 0, "2030-02-01", 2, 1), "location"},
	{"no check-in", hotel.SearchQuery{Location: "London", CheckOut: date("2030-02-01"), Adults: 1}, "check_in"},
	{"no check-out", hotel.SearchQuery{Location: "London", CheckIn: date("2030-02-01"), Adults: 1}, "check_out"},
	{"zero nights", stay("London", 0, "2030-02-01", 0, 1), "check_out"},
	{"check-out before check-in", stay("London", 0, "2030-02-01", -1, 1), "check_out"},
	{"31 nights", stay("London", 0, "2030-02-01", 31, 1), "check_out"},
	{"no adults", stay("London", 0, "2030-02-01", 2, 0), "adults"},
	{"negative adults", stay("London", 0, "2030-02-01", 2, -1), "adults"},
	{"51 adults", stay("London", 0, "2030-02-01", 2, 51), "adults"},
	{"negative children", hotel.SearchQuery{Location: "London", CheckIn: date("2030-02-01"), CheckOut: date("2030-02-02"), Adults: 1, Children: -1}, "children"},
	{"51 guests", hotel.SearchQuery{Location: "London", CheckIn: date("2030-02-01"), CheckOut: date("2030-02-02"), Adults: 30, Children: 21}, "children"},
	{"location too long", stay(strings.Repeat("x", 201), 0, "2030-02-01", 2, 1), "location"},
	{"location with NUL", stay("Lon\x00don", 0, "2030-02-01", 2, 1), "location"},
	{"location not UTF-8", stay("Lond\xffn", 0, "2030-02-01", 2, 1), "location"},
	{"room type too long", hotel.SearchQuery{Location: "London", RoomType: strings.Repeat("x", 101), CheckIn: date("2030-02-01"), CheckOut: date("2030-02-02"), Adults: 1}, "room_type"},
	{"room type with newline", hotel.SearchQuery{Location: "London", RoomType: "Deluxe\nRooms", CheckIn: date("2030-02-01"), CheckOut: date("2030-02-02"), Adults: 1}, "room_type"},
	{"negative max price", hotel.SearchQuery{Location: "London", CheckIn: date("2030-02-01"), CheckOut: date("2030-02-02"), Adults: 1, MaxPrice: -1}, "max_price"},
	{"negative limit", hotel.SearchQuery{Location: "London", CheckIn: date("2030-02-01"), CheckOut: date("2030-02-02"), Adults: 1, Limit: -1}, "limit"},
	{"limit above max", hotel.SearchQuery{Location: "London", CheckIn: date("2030-02-01"), CheckOut: date("2030-02-02"), Adults: 1, Limit: hotel.MaxSearchPageSize + 1}, "limit"},
	{"cursor without hotel", hotel.SearchQuery{Location: "London", CheckIn: date("2030-02-01"), CheckOut: date("2030-02-02"), Adults: 1, After: &hotel.SearchCursor{Total: 1, RoomTypeID: 1}}, "cursor"},
	{"negative hotel id", stay("", -1, "2030-02-01", 2, 1), "hotel_id"},
	{"unknown hotel", stay("", 999999, "2030-02-01", 2, 1), "hotel_id"},
	{"check-in after year 9999", hotel.SearchQuery{Location: "London", CheckIn: hotel.NewDate(10000, 1, 1), CheckOut: hotel.NewDate(10000, 1, 2), Adults: 1}, "check_in"},
	{"several at once", hotel.SearchQuery{Location: "London", CheckIn: date("2030-02-02"), CheckOut: date("2030-02-01"), Adults: 0, Children: -2}, "check_out"},
}

func testSearchErrors(t *testing.T, newSvc newService) {
	svc := newSvc(t, at(t, noon))
	for _, tc := range searchErrors {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := svc.Search(context.Background(), tc.q)
			if p != nil {
				t.Errorf("page %s, want nil with the error", formatOffers(p, nil))
			}
			checkError(t, err, hotel.EINVALID, tc.field)
		})
	}
	// Every problem of a query at once.
	_, err := svc.Search(context.Background(), searchErrors[len(searchErrors)-1].q)
	if got := errorFields(err); !slices.Equal(got, []string{"adults", "check_out", "children"}) {
		t.Fatalf("fields %v, want adults, check_out and children", got)
	}
}

func testCatalogueReads(t *testing.T, newSvc newService) {
	svc := newSvc(t, at(t, noon))
	ctx := context.Background()
	hs, err := svc.ListHotels(ctx, hotel.HotelFilter{})
	if err != nil || !reflect.DeepEqual(hs, fixture.Hotels) {
		t.Fatalf("ListHotels = %+v, %v; want the fixture's", hs, err)
	}
	for _, tc := range []struct {
		f    hotel.HotelFilter
		want []hotel.Hotel
	}{
		{hotel.HotelFilter{Location: "auckland"}, fixture.Hotels[1:]},
		{hotel.HotelFilter{Location: " LONDON "}, fixture.Hotels[:1]},
		{hotel.HotelFilter{Location: "Paris"}, []hotel.Hotel{}},
		{hotel.HotelFilter{Limit: 1}, fixture.Hotels[:1]},
		{hotel.HotelFilter{Limit: 1, AfterID: london}, fixture.Hotels[1:]},
		{hotel.HotelFilter{AfterID: auckland}, []hotel.Hotel{}},
	} {
		if got, err := svc.ListHotels(ctx, tc.f); err != nil || (len(got) > 0 || len(tc.want) > 0) && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ListHotels(%+v) = %+v, %v; want %+v", tc.f, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		f     hotel.HotelFilter
		field string
	}{
		{hotel.HotelFilter{Limit: -1}, "limit"},
		{hotel.HotelFilter{Limit: hotel.MaxPageSize + 1}, "limit"},
		{hotel.HotelFilter{AfterID: -1}, "cursor"},
		{hotel.HotelFilter{Location: strings.Repeat("x", 201)}, "location"},
	} {
		_, err := svc.ListHotels(ctx, tc.f)
		checkError(t, err, hotel.EINVALID, tc.field)
	}

	rts, err := svc.ListRoomTypes(ctx, auckland)
	if err != nil || !slices.Equal(rts, fixture.RoomTypes[2:]) {
		t.Fatalf("ListRoomTypes = %+v, %v; want %+v", rts, err, fixture.RoomTypes[2:])
	}
	for _, id := range []int64{999999, 0, -1} {
		_, err := svc.ListRoomTypes(ctx, id)
		checkError(t, err, hotel.ENOTFOUND, "")
	}
}
