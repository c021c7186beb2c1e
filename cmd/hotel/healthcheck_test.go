package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	p := startServe(t, dbEnv(t, sqliteStore))
	addr := strings.TrimPrefix(p.URL, "http://")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"healthcheck", "--addr", addr}, env(nil), &out, &out); err != nil || out.String() != "healthy\n" {
		t.Fatalf("healthcheck of a running server = %v, %q", err, out.String())
	}
	// 0.0.0.0 means the local interface.
	port := addr[strings.LastIndex(addr, ":"):]
	if err := run(context.Background(), []string{"healthcheck"}, env(map[string]string{"HOTEL_ADDR": "0.0.0.0" + port}), &out, &out); err != nil {
		t.Fatalf("healthcheck on 0.0.0.0 = %v", err)
	}
	p.stop(t)
	if err := run(context.Background(), []string{"healthcheck", "--addr", addr}, env(nil), &out, &out); err == nil || !strings.Contains(err.Error(), "unhealthy") {
		t.Fatalf("healthcheck of a stopped server = %v", err)
	}
}
