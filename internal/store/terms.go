package store

import (
	"encoding/json"
	"fmt"

	"github.com/hotelplatform/hotel"
)

// How both drivers store the terms of issue 18: a hotel's taxes (column
// hotel.taxes) and a rate plan's policies (column rate_plan.policies), as
// JSON. Search reads the plans and hotels of a whole city, so the forms
// that mean "none" ('[]', '{}') are recognised without decoding.

// HotelRow is a hotel as both drivers' generated queries return it (a
// db.GetHotelRow of either converts to it).
type HotelRow struct {
	ID                                 int64
	Name, Location, TimeZone, Currency string
	Taxes                              string
}

// Hotel returns the hotel r holds. Taxes it cannot read are an error,
// never a hotel without its taxes.
func (r HotelRow) Hotel() (hotel.Hotel, error) {
	h := hotel.Hotel{ID: r.ID, Name: r.Name, Location: r.Location, TimeZone: r.TimeZone, Currency: r.Currency}
	taxes, err := ParseTaxes(r.Taxes)
	if err != nil {
		return hotel.Hotel{}, fmt.Errorf("hotel %d: taxes: %w", r.ID, err)
	}
	h.Taxes = taxes
	return h, nil
}

// Hotels converts rows with to and returns them, or the first error.
func Hotels[R any](rows []R, err error, to func(R) HotelRow) ([]hotel.Hotel, error) {
	if err != nil {
		return nil, err
	}
	out := make([]hotel.Hotel, len(rows))
	for i, r := range rows {
		if out[i], err = to(r).Hotel(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// TaxesJSON is how both drivers store a hotel's taxes.
func TaxesJSON(taxes []hotel.Tax) string {
	if len(taxes) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(taxes) // strings, ints and Cents only: cannot fail
	return string(b)
}

// ParseTaxes reads taxes as TaxesJSON writes them (nil for none).
func ParseTaxes(s string) ([]hotel.Tax, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var taxes []hotel.Tax
	if err := json.Unmarshal([]byte(s), &taxes); err != nil {
		return nil, err
	}
	return taxes, nil
}

// policies is the stored form of a plan's policies.
type policies struct {
	Cancellation *hotel.CancellationPolicy `json:"cancellation_policy,omitempty"`
	NoShow       hotel.NoShowPolicy        `json:"no_show_policy,omitzero"`
	Guarantee    hotel.Guarantee           `json:"guarantee,omitzero"`
}

// PoliciesJSON is how both drivers store a plan's cancellation policy,
// no-show policy and guarantee.
func PoliciesJSON(p hotel.RatePlan) string {
	b, _ := json.Marshal(policies{Cancellation: p.Cancellation, NoShow: p.NoShow, Guarantee: p.Guarantee}) // cannot fail
	return string(b)
}

// parsePolicies sets p's policies from s as PoliciesJSON writes them.
func parsePolicies(s string, p *hotel.RatePlan) error {
	if s == "" || s == "{}" {
		return nil
	}
	var ps policies
	if err := json.Unmarshal([]byte(s), &ps); err != nil {
		return err
	}
	p.Cancellation, p.NoShow, p.Guarantee = ps.Cancellation, ps.NoShow, ps.Guarantee
	return nil
}
