#!/usr/bin/env bash
# The import benchmark of docs/benchmarks.md: ROWS visit rows (a transactions file: customer id, date, amount) into
# SQLite, side by side in one run:
#   baseline  sqlite3's own `.import` of the same CSV into a plain table (no keys, no checks), timed;
#   app       the `import` verb (the Import page's ImportService) into a migrated database whose demo locations
#             exist and whose CLIENTS customers were imported first from a clients file (not timed), timed.
# Both under /usr/bin/time -v (elapsed, peak RSS), RUNS times each, alternately. The app's run must write every row.
#   flock /tmp/loyalty-build.lock bash scripts/benchmark-import.sh [ROWS]
# Environment: RUNS (2), CLIENTS (100000), OUT (/tmp/loyaltyconsole-import). The machine is shared: hold the build lock.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
ROWS="${1:-1000000}"
RUNS="${RUNS:-2}"
CLIENTS="${CLIENTS:-100000}"
OUT="${OUT:-/tmp/loyaltyconsole-import}"
mkdir -p "$OUT"

if ! command -v sqlite3 >/dev/null; then
    apt-get install -y -qq sqlite3 >/dev/null
fi

VISITS="$OUT/visits-$ROWS.csv"
CLIENT_FILE="$OUT/clients-$CLIENTS.csv"
# Deterministic files: CLIENTS customers with names and emails; ROWS purchases spread over them and over 2025.
python3 - "$ROWS" "$CLIENTS" "$VISITS" "$CLIENT_FILE" <<'PY'
import random, sys, os
rows, clients, visits, client_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rng = random.Random(2025)
if not os.path.exists(client_file):
    with open(client_file, "w", newline="") as f:
        f.write("client id,first name,last name,email\r\n")
        for c in range(clients):
            f.write(f"C{c:07d},Client,Number {c},client{c}@example.com\r\n")
if not os.path.exists(visits):
    with open(visits, "w", newline="") as f:
        f.write("customer id,date,amount\r\n")
        for i in range(rows):
            day = rng.randrange(365)
            f.write(f"C{rng.randrange(clients):07d},2025-{1 + day // 31 % 12:02d}-{1 + day % 28:02d},{rng.randrange(500, 25000) / 100:.2f}\r\n")
PY
echo "files: $VISITS ($(($(wc -l <"$VISITS") - 1)) rows, $(du -h "$VISITS" | cut -f1)); $CLIENT_FILE ($CLIENTS clients)"

dotnet build LoyaltyConsole/LoyaltyConsole.csproj -c Release -v quiet --nologo >/dev/null
APP=(dotnet "$ROOT/LoyaltyConsole/bin/Release/net10.0/LoyaltyConsole.dll")

# timed LABEL COMMAND...: runs it under /usr/bin/time -v, prints elapsed and peak RSS.
timed() {
    local label="$1"; shift
    /usr/bin/time -v -o "$OUT/$label.time" "$@" >"$OUT/$label.log" 2>&1 || { cat "$OUT/$label.log"; exit 1; }
    local elapsed rss
    elapsed="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/$label.time")"
    rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/$label.time")"
    printf '%-12s %10s %8d MiB   %s\n' "$label" "$elapsed" $((rss / 1024)) "$(grep -oE 'Import finished in [0-9.]+ s: [^.]*' "$OUT/$label.log" || true)"
}

printf '%-12s %10s %12s\n' run elapsed "peak RSS"
for i in $(seq 1 "$RUNS"); do
    rm -f "$OUT/baseline.db"
    timed "sqlite3-$i" sqlite3 "$OUT/baseline.db" -cmd ".mode csv" ".import $VISITS visits"
    [ "$(sqlite3 "$OUT/baseline.db" 'select count(*) from visits')" = "$ROWS" ] || { echo "sqlite3 imported the wrong count"; exit 1; }

    rm -f "$OUT/app.db"*
    # A throwaway database: a throwaway audit chain key (the built app runs as Production, which requires one).
    export ConnectionStrings__DefaultConnection="Data Source=$OUT/app.db" Demo__Enabled=false Logging__LogLevel__Default=Warning \
        Audit__ChainKey="$(openssl rand -base64 32)" Audit__CheckpointPath="$OUT/audit-checkpoint.json"
    (cd "$ROOT/LoyaltyConsole" && "${APP[@]}" seed-demo --clients 1 --seed 1 >/dev/null)
    location="$(sqlite3 "$OUT/app.db" 'select Name from Locations order by Name limit 1')"
    # Only the visits are timed: the clients file goes in first, so the timed run writes ROWS new visits.
    (cd "$ROOT/LoyaltyConsole" && "${APP[@]}" import --connection "Benchmark" --create true --location "$location" --clients "$CLIENT_FILE" >"$OUT/clients-$i.log")
    sqlite3 "$OUT/app.db" 'pragma wal_checkpoint(TRUNCATE);' >/dev/null
    cp "$OUT/app.db" "$OUT/floor.db"
    timed "app-$i" bash -c "cd '$ROOT/LoyaltyConsole' && ${APP[*]} import --connection Benchmark --transactions '$VISITS'"
    written="$(sqlite3 "$OUT/app.db" "select count(*) from Visits where Source = 'benchmark'")"
    [ "$written" = "$ROWS" ] || { echo "the app wrote $written visits, not $ROWS"; exit 1; }
    # The floor: what the import must write (a visit, its line and its points per row, each client's balance and last
    # visit), done by sqlite3 itself, set-based, into the same schema and indexes from the same starting database.
    timed "floor-$i" sqlite3 "$OUT/floor.db" -cmd ".mode csv" ".import $VISITS plain" "$(cat <<SQL
BEGIN;
INSERT INTO Visits (ClientId, LocationId, OccurredAt, Currency, TotalMinor, Source, ExternalId)
    SELECT c.Id, c.HomeLocationId, p."date" || ' 00:00:00', 'USD', CAST(ROUND(p.amount * 100) AS INTEGER), 'floor', 'row-' || p.rowid
    FROM plain p JOIN Clients c ON c.Source = 'benchmark' AND c.ExternalId = p."customer id";
INSERT INTO VisitLines (VisitId, Kind, Item, Category, Quantity, UnitPriceMinor, DiscountMinor, AmountMinor)
    SELECT Id, 'Service', 'Purchase', 'Other', 1, TotalMinor, 0, TotalMinor FROM Visits WHERE Source = 'floor';
INSERT INTO LedgerEntries (ClientId, Kind, Points, MoneyValueMinor, OccurredAt, VisitId, Reason, Source, ExternalId)
    SELECT ClientId, 'Earn', TotalMinor / 100, TotalMinor / 100 * 5, OccurredAt, Id, 'Visit', 'floor', ExternalId || '-earn' FROM Visits WHERE Source = 'floor';
UPDATE Clients SET PointsBalance = PointsBalance + t.points, LastVisitAt = max(coalesce(LastVisitAt, ''), t.last)
    FROM (SELECT ClientId, sum(TotalMinor / 100) AS points, max(OccurredAt) AS last FROM Visits WHERE Source = 'floor' GROUP BY ClientId) t
    WHERE Clients.Id = t.ClientId;
COMMIT;
SQL
)"
    [ "$(sqlite3 "$OUT/floor.db" "select count(*) from Visits where Source = 'floor'")" = "$ROWS" ] || { echo "the floor wrote the wrong count"; exit 1; }
    unset ConnectionStrings__DefaultConnection Demo__Enabled Logging__LogLevel__Default Audit__ChainKey Audit__CheckpointPath
done
