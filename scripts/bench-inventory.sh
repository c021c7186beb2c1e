#!/usr/bin/env bash
# The inventory benchmarks of issue 4, reproducibly, on PostgreSQL:
#
#   1. initdb + start a throwaway PostgreSQL cluster in a temp dir on a free
#      127.0.0.1 port (as the postgres user when run as root);
#   2. build bin, migrate and seed the synthetic data set
#      (hotel migrate up; hotel seed --hotels 10000 --days 365 --seed 1: 14.6 M nights);
#   3. run the Go benchmarks of internal/store/storebench against it
#      (search p50/p99, holds/s uncontended and contended);
#   4. run pgbench with the same SQL (scripts/bench/*.sql), the same number of
#      clients, on the same database: the ceiling the Go figures compare to;
#   5. print a summary; the cluster and temp dir go on exit, the results stay.
#
# Each measurement starts from the same state: every hold released, then
# VACUUM (ANALYZE) and CHECKPOINT. What exactly is compared: BENCHMARKS.md.
#
# Knobs (environment):
#   HOTELS=10000 DAYS=365 SEED=1  data set
#   GO_BENCHTIME=20s              -benchtime of each Go benchmark
#   PGBENCH_TIME=30               seconds of each measured pgbench run
#   PGBENCH_WARMUP=15             seconds of the unmeasured pgbench run before
#                                 it (the Go benchmarks warm up as the testing
#                                 package ramps b.N up to -benchtime)
#   CLIENTS=4×nproc               concurrent clients of the hold runs (the Go
#                                 benchmarks use b.SetParallelism(4), i.e.
#                                 4 × GOMAXPROCS; GOMAXPROCS=nproc here)
#   PGBENCH_THREADS=2             pgbench -j
#   QUIET_WAIT=300                before each run, wait up to this many seconds
#                                 for the machine to be idle (< 10 % CPU busy)
#   PG_SETTINGS="..."             extra postgres -c settings, space separated
#   OUT=dir                       where results go (default: a new temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh
root=$(pwd)

