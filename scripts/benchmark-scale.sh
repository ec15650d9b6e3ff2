#!/usr/bin/env bash
# The scale benchmark of docs/benchmarks.md ("1,000,000 clients on PostgreSQL"): seeds a demo business with
# seed-demo, then runs the segment verb, each under /usr/bin/time -v (elapsed, peak RSS), from a Release build.
#   bash scripts/benchmark-scale.sh postgres CLIENTS [seed|segment]
#                                                     on a throwaway PostgreSQL server (database lc_scale_CLIENTS); both steps
#                                                     unless one is named; segment runs twice (the second run moves nothing)
#   bash scripts/benchmark-scale.sh sqlite CLIENTS     on a SQLite file under $OUT
#   bash scripts/benchmark-scale.sh queries CLIENTS    times the Clients, Segments and Review pages' queries on lc_scale_CLIENTS
#                                                     (PROPOSE=1: first set up the demo program and run its proposals once)
#   bash scripts/benchmark-scale.sh stop               stops the PostgreSQL server this script started
# Environment: SEED (9), AS_OF (2026-11-28), OUT (/tmp/loyaltyconsole-scale: logs, SQLite files),
# VISIT_RATE (seed-demo --visit-rate, default 1; any other value names the database lc_scale_CLIENTS_xRATE, e.g. _x4_2),
# PG_CLUSTER_STATE (/tmp/loyaltyconsole-pg-scale/state: a server of its own, apart from the tests').
# Build first: dotnet build LoyaltyConsole -c Release. The machine is shared: wrap the call in
# flock /tmp/loyalty-build.lock so no build or test runs at the same time.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
SEED="${SEED:-9}"
AS_OF="${AS_OF:-2026-11-28}"
OUT="${OUT:-/tmp/loyaltyconsole-scale}"
export PG_CLUSTER_STATE="${PG_CLUSTER_STATE:-/tmp/loyaltyconsole-pg-scale/state}"
DLL="$ROOT/LoyaltyConsole/bin/Release/net10.0/LoyaltyConsole.dll"
mkdir -p "$OUT"

[ -f "$DLL" ] || { echo "no Release build at $DLL: dotnet build LoyaltyConsole -c Release" >&2; exit 1; }

# app VERB ARGS...: the CLI as an operator runs it, from the project folder (its content root), Development settings,
# logs at Information (the segmentation's stages), timed by /usr/bin/time -v into $OUT/LABEL.time.
app() {
    local label="$1"; shift
    echo "== $label: $*" >&2
    (cd "$ROOT/LoyaltyConsole" && ASPNETCORE_ENVIRONMENT=Development Audit__DevelopmentKeyFile="$OUT/audit-chain.key" \
        /usr/bin/time -v -o "$OUT/$label.time" dotnet "$DLL" "$@") 2>&1 | tee "$OUT/$label.log"
    grep -E "Elapsed \(wall clock\)|Maximum resident set size" "$OUT/$label.time" | tee -a "$OUT/$label.log"
}

postgres_database() {
    local server
    server="$(bash "$ROOT/scripts/postgres-cluster.sh" start)"
    # A bulk load writes far more WAL than the test server's default allows between checkpoints.
    psql_admin "$server" "ALTER SYSTEM SET max_wal_size = '8GB'" "SELECT pg_reload_conf()" >/dev/null
    echo "${server/Database=postgres/Database=$1}"
}

psql_admin() {
    local server="$1"; shift
    local port; port="$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$server")"
    local bin_dir; bin_dir="$(sed -n 's/^bin_dir=//p' "$PG_CLUSTER_STATE")"
    local sql
    for sql in "$@"; do
        PGPASSWORD=loyalty "$bin_dir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U loyalty -d "${DB:-postgres}" -c "$sql"
    done
}

counts_sql="SELECT (SELECT count(*) FROM \"Clients\") AS clients, (SELECT count(*) FROM \"Visits\") AS visits,
  (SELECT count(*) FROM \"VisitLines\") AS lines, (SELECT count(*) FROM \"LedgerEntries\") AS ledger,
  (SELECT count(*) FROM \"TierChanges\") AS tier_changes"

# The database and log name of a business: lc_scale_CLIENTS, with _xRATE for another visit rate.
scale_name() { echo "lc_scale_$1${VISIT_RATE:+_x${VISIT_RATE//./_}}"; }

case "${1:-}" in
    postgres)
        clients="${2:?clients}"
        step="${3:-all}"
        name="$(scale_name "$clients")"
        label="pg-${name#lc_scale_}"
        cs="$(postgres_database "$name")"
        server="$(bash "$ROOT/scripts/postgres-cluster.sh" status)"
        export Database__Provider=PostgreSql ConnectionStrings__DefaultConnection="$cs"
        if [ "$step" != segment ]; then
            psql_admin "$server" "DROP DATABASE IF EXISTS $name WITH (FORCE)" "CREATE DATABASE $name"
            app "$label-seed" seed-demo --clients "$clients" --seed "$SEED" ${VISIT_RATE:+--visit-rate "$VISIT_RATE"}
            DB="$name" psql_admin "$server" "VACUUM ANALYZE" "$counts_sql" "SELECT pg_size_pretty(pg_database_size('$name')) AS size"
        fi
        if [ "$step" != seed ]; then
            app "$label-segment" segment --as-of "$AS_OF"
            app "$label-segment-again" segment --as-of "$AS_OF"
        fi
        ;;
    sqlite)
        clients="${2:?clients}"
        file="$OUT/sqlite-$clients.db"
        rm -f "$file" "$file-wal" "$file-shm"
        export Database__Provider=Sqlite ConnectionStrings__DefaultConnection="Data Source=$file"
        app "sqlite-$clients-seed" seed-demo --clients "$clients" --seed "$SEED" ${VISIT_RATE:+--visit-rate "$VISIT_RATE"}
        app "sqlite-$clients-segment" segment --as-of "$AS_OF"
        ;;
    queries)
        clients="${2:?clients}"
        name="$(scale_name "$clients")"
        cs="$(postgres_database "$name")"
        export Database__Provider=PostgreSql ConnectionStrings__DefaultConnection="$cs"
        app "pg-${name#lc_scale_}-queries" benchmark-pages ${PROPOSE:+--propose true}
        ;;
    stop)
        bash "$ROOT/scripts/postgres-cluster.sh" stop
        ;;
    *)
        sed -n '2,12p' "$0" >&2
        exit 2
        ;;
esac
