#!/usr/bin/env bash
# Installs Debian's pgbouncer when it is missing: the tests start a
# throwaway one in front of their PostgreSQL cluster (internal/store/pgtest,
# NewPgBouncerDatabase and TEST_DB_POOLER=pgbouncer). Idempotent. Run by
# scripts/test.sh and scripts/test-pgbouncer.sh.
set -euo pipefail

if command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "pgbouncer: not installed; install it with: apt-get install -y pgbouncer (Debian)" >&2
  exit 1
fi
echo "pgbouncer: installing Debian's pgbouncer" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgbouncer >/dev/null
# The package enables a system service; the tests run their own.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl disable --now pgbouncer >/dev/null 2>&1 || true
fi
