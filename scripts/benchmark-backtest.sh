#!/usr/bin/env bash
# The backtest benchmark of docs/benchmarks.md: the backtest verb on a simulated CDNOW-like file of CUSTOMERS customers
# (scripts/simulate-cdnow.py), before and after in one run: BEFORE (a commit, exported with git archive and built
# apart) and the working tree, both Release, run alternately RUNS times each under /usr/bin/time -v. Prints each run's
# elapsed time and peak memory, the start-up of a verb (help; migrate with nothing to migrate), and checks that both
# fit the same parameters.
#   flock /tmp/loyalty-build.lock bash scripts/benchmark-backtest.sh [CUSTOMERS]
# Environment: BEFORE (a596b51, the backtest before the CSV reader), RUNS (3), SEED (1997),
# OUT (/tmp/loyaltyconsole-backtest: the file, both builds, logs, JSON). The machine is shared: hold the build lock.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
CUSTOMERS="${1:-1000000}"
BEFORE="${BEFORE:-a596b51}"
RUNS="${RUNS:-3}"
SEED="${SEED:-1997}"
OUT="${OUT:-/tmp/loyaltyconsole-backtest}"
FILE="$OUT/cdnow-simulated-$CUSTOMERS-$SEED.txt"
mkdir -p "$OUT"

[ -f "$FILE" ] || python3 scripts/simulate-cdnow.py "$CUSTOMERS" "$FILE" "$SEED"
echo "file: $FILE ($(($(wc -l <"$FILE") - 1)) rows, $(du -h "$FILE" | cut -f1))"

dotnet build LoyaltyConsole/LoyaltyConsole.csproj -c Release -v quiet --nologo >/dev/null
BEFORE_ROOT="$OUT/before-$BEFORE"
if [ ! -f "$BEFORE_ROOT/LoyaltyConsole/bin/Release/net10.0/LoyaltyConsole.dll" ]; then
    rm -rf "$BEFORE_ROOT" && mkdir -p "$BEFORE_ROOT"
    git archive "$BEFORE" | tar -x -C "$BEFORE_ROOT"
    dotnet build "$BEFORE_ROOT/LoyaltyConsole/LoyaltyConsole.csproj" -c Release -v quiet --nologo >/dev/null
fi

# run LABEL ROOT VERB...: the CLI as an operator runs it, from the project folder (its settings), timed.
run() {
    local label="$1" root="$2"; shift 2
    (cd "$root/LoyaltyConsole" && /usr/bin/time -v -o "$OUT/$label.time" dotnet bin/Release/net10.0/LoyaltyConsole.dll "$@") >"$OUT/$label.log" 2>&1
    local elapsed rss
    elapsed="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/$label.time")"
    rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/$label.time")"
    printf '%-14s %10s %8d MiB   %s\n' "$label" "$elapsed" $((rss / 1024)) "$(grep -oE '(rows read in [0-9.]+ s|Fitted and compared in [0-9.]+ s)' "$OUT/$label.log" | tr '\n' ' ')"
}

backtest=(backtest --transactions "$FILE" --calibration-end 1997-09-30 --holdout-end 1998-06-30)
printf '%-14s %10s %12s   %s\n' run elapsed "peak RSS" stages
for i in $(seq 1 "$RUNS"); do
    run "before-$i" "$BEFORE_ROOT" "${backtest[@]}" --json "$OUT/before-$i.json"
    run "after-$i" "$ROOT" "${backtest[@]}" --json "$OUT/after-$i.json"
done
# Start-up of a verb: help (no database), and migrate on a database already up to date (SQLite; the first run creates it).
run before-help "$BEFORE_ROOT" help
run after-help "$ROOT" help
for side in before after; do
    root="$ROOT"; [ "$side" = before ] && root="$BEFORE_ROOT"
    rm -f "$OUT/$side-startup.db"*
    export ConnectionStrings__DefaultConnection="Data Source=$OUT/$side-startup.db"
    run "$side-migrate-1st" "$root" migrate >/dev/null
    run "$side-migrate" "$root" migrate
    unset ConnectionStrings__DefaultConnection
done

python3 - "$OUT/before-1.json" "$OUT/after-1.json" <<'PY'
import json, sys
before, after = (json.load(open(p)) for p in sys.argv[1:])
same = all(before[k] == after[k] for k in ("customers", "transactions", "bgNbd", "gammaGamma", "buckets"))
b, g = after["bgNbd"], after["gammaGamma"]
print(f"BG/NBD r={b['R']!r} alpha={b['Alpha']!r} a={b['A']!r} b={b['B']!r}; Gamma-Gamma p={g['P']!r} q={g['Q']!r} gamma={g['Gamma']!r}")
print("fitted parameters, log-likelihoods and buckets: " + ("identical before and after" if same else "DIFFERENT"))
sys.exit(0 if same else 1)
PY
