#!/usr/bin/env bash
# Runs every test (domain, bUnit, integration on SQLite, end-to-end in Chromium) and ends with one summary line:
#   N passed, N failed[, N skipped]
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-prerequisites.sh || exit 1

results="$(mktemp -d)"
dotnet restore LoyaltyConsole.sln --nologo -v quiet || exit 1
dotnet build LoyaltyConsole.sln --no-restore --nologo -v quiet -c Debug -warnaserror || { echo "0 passed, 1 failed"; exit 1; }
dotnet test LoyaltyConsole.sln --no-build --nologo -c Debug \
    --logger "trx;LogFileName=results.trx" --results-directory "$results"
status=$?

python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
PY
rm -rf "$results"
exit $status
