#!/usr/bin/env bash
# The system benchmarks of issue 10, reproducibly, in one run:
#
#   1. a throwaway PostgreSQL cluster (durable settings, scripts/bench/cluster.sh)
#      migrated and seeded with the synthetic data set (hotel migrate up; hotel seed --hotels 10000 --days 365:
#      14.6 M nights); a SQLite data directory seeded with SQLITE_HOTELS hotels;
#   2. the ceilings: pgbench running the booking SQL of the issue
#      (scripts/bench/booking*.sql: a 2-night conditional update plus an
#      insert, one transaction), uncontended and on one hot hotel-night; and
#      the trivial Go server (scripts/bench/hello) under wrk;
#   3. for each mode — all-in-one on SQLite, all-in-one on PostgreSQL, split
#      on PostgreSQL (two inventory and two booking replicas, a scheduler and
#      a gateway, six processes) — each on a fresh copy of the data:
#        hotel loadtest --scenario mixed, then rush, then modify-storm (each
#        ends with the reconciliation check); the resident memory of every
#        process after mixed; creates through the gateway under wrk,
#        uncontended (bookings of one room, then of three rooms) and
#        (PostgreSQL) on the hot hotel-night; GET
#        /inventory/{hotel_id} for 7 nights under wrk; hotel check;
#   4. a summary (summary.md in OUT) with every figure and its ratio to its
#      ceiling. Raw outputs stay in OUT.
#
# Knobs (environment):
#   HOTELS=10000 DAYS=365 SEED=1   PostgreSQL data set
#   SQLITE_HOTELS=1000             SQLite data set (same generator, DAYS days)
#   MODES="sqlite all split"       which modes to run
#   DURATION=30s CLIENTS=16        mixed and modify-storm (closed loop)
#   MIXED_RATE=400                 mixed again, open loop at this many
#                                  requests/s (the rate the seed's system
#                                  sustained for reads): latency without
#                                  the queueing of a saturated closed loop
#   RUSH_CLIENTS=200               rush
#   SCENARIOS="mixed mixed-open rush modify-storm overload"
#                                  which loadtest scenarios to run (empty:
#                                  none, the wrk runs only); overload runs
#                                  mixed open loop at twice the rate mixed
#                                  sustained (mixed must run first)
#   WRK_DURATION=20 WRK_CLIENTS=8  create runs (pgbench uses the same clients
#                                  and seconds); READ_CLIENTS=32 for the reads
#                                  and hello-world runs
#   POOL=                          pool_max_conns of every process's DATABASE_URL
#                                  (default: the driver's, see README)
#   QUIET_WAIT=120                 wait up to this long for an idle machine
#                                  before each measurement
#   PG_SETTINGS="..."              extra postgres -c settings
#   OUT=dir                        results (default: a new temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh
root=$(pwd)

HOTELS=${HOTELS:-10000}
DAYS=${DAYS:-365}
SEED=${SEED:-1}
SQLITE_HOTELS=${SQLITE_HOTELS:-1000}
MODES=${MODES:-sqlite all split}
DURATION=${DURATION:-30s}
CLIENTS=${CLIENTS:-16}
RUSH_CLIENTS=${RUSH_CLIENTS:-200}
SCENARIOS=${SCENARIOS-mixed mixed-open rush modify-storm overload}
MIXED_RATE=${MIXED_RATE:-400}
WRK_DURATION=${WRK_DURATION:-20}
WRK_CLIENTS=${WRK_CLIENTS:-8}
READ_CLIENTS=${READ_CLIENTS:-32}
QUIET_WAIT=${QUIET_WAIT:-120}
POOL=${POOL:-}
PG_SETTINGS=${PG_SETTINGS:-}
OUT=${OUT:-$(mktemp -d -t bench-system-results.XXXXXX)}
mkdir -p "$OUT/logs"
OUT=$(cd "$OUT" && pwd)
sqldir=$root/scripts/bench
SPAN=$((DAYS > 310 ? 300 : DAYS - 10)) # arrivals from tomorrow + 0..SPAN days: stays within the seeded nights

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q wrk >/dev/null; else echo "wrk not found: apt-get install -y wrk" >&2; exit 1; fi
fi
command -v jq >/dev/null || { echo "jq not found: apt-get install -y jq" >&2; exit 1; }

