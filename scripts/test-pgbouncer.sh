#!/usr/bin/env bash
# The end-to-end suite once more, through PgBouncer: every database the
# tests get (pgtest.NewDatabase) is reached through a throwaway Debian
# pgbouncer in transaction pooling mode in front of the test cluster
# (TEST_DB_POOLER=pgbouncer; internal/store/pgtest/pgbouncer.go), with
# default_query_exec_mode=cache_describe in the URL, as an operator runs
# the platform behind PgBouncer (README.md, "PgBouncer").
#
# What runs: the PostgreSQL driver's whole package (the store conformance
# suite, migrations, units of work, COPY loads), and cmd/hotel's end-to-end
# tests that use a database of pgtest.NewDatabase: all-in-one and split
# systems driven over HTTP, the CLI commands, events and NATS, loadtest
# with its read-only invariant check, the mid-load faults on the shared
# cluster, metrics and traces. Left out, as they never reach PostgreSQL
# through pgtest.NewDatabase: cmd/hotel's SQLite-only and configuration
# tests, TestPostgresRestartMidLoad (a cluster of its own, no pooler),
# and the browser and observability-stack tests (the console and
# Prometheus; they run in the main suite).
#
#   scripts/test-pgbouncer.sh        # run by scripts/test.sh after the main suite
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh
scripts/pgbouncer.sh  # installs Debian's pgbouncer if missing

e2e='^(TestEndToEnd|TestStaffAccess|TestKeysCLI|TestSeedSynthetic|TestNATSPublishing|TestHostileInput'
e2e+='|TestJobsAndCheckCommands|TestLoadtest|TestLoadtestChecksTheTargetsDatabase|TestCommandsRefusePostgresWithoutSchema'
e2e+='|TestPrivacyEraseCommand|TestMetricsEndToEnd|TestMetricsBoundedUnderHostileRequests|TestTraceAcrossServices'
e2e+='|TestDatabaseOutageMidLoad|TestInventoryReplicaKilledMidLoad|TestSlowInventoryReplica)$'

export TEST_DB_POOLER=pgbouncer
echo "through PgBouncer: internal/store/postgres"
scripts/gotest.sh -race ./internal/store/postgres
echo "through PgBouncer: cmd/hotel end-to-end"
scripts/gotest.sh -race -run "$e2e" ./cmd/hotel
