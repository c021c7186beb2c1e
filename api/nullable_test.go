package api_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel/api"
)

// TestRequestFieldsAreNotNullable keeps the document in line with the
// request decoder (web.Decode), which refuses an explicit null for every
// field not tagged `web:"nullable"` — and no request field is. Should a
// request field become nullable, declare it so here, tag its Go field
// `web:"nullable"`, and list it in nullable below.
func TestRequestFieldsAreNotNullable(t *testing.T) {
	t.Parallel()
	nullable := map[string]bool{} // "Schema.property" of the request fields that accept null
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(api.Spec(), &doc); err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for path, item := range doc.Paths {
		for method, raw := range item {
			var op struct {
				RequestBody struct {
					Content map[string]struct {
						Schema struct {
							Ref string `json:"$ref"`
						} `json:"schema"`
					} `json:"content"`
				} `json:"requestBody"`
			}
			if json.Unmarshal(raw, &op) != nil {
				continue
			}
			for mt, c := range op.RequestBody.Content {
				name, ok := strings.CutPrefix(c.Schema.Ref, "#/components/schemas/")
				if mt != "application/json" || !ok {
					t.Errorf("%s %s: request body %s is not a JSON schema reference", method, path, mt)
					continue
				}
				if !slices.Contains(bodies, name) {
					bodies = append(bodies, name)
				}
			}
		}
	}
	if len(bodies) < 10 {
		t.Fatalf("only %d request body schemas found: %v", len(bodies), bodies)
	}
	var allowsNull func(s map[string]any) bool
	allowsNull = func(s map[string]any) bool {
		if ref, ok := s["$ref"].(string); ok {
			if target, ok := doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]; ok && allowsNull(target) {
				return true
			}
		}
		switch ty := s["type"].(type) {
		case string:
			if ty == "null" {
				return true
			}
		case []any:
			if slices.Contains(ty, any("null")) {
				return true
			}
		}
		if s["nullable"] == true {
			return true
		}
		for _, k := range []string{"oneOf", "anyOf"} {
			alts, _ := s[k].([]any)
			for _, a := range alts {
				if m, ok := a.(map[string]any); ok && allowsNull(m) {
					return true
				}
			}
		}
		return false
	}
	for _, name := range bodies {
		props, _ := doc.Components.Schemas[name]["properties"].(map[string]any)
		for prop, s := range props {
			m, _ := s.(map[string]any)
			if got := allowsNull(m); got != nullable[name+"."+prop] {
				t.Errorf("request schema %s: property %s accepts null = %v; the decoder refuses null unless the Go field is tagged web:\"nullable\"",
					name, prop, got)
			}
			if items, ok := m["items"].(map[string]any); ok && allowsNull(items) {
				t.Errorf("request schema %s: the items of %s accept null, which the decoder refuses", name, prop)
			}
		}
	}
}
