package telemetry

import (
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"strings"

	"github.com/hotelplatform/hotel"
)

// piiKeys are attribute and field names whose values never reach a log, at
// any depth: guest data and credentials.
var piiKeys = map[string]bool{
	"guest_name": true, "guestname": true, "guest": true, "name_of_guest": true,
	"access_token": true, "accesstoken": true, "token": true,
	"authorization": true, "api_key": true, "apikey": true, "key_secret": true, "password": true, "secret": true,
	// An anonymous caller's Idempotency-Key is the secret of its request.
	"idempotency_key": true, "idempotencykey": true,
}

// IsPII reports whether a field called key holds personal data or a secret.
func IsPII(key string) bool {
	return piiKeys[strings.ToLower(strings.ReplaceAll(key, "-", "_"))]
}

// redactingHandler wraps a handler so that PII never reaches it: attributes
// named in piiKeys are replaced at any depth — top-level, in groups, in
// values resolved from LogValuers, and in structs and maps logged as values.
type redactingHandler struct{ next slog.Handler }

// Redacting returns h with PII redaction.
func Redacting(h slog.Handler) slog.Handler { return redactingHandler{h} }

func (h redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a, 0))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = redactAttr(a, 0)
	}
	return redactingHandler{h.next.WithAttrs(red)}
}

func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{h.next.WithGroup(name)}
}

// maxDepth bounds the walk of nested values.
const maxDepth = 8

func redactAttr(a slog.Attr, depth int) slog.Attr {
	if IsPII(a.Key) {
		return slog.String(a.Key, hotel.Redacted)
	}
	return slog.Attr{Key: a.Key, Value: redactValue(a.Value, depth)}
}

func redactValue(v slog.Value, depth int) slog.Value {
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindGroup:
		g := v.Group()
		out := make([]slog.Attr, len(g))
		for i, a := range g {
			out[i] = redactAttr(a, depth+1)
		}
		return slog.GroupValue(out...)
	case slog.KindAny:
		if depth >= maxDepth {
			return slog.StringValue(hotel.Redacted)
		}
		return redactAny(v.Any(), depth)
	default:
		return v
	}
}

// redactAny makes a struct or map loggable without its PII: it is encoded
// as JSON (so field names are the wire names), walked, and logged as a
// group. Errors keep their message; other values pass unchanged.
func redactAny(x any, depth int) slog.Value {
	if x == nil {
		return slog.AnyValue(nil)
	}
	if err, ok := x.(error); ok {
		return slog.StringValue(err.Error())
	}
	k := reflect.Indirect(reflect.ValueOf(x)).Kind()
	if k != reflect.Struct && k != reflect.Map && k != reflect.Slice && k != reflect.Array {
		return slog.AnyValue(x)
	}
	b, err := json.Marshal(x)
	if err != nil {
		return slog.StringValue(hotel.Redacted) // unknown shape: say nothing rather than risk PII
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		return slog.StringValue(hotel.Redacted)
	}
	return treeValue(tree, depth)
}

// treeValue turns decoded JSON into a slog value, redacting PII keys.
func treeValue(t any, depth int) slog.Value {
	if depth >= maxDepth {
		return slog.StringValue(hotel.Redacted)
	}
	switch t := t.(type) {
	case map[string]any:
		attrs := make([]slog.Attr, 0, len(t))
		for k, v := range t {
			if IsPII(k) {
				attrs = append(attrs, slog.String(k, hotel.Redacted))
				continue
			}
			attrs = append(attrs, slog.Attr{Key: k, Value: treeValue(v, depth+1)})
		}
		return slog.GroupValue(attrs...)
	case []any:
		vals := make([]any, len(t))
		for i, v := range t {
			vals[i] = treeValue(v, depth+1).Any()
		}
		return slog.AnyValue(vals)
	default:
		return slog.AnyValue(t)
	}
}
