#!/usr/bin/env bash
# The webhook intake benchmark of docs/benchmarks.md ("Webhook intake"): starts the app from its Release build on a
# fresh database, creates a generic webhook sender (the webhook-sender verb), and sends signed deliveries at a fixed
# rate, open loop, from scripts/webhook-load.mjs over loopback; then counts the rows stored against the 200s answered.
#   bash scripts/benchmark-webhooks.sh sqlite   [RATE] [SECONDS]   a SQLite file under $OUT (default 1000/s for 30 s)
#   bash scripts/benchmark-webhooks.sh postgres [RATE] [SECONDS]   a throwaway PostgreSQL server (scripts/postgres-cluster.sh),
#                                                                  stopped again at the end
# Environment: OUT (/tmp/loyaltyconsole-webhooks: logs, the SQLite file), APPLY=1 also runs the apply-webhooks job every
# minute while the load runs (default: intake alone), PG_CLUSTER_STATE (/tmp/loyaltyconsole-pg-webhooks/state).
# Build first: dotnet build LoyaltyConsole -c Release. The machine is shared: run the whole script under
# flock /tmp/loyalty-build.lock so no build or test runs at the same time.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
PROVIDER="${1:-sqlite}"
RATE="${2:-1000}"
SECONDS_="${3:-30}"
OUT="${OUT:-/tmp/loyaltyconsole-webhooks}"
export PG_CLUSTER_STATE="${PG_CLUSTER_STATE:-/tmp/loyaltyconsole-pg-webhooks/state}"
DLL="$ROOT/LoyaltyConsole/bin/Release/net10.0/LoyaltyConsole.dll"
mkdir -p "$OUT"

[ -f "$DLL" ] || { echo "no Release build at $DLL: dotnet build LoyaltyConsole -c Release" >&2; exit 1; }
command -v node >/dev/null || { echo "node is needed for the load generator (apt-get install nodejs)" >&2; exit 1; }

app_pid=""
pg_started=""
cleanup() {
    if [ -n "$app_pid" ]; then kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; fi
    if [ -n "$pg_started" ]; then bash "$ROOT/scripts/postgres-cluster.sh" stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

case "$PROVIDER" in
sqlite)
    rm -f "$OUT"/webhooks.db*
    export Database__Provider=Sqlite ConnectionStrings__DefaultConnection="Data Source=$OUT/webhooks.db"
    count_rows() { sqlite3 "$OUT/webhooks.db" "SELECT count(*) FROM InboxEvents WHERE EventId LIKE '$1-%'"; }
    ;;
postgres)
    server="$(bash "$ROOT/scripts/postgres-cluster.sh" start)"
    pg_started=1
    port="$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$server")"
    bin_dir="$(sed -n 's/^bin_dir=//p' "$PG_CLUSTER_STATE")"
    psql_() { PGPASSWORD=loyalty "$bin_dir/psql" -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U loyalty -d "$1" -c "$2"; }
    psql_ postgres "DROP DATABASE IF EXISTS lc_webhooks_bench" >/dev/null
    psql_ postgres "CREATE DATABASE lc_webhooks_bench" >/dev/null
    export Database__Provider=PostgreSql ConnectionStrings__DefaultConnection="${server/Database=postgres/Database=lc_webhooks_bench}"
    count_rows() { psql_ lc_webhooks_bench "SELECT count(*) FROM \"InboxEvents\" WHERE \"EventId\" LIKE '$1-%'"; }
    ;;
*)
    echo "usage: bash scripts/benchmark-webhooks.sh sqlite|postgres [RATE] [SECONDS]" >&2; exit 2 ;;
esac

# Production settings, as a deployment runs: no demo, an audit key of its own, logs at Warning.
export ASPNETCORE_ENVIRONMENT=Production Audit__ChainKey="$(head -c 32 /dev/urandom | base64)" Logging__LogLevel__Default=Warning
export Jobs__RunSchedules="$([ "${APPLY:-0}" = 1 ] && echo true || echo false)"
port_app="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cd "$ROOT/LoyaltyConsole"

secret="$(dotnet "$DLL" webhook-sender --source bench --name "Load benchmark" | sed -n 's/^Webhook secret (shown once): //p')"
[ -n "$secret" ] || { echo "webhook-sender printed no secret" >&2; exit 1; }

dotnet "$DLL" --urls "http://127.0.0.1:$port_app" >"$OUT/app-$PROVIDER.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 120); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port_app/health" || true)" = 200 ]; then break; fi
    sleep 0.5
done

load() { node "$ROOT/scripts/webhook-load.mjs" --url "http://127.0.0.1:$port_app" --source bench --secret "$secret" "$@"; }
# A server that has been up a while: its code compiled and tuned by the JIT, its pools and the database file grown.
echo "== warm-up (500/s for 10 s)"
load --rate 500 --seconds 10 --prefix warm
echo "== $PROVIDER: $RATE requests/s for $SECONDS_ s"
result="$(load --rate "$RATE" --seconds "$SECONDS_" --prefix run)"
echo "$result"
sleep 1
answered="$(node -e 'const r = JSON.parse(process.argv[1]); console.log(r.statuses["200"] ?? 0)' "$result")"
stored="$(count_rows run)"
echo "answered 200: $answered; rows stored: $stored; sent: $((RATE * SECONDS_))"
ps -o rss=,cputime= -p "$app_pid" | awk '{print "app RSS: " int($1/1024) " MiB; CPU time: " $2}'
