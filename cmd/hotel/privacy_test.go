package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
)

// The privacy check of the whole suite: every server started by a test logs
// at DEBUG into a sink registered here; every guest name a test sends, and
// every API key and booking access token it sees, is watched; after the
// suite, TestMain fails the run if any watched value appears in any log.
var privacy = &watchList{secrets: map[string]string{}}

type watchList struct {
	mu      sync.Mutex
	secrets map[string]string // value → what it is
	sinks   []*logSink
}

// watch adds a value that must never be logged (short ones are too common
// to tell apart from other text, and are not watched).
func (w *watchList) watch(what, value string) {
	if len(value) < 6 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.secrets[value] = what
}

func (w *watchList) sink(s *logSink) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sinks = append(w.sinks, s)
}

// watchBodies watches the guest names of a request body and the access
// token of a response body (JSON objects; anything else is ignored).
func (w *watchList) watchBodies(request, response []byte) {
	var req map[string]any
	if json.Unmarshal(request, &req) == nil {
		if name, ok := req["guest_name"].(string); ok {
			w.watch("a guest name", strings.TrimSpace(name))
		}
	}
	var resp map[string]any
	if json.Unmarshal(response, &resp) == nil {
		if tok, ok := resp["access_token"].(string); ok {
			w.watch("a booking access token", tok)
		}
	}
}

// leaks returns every watched value found in any log.
func (w *watchList) leaks() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, s := range w.sinks {
		logs := s.String()
		for v, what := range w.secrets {
			if strings.Contains(logs, v) {
				out = append(out, fmt.Sprintf("%s (%q) appears in a server log", what, v))
			}
		}
	}
	sort.Strings(out)
	return out
}

// checkPrivacy runs after the suite: it prints the leaks and returns a
// failing exit code if there are any.
func checkPrivacy(code int) int {
	leaks := privacy.leaks()
	if len(leaks) == 0 {
		privacy.mu.Lock()
		fmt.Printf("privacy: %d watched values (guest names, keys, tokens) absent from %d server logs\n", len(privacy.secrets), len(privacy.sinks))
		privacy.mu.Unlock()
		return code
	}
	fmt.Fprintln(os.Stderr, "PRIVACY FAILURE:")
	for _, l := range leaks {
		fmt.Fprintln(os.Stderr, "  "+l)
	}
	return 1
}

func init() { privacy.watch("the service credential", testServiceKey) }
