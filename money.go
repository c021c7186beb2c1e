package hotel

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Cents is an exact amount of money in hundredths of the currency unit.
// Prices are never floats: 304 × 1.2 must be 364.80, not 364.79999.
type Cents int64

// ParseCents parses a decimal string with at most two fractional digits ("364.8", "130", "0.05").
func ParseCents(s string) (Cents, error) {
	in := s
	bad := func() error {
		return fmt.Errorf("amount %.40q is not a decimal with at most two fractional digits", in)
	}
	if s == "" || len(s) > 21 { // "-" and the 20 characters of the largest amount
		return 0, bad()
	}
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 2)) {
		return 0, bad()
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, bad()
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, bad()
	}
	if neg {
		v = -v
	}
	return Cents(v), nil
}

// String formats c as a decimal with two fractional digits ("364.80").
func (c Cents) String() string {
	b, _ := c.AppendText(nil)
	return string(b)
}

// AppendText appends c as a decimal with two places ("-12.05"); encoding/json
// writes it as a JSON string, so no client parses money as a float.
func (c Cents) AppendText(b []byte) ([]byte, error) {
	u := uint64(c)
	if c < 0 {
		b = append(b, '-')
		u = -u // two's complement: also right for the most negative value
	}
	b = strconv.AppendUint(b, u/100, 10)
	b = append(b, '.', byte('0'+u%100/10), byte('0'+u%10))
	return b, nil
}

// MarshalText encodes c as a decimal string with two places.
func (c Cents) MarshalText() ([]byte, error) { return c.AppendText(nil) }

// UnmarshalJSON accepts a decimal string ("364.80").
func (c *Cents) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("amount must be a decimal string such as \"120.50\"")
	}
	v, err := ParseCents(s)
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// MinorUnit returns the smallest amount of a currency (an ISO 4217 code) in
// Cents: 100 for the currencies without a minor unit (JPY, KRW, ISK, …),
// whose amounts are whole units, and 1 for every other code.
func MinorUnit(currency string) Cents {
	if zeroDecimal[currency] {
		return 100
	}
	return 1
}

// zeroDecimal lists the ISO 4217 currencies whose minor unit is 0.
var zeroDecimal = map[string]bool{
	"BIF": true, "CLP": true, "DJF": true, "GNF": true, "ISK": true, "JPY": true,
	"KMF": true, "KRW": true, "PYG": true, "RWF": true, "UGX": true, "UYI": true,
	"VND": true, "VUV": true, "XAF": true, "XOF": true, "XPF": true,
}

// roundTo returns num/den rounded half away from zero to a multiple of
// unit (a MinorUnit; below 1 counts as 1): the one rounding of fees,
// deposits and taxes.
func roundTo(num, den int64, unit Cents) Cents {
	u := max(int64(unit), 1)
	return Cents(divRound(num, den*u) * u)
}
