package booking_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
)

// codeAlphabet is the alphabet of confirmation codes (no 0/O, 1/I).
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func TestCreate(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		nb := standard(0, 3, "  Ottoline Quarrendon-Vale  ")
		nb.RoomType = "standard ROOMS" // case-insensitive
		nb.Children = 0
		nb.MealPlan = " BB "
		nb.MarketSegment = "Online TA"
		nb.BookingChannel = "TA/TO"
		nb.IsHoliday = true
		b := mustCreate(t, e, nb)

		// The id is a canonical UUIDv7.
		if len(b.ID) != 36 || b.ID != strings.ToLower(b.ID) || b.ID[14] != '7' || !strings.ContainsRune("89ab", rune(b.ID[19])) {
			t.Errorf("booking id %q is not a canonical UUIDv7", b.ID)
		}
		if len(b.ConfirmationCode) != 8 || strings.Trim(b.ConfirmationCode, codeAlphabet) != "" {
			t.Errorf("confirmation code %q is not 8 characters of %s", b.ConfirmationCode, codeAlphabet)
		}
		// The access token authenticates as this booking's owner.
		if b.AccessToken == "" {
			t.Fatal("Create returned no access token")
		}
		p, err := auth.NewAuthenticator(e.Store, "", "", e.Clock.Now).Authenticate(context.Background(), "Bearer "+b.AccessToken)
		if err != nil || p.Kind != hotel.BookingOwner || p.BookingID != b.ID {
			t.Errorf("access token authenticates as %+v, %v; want the owner of %s", p, err, b.ID)
		}

		want := hotel.Booking{
			ID: b.ID, ConfirmationCode: b.ConfirmationCode,
			HotelID: bookingtest.London, HotelName: londonName,
			RoomTypeID: bookingtest.LondonStandard, RoomType: "Standard Rooms",
			GuestName:   "Ottoline Quarrendon-Vale",
			ArrivalDate: bookingtest.Day(0), StayLength: 3, CheckOutDate: bookingtest.Day(3),
			Adults: 2, MealPlan: "BB", MarketSegment: "Online TA", BookingChannel: "TA/TO",
			IsWeekend: false, // Tue, Wed, Thu nights
			IsHoliday: true,
			RoomPrice: 30400, TotalPrice: 30400 + 30500 + 30600, Currency: "GBP",
			NightlyPrices: []hotel.NightPrice{
				{Date: bookingtest.Day(0), Price: 30400}, {Date: bookingtest.Day(1), Price: 30500}, {Date: bookingtest.Day(2), Price: 30600},
			},
			Status: hotel.StatusConfirmed, CreatedAt: b.CreatedAt, RoomNo: 1,
			// sold on the room type's default plan (no plan named), for
			// the party of two adults; its terms say so
			RatePlan: fmt.Sprintf("BAR-%d", bookingtest.LondonStandard), RatePlanID: b.RatePlanID,
		}
		same(t, *b, want)
		if b.RatePlanID == 0 || b.Terms == nil || b.Terms.RatePlan.ID != b.RatePlanID || !b.Terms.RatePlan.Default ||
			b.Terms.Party.Key() != "2" {
			t.Fatalf("terms = %+v (plan id %d), want the default plan's for 2 adults", b.Terms, b.RatePlanID)
		}
		if b.TotalPrice == b.RoomPrice*3 {
			t.Fatalf("total %d is first night × length", b.TotalPrice)
		}
		// The store stamps rows with its own (wall) clock.
		if b.CreatedAt.IsZero() || b.UpdatedAt.Before(b.CreatedAt) {
			t.Errorf("created/updated at = %v/%v", b.CreatedAt, b.UpdatedAt)
		}

		// Get returns the same booking, without the token.
		g := get(t, e, b.ID)
		if g.AccessToken != "" {
			t.Errorf("Get returned the access token")
		}
		if g.Version != b.Version {
			t.Errorf("Get version = %d, Create returned %d", g.Version, b.Version)
		}
		same(t, *g, *b)
		if st := stored(t, e, b.ID); st.SyncPending {
			t.Errorf("confirmed booking is still marked SyncPending")
		}
		// Ids are accepted in any case.
		same(t, *get(t, e, strings.ToUpper(b.ID)), *b)

		// A weekend night in the stay, in the Auckland hotel (its own
		// currency): Saturday 2030-01-05.
		w := mustCreate(t, e, stay(bookingtest.Auckland, "Deluxe Rooms", 4, 1, "Peregrine Ashdown"))
		if !w.IsWeekend || w.HotelName != aucklandName || w.Currency != "NZD" || w.RoomTypeID != aucklandDeluxe {
			t.Errorf("Auckland weekend booking = weekend %v, hotel %q, currency %q, room type %d",
				w.IsWeekend, w.HotelName, w.Currency, w.RoomTypeID)
		}
		checkStay(t, w, aucklandDeluxe, 4, 1)

		checkHeld(t, e, merge(nights(bookingtest.LondonStandard, 0, 3, 1), nights(aucklandDeluxe, 4, 1, 1)))
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}