work_prefix=bench-system
. scripts/bench/cluster.sh
if [ "$(id -u)" = 0 ]; then chmod 755 "$work"; fi

# --- servers: started in the background, stopped on exit
pids=()
on_exit() {
  if [ "${#pids[@]}" -gt 0 ]; then kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; fi
}
# serve NAME VAR=VALUE...: starts hotel serve with the common settings and
# these; sets served (its URL) and served_pid once it is ready.
admin_key="bench_$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
service_key="svc_$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
serve() {
  local name=$1 addr=""
  shift
  env HOTEL_ADDR=127.0.0.1:0 LOG_LEVEL=info HOTEL_ADMIN_KEY="$admin_key" HOTEL_SERVICE_KEY="$service_key" \
    HOTEL_RATE_LIMIT=1000000 HOTEL_RATE_BURST=1000000 "$@" "$work/hotel" serve >"$OUT/logs/$name.log" 2>&1 &
  served_pid=$!
  pids+=("$served_pid")
  for _ in $(seq 600); do
    addr=${addr:-$(sed -nE '/"msg":"listening"/ s/.*"addr":"([^"]+)".*/\1/p' "$OUT/logs/$name.log" | head -1)}
    served="http://$addr"
    if [ -n "$addr" ] && curl -fsS -o /dev/null "$served/readyz" 2>/dev/null; then return 0; fi
    kill -0 "$served_pid" 2>/dev/null || { tail -20 "$OUT/logs/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$name did not become ready" >&2
  exit 1
}
stop_all() { on_exit; pids=(); }

# --- 1. build and seed
log "go build ./cmd/hotel ./scripts/bench/hello"
go build -o "$work/hotel" ./cmd/hotel
go build -o "$work/hello" ./scripts/bench/hello
psql -d postgres -c "CREATE DATABASE hotel"
log "migrate and seed PostgreSQL: --hotels $HOTELS --days $DAYS --seed $SEED"
DATABASE_URL=$url "$work/hotel" migrate up >/dev/null # seed uses the schema, never creates it
DATABASE_URL=$url "$work/hotel" seed --hotels "$HOTELS" --days "$DAYS" --seed "$SEED" 2>/dev/null >"$OUT/seed-postgres.txt"
psql -d hotel -c "VACUUM (FREEZE, ANALYZE)" -c CHECKPOINT
psql -d hotel -Atc "SELECT 'PostgreSQL data: ' || pg_size_pretty(pg_database_size('hotel')) || ', ' || count(*) || ' nights' FROM inventory_night" | tee -a "$OUT/seed-postgres.txt"
bad=$(psql -d hotel -Atc "SELECT count(*) FROM room_type WHERE hotel_id <> (id - 1) / 4 + 1 OR (id - 1) % 4 = 0 AND name <> 'Standard Rooms' OR (id - 1) % 4 = 1 AND name <> 'Deluxe Rooms'")
[ "$bad" = 0 ] || { echo "room types do not follow the synthetic layout (4 per hotel, Standard then Deluxe first)" >&2; exit 1; }
sqlite_dir=$work/sqlite
mkdir -p "$sqlite_dir"
if [[ " $MODES " == *" sqlite "* ]]; then
  log "migrate and seed SQLite: --hotels $SQLITE_HOTELS --days $DAYS --seed $SEED"
  HOTEL_DATA_DIR=$sqlite_dir "$work/hotel" migrate up >/dev/null
  HOTEL_DATA_DIR=$sqlite_dir "$work/hotel" seed --hotels "$SQLITE_HOTELS" --days "$DAYS" --seed "$SEED" 2>/dev/null >"$OUT/seed-sqlite.txt"
  echo "SQLite data: $(du -sh "$sqlite_dir" | cut -f1)" | tee -a "$OUT/seed-sqlite.txt"
fi

# The hot hotel-night of the contended runs: Standard Rooms of hotel 1 (room
# type 1), 2 nights from tomorrow + 7 (UTC), capacity raised so it never
# sells out.
hot_arrival=$(date -u -d "+8 days" +%F)
raise_hot() { # raise_hot DATABASE
  psql -d "$1" -c "UPDATE inventory_night SET capacity = 1000000 WHERE hotel_id = 1 AND room_type_id = 1 AND night IN ('$hot_arrival'::date, '$hot_arrival'::date + 1)"
}

# --- 2. ceilings
pgb() { # pgb NAME SCRIPT [-D var=value]...
  local name=$1 script=$2
  shift 2
  wait_quiet
  log "pgbench: $name (-c $WRK_CLIENTS, $WRK_DURATION s)"
  "$PGBENCH" -h 127.0.0.1 -p "$port" -U postgres -n -M prepared -c "$WRK_CLIENTS" -j 2 -f "$sqldir/$script" "$@" \
    -T "$WRK_DURATION" hotel_pgbench >"$OUT/pgbench-$name.txt"
}
psql -d postgres -c "CREATE DATABASE hotel_pgbench TEMPLATE hotel STRATEGY FILE_COPY"
raise_hot hotel_pgbench
pgb booking booking.sql -D first="$(date -u -d tomorrow +%F)" -D span="$SPAN" -D nhotels="$HOTELS"
pgb booking-contended booking-contended.sql -D h=1 -D rt=1 -D night="$hot_arrival"
psql -d postgres -c "DROP DATABASE hotel_pgbench"

wrk_run() { # wrk_run FILE CLIENTS URL [wrk args]: wrk for WRK_DURATION seconds
  local file=$1 clients=$2 target=$3
  shift 3
  wait_quiet
  log "wrk $(basename "$file" .txt): -c $clients $target"
  wrk -t 2 -c "$clients" -d "${WRK_DURATION}s" --latency "$@" "$target" >"$file"
}
"$work/hello" >"$work/hello.addr" 2>/dev/null &
pids+=("$!")
for _ in $(seq 100); do [ -s "$work/hello.addr" ] && break; sleep 0.05; done
wrk_run "$OUT/wrk-hello.txt" "$READ_CLIENTS" "http://$(cat "$work/hello.addr")/"
stop_all

# --- 3. modes
rss() { # rss PID: resident and peak resident memory, MB
  awk '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 } END { printf "%.0f %.0f", r / 1024, h / 1024 }' "/proc/$1/status"
}
loadtest() { # loadtest MODE SCENARIO LABEL ENV... -- ARGS...: results in MODE-LABEL.json
  local mode=$1 scenario=$2 label=$3 envs=()
  shift 3
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  wait_quiet
  log "$mode: loadtest --scenario $scenario $*"
  env "${envs[@]}" HOTEL_ADMIN_KEY="$admin_key" "$work/hotel" loadtest --json --target "$gw" --scenario "$scenario" "$@" \
    >"$OUT/$mode-$label.json" 2>"$OUT/logs/$mode-$label.loadtest.log" || echo "loadtest $mode $label: invariants broken or failed (exit $?)" | tee -a "$OUT/failures.txt"
}
for mode in $MODES; do
  procs=()
  case $mode in
    sqlite)
      dbenv=(HOTEL_DATA_DIR="$sqlite_dir")
      nh=$SQLITE_HOTELS
      serve "$mode" "${dbenv[@]}"; gw=$served; procs+=("all:$served_pid")
      ;;
    all | split)
      psql -d postgres -c "CREATE DATABASE hotel_$mode TEMPLATE hotel STRATEGY FILE_COPY"
      dbenv=(DATABASE_URL="postgres://postgres@127.0.0.1:$port/hotel_$mode?sslmode=disable${POOL:+&pool_max_conns=$POOL}")
      nh=$HOTELS
      if [ "$mode" = all ]; then
        serve "$mode" "${dbenv[@]}"; gw=$served; procs+=("all:$served_pid")
      else
        inv=() book=()
        for i in 1 2; do serve "split-inventory-$i" "${dbenv[@]}" HOTEL_TARGET=inventory; inv+=("$served"); procs+=("inventory-$i:$served_pid"); done
        invs=$(IFS=,; echo "${inv[*]}")
        for i in 1 2; do serve "split-booking-$i" "${dbenv[@]}" HOTEL_TARGET=booking INVENTORY_URL="$invs"; book+=("$served"); procs+=("booking-$i:$served_pid"); done
        serve split-scheduler "${dbenv[@]}" HOTEL_TARGET=scheduler INVENTORY_URL="$invs"; procs+=("scheduler:$served_pid")
        serve split-gateway HOTEL_TARGET=gateway INVENTORY_URL="$invs" BOOKING_URL="$(IFS=,; echo "${book[*]}")"
        gw=$served; procs+=("gateway:$served_pid")
      fi
      ;;
    *) echo "unknown mode $mode" >&2; exit 1 ;;
  esac
  for s in $SCENARIOS; do
    case $s in
      mixed)
        loadtest "$mode" mixed mixed "${dbenv[@]}" -- --clients "$CLIENTS" --duration "$DURATION"
        for p in "${procs[@]}"; do echo "${p%%:*} $(rss "${p#*:}")"; done >"$OUT/$mode-rss.txt"
        ;;
      mixed-open) loadtest "$mode" mixed mixed-open "${dbenv[@]}" -- --rate "$MIXED_RATE" --duration "$DURATION" ;;
      overload)
        # Open loop at twice the rate the closed-loop mixed run sustained
        # (run mixed first), so past capacity: the services must refuse
        # the excess early (503) and keep the accepted requests fast.
        sustained=$(jq -r '.throughput_per_second | floor' "$OUT/$mode-mixed.json" 2>/dev/null || echo 0)
        [ "${sustained:-0}" -gt 0 ] || sustained=$MIXED_RATE
        echo "$sustained" >"$OUT/$mode-sustained.txt"
        loadtest "$mode" mixed overload "${dbenv[@]}" -- --rate "$((2 * sustained))" --duration "$DURATION" ;;
      rush) loadtest "$mode" rush rush "${dbenv[@]}" -- --clients "$RUSH_CLIENTS" ;;
      modify-storm) loadtest "$mode" modify-storm modify-storm "${dbenv[@]}" -- --clients "$CLIENTS" --duration "$DURATION" ;;
      *) echo "unknown scenario $s" >&2; exit 1 ;;
    esac
  done
  OP=create HOTELS=$nh SPAN=$SPAN wrk_run "$OUT/$mode-wrk-create.txt" "$WRK_CLIENTS" "$gw" -s "$sqldir/wrk.lua"
  OP=create ROOMS=3 HOTELS=$nh SPAN=$SPAN wrk_run "$OUT/$mode-wrk-create-3rooms.txt" "$WRK_CLIENTS" "$gw" -s "$sqldir/wrk.lua"
  if [ "$mode" != sqlite ]; then
    raise_hot "hotel_$mode"
    OP=create HOT_HOTEL=1 HOT_ROOM_TYPE="Standard Rooms" HOT_ARRIVAL=$hot_arrival \
      wrk_run "$OUT/$mode-wrk-create-contended.txt" "$WRK_CLIENTS" "$gw" -s "$sqldir/wrk.lua"
  fi
  OP=inventory HOTELS=$nh SPAN=$SPAN wrk_run "$OUT/$mode-wrk-inventory.txt" "$READ_CLIENTS" "$gw" -s "$sqldir/wrk.lua"
  log "$mode: hotel check"
  env "${dbenv[@]}" "$work/hotel" check >"$OUT/$mode-check.txt" 2>&1 || echo "hotel check $mode: drift (exit $?)" | tee -a "$OUT/failures.txt"
  stop_all
  if [ "$mode" != sqlite ]; then psql -d postgres -c "DROP DATABASE hotel_$mode"; fi
