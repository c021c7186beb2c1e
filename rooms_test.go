package hotel

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestCombineRooms(t *testing.T) {
	due1, due2 := time.Date(2030, 1, 4, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)
	room := func(no int, status string, total Cents, q *CancellationQuote, charge Cents, g *GuaranteeDue) Booking {
		arrival := NewDate(2030, time.January, 11)
		return Booking{ID: "b" + string(rune('0'+no)), RoomNo: no, ArrivalDate: arrival, StayLength: 3, CheckOutDate: arrival.AddDays(3), Status: status, TotalPrice: total, Adults: 2, Version: no,
			CancellationQuote: q, CancellationCharge: charge, Guarantee: g,
			PriceBreakdown: &TaxBreakdown{Net: total - total/10, Gross: total, Taxes: []TaxLine{{Code: "VAT", Amount: total / 10, Included: true}}}}
	}
	deadline := time.Date(2030, 1, 9, 18, 0, 0, 0, time.UTC)
	r1 := room(1, StatusConfirmed, 30000, &CancellationQuote{Deadline: &deadline, Free: true, LateFee: 10000}, 0,
		&GuaranteeDue{Kind: GuaranteeCard})
	r2 := room(2, StatusCancelled, 20000, &CancellationQuote{Fee: 20000, LateFee: 20000}, 20000,
		&GuaranteeDue{Kind: GuaranteeDeposit, Amount: 4000, DueAt: &due2})
	r3 := room(3, StatusConfirmed, 25000, &CancellationQuote{Fee: 25000, LateFee: 25000}, 0,
		&GuaranteeDue{Kind: GuaranteeDeposit, Amount: 5000, DueAt: &due1})

	b := CombineRooms([]Booking{r1, r2, r3})
	if b.ID != "b1" || b.Status != StatusConfirmed || b.TotalPrice != 55000 || b.Adults != 6 || b.Version != 6 || len(b.Rooms) != 3 {
		t.Fatalf("combined: %+v", b)
	}
	if q := b.CancellationQuote; b.CancellationFees != 20000 || q == nil || q.Fee != 25000 || q.Free {
		t.Fatalf("fees %d, quote %+v: want 200.00 recorded and 250.00 to cancel the rest now", b.CancellationFees, b.CancellationQuote)
	}
	// The cancelled room's deposit is not due; the strongest kind of the
	// rooms still sold, their amounts summed, due at the earliest.
	if g := b.Guarantee; g.Kind != GuaranteeDeposit || g.Amount != 5000 || !g.DueAt.Equal(due1) {
		t.Fatalf("guarantee: %+v", g)
	}
	if br := b.PriceBreakdown; br.Gross != 55000 || br.Net != 55000-3000-2500 || len(br.Taxes) != 1 || br.Taxes[0].Amount != 5500 {
		t.Fatalf("breakdown: %+v", br)
	}

	// The status: checked in while any room is, cancelled only when all are.
	for _, tc := range []struct {
		statuses []string
		want     string
	}{
		{[]string{StatusCancelled, StatusCheckedIn, StatusConfirmed}, StatusCheckedIn},
		{[]string{StatusCancelled, StatusCompleted}, StatusCompleted},
		{[]string{StatusNoShow, StatusCancelled}, StatusNoShow},
		{[]string{StatusCancelled, StatusCancelled}, StatusCancelled},
	} {
		var rooms []Booking
		for i, s := range tc.statuses {
			rooms = append(rooms, room(i+1, s, 100, nil, 0, nil))
		}
		if got := CombineRooms(rooms).Status; got != tc.want {
			t.Errorf("rooms %v: status %s, want %s", tc.statuses, got, tc.want)
		}
	}
	// All cancelled: the fees recorded are the quote.
	r1.Status, r1.CancellationCharge = StatusCancelled, 0
	r3.Status, r3.CancellationCharge = StatusCancelled, 25000
	all := CombineRooms([]Booking{r1, r2, r3})
	if q := all.CancellationQuote; all.Status != StatusCancelled || all.TotalPrice != 0 || q.Fee != 45000 || all.CancellationFees != 45000 {
		t.Fatalf("all cancelled: %+v, quote %+v", all, all.CancellationQuote)
	}

	// One room is shown as it is, in the flat shape.
	one := CombineRooms([]Booking{r1})
	data, err := json.Marshal(one)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), `"rooms"`) || !strings.Contains(string(data), `"room_type"`) {
		t.Fatalf("one room shown as %s", data)
	}
	var back Booking
	if err := json.Unmarshal(data, &back); err != nil || back.Rooms != nil || back.TotalPrice != r1.TotalPrice {
		t.Fatalf("read back %+v, %v", back, err)
	}
}