func TestGetRedaction(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		const name = "Wilhelmina Thistlewood"
		b := mustCreate(t, e, standard(1, 1, name))
		other := mustCreate(t, e, standard(1, 1, "Barnaby Quillfeather"))
		for _, c := range []struct {
			who  string
			ctx  context.Context
			want string
		}{
			{"guests:read", desk, name},
			{"admin", admin, name},
			{"owner", owner(b.ID), name},
			{"owner, id in upper case", owner(strings.ToUpper(b.ID)), name},
			{"bookings:read only", clerk, hotel.Redacted},
			{"owner of another booking", owner(other.ID), hotel.Redacted},
			{"service", service, hotel.Redacted},
			{"anonymous", context.Background(), hotel.Redacted},
		} {
			g, err := e.Service.Get(c.ctx, b.ID)
			if err != nil {
				t.Fatalf("%s: Get: %v", c.who, err)
			}
			if g.GuestName != c.want || g.AccessToken != "" {
				t.Errorf("%s: Get guest name = %q (token %q), want %q and no token", c.who, g.GuestName, g.AccessToken, c.want)
			}
		}
		for _, id := range []string{"not-a-uuid", "01890a5d-ac96-774b-bcce-b302099a8057", "", strings.Repeat("x", 500)} {
			_, err := e.Service.Get(desk, id)
			checkError(t, err, hotel.ENOTFOUND)
		}
	})
}

