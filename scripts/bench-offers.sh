#!/usr/bin/env bash
# bench-offers.sh — the offers figures of issue 17 (BENCHMARKS.md, "Offers
# (issue 17)"), before and after in one run on one throwaway cluster
# (scripts/bench/cluster.sh):
#
#   1. build the working tree ("after"), SEARCH_BEFORE (default 39ccf3d^:
#      the SQL search, before rate plans; scripts/bench/offers_before_test.go.txt
#      is copied into its storebench) and CREATES_BEFORE (default 8281c70:
#      holds not yet priced on plans);
#   2. seed HOTELS hotels twice: "after" by the working tree (plans and
#      restrictions), "before" by CREATES_BEFORE (inventory only, as the
#      system was; SEARCH_BEFORE has the same schema and reads the same);
#   3. Go benchmarks, before and after taking turns, ROUNDS times:
#      BenchmarkOffers with -cpu CPUS (store: LoadARI + SearchOffers, or the
#      SQL search before; quote: SearchOffers alone) and BenchmarkSearch
#      (one client, a city, 3 nights, 2 adults: p50/p99);
#   4. through HTTP (hotel serve, all-in-one): hotel loadtest --scenario
#      mixed --clients CLIENTS for DURATION, before, after (search index on)
#      and after with HOTEL_SEARCH_INDEX=false;
#   5. creates: pgbench booking.sql (the ceiling), then wrk OP=create
#      against CREATES_BEFORE and the working tree, each on its own copy.
#
# Knobs: HOTELS=2000 DAYS=365 SEED=1 SEARCH_BEFORE CREATES_BEFORE
# BENCHTIME=10s ROUNDS=2 CPUS=1,2 DURATION=20s CLIENTS=16 WRK_DURATION=20
# WRK_CLIENTS=8 QUIET_WAIT=0 PG_SETTINGS OUT. Results and summary.txt in OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh
root=$(pwd)

HOTELS=${HOTELS:-2000}
DAYS=${DAYS:-365}
SEED=${SEED:-1}
SEARCH_BEFORE=${SEARCH_BEFORE:-39ccf3d^}
CREATES_BEFORE=${CREATES_BEFORE:-8281c70}
BENCHTIME=${BENCHTIME:-10s}
ROUNDS=${ROUNDS:-2}
CPUS=${CPUS:-1,2}
DURATION=${DURATION:-20s}
CLIENTS=${CLIENTS:-16}
WRK_DURATION=${WRK_DURATION:-20}
WRK_CLIENTS=${WRK_CLIENTS:-8}
QUIET_WAIT=${QUIET_WAIT:-0}
PG_SETTINGS=${PG_SETTINGS:-}
OUT=${OUT:-$(mktemp -d -t bench-offers-results.XXXXXX)}
mkdir -p "$OUT/logs"
OUT=$(cd "$OUT" && pwd)
sqldir=$root/scripts/bench
SPAN=300

command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq not found: apt-get install -y jq" >&2; exit 1; }

work_prefix=bench-offers
. scripts/bench/cluster.sh
if [ "$(id -u)" = 0 ]; then chmod 755 "$work"; fi

pids=()
on_exit() {
  if [ "${#pids[@]}" -gt 0 ]; then kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; fi
}
stop_all() { on_exit; pids=(); }
admin_key="bench_$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
serve() { # serve NAME BINARY VAR=VALUE...: sets served (URL) once ready
  local name=$1 bin=$2 addr=""
  shift 2
  env HOTEL_ADDR=127.0.0.1:0 LOG_LEVEL=info HOTEL_ADMIN_KEY="$admin_key" \
    HOTEL_RATE_LIMIT=1000000 HOTEL_RATE_BURST=1000000 "$@" "$bin" serve >"$OUT/logs/$name.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 600); do
    addr=${addr:-$(sed -nE '/"msg":"listening"/ s/.*"addr":"([^"]+)".*/\1/p' "$OUT/logs/$name.log" | head -1)}
    served="http://$addr"
    if [ -n "$addr" ] && curl -fsS -o /dev/null "$served/readyz" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "$name did not become ready" >&2
  tail -20 "$OUT/logs/$name.log" >&2
  exit 1
}

