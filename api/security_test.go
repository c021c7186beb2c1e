package api

import (
	"encoding/json"
	"testing"
)

// TestPublicOperationsDeclareOptionalSchemes: an operation anyone may call
// also lists the schemes a caller may send on it — a valid API key or
// booking token changes the caller's rate-limit bucket and Idempotency-Key
// scope — so clients generated from the document can send them (a bare
// `security: [{}]` made ogen's clients never send a credential).
func TestPublicOperationsDeclareOptionalSchemes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Security []map[string][]string `json:"security"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(Spec(), &doc); err != nil {
		t.Fatal(err)
	}
	public := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			anonymous, key, token := false, false, false
			for _, req := range op.Security {
				_, k := req["apiKey"]
				_, b := req["bookingToken"]
				anonymous = anonymous || len(req) == 0
				key, token = key || k, token || b
			}
			if anonymous {
				public++
				if !key || !token {
					t.Errorf("%s %s: anyone may call it, but its security %v does not list the optional apiKey and bookingToken", method, path, op.Security)
				}
			}
		}
	}
	if public == 0 {
		t.Fatal("no public operation in the document")
	}
}