func TestCreateValidation(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		mod := func(f func(nb *hotel.NewBooking)) hotel.NewBooking {
			nb := standard(2, 2, "Valid Name")
			f(&nb)
			return nb
		}
		cases := []struct {
			name  string
			nb    hotel.NewBooking
			field string
		}{
			{"no guest name", mod(func(nb *hotel.NewBooking) { nb.GuestName = "" }), "guest_name"},
			{"blank guest name", mod(func(nb *hotel.NewBooking) { nb.GuestName = " \t  " }), "guest_name"},
			{"101 characters", mod(func(nb *hotel.NewBooking) { nb.GuestName = strings.Repeat("é", 101) }), "guest_name"},
			{"bell character", mod(func(nb *hotel.NewBooking) { nb.GuestName = "Ann\aSmith" }), "guest_name"},
			{"newline", mod(func(nb *hotel.NewBooking) { nb.GuestName = "Ann\nSmith" }), "guest_name"},
			{"DEL", mod(func(nb *hotel.NewBooking) { nb.GuestName = "Ann\x7fSmith" }), "guest_name"},
			{"C1 control", mod(func(nb *hotel.NewBooking) { nb.GuestName = "Ann\u0085Smith" }), "guest_name"},
			{"invalid UTF-8", mod(func(nb *hotel.NewBooking) { nb.GuestName = "Ann\xffSmith" }), "guest_name"},
			{"right-to-left override", mod(func(nb *hotel.NewBooking) { nb.GuestName = "Ann \u202ehtimS" }), "guest_name"},
			{"isolate", mod(func(nb *hotel.NewBooking) { nb.GuestName = "Ann \u2067Smith\u2069" }), "guest_name"},
			{"right-to-left mark", mod(func(nb *hotel.NewBooking) { nb.GuestName = "Ann\u200f Smith" }), "guest_name"},
			{"line separator", mod(func(nb *hotel.NewBooking) { nb.GuestName = "Ann\u2028Smith" }), "guest_name"},
			{"trailing paragraph separator", mod(func(nb *hotel.NewBooking) { nb.GuestName = "Ann Smith\u2029" }), "guest_name"},
			{"trailing newline", mod(func(nb *hotel.NewBooking) { nb.GuestName = "Ann Smith\n" }), "guest_name"},
			{"bidirectional override in a label", mod(func(nb *hotel.NewBooking) { nb.MealPlan = "B\u202eB" }), "meal_plan"},
			{"control character in a label", mod(func(nb *hotel.NewBooking) { nb.BookingChannel = "web\x00" }), "booking_channel"},
			{"zero nights", mod(func(nb *hotel.NewBooking) { nb.StayLength = 0 }), "stay_length"},
			{"negative nights", mod(func(nb *hotel.NewBooking) { nb.StayLength = -2 }), "stay_length"},
			{"31 nights", mod(func(nb *hotel.NewBooking) { nb.StayLength = 31 }), "stay_length"},
			{"no adults", mod(func(nb *hotel.NewBooking) { nb.Adults = 0 }), "adults"},
			{"negative children", mod(func(nb *hotel.NewBooking) { nb.Children = -1 }), "children"},
			{"party of 3 in a room for 2", mod(func(nb *hotel.NewBooking) { nb.Adults, nb.Children = 2, 1 }), "adults"},
			{"party of 4 in a room for 3", mod(func(nb *hotel.NewBooking) { nb.RoomType, nb.Adults = "Deluxe Rooms", 4 }), "adults"},
			{"no hotel", mod(func(nb *hotel.NewBooking) { nb.HotelID = 0 }), "hotel_id"},
			{"unknown hotel", mod(func(nb *hotel.NewBooking) { nb.HotelID = 999 }), "hotel_id"},
			{"no room type", mod(func(nb *hotel.NewBooking) { nb.RoomType = "  " }), "room_type"},
			{"unknown room type", mod(func(nb *hotel.NewBooking) { nb.RoomType = "Penthouse" }), "room_type"},
			{"other hotel's room type", mod(func(nb *hotel.NewBooking) { nb.RoomType = "Standard" }), "room_type"},
			{"no arrival", mod(func(nb *hotel.NewBooking) { nb.ArrivalDate = hotel.Date{} }), "arrival_date"},
			{"arrival yesterday in London", mod(func(nb *hotel.NewBooking) { nb.ArrivalDate = hotel.NewDate(2029, 12, 30) }), "arrival_date"},
			// At noon UTC on 2029-12-31 it is already 2030-01-01 in Auckland.
			{"arrival yesterday in Auckland", mod(func(nb *hotel.NewBooking) {
				nb.HotelID, nb.ArrivalDate = bookingtest.Auckland, hotel.NewDate(2029, 12, 31)
			}), "arrival_date"},
			{"long meal plan", mod(func(nb *hotel.NewBooking) { nb.MealPlan = strings.Repeat("B", 51) }), "meal_plan"},
			{"control in market segment", mod(func(nb *hotel.NewBooking) { nb.MarketSegment = "on\x00line" }), "market_segment"},
		}
		for _, c := range cases {
			b, err := e.Service.Create(desk, c.nb)
			if b != nil {
				t.Fatalf("%s: Create returned a booking %+v", c.name, b)
			}
			he := checkError(t, err, hotel.EINVALID, c.field)
			if c.field == "guest_name" && strings.Contains(err.Error(), "Smith") {
				t.Errorf("%s: the error repeats the guest name: %v", c.name, he)
			}
		}
		// Several faults are all named at once.
		_, err := e.Service.Create(desk, hotel.NewBooking{HotelID: bookingtest.London, RoomType: "Standard Rooms", StayLength: 0})
		checkError(t, err, hotel.EINVALID, "guest_name", "stay_length", "adults", "arrival_date")

		// Nothing was stored, held or even asked of the inventory's holds.
		if all := e.AllBookings(t); len(all) != 0 {
			t.Fatalf("invalid creates stored %d bookings", len(all))
		}
		if n := e.Faults.Calls(bookingtest.CreateHold); n != 0 {
			t.Fatalf("invalid creates made %d CreateHold calls", n)
		}
		checkHeld(t, e, nil)

		// The limits themselves are valid.
		long := "  " + strings.Repeat("ü", 100) + "  "
		b := mustCreate(t, e, mod(func(nb *hotel.NewBooking) { nb.GuestName, nb.StayLength = long, 30 }))
		if b.GuestName != strings.Repeat("ü", 100) || b.StayLength != 30 {
			t.Errorf("100-character name, 30 nights: got %q, %d", b.GuestName, b.StayLength)
		}
		checkStay(t, b, bookingtest.LondonStandard, 2, 30)
		b = mustCreate(t, e, mod(func(nb *hotel.NewBooking) { nb.RoomType, nb.Adults, nb.Children = "Deluxe Rooms", 1, 2 }))
		if b.Adults != 1 || b.Children != 2 || b.RoomTypeID != bookingtest.LondonDeluxe {
			t.Errorf("party of 3 in Deluxe: %+v", b)
		}
		// Today at the hotel is not in the past: 2030-01-01 in Auckland.
		b = mustCreate(t, e, stay(bookingtest.Auckland, "Standard Rooms", 0, 1, "Auckland Today"))
		checkStay(t, b, bookingtest.AucklandStandard, 0, 1)
		// Half an hour before London's midnight it is 2030-01-02 in
		// Auckland: the same arrival is past there and today in London.
		e.Clock.Set(t, "2030-01-01T11:30:00Z")
		_, err = e.Service.Create(desk, stay(bookingtest.Auckland, "Standard Rooms", 0, 1, "Auckland Late"))
		checkError(t, err, hotel.EINVALID, "arrival_date")
		b = mustCreate(t, e, stay(bookingtest.London, "Standard Rooms", 0, 1, "London Today"))
		checkStay(t, b, bookingtest.LondonStandard, 0, 1)

		if all := e.AllBookings(t); len(all) != 4 {
			t.Fatalf("%d bookings stored, want the 4 valid ones", len(all))
		}
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}

