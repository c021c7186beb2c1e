#!/usr/bin/env bash
# Locates Debian's Prometheus server and promtool, installing the package
# when they are missing (as root: apt-get works on a clean Debian), then
# checks what deploy/prometheus ships:
#
#   scripts/prometheus.sh           install if missing, then check config, rules and rule tests
#   scripts/prometheus.sh install   install if missing, print the binaries' paths
#
# The Go test cmd/hotel/observability_test.go runs the same binary
# (/usr/bin/prometheus, or $PROMETHEUS) against the real services.
set -euo pipefail
cd "$(dirname "$0")/.."

find_bin() { # name: the binary's path, from $PROMETHEUS/$PROMTOOL, PATH or /usr/bin
  local var=${1^^} path
  path=${!var:-}
  if [ -z "$path" ]; then path=$(command -v "$1" 2>/dev/null || true); fi
  if [ -z "$path" ] && [ -x "/usr/bin/$1" ]; then path=/usr/bin/$1; fi
  echo "$path"
}

prometheus=$(find_bin prometheus)
promtool=$(find_bin promtool)
if [ -z "$prometheus" ] || [ -z "$promtool" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "prometheus/promtool not found; install them with: sudo apt-get install -y prometheus" >&2
    exit 1
  fi
  echo "installing Debian's prometheus package (server and promtool)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  # Debian's package would start its own daemon on :9090 where an init
  # system runs; in containers policy-rc.d (or no init) keeps it stopped.
  if ! apt-get install -y --no-install-recommends prometheus >/dev/null; then
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends prometheus >/dev/null
  fi
  prometheus=$(find_bin prometheus)
  promtool=$(find_bin promtool)
fi
if [ ! -x "$prometheus" ] || [ ! -x "$promtool" ]; then
  echo "prometheus/promtool still missing after installing the package" >&2
  exit 1
fi

case "${1:-check}" in
install)
  echo "prometheus: $prometheus"
  echo "promtool:   $promtool"
  ;;
check)
  "$promtool" check config deploy/prometheus/prometheus.yml
  "$promtool" check rules deploy/prometheus/rules/*.yml
  "$promtool" test rules deploy/prometheus/tests/*.yml
  ;;
*)
  echo "usage: $0 [check|install]" >&2
  exit 2
  ;;
esac
