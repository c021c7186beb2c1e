#!/usr/bin/env bash
# Fuzz every fuzz target in the repository for FUZZTIME each (default 3s),
# one after the other: `go test -fuzz` takes one target per run. Stops at
# the first failure and says where the failing input was written (commit
# it under testdata/fuzz to keep it as a regression seed). The seeds of
# every target also run as ordinary tests in `go test ./...`.
#
#   scripts/fuzz.sh                      # every target, 3s each
#   FUZZTIME=5m scripts/fuzz.sh          # longer runs
#   scripts/fuzz.sh ./internal/web       # only the targets of these packages
#
# FUZZMINIMIZETIME (default 1s) bounds the minimizing of each new input,
# which otherwise eats short budgets. No race detector here: it would slow
# the fuzzer several times over, and `make test` runs the seeds with it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh

fuzztime=${FUZZTIME:-3s}
minimize=${FUZZMINIMIZETIME:-1s}

if [ $# -gt 0 ]; then
  pkgs=("$@")
else
  # Packages with a fuzz target: every directory holding a test file that
  # declares one.
  mapfile -t pkgs < <(grep -rlE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . \
    | xargs -r -n1 dirname | sort -u)
fi
if [ ${#pkgs[@]} -eq 0 ]; then
  echo "fuzz: no fuzz targets found" >&2
  exit 1
fi

start=$SECONDS
count=0
for pkg in "${pkgs[@]}"; do
  case $pkg in .|./*|/*) ;; *) pkg=./$pkg ;; esac
  # The package's targets, read from its test files (`go test -list` would
  # build the package only to name them).
  mapfile -t targets < <(sed -nE 's/^func (Fuzz[A-Za-z0-9_]*)\(f \*testing\.F\).*/\1/p' "$pkg"/*_test.go | sort)
  for target in "${targets[@]}"; do
    echo "fuzz: $pkg $target ($fuzztime)"
    out=$(mktemp -t hotel-fuzz-XXXXXX)
    if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" "$pkg" >"$out" 2>&1; then
      cat "$out"
      written=$(sed -nE 's/.*Failing input written to (testdata\/fuzz\/[^ ]+).*/\1/p' "$out" | head -n1)
      if [ -n "$written" ]; then
        echo "fuzz: $target failed; the failing input is ${pkg#./}/$written" >&2
        echo "fuzz: re-run it with: go test -run '$target/$(basename "$written")' $pkg" >&2
      else
        echo "fuzz: $target failed (no input was written; see the output above)" >&2
      fi
      rm -f "$out"
      exit 1
    fi
    rm -f "$out"
    count=$((count + 1))
  done
done
echo "fuzz: $count target(s) passed, ${fuzztime} each, in $((SECONDS - start))s"