HOTELS=${HOTELS:-10000}
DAYS=${DAYS:-365}
SEED=${SEED:-1}
GO_BENCHTIME=${GO_BENCHTIME:-20s}
PGBENCH_TIME=${PGBENCH_TIME:-30}
PGBENCH_WARMUP=${PGBENCH_WARMUP:-15}
CLIENTS=${CLIENTS:-$((4 * $(nproc)))}
PGBENCH_THREADS=${PGBENCH_THREADS:-2}
PG_SETTINGS=${PG_SETTINGS:-}
QUIET_WAIT=${QUIET_WAIT:-300}
OUT=${OUT:-$(mktemp -d -t bench-inventory-results.XXXXXX)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
sqldir=$root/scripts/bench

work_prefix=bench-inventory
. scripts/bench/cluster.sh
psql -d postgres -c "CREATE DATABASE hotel"

# --- 2. build and seed
log "go build ./cmd/hotel, go test -c ./internal/store/storebench"
go build -o "$work/hotel" ./cmd/hotel
go test -c -o "$work/storebench.test" ./internal/store/storebench
log "migrate up, seed --hotels $HOTELS --days $DAYS --seed $SEED"
DATABASE_URL=$url "$work/hotel" migrate up >/dev/null # seed uses the schema, never creates it
DATABASE_URL=$url "$work/hotel" seed --hotels "$HOTELS" --days "$DAYS" --seed "$SEED" 2>/dev/null | tee "$OUT/seed.txt"
log "VACUUM (FREEZE, ANALYZE)"
psql -d hotel -c "VACUUM (FREEZE, ANALYZE)" -c CHECKPOINT
psql -d hotel -Atc "SELECT 'database size: ' || pg_size_pretty(pg_database_size('hotel')) || ', inventory_night rows: ' || count(*) FROM inventory_night" | tee -a "$OUT/seed.txt"

# pgbench needs: room type r belongs to hotel (r-1)/4+1 (a synthetic seed
# into an empty database), and the cities to pick from by number.
bad=$(psql -d hotel -Atc "SELECT count(*) FROM room_type WHERE hotel_id <> (id - 1) / 4 + 1")
[ "$bad" = 0 ] || { echo "room type ids do not follow hotel ids; seed an empty database" >&2; exit 1; }
nrt=$(psql -d hotel -Atc "SELECT max(id) FROM room_type")
psql -d hotel -c "CREATE TABLE bench_city AS SELECT row_number() OVER (ORDER BY location)::int AS i, location FROM (SELECT DISTINCT location FROM hotel) c" \
     -c "ALTER TABLE bench_city ADD PRIMARY KEY (i)" -c "ANALYZE bench_city"
ncities=$(psql -d hotel -Atc "SELECT count(*) FROM bench_city")

# The Go benchmarks' window: first = tomorrow (UTC) when the benchmark starts,
# check-in 0..56 nights later (60 nights of inventory); contended: room type 1
# of hotel 1, night first + 7. window sets first and night the same way for
# each pgbench run (a run after midnight UTC moves with the Go ones).
span=56
window() {
  first=$(date -u -d tomorrow +%F)
  night=$(date -u -d "$first + 7 days" +%F)
}
window

# release: every hold released (pgbench does not release its uncontended
# holds, the Go benchmark releases them after each run).
release() {
  psql -d hotel -c "BEGIN" \
    -c "UPDATE inventory_night n SET held = n.held - c.k FROM (SELECT hotel_id, room_type_id, night, count(*)::int AS k FROM hold_night GROUP BY 1, 2, 3) c
        WHERE n.hotel_id = c.hotel_id AND n.room_type_id = c.room_type_id AND n.night = c.night" \
    -c "DELETE FROM hold_night" -c "UPDATE hold SET status = 'released' WHERE status = 'held'" -c "COMMIT"
  local held
  held=$(psql -d hotel -Atc "SELECT coalesce(sum(held), 0) FROM inventory_night")
  [ "$held" = 0 ] || { echo "release: $held nights still held" >&2; exit 1; }
}
# settle: holds released, dead rows vacuumed, dirty pages written: each
# benchmark (Go or pgbench) starts from the same state.
settle() {
  release
  psql -d hotel -c "VACUUM (ANALYZE) inventory_night, hold, hold_night" -c CHECKPOINT
}

# cpu_begin/cpu_end measure how much CPU went to anything but this cluster
# and the benchmark client during a run (the share of all CPUs; a few % is
# noise), written to FILE.cpu and shown in the summary.
ours() { # CPU ticks of the cluster (live processes + reaped backends) and of this shell's children
  local pm kids
  pm=$(head -1 "$data/postmaster.pid")
  kids=$(ps -o pid= --ppid "$pm" | tr -d ' ' | sed 's|.*|/proc/&/stat|')
  # shellcheck disable=SC2086
  { cat "/proc/$pm/stat"; cat $kids 2>/dev/null || true; } | awk -v pm="$pm" '
    { sub(/^.*\) /, ""); t += $12 + $13; if (NR == 1) t += $14 + $15 } END { print t }'
  # the times builtin must run in this shell (a subshell has no children yet)
  awk -v hz="$hz" 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d\n", (u[1]*60 + u[2] + s[1]*60 + s[2]) * hz }' "$work/times"
}
cpu_begin() { times >"$work/times"; cpu0=$(busy); ours0=$(ours | paste -sd+ | bc); t0=$(date +%s.%N); }
cpu_end() { # cpu_end FILE
  local cpu1 ours1 t1
  times >"$work/times"; cpu1=$(busy); ours1=$(ours | paste -sd+ | bc); t1=$(date +%s.%N)
  awk -v b="$((cpu1 - cpu0))" -v o="$(echo "$ours1 - $ours0" | bc)" -v t="$(echo "$t1 - $t0" | bc)" -v n="$(nproc)" -v hz="$hz" \
    'BEGIN { f = (b - o) / (t * n * hz) * 100; if (f < 0) f = 0; printf "%.0f%%\n", f }' >"$1.cpu"
}