# --- 1. build
log "build: working tree, $SEARCH_BEFORE (search before), $CREATES_BEFORE (creates before)"
go build -o "$work/hotel-after" ./cmd/hotel
go test -c -o "$work/storebench-after.test" ./internal/store/storebench
mkdir -p "$work/search-before" "$work/creates-before"
git archive "$SEARCH_BEFORE" | tar -x -C "$work/search-before"
cp scripts/bench/offers_before_test.go.txt "$work/search-before/internal/store/storebench/offers_before_test.go"
(cd "$work/search-before" && go build -o "$work/hotel-search-before" ./cmd/hotel &&
  go test -c -o "$work/storebench-before.test" ./internal/store/storebench)
git archive "$CREATES_BEFORE" | tar -x -C "$work/creates-before"
(cd "$work/creates-before" && go build -o "$work/hotel-creates-before" ./cmd/hotel)

# --- 2. seed
dburl() { echo "postgres://postgres@127.0.0.1:$port/$1?sslmode=disable"; }
seed() { # seed DB BINARY
  psql -d postgres -c "CREATE DATABASE $1"
  log "seed $1 with $(basename "$2"): --hotels $HOTELS --days $DAYS --seed $SEED"
  DATABASE_URL=$(dburl "$1") "$2" migrate up >/dev/null
  DATABASE_URL=$(dburl "$1") "$2" seed --hotels "$HOTELS" --days "$DAYS" --seed "$SEED" 2>/dev/null | tee "$OUT/seed-$1.txt"
  psql -d "$1" -c "VACUUM (FREEZE, ANALYZE)" -c CHECKPOINT
}
seed hotel_after "$work/hotel-after"
seed hotel_before "$work/hotel-creates-before"

# --- 3. Go benchmarks, taking turns
for round in $(seq "$ROUNDS"); do
  for which in before after; do
    wait_quiet
    log "round $round: storebench $which"
    HOTEL_BENCH_DATABASE_URL=$(dburl "hotel_$which") "$work/storebench-$which.test" -test.run '^$' \
      -test.bench '^(BenchmarkOffers|BenchmarkSearch)$' -test.benchtime "$BENCHTIME" -test.cpu "$CPUS" \
      | tee "$OUT/storebench-$which-$round.txt"
  done
done