func TestCreateMaxStayConfigured(t *testing.T) {
	each(t, booking.Config{MaxStayNights: 5}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		_, err := e.Service.Create(desk, standard(0, 6, "Six Nights"))
		he := checkError(t, err, hotel.EINVALID, "stay_length")
		if !strings.Contains(he.Fields[0].Reason, "5") {
			t.Errorf("reason %q does not name the limit 5", he.Fields[0].Reason)
		}
		b := mustCreate(t, e, standard(0, 5, "Five Nights"))
		checkStay(t, b, bookingtest.LondonStandard, 0, 5)
		// The limit holds for changes too.
		_, err = e.Service.Modify(desk, b.ID, hotel.BookingChange{StayLength: ptr(6)}, 0)
		checkError(t, err, hotel.EINVALID, "stay_length")
		e.CheckInventory(t)
	})
}

func TestCreateSoldOut(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		// London Deluxe has SmallCapacity (2) rooms a night.
		for range bookingtest.SmallCapacity {
			mustCreate(t, e, deluxe(11, 1, "Early Bird"))
		}
		before := e.Held(t)
		_, err := e.Service.Create(desk, deluxe(10, 3, "Latecomer Lou"))
		he := checkError(t, err, hotel.ECONFLICT)
		if len(he.Nights) != 1 || he.Nights[0] != bookingtest.Day(11) {
			t.Fatalf("sold-out nights = %v, want [%s]", he.Nights, bookingtest.Day(11))
		}
		if !strings.Contains(he.Message, "Deluxe Rooms") {
			t.Errorf("message %q does not name the room type", he.Message)
		}
		checkHeld(t, e, before)

		// The booking was recorded and failed: no hold, nothing pending,
		// and no guest name kept (an attempt is not a guest's record).
		var failed []hotel.Booking
		for _, b := range e.AllBookings(t) {
			if b.Status == hotel.StatusFailed {
				failed = append(failed, b)
			}
		}
		if len(failed) != 1 || failed[0].SyncPending || failed[0].GuestName != "(not recorded)" {
			t.Fatalf("failed bookings = %+v, want the sold-out one, settled", failed)
		}
		if _, err := e.Local.GetHold(context.Background(), failed[0].ID); hotel.ErrorCode(err) != hotel.ENOTFOUND {
			t.Fatalf("GetHold of the failed booking = %v, want ENOTFOUND", err)
		}
		// A failed booking cannot be changed.
		_, err = e.Service.Cancel(desk, failed[0].ID, 0)
		checkError(t, err, hotel.ECONFLICT)
		_, err = e.Service.Modify(desk, failed[0].ID, hotel.BookingChange{GuestName: ptr("Other")}, 0)
		checkError(t, err, hotel.ECONFLICT)

		// The nights either side were not sold out: a shorter stay fits.
		mustCreate(t, e, deluxe(12, 2, "Next Day"))
		rep := recoverLater(t, e)
		if rep.Examined != 0 {
			t.Errorf("recovery examined %d bookings after a clean sell-out", rep.Examined)
		}
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}