# --- 3 and 4. Go benchmarks and pgbench, alternately, each after settle.
gobench() { # gobench NAME
  settle
  wait_quiet
  log "go: $1 (-benchtime $GO_BENCHTIME)"
  cpu_begin
  (cd internal/store/storebench && HOTEL_BENCH_DATABASE_URL=$url "$work/storebench.test" \
     -test.run '^$' -test.bench "^$1\$" -test.benchtime "$GO_BENCHTIME" -test.count 1) | tee "$OUT/go-$1.txt"
  cpu_end "$OUT/go-$1.txt"
}
pgb() { # pgb NAME CLIENTS SCRIPT [-D var=value]...
  local name=$1 clients=$2 script=$3
  shift 3
  local run=("$PGBENCH" -h 127.0.0.1 -p "$port" -U postgres -n -M prepared
             -c "$clients" -j "$(( clients < PGBENCH_THREADS ? clients : PGBENCH_THREADS ))" -f "$sqldir/$script" "$@")
  settle
  if [ "$PGBENCH_WARMUP" -gt 0 ]; then
    log "pgbench: $name warm-up (-c $clients, $PGBENCH_WARMUP s)"
    "${run[@]}" -T "$PGBENCH_WARMUP" hotel >"$OUT/pgbench-$name.warmup.txt"
    release
  fi
  wait_quiet
  log "pgbench: $name (-c $clients, $PGBENCH_TIME s)"
  mkdir -p "$OUT/pgbench-$name.log"
  cpu_begin
  (cd "$OUT/pgbench-$name.log" && "${run[@]}" -T "$PGBENCH_TIME" -r -l --log-prefix=tx hotel) | tee "$OUT/pgbench-$name.txt"
  cpu_end "$OUT/pgbench-$name.txt"
  # per-transaction latencies (µs, field 3) → p50/p99 in ms
  cat "$OUT/pgbench-$name.log"/tx.* | awk '{print $3}' | sort -n | awk '
    { v[NR] = $1 } END { if (NR) printf "p50-ms %.3f\np99-ms %.3f\n", v[int(0.50*(NR-1))+1]/1000, v[int(0.99*(NR-1))+1]/1000 }' \
    >>"$OUT/pgbench-$name.txt"
  rm -rf "$OUT/pgbench-$name.log"
}

gobench BenchmarkSearch
window
pgb search 1 search.sql -D first="$first" -D span="$span" -D ncities="$ncities"
gobench BenchmarkHoldUncontended
window
pgb hold-uncontended "$CLIENTS" hold.sql -D first="$first" -D span="$span" -D nrt="$nrt"
psql -d hotel -Atc "SELECT count(*) FROM hold WHERE status = 'held'" >"$OUT/pgbench-hold-uncontended.committed"
gobench BenchmarkHoldContended
window
pgb hold-contended "$CLIENTS" hold-contended.sql -D h=1 -D rt=1 -D night="$night"
settle

# --- 5. summary
metric() { # metric FILE UNIT: the value before UNIT on the benchmark line
  awk -v u="$2" '/^Benchmark/ { for (i = 2; i <= NF; i++) if ($i == u) print $(i-1) }' "$1"
}
tps() { sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\)/\1/p' "$1" | xargs printf '%.0f'; }
pct() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

