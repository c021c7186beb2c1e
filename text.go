package hotel

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextFault returns why s is not safe single-line text, or "" when it is.
// Safe single-line text is valid UTF-8 without:
//
//   - control characters (Unicode category Cc: U+0000–U+001F, U+007F–U+009F,
//     so no tab, newline or escape sequence);
//   - bidirectional formatting characters (the Bidi_Control property:
//     U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which make a
//     text display in another order than it is stored — "Trojan Source";
//   - line and paragraph separators (U+2028, U+2029).
//
// It is the one check of every free-text value the platform accepts —
// guest names, hotel and room type names, locations, reasons, labels,
// query parameters — applied to the value as sent, before any trimming.
// Letters, marks, symbols, spaces and the joiners some scripts and emoji
// need (U+200C, U+200D) are all allowed.
func TextFault(s string) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8"
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cc, r):
			return "must not contain control characters"
		case unicode.Is(unicode.Bidi_Control, r):
			return "must not contain bidirectional control characters (such as U+202E)"
		case r == '\u2028' || r == '\u2029':
			return "must be a single line: no line or paragraph separators (U+2028, U+2029)"
		}
	}
	return ""
}

// Clip bounds text a client sent (an id from a path, say) that a message
// echoes: its first n bytes, as valid UTF-8, and "…" when it was longer.
func Clip(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "?") + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