func TestStatusTransitions(t *testing.T) {
	t.Parallel()
	all := []string{hotel.StatusPending, hotel.StatusConfirmed, hotel.StatusCancelled, hotel.StatusCompleted, hotel.StatusFailed}
	allowed := map[[2]string]bool{
		{hotel.StatusPending, hotel.StatusConfirmed}:   true,
		{hotel.StatusConfirmed, hotel.StatusCompleted}: true,
		{hotel.StatusConfirmed, hotel.StatusCancelled}: true,
		{hotel.StatusPending, hotel.StatusFailed}:      true,
	}
	for _, from := range all {
		for _, to := range all {
			if got := hotel.CanTransition(from, to); got != allowed[[2]string{from, to}] {
				t.Errorf("CanTransition(%s, %s) = %v", from, to, got)
			}
		}
	}
}

func TestOnlyConfirmedChange(t *testing.T) {
	each(t, booking.Config{Retries: -1}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		e.Clock.Set(t, "2030-01-03T12:00:00Z") // London: day 2
		try := func(id, status string) {
			t.Helper()
			_, err := e.Service.Modify(desk, id, hotel.BookingChange{GuestName: ptr("New Name")}, 0)
			checkError(t, err, hotel.ECONFLICT)
			_, err = e.Service.Modify(desk, id, hotel.BookingChange{StayLength: ptr(1)}, 0)
			checkError(t, err, hotel.ECONFLICT)
			_, err = e.Service.Cancel(desk, id, 0)
			checkError(t, err, hotel.ECONFLICT)
			_, err = e.Service.CheckOut(desk, id, 0)
			checkError(t, err, hotel.ECONFLICT)
			if got := stored(t, e, id).Status; got != status {
				t.Fatalf("status became %s, want %s", got, status)
			}
		}
		cancelled := mustCreate(t, e, standard(3, 2, "To Cancel"))
		if b, err := e.Service.Cancel(desk, cancelled.ID, 0); err != nil || b.Status != hotel.StatusCancelled {
			t.Fatalf("Cancel = %+v, %v", b, err)
		}
		try(cancelled.ID, hotel.StatusCancelled)

		completed := mustCreate(t, e, standard(2, 2, "To Complete"))
		if b, err := e.Service.CheckOut(desk, completed.ID, 0); err != nil || b.Status != hotel.StatusCompleted {
			t.Fatalf("CheckOut = %+v, %v", b, err)
		}
		try(completed.ID, hotel.StatusCompleted)

		// A create whose hold was taken but whose answer was lost records
		// no booking; split, where the hold committed apart, recovery
		// records it failed (and releases the hold), and it cannot change.
		e.Faults.Set(bookingtest.CreateHold, bookingtest.Fault{Err: bookingtest.Unavailable, After: true, Times: 1})
		_, err := e.Service.Create(desk, standard(4, 1, "Left Unfinished"))
		checkError(t, err, hotel.EUNAVAILABLE)
		for _, b := range e.AllBookings(t) {
			if b.Status != hotel.StatusCancelled && b.Status != hotel.StatusCompleted {
				t.Fatalf("an unfinished create recorded booking %s %s", b.ID, b.Status)
			}
		}
		rep := recoverLater(t, e)
		var failed []hotel.Booking
		for _, b := range e.AllBookings(t) {
			if b.Status == hotel.StatusFailed {
				failed = append(failed, b)
			}
		}
		if want := map[bool]int{false: 0, true: 1}[m.Split]; rep.Abandoned != want || len(failed) != want {
			t.Fatalf("recovery abandoned %d creates, %d failed bookings; want %d", rep.Abandoned, len(failed), want)
		}
		for _, b := range failed {
			try(b.ID, hotel.StatusFailed)
		}
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}

// events counts what the booking service reports.
type events struct {
	mu              sync.Mutex
	created, failed int
	failedByCode    map[string]int
}

func (e *events) BookingCreated() { e.mu.Lock(); e.created++; e.mu.Unlock() }
func (e *events) BookingFailed(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failed++
	e.failedByCode[hotel.ErrorCode(err)]++
}

// TestCreateSameInEveryMode: all-in-one and split, a create makes the same
// calls — one CreateHold, then the booking recorded — and answers the same:
// confirmed at version 1 with the hold's prices, the hold unconfirmed until
// the recovery pass confirms it; a sold-out create is recorded failed
// without a hold; the outcomes reach Events.
func TestCreateSameInEveryMode(t *testing.T) {
	ev := map[string]*events{}
	var mu sync.Mutex
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		evs := &events{failedByCode: map[string]int{}}
		mu.Lock()
		ev[t.Name()] = evs
		mu.Unlock()
		svc := booking.New(bookingtest.Bookings(e.Store), e.Faults, booking.Config{Events: evs}, e.Clock.Now, nil)
		first, err := svc.Create(desk, deluxe(10, 2, "Same Everywhere"))
		if err != nil {
			t.Fatal(err)
		}
		if first.Status != hotel.StatusConfirmed || first.Version != 1 || len(first.NightlyPrices) != 2 || first.AccessToken == "" {
			t.Fatalf("created %+v; want confirmed at version 1 with 2 priced nights and a token", first)
		}
		h, err := e.Local.GetHold(service, first.ID)
		if err != nil || h.Status != hotel.HoldHeld || h.TotalPrice != first.TotalPrice || !slices.Equal(h.Nights, first.NightlyPrices) {
			t.Fatalf("hold = %+v, %v; want held at the booking's prices %v", h, err, first.NightlyPrices)
		}
		if _, err := svc.Create(desk, deluxe(10, 1, "Last Room")); err != nil {
			t.Fatal(err)
		}
		_, err = svc.Create(desk, deluxe(10, 1, "Too Late"))
		checkError(t, err, hotel.ECONFLICT)
		var failed []hotel.Booking
		for _, b := range e.AllBookings(t) {
			if b.SyncPending || b.Status == hotel.StatusPending {
				t.Fatalf("booking %s left %s, sync pending %v", b.ID, b.Status, b.SyncPending)
			}
			if b.Status == hotel.StatusFailed {
				failed = append(failed, b)
			}
		}
		if len(failed) != 1 {
			t.Fatalf("%d failed bookings, want the sold-out one", len(failed))
		}
		if _, err := e.Local.GetHold(service, failed[0].ID); hotel.ErrorCode(err) != hotel.ENOTFOUND {
			t.Fatalf("the failed booking has a hold: %v", err)
		}
		if n := e.Faults.Calls(bookingtest.CreateHold); n != 3 {
			t.Fatalf("CreateHold was called %d times for 3 creates", n)
		}
		evs.mu.Lock()
		if evs.created != 2 || evs.failed != 1 || evs.failedByCode[hotel.ECONFLICT] != 1 {
			t.Fatalf("events: created %d, failed %v; want 2 and 1 conflict", evs.created, evs.failedByCode)
		}
		evs.mu.Unlock()
		e.CheckInventory(t)
		unconfirmed, err := e.Local.UnconfirmedHolds(service, e.Clock.Now().Add(time.Second), hotel.MaxHoldBatch)
		if err != nil || len(unconfirmed) != 2 {
			t.Fatalf("unconfirmed holds = %d, %v; want the 2 creates'", len(unconfirmed), err)
		}
		// Younger than RecoverAfter: left alone; older: confirmed, nothing abandoned.
		if rep, err := svc.Recover(service); err != nil || rep.HoldsConfirmed != 0 {
			t.Fatalf("early recovery = %+v, %v; want nothing confirmed yet", rep, err)
		}
		e.Clock.Add(2 * time.Minute)
		rep, err := svc.Recover(service)
		if err != nil || rep.HoldsConfirmed != 2 || rep.Abandoned != 0 || rep.Errors != 0 {
			t.Fatalf("recovery = %+v, %v; want 2 holds confirmed, nothing abandoned", rep, err)
		}
		if got, _ := e.Local.UnconfirmedHolds(service, e.Clock.Now(), hotel.MaxHoldBatch); len(got) != 0 {
			t.Fatalf("%d holds still unconfirmed after recovery", len(got))
		}
		if b := get(t, e, first.ID); b.Version != 1 || b.Status != hotel.StatusConfirmed {
			t.Fatalf("after recovery the booking is %s at version %d; want confirmed at 1", b.Status, b.Version)
		}
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}