s_go_ns=$(metric "$OUT/go-BenchmarkSearch.txt" ns/op)
s_go_ops=$(awk -v n="$s_go_ns" 'BEGIN { printf "%.0f", 1e9 / n }')
u_go=$(metric "$OUT/go-BenchmarkHoldUncontended.txt" holds/s)
c_go=$(metric "$OUT/go-BenchmarkHoldContended.txt" hold+release/s)
s_pg=$(tps "$OUT/pgbench-search.txt")
u_pg=$(tps "$OUT/pgbench-hold-uncontended.txt")
c_pg=$(tps "$OUT/pgbench-hold-contended.txt")
{
  echo "machine: $(nproc) CPUs ($(lscpu | sed -nE 's/^Model name: +//p' | head -1)), $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(uname -sr)"
  echo "software: $(go version | cut -d' ' -f3), PostgreSQL $(psql -d hotel -Atc 'SHOW server_version'), $("$PGBENCH" --version)"
  echo "data: $(head -1 "$OUT/seed.txt"); $(tail -1 "$OUT/seed.txt")"
  echo "settings: ${settings[*]}"
  echo "runs: Go -benchtime $GO_BENCHTIME; pgbench -M prepared -T $PGBENCH_TIME after a $PGBENCH_WARMUP s warm-up; hold clients $CLIENTS; last pgbench window: stays from $first (+0..$span), contended night $night"
  echo
  printf '%-34s %14s %14s %8s %10s %10s\n' "" "Go store" "pgbench" "Go/pg" "Go p50/p99" "pg p50/p99"
  printf '%-34s %14s %14s %8s %10s %10s\n' "search, 1 client (ops/s)" "$s_go_ops" "$s_pg" "$(ratio "$s_go_ops" "$s_pg")" \
    "$(metric "$OUT/go-BenchmarkSearch.txt" p50-ms)/$(metric "$OUT/go-BenchmarkSearch.txt" p99-ms)" \
    "$(pct "$OUT/pgbench-search.txt" p50-ms)/$(pct "$OUT/pgbench-search.txt" p99-ms)"
  printf '%-34s %14s %14s %8s %10s %10s\n' "hold uncontended, $CLIENTS clients (/s)" "$u_go" "$u_pg" "$(ratio "$u_go" "$u_pg")" \
    "$(metric "$OUT/go-BenchmarkHoldUncontended.txt" p50-ms)/$(metric "$OUT/go-BenchmarkHoldUncontended.txt" p99-ms)" \
    "$(pct "$OUT/pgbench-hold-uncontended.txt" p50-ms)/$(pct "$OUT/pgbench-hold-uncontended.txt" p99-ms)"
  printf '%-34s %14s %14s %8s %10s %10s\n' "hold+release contended, $CLIENTS cl. (/s)" "$c_go" "$c_pg" "$(ratio "$c_go" "$c_pg")" \
    "$(metric "$OUT/go-BenchmarkHoldContended.txt" p50-ms)/$(metric "$OUT/go-BenchmarkHoldContended.txt" p99-ms)" \
    "$(pct "$OUT/pgbench-hold-contended.txt" p50-ms)/$(pct "$OUT/pgbench-hold-contended.txt" p99-ms)"
  echo
  echo "Go sold-out: uncontended $(metric "$OUT/go-BenchmarkHoldUncontended.txt" sold-out), contended $(metric "$OUT/go-BenchmarkHoldContended.txt" sold-out);" \
       "pgbench uncontended: $(cat "$OUT/pgbench-hold-uncontended.committed") holds committed of" \
       "$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$OUT/pgbench-hold-uncontended.txt") transactions"
  echo "CPU used by other processes during the runs (share of all CPUs; should be ~0):" \
       "Go search $(cat "$OUT/go-BenchmarkSearch.txt.cpu"), pgbench search $(cat "$OUT/pgbench-search.txt.cpu")," \
       "Go uncontended $(cat "$OUT/go-BenchmarkHoldUncontended.txt.cpu"), pgbench uncontended $(cat "$OUT/pgbench-hold-uncontended.txt.cpu")," \
       "Go contended $(cat "$OUT/go-BenchmarkHoldContended.txt.cpu"), pgbench contended $(cat "$OUT/pgbench-hold-contended.txt.cpu")"
  echo "Go search offers/op: $(metric "$OUT/go-BenchmarkSearch.txt" offers/op); pgbench search latency includes the bench_city lookup (see -r in pgbench-search.txt)"
} | tee "$OUT/summary.txt"
echo
echo "results: $OUT"