done

# --- 4. summary
tps() { sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\)/\1/p' "$1" | xargs printf '%.0f'; }
rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1"; }
non2xx() { awk '/Non-2xx or 3xx responses:/ { n = $5 } END { print n + 0 }' "$1"; }
wrk_pct() { awk -v p="$2" '$1 == p { print $2 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
pg_u=$(tps "$OUT/pgbench-booking.txt")
pg_c=$(tps "$OUT/pgbench-booking-contended.txt")
hello=$(rps "$OUT/wrk-hello.txt")
{
  echo "# System benchmarks ($(date -u +%F' '%H:%M) UTC)"
  echo
  echo "machine: $(nproc) CPUs ($(lscpu | sed -nE 's/^Model name: +//p' | head -1)), $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(uname -sr)"
  echo "software: $(go version | cut -d' ' -f3), PostgreSQL $(psql -d postgres -Atc 'SHOW server_version'), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
  cat "$OUT"/seed-*.txt | grep -E '^(PostgreSQL|SQLite) data'
  echo
  echo "## Ceilings"
  echo
  echo "| ceiling | result |"
  echo "|---|---|"
  echo "| pgbench booking SQL, uncontended, $WRK_CLIENTS clients | $pg_u tx/s |"
  echo "| pgbench booking SQL, one hot hotel-night, $WRK_CLIENTS clients | $pg_c tx/s |"
  echo "| hello-world Go server, wrk -c $READ_CLIENTS | $hello req/s (p50 $(wrk_pct "$OUT/wrk-hello.txt" 50%), p99 $(wrk_pct "$OUT/wrk-hello.txt" 99%)) |"
  echo
  echo "## Throughput through the gateway (wrk)"
  echo
  echo "| mode | create uncontended | / pgbench | create hot night | / pgbench | GET /inventory/{id} 7 nights | / hello | non-2xx (create, hot, read) |"
  echo "|---|---|---|---|---|---|---|---|"
  for mode in $MODES; do
    c=$(rps "$OUT/$mode-wrk-create.txt"); r=$(rps "$OUT/$mode-wrk-inventory.txt")
    if [ -f "$OUT/$mode-wrk-create-contended.txt" ]; then
      h=$(rps "$OUT/$mode-wrk-create-contended.txt"); hr=$(ratio "$h" "$pg_c"); hn=$(non2xx "$OUT/$mode-wrk-create-contended.txt")
    else h="–"; hr="–"; hn="–"; fi
    echo "| $mode | $c/s (p50 $(wrk_pct "$OUT/$mode-wrk-create.txt" 50%), p99 $(wrk_pct "$OUT/$mode-wrk-create.txt" 99%)) | $(ratio "$c" "$pg_u") | $h/s | $hr | $r/s (p50 $(wrk_pct "$OUT/$mode-wrk-inventory.txt" 50%), p99 $(wrk_pct "$OUT/$mode-wrk-inventory.txt" 99%)) | $(ratio "$r" "$hello") | $(non2xx "$OUT/$mode-wrk-create.txt"), $hn, $(non2xx "$OUT/$mode-wrk-inventory.txt") |"
  done
  echo
  echo "## Bookings of one room and of three rooms (wrk, uncontended)"
  echo
  echo "Each request of the second run books three rooms (Standard or Deluxe, 2 nights) in one booking: three holds taken in one step and three rows."
  echo
  echo "| mode | one room: bookings/s | / pgbench | three rooms: bookings/s | rooms/s | / pgbench (bookings) | three / one | non-2xx (one, three) |"
  echo "|---|---|---|---|---|---|---|---|"
  for mode in $MODES; do
    c=$(rps "$OUT/$mode-wrk-create.txt"); g=$(rps "$OUT/$mode-wrk-create-3rooms.txt")
    echo "| $mode | $c/s (p50 $(wrk_pct "$OUT/$mode-wrk-create.txt" 50%), p99 $(wrk_pct "$OUT/$mode-wrk-create.txt" 99%)) | $(ratio "$c" "$pg_u") |" \
      "$g/s (p50 $(wrk_pct "$OUT/$mode-wrk-create-3rooms.txt" 50%), p99 $(wrk_pct "$OUT/$mode-wrk-create-3rooms.txt" 99%)) | $((g * 3))/s | $(ratio "$g" "$pg_u") | $(ratio "$g" "$c") |" \
      "$(non2xx "$OUT/$mode-wrk-create.txt"), $(non2xx "$OUT/$mode-wrk-create-3rooms.txt") |"
  done
  echo
  echo "## Scenarios (hotel loadtest)"
  echo
  echo "mixed: closed loop, $CLIENTS clients; mixed-open: open loop at $MIXED_RATE requests/s; rush: $RUSH_CLIENTS clients at once; modify-storm: $CLIENTS clients"
  echo
  echo "| mode | scenario | requests/s | per operation: count, p50 / p95 / p99 / max ms, statuses | bookings confirmed | lost | oversold | drift |"
  echo "|---|---|---|---|---|---|---|---|"
  for mode in $MODES; do
    for s in $SCENARIOS; do
      f=$OUT/$mode-$s.json
      [ -s "$f" ] || { echo "| $mode | $s | failed: see logs/$mode-$s.loadtest.log | | | | | |"; continue; }
      jq -r --arg m "$mode" --arg s "$s" '
        "| \($m) | \($s) | \(.throughput_per_second | floor) | " +
        ([.operations | to_entries[] | "\(.key) \(.value.count): \(.value.p50_ms) / \(.value.p95_ms) / \(.value.p99_ms) / \(.value.max_ms) \(.value.statuses | to_entries | map("\(.key)×\(.value)") | join(" "))"] | join("<br>")) +
        " | \(.bookings_created) | \(.lost_bookings | length) | \(if .rush then (.rush.oversold | tostring) + " (" + (.rush.bookings_covering_night | tostring) + " won " + (.rush.rooms_available_before | tostring) + " rooms)" else "–" end) | \(if .invariants then .invariants.drifting_nights else "not checked" end) |"' "$f"
    done
  done
  if [[ " $SCENARIOS " == *" overload "* ]]; then
    echo
    echo "## Overload: open loop at twice the sustained rate"
    echo
    echo "Sustained: the closed-loop mixed run's requests/s in the same run. Accepted: answers other than 503; refused: 503 (with Retry-After)."
    echo
    echo "| mode | sustained/s | offered/s | answered/s | per operation: accepted p99 ms, refused p99 / max ms, statuses | lost | drift |"
    echo "|---|---|---|---|---|---|---|"
    for mode in $MODES; do
      f=$OUT/$mode-overload.json
      [ -s "$f" ] || { echo "| $mode | failed: see logs/$mode-overload.loadtest.log | | | | | |"; continue; }
      sus=$(cat "$OUT/$mode-sustained.txt")
      jq -r --arg m "$mode" --arg sus "$sus" '
        "| \($m) | \($sus) | \(($sus | tonumber) * 2) | \(.throughput_per_second | floor) | " +
        ([.operations | to_entries[] | "\(.key): \(.value.accepted_p99_ms), \(.value.refused_p99_ms // "–") / \(.value.refused_max_ms // "–") \(.value.statuses | to_entries | map("\(.key)×\(.value)") | join(" "))"] | join("<br>")) +
        " | \(.lost_bookings | length) | \(if .invariants then .invariants.drifting_nights else "not checked" end) |"' "$f"
    done
  fi
  echo
  echo "## Memory after mixed, closed loop (resident / peak resident, MB)"
  echo
  for mode in $MODES; do
    if [ -s "$OUT/$mode-rss.txt" ]; then echo "- $mode: $(awk '{ printf "%s%s %s / %s", sep, $1, $2, $3; sep = ", " }' "$OUT/$mode-rss.txt")"; fi
  done
  echo
  echo "## hotel check after each mode"
  echo
  for mode in $MODES; do echo "- $mode: $(tail -1 "$OUT/$mode-check.txt")"; done
  if [ -s "$OUT/failures.txt" ]; then echo; echo "## Failures"; echo; cat "$OUT/failures.txt"; fi
} >"$OUT/summary.md"
cat "$OUT/summary.md"
log "results in $OUT"
[ ! -s "$OUT/failures.txt" ]
