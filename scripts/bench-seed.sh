#!/usr/bin/env bash
# bench-seed.sh — time `hotel seed --hotels N` on PostgreSQL, before and
# after a change, in the same run: a throwaway cluster (scripts/bench/
# cluster.sh), a fresh database per load, the two binaries taking turns.
#
#   scripts/bench-seed.sh [BEFORE_REV]        # default BEFORE_REV: main
#
# Knobs: SIZES (hotel counts, default "200 2000"), DAYS (365), ROUNDS (3),
# QUIET_WAIT (s to wait for an idle machine before each load, default 0).
# Prints one line per load and the median per binary and size.
set -euo pipefail
cd "$(dirname "$0")/.."
before_rev=${1:-main}
SIZES=${SIZES:-"200 2000"}
DAYS=${DAYS:-365}
ROUNDS=${ROUNDS:-3}
QUIET_WAIT=${QUIET_WAIT:-0}
PG_SETTINGS=${PG_SETTINGS:-}
work_prefix=bench-seed
# shellcheck source=scripts/bench/cluster.sh
. scripts/bench/cluster.sh

log "building $before_rev and the working tree"
git archive "$before_rev" | (mkdir -p "$work/before" && tar -x -C "$work/before")
(cd "$work/before" && go build -o "$work/hotel-before" ./cmd/hotel)
go build -o "$work/hotel-after" ./cmd/hotel

results=$work/results.txt
: >"$results"
for n in $SIZES; do
  for round in $(seq "$ROUNDS"); do
    for which in before after; do
      psql -d postgres -c 'DROP DATABASE IF EXISTS hotel' -c 'CREATE DATABASE hotel'
      DATABASE_URL=$url "$work/hotel-$which" migrate up >/dev/null
      wait_quiet
      start=$(date +%s.%N)
      out=$(DATABASE_URL=$url "$work/hotel-$which" seed --hotels "$n" --days "$DAYS" --seed 1 2>/dev/null)
      end=$(date +%s.%N)
      secs=$(echo "$end - $start" | bc)
      size=$(psql -d hotel -Atc "SELECT pg_size_pretty(pg_database_size('hotel'))")
      printf '%s %s %s %.2f %s | %s\n' "$n" "$which" "$round" "$secs" "$size" "$out" | tee -a "$results"
    done
  done
done

log "median seconds (hotels, binary)"
for n in $SIZES; do
  for which in before after; do
    med=$(awk -v n="$n" -v w="$which" '$1 == n && $2 == w { print $4 }' "$results" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    echo "$n $which ${med}s"
  done
done
