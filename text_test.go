package hotel_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hotelplatform/hotel"
)

func TestTextFault(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "Ada Lovelace", "  Ada  ", "O'Brien-Smith", "København", "Zoë Ångström", "Дмитрий", "李小龍",
		"محمد", "דוד", "नमस्ते", "👩‍👩‍👧", "می\u200cخواهم", "Ada\u00a0Lovelace", "'; DROP TABLE booking;--", "\ufffd"} {
		if fault := hotel.TextFault(s); fault != "" {
			t.Errorf("TextFault(%q) = %q, want safe", s, fault)
		}
	}
	for _, tc := range []struct{ s, want string }{
		{"Ada\xff", "valid UTF-8"},
		{"\xed\xa0\x80", "valid UTF-8"}, // an encoded surrogate
		{"Ada\x00", "control characters"},
		{"Ada\tLovelace", "control characters"},
		{"Ada\n", "control characters"},
		{"\rAda", "control characters"},
		{"Ada\x1b[31m", "control characters"},
		{"Ada\x7f", "control characters"},
		{"Ada\u0085", "control characters"},
		{"Ada\u009b", "control characters"},
		{"Ada\u202eecalevoL", "bidirectional"},
		{"\u202aAda", "bidirectional"},
		{"\u202bAda", "bidirectional"},
		{"\u202cAda", "bidirectional"},
		{"\u202dAda", "bidirectional"},
		{"Ada\u2066x\u2069", "bidirectional"},
		{"Ada\u2067", "bidirectional"},
		{"Ada\u2068", "bidirectional"},
		{"Ada\u200e", "bidirectional"},
		{"Ada\u200f", "bidirectional"},
		{"Ada\u061c", "bidirectional"},
		{"Ada\u2028Lovelace", "single line"},
		{"Ada\u2029", "single line"},
	} {
		if fault := hotel.TextFault(tc.s); !strings.Contains(fault, tc.want) {
			t.Errorf("TextFault(%q) = %q, want it to say %q", tc.s, fault, tc.want)
		}
	}
}

func FuzzTextFault(f *testing.F) {
	for _, s := range []string{"Ada", "Ada\u202e", "Ada\u2028", "Ada\x00", "\xff", "👩‍👩‍👧"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if hotel.TextFault(s) != "" {
			return
		}
		// Safe text is UTF-8 that renders on one line in the order it is
		// stored.
		if !utf8.ValidString(s) {
			t.Fatalf("TextFault(%q) = safe, but it is not UTF-8", s)
		}
		for _, r := range s {
			if r < 0x20 || r >= 0x7f && r < 0xa0 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 ||
				r == 0x200e || r == 0x200f || r == 0x061c || r == 0x2028 || r == 0x2029 {
				t.Fatalf("TextFault(%q) = safe, but it holds %U", s, r)
			}
		}
	})
}
