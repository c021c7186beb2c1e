#!/usr/bin/env bash
# bench-events.sh — the event figures of issue 19 (BENCHMARKS.md, "Events
# (issue 19)"), all-in-one on SQLite and on a throwaway PostgreSQL (the Go
# benchmarks start their own):
#
#   1. BenchmarkOutbox: bookings created per second with the outbox and,
#      in the same run, on a system whose event triggers were dropped (the
#      ceiling: no outbox), ROUNDS times each, taking turns; events/s;
#   2. BenchmarkFeedLatency: a consumer long-polling GET /events?wait=30s
#      while creates run: how long after a create's 201 it holds the event
#      (p50, p99);
#   3. BenchmarkWebhookDeliveries: one subscription replaying N
#      booking.created events to a receiver on loopback: deliveries/s;
#   4. events/s under the mixed workload: hotel loadtest --scenario mixed
#      against hotel serve on SQLite (its report's "events" line).
#
# Knobs: CREATES=2000 ROUNDS=2 DURATION=20s CLIENTS=16 OUT. Results in OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh

CREATES=${CREATES:-2000}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-20s}
CLIENTS=${CLIENTS:-16}
OUT=${OUT:-$(mktemp -d /tmp/bench-events.XXXXXX)}
mkdir -p "$OUT"

go test -c -o "$OUT/hotel.test" ./cmd/hotel
(cd "$OUT" && ./hotel.test -test.run '^$' -test.bench 'Outbox|FeedLatency|WebhookDeliveries' \
  -test.benchtime "${CREATES}x" -test.count "$ROUNDS" | tee "$OUT/go-bench.txt")

go build -o "$OUT/hotel" ./cmd/hotel
data=$(mktemp -d)
key=bench-events-admin-key-0123456789abcdefghij
HOTEL_DATA_DIR=$data HOTEL_ADDR=127.0.0.1:18089 HOTEL_ADMIN_KEY=$key HOTEL_RATE_LIMIT=0 LOG_LEVEL=warn \
  "$OUT/hotel" serve > "$OUT/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 300); do curl -fs http://127.0.0.1:18089/readyz >/dev/null 2>&1 && break; sleep 0.2; done
HOTEL_DATA_DIR=$data HOTEL_ADMIN_KEY=$key "$OUT/hotel" loadtest --target http://127.0.0.1:18089 \
  --scenario mixed --clients "$CLIENTS" --duration "$DURATION" | tee "$OUT/loadtest-mixed.txt"

echo
echo "results in $OUT"
grep -E '^Benchmark' "$OUT/go-bench.txt"
grep -E '^(scenario|events|result)' "$OUT/loadtest-mixed.txt" || true
