# Shared by the benchmark scripts (sourced, not run): PostgreSQL binaries,
# a throwaway cluster with durable settings in a temp dir, and a wait for
# an idle machine. Before sourcing, set: work_prefix (temp dir name),
# PG_SETTINGS (extra -c settings), QUIET_WAIT. It sets: work, data, port,
# PGBENCH, PSQL, psql(), as_pg(), log(), busy(), wait_quiet(), hz; a
# function on_exit, when the sourcing script defines one, runs before the
# cluster stops.
# shellcheck shell=bash

log() { printf '\n== %s  %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --- PostgreSQL binaries: PATH, else the highest /usr/lib/postgresql/*/bin.
pgbin=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4 -rn); do
  if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/pgbench" ] && [ -x "$d/psql" ]; then pgbin=$d; break; fi
done
pgtool() { # pgtool NAME: the binary from pgbin, else from PATH
  if [ -n "$pgbin" ]; then echo "$pgbin/$1"; else command -v "$1" || { echo "$1 not found; apt-get install -y postgresql" >&2; exit 1; }; fi
}
INITDB=$(pgtool initdb); PG_CTL=$(pgtool pg_ctl); PGBENCH=$(pgtool pgbench); PSQL=$(pgtool psql)

# PostgreSQL refuses to run as root: run the server as the postgres user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

work=$(mktemp -d -t "${work_prefix:-bench}.XXXXXX")
data=$work/data
started=""
cleanup() {
  local rc=$?
  if declare -F on_exit >/dev/null; then on_exit || true; fi
  if [ -n "$started" ]; then
    as_pg "$PG_CTL" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" = 0 ]; then chown postgres: "$work"; fi

# --- 1. cluster
log "initdb ($INITDB) in $work"
as_pg "$INITDB" -D "$data" -A trust -U postgres -E UTF8 --locale=C >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log" >&2; exit 1; }

settings=(
  listen_addresses=127.0.0.1 "unix_socket_directories=$work" timezone=UTC
  max_connections=100 shared_buffers=1GB max_wal_size=8GB checkpoint_timeout=30min
  maintenance_work_mem=512MB effective_cache_size=8GB
)
# shellcheck disable=SC2206 # split on spaces on purpose
settings+=($PG_SETTINGS)
opts=""
for s in "${settings[@]}"; do opts+=" -c $s"; done

for attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 40000))
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi # taken
  if as_pg "$PG_CTL" -D "$data" -o "-p $port$opts" -l "$work/server.log" -w -t 60 start >/dev/null; then
    started=1; break
  fi
  tail -5 "$work/server.log" >&2
done
[ -n "$started" ] || { echo "could not start PostgreSQL" >&2; exit 1; }
url="postgres://postgres@127.0.0.1:$port/hotel?sslmode=disable"
psql() { "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"; }
log "PostgreSQL $(psql -d postgres -Atc 'SHOW server_version') on port $port"

# The figures are only as good as the machine is quiet: wait_quiet waits
# (up to QUIET_WAIT s) until other processes use under 10 % of the CPUs.
hz=$(getconf CLK_TCK)
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
wait_quiet() { # before a run: wait up to QUIET_WAIT s for other processes to go idle
  local deadline=$((SECONDS + QUIET_WAIT)) a b share
  while :; do
    a=$(busy); sleep 3; b=$(busy)
    share=$(( (b - a) * 100 / (3 * $(nproc) * hz) ))
    [ "$share" -ge 10 ] || return 0
    if [ "$SECONDS" -ge "$deadline" ]; then log "machine still busy (${share}% CPU); measuring anyway"; return 0; fi
    log "machine busy (${share}% CPU used by other processes); waiting"
    sleep 10
  done
}
