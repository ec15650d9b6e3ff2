#!/usr/bin/env bash
# Runs every test (domain, bUnit, integration, end-to-end in Chromium) twice: on SQLite, the embedded default, and on
# PostgreSQL, a throwaway server started here (scripts/postgres-cluster.sh) and stopped at the end. Tests that touch
# only code run in both passes too; they are quick. Ends with one summary line over both runs:
#   N passed, N failed[, N skipped]
# TEST_DATABASES=Sqlite (or PostgreSql) runs one pass only.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-prerequisites.sh || exit 1

results="$(mktemp -d)"
pg_started=""
cleanup() {
    if [ -n "$pg_started" ]; then bash scripts/postgres-cluster.sh stop >/dev/null 2>&1 || true; fi
    rm -rf "$results"
}
trap cleanup EXIT

dotnet restore LoyaltyConsole.sln --nologo -v quiet || exit 1
dotnet build LoyaltyConsole.sln --no-restore --nologo -v quiet -c Debug -warnaserror || { echo "0 passed, 1 failed"; exit 1; }

status=0
for database in ${TEST_DATABASES:-Sqlite PostgreSql}; do
    echo "=== Tests on $database ==="
    if [ "$database" = "PostgreSql" ]; then
        connection="$(bash scripts/postgres-cluster.sh start)" || { echo "PostgreSQL did not start"; echo "0 passed, 1 failed"; exit 1; }
        pg_started=1
        export TEST_POSTGRES_CONNECTION="$connection"
    fi
    TEST_DATABASE="$database" dotnet test LoyaltyConsole.sln --no-build --nologo -c Debug \
        --logger "trx;LogFileName=$database.trx" --results-directory "$results/$database" || status=1
done

python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    # xunit's trx counts a skipped test in total but not in executed (and not always in notExecuted).
    skipped += max(int(counters.get("notExecuted", 0)), int(counters.get("total", 0)) - int(counters.get("executed", 0)))
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
PY
exit $status