# --- 4. mixed load through HTTP: before, after (search index on, the
# default), after with HOTEL_SEARCH_INDEX=false (search reads the database)
for which in before after after-noindex; do
  bin=$work/hotel-after db=hotel_after index=true
  [ "$which" = before ] && bin=$work/hotel-search-before db=hotel_before
  [ "$which" = after-noindex ] && index=false
  mixed=hotel_${which//-/_}_mixed
  psql -d postgres -c "CREATE DATABASE $mixed TEMPLATE $db STRATEGY FILE_COPY"
  serve "mixed-$which" "$bin" DATABASE_URL="$(dburl "$mixed")" HOTEL_SEARCH_INDEX=$index
  if [ "$which" = after ]; then # the index loads every hotel at start
    for _ in $(seq 600); do grep -q '"msg":"search index loaded"' "$OUT/logs/mixed-$which.log" && break; sleep 0.2; done
    grep -h '"msg":"search index loaded"' "$OUT/logs/mixed-$which.log" | tee "$OUT/index-warm.txt"
  fi
  wait_quiet
  log "$which: loadtest --scenario mixed --clients $CLIENTS --duration $DURATION"
  HOTEL_ADMIN_KEY="$admin_key" DATABASE_URL="$(dburl "$mixed")" "$bin" loadtest --json --target "$served" \
    --scenario mixed --clients "$CLIENTS" --duration "$DURATION" >"$OUT/mixed-$which.json" 2>"$OUT/logs/mixed-$which.loadtest.log" ||
    echo "loadtest $which: failed (exit $?)" | tee -a "$OUT/failures.txt"
  stop_all
  psql -d postgres -c "DROP DATABASE $mixed"
done

# --- 5. creates against the pgbench ceiling
psql -d postgres -c "CREATE DATABASE hotel_pgbench TEMPLATE hotel_after STRATEGY FILE_COPY"
wait_quiet
log "pgbench booking.sql (-c $WRK_CLIENTS, $WRK_DURATION s)"
"$PGBENCH" -h 127.0.0.1 -p "$port" -U postgres -n -M prepared -c "$WRK_CLIENTS" -j 2 -f "$sqldir/booking.sql" \
  -D first="$(date -u -d tomorrow +%F)" -D span="$SPAN" -D nhotels="$HOTELS" -T "$WRK_DURATION" hotel_pgbench >"$OUT/pgbench-booking.txt"
psql -d postgres -c "DROP DATABASE hotel_pgbench"
for which in before after; do
  bin=$work/hotel-after
  [ "$which" = before ] && bin=$work/hotel-creates-before
  psql -d postgres -c "CREATE DATABASE hotel_${which}_create TEMPLATE hotel_$which STRATEGY FILE_COPY"
  serve "create-$which" "$bin" DATABASE_URL="$(dburl "hotel_${which}_create")"
  wait_quiet
  log "$which: wrk OP=create -c $WRK_CLIENTS"
  OP=create HOTELS=$HOTELS SPAN=$SPAN wrk -t 2 -c "$WRK_CLIENTS" -d "${WRK_DURATION}s" --latency -s "$sqldir/wrk.lua" "$served" \
    >"$OUT/wrk-create-$which.txt"
  stop_all
  psql -d postgres -c "DROP DATABASE hotel_${which}_create"
done

# --- summary
{
  echo "# Offers (issue 17): $(date -u +%F' '%H:%M) UTC, $(nproc) CPUs, $(go version | cut -d' ' -f3), PostgreSQL $(psql -d postgres -Atc 'SHOW server_version')"
  echo "after: $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty'); search before: $SEARCH_BEFORE; creates before: $CREATES_BEFORE; HOTELS=$HOTELS DAYS=$DAYS"
  cat "$OUT"/seed-*.txt
  echo
  echo "## Go benchmarks (searches/s; cpu-ms/op of the benchmark process; p50/p99 ms)"
  grep -H '^Benchmark' "$OUT"/storebench-*.txt | sed "s|$OUT/||"
  echo
  echo "## Mixed load through HTTP: search p50 / p99 ms, requests/s (index warm-up: $(cat "$OUT/index-warm.txt" 2>/dev/null))"
  for which in before after after-noindex; do
    jq -r --arg w "$which" '"\($w): search \(.operations.search.p50_ms) / \(.operations.search.p99_ms) ms, \(.operations.search.count) searches; create \(.operations.create.p50_ms) / \(.operations.create.p99_ms) ms; \(.throughput_per_second) requests/s"' "$OUT/mixed-$which.json" || true
  done
  echo
  echo "## Creates (wrk -c $WRK_CLIENTS, ${WRK_DURATION}s) against pgbench booking.sql"
  echo "pgbench: $(sed -nE 's/^tps = ([0-9.]+) .*/\1/p' "$OUT/pgbench-booking.txt") tx/s"
  for which in before after; do
    echo "$which: $(awk '/^Requests\/sec:/ { print $2 }' "$OUT/wrk-create-$which.txt") req/s, non-2xx $(awk '/Non-2xx or 3xx responses:/ { n = $5 } END { print n + 0 }' "$OUT/wrk-create-$which.txt"), p50 $(awk '$1 == "50%" { print $2 }' "$OUT/wrk-create-$which.txt"), p99 $(awk '$1 == "99%" { print $2 }' "$OUT/wrk-create-$which.txt")"
  done
} | tee "$OUT/summary.txt"
log "results in $OUT"
