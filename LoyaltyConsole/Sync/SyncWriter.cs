using System.Text.Json;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Locations;
using LoyaltyConsole.Domain.Loyalty;
using LoyaltyConsole.Domain.Visits;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Sync;

/// <summary>
/// Writes what a source's reader produced into our clients, visits, returns and points: every call one transaction
/// in the provider's execution strategy (all of the batch or none of it), idempotent on (source, external id), so a
/// re-import, a resumed sync or a replayed webhook changes nothing the second time. Records it cannot use are
/// reported as issues and counted; records whose client or location is unknown go to the unmatched list.
/// </summary>
public sealed class SyncWriter(IServiceScopeFactory scopes, TimeProvider clock, IOptions<SyncOptions> options, ILogger<SyncWriter> logger)
{
    private const int Attempts = 4;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<SyncCounts> WriteClientsAsync(Connection connection, IReadOnlyList<SourceClient> records, ICollection<SourceIssue> issues, CancellationToken ct)
    {
        if (records.Count == 0)
        {
            return SyncCounts.Zero;
        }
        var latest = LatestPerId(records, r => r.ExternalId);
        return await InTransactionAsync(async db =>
        {
            var batchIssues = new List<SourceIssue>();
            var counts = await WriteClientsAsync(db, connection, latest, batchIssues, ct);
            return (counts, batchIssues);
        }, issues, ct);
    }

    /// <summary>
    /// Creates a client for every id the sales name that this source does not have yet, known only by its id
    /// ("Customer 00042"): for files of purchases without a client list (the generic transactions layout). Existing
    /// clients are left as they are. Counts the clients created as new.
    /// </summary>
    public async Task<SyncCounts> EnsureClientsAsync(Connection connection, IReadOnlyList<SourceVisit> sales, ICollection<SourceIssue> issues, CancellationToken ct)
    {
        var ids = sales.Select(s => s.ClientExternalId).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return SyncCounts.Zero;
        }
        return await InTransactionAsync(async db =>
        {
            var source = connection.Source;
            var known = (await db.Clients.Where(c => c.Source == source && ids.Contains(c.ExternalId)).Select(c => c.ExternalId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
            var missing = ids.Where(id => !known.Contains(id)).ToList();
            if (missing.Count == 0)
            {
                return (SyncCounts.Zero, new List<SourceIssue>());
            }
            var firstSeen = sales.GroupBy(s => s.ClientExternalId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var batchIssues = new List<SourceIssue>();
            var records = missing.Select(id => new SourceClient(id, "Customer", id, null, null, SourceLocationId: firstSeen[id].SourceLocationId,
                CreatedAt: firstSeen[id].OccurredAt, Line: firstSeen[id].Line)).ToList();
            var counts = await WriteClientsAsync(db, connection, records, batchIssues, ct);
            return (counts, batchIssues);
        }, issues, ct);
    }

    public async Task<SyncCounts> WriteVisitsAsync(Connection connection, IReadOnlyList<SourceVisit> records, ICollection<SourceIssue> issues, CancellationToken ct)
    {
        if (records.Count == 0)
        {
            return SyncCounts.Zero;
        }
        var latest = LatestPerId(records, r => (r.IsReturn ? "R:" : "S:") + r.ExternalId);
        return await InTransactionAsync(async db =>
        {
            var batchIssues = new List<SourceIssue>();
            var counts = await WriteVisitsAsync(db, connection, latest, batchIssues, ct);
            return (counts, batchIssues);
        }, issues, ct);
    }

    public async Task<SyncCounts> WriteLedgerEventsAsync(Connection connection, IReadOnlyList<SourceLedgerEvent> records, ICollection<SourceIssue> issues, CancellationToken ct)
    {
        if (records.Count == 0)
        {
            return SyncCounts.Zero;
        }
        var latest = LatestPerId(records, r => r.ExternalId);
        return await InTransactionAsync(async db =>
        {
            var batchIssues = new List<SourceIssue>();
            var counts = await WriteLedgerEventsAsync(db, connection, latest, batchIssues, ct);
            return (counts, batchIssues);
        }, issues, ct);
    }

    /// <summary>
    /// Applies the connection's unmatched visits, returns and points events whose client or location is known now (a later sync
    /// brought the client, or an Admin mapped the location). Returns what was applied.
    /// </summary>
    public async Task<SyncCounts> ReapplyUnmatchedAsync(Connection connection, ICollection<SourceIssue> issues, CancellationToken ct)
    {
        List<SourceVisit> pending;
        List<SourceLedgerEvent> events;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
            var payloads = await db.UnmatchedRecords.AsNoTracking()
                .Where(u => u.ConnectionId == connection.Id && u.ResolvedAt == null)
                .OrderBy(u => u.Id).Select(u => new { u.Kind, u.Payload }).Take(options.Value.BatchSize).ToListAsync(ct);
            pending = payloads.Where(p => p.Kind != UnmatchedKind.LedgerEvent).Select(p => JsonSerializer.Deserialize<SourceVisit>(p.Payload, Json)!).ToList();
            events = payloads.Where(p => p.Kind == UnmatchedKind.LedgerEvent).Select(p => JsonSerializer.Deserialize<SourceLedgerEvent>(p.Payload, Json)!).ToList();
        }
        if (pending.Count == 0 && events.Count == 0)
        {
            return SyncCounts.Zero;
        }
        var quiet = new List<SourceIssue>();
        var counts = pending.Count == 0 ? SyncCounts.Zero : await WriteVisitsAsync(connection, pending, quiet, ct);
        if (events.Count > 0)
        {
            counts += await WriteLedgerEventsAsync(connection, events, quiet, ct);
        }
        foreach (var issue in quiet.Where(i => i.Kind != SourceIssueKind.Skipped))
        {
            issues.Add(issue);
        }
        // Still unmatched ones were counted as skipped again; only what was written counts as applied.
        return counts with { Skipped = 0, Unchanged = 0 };
    }

    private async Task<SyncCounts> InTransactionAsync(
        Func<ApplicationDbContext, Task<(SyncCounts Counts, List<SourceIssue> Issues)>> write, ICollection<SourceIssue> issues, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
            var strategy = db.Database.CreateExecutionStrategy();
            try
            {
                var (counts, batchIssues) = await strategy.ExecuteAsync(async () =>
                {
                    db.ChangeTracker.Clear();
                    await using var transaction = await db.Database.BeginTransactionAsync(ct);
                    var result = await write(db);
                    await transaction.CommitAsync(ct);
                    return result;
                });
                foreach (var issue in batchIssues)
                {
                    issues.Add(issue);
                }
                return counts;
            }
            catch (DbUpdateException ex) when (attempt < Attempts && (ex is DbUpdateConcurrencyException || DatabaseErrors.IsUniqueViolation(ex)))
            {
                // Another writer (a webhook, a second sync) wrote one of these records or moved a client's points at the
                // same time: the batch rolled back; written again it finds their rows and counts them unchanged.
                logger.LogInformation("A sync batch met a concurrent writer (attempt {Attempt}); writing it again.", attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt * (1 + Random.Shared.NextDouble())), ct);
            }
        }
    }

    private async Task<SyncCounts> WriteClientsAsync(ApplicationDbContext db, Connection connection, List<SourceClient> records, List<SourceIssue> issues, CancellationToken ct)
    {
        var source = connection.Source;
        var ids = records.Select(r => r.ExternalId).ToList();
        var existing = await db.Clients.Where(c => c.Source == source && ids.Contains(c.ExternalId)).ToDictionaryAsync(c => c.ExternalId, StringComparer.Ordinal, ct);
        var locations = await LocationsAsync(db, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        long created = 0, updated = 0, unchanged = 0, failed = 0;
        var touched = new List<Client>();

        foreach (var record in records)
        {
            var locationId = connection.LocationFor(record.SourceLocationId);
            var region = PhoneRegions.For(locationId is { } l && locations.TryGetValue(l, out var loc) ? loc : locations.Values.FirstOrDefault());
            var phone = ReadPhone(record, region, issues);
            var email = ReadEmail(record, issues);
            try
            {
                if (existing.TryGetValue(record.ExternalId, out var client))
                {
                    var changed = client.UpdateFromSource(record.FirstName, record.LastName, email, phone, record.Birthday);
                    changed |= TakeConsent(client, record, source, now);
                    if (changed)
                    {
                        updated++;
                        touched.Add(client);
                    }
                    else
                    {
                        unchanged++;
                    }
                    continue;
                }
                if (locationId is null || !locations.ContainsKey(locationId.Value))
                {
                    failed++;
                    issues.Add(new(record.Line, SourceIssueKind.Failed, record.SourceLocationId is null
                        ? $"Client {record.ExternalId} names no location and the connection has no default location."
                        : $"Client {record.ExternalId}: source location '{record.SourceLocationId}' is not mapped to one of ours."));
                    continue;
                }
                var added = new Client(
                    FirstNonBlank(record.FirstName, email?.Split('@')[0]) ?? "Client", record.LastName, email, phone, record.Birthday, locationId.Value,
                    record.CreatedAt is { } c ? DateTime.SpecifyKind(c, DateTimeKind.Utc) : now, source, record.ExternalId);
                TakeConsent(added, record, source, now);
                db.Clients.Add(added);
                existing[record.ExternalId] = added;
                touched.Add(added);
                created++;
            }
            catch (DomainException ex)
            {
                failed++;
                issues.Add(new(record.Line, SourceIssueKind.Failed, $"Client {record.ExternalId}: {ex.Message}"));
            }
        }
        await db.SaveChangesAsync(ct);
        await SuggestMergesAsync(db, touched, now, ct);
        return new(created, updated, unchanged, 0, failed);
    }

    private async Task<SyncCounts> WriteVisitsAsync(ApplicationDbContext db, Connection connection, List<SourceVisit> records, List<SourceIssue> issues, CancellationToken ct)
    {
        var source = connection.Source;
        var settings = ConnectionSettings.Parse(connection.SettingsJson);
        var rules = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var locations = await LocationsAsync(db, ct);

        var clientIds = records.Select(r => r.ClientExternalId).Distinct().ToList();
        var clients = await db.Clients.Where(c => c.Source == source && clientIds.Contains(c.ExternalId)).ToDictionaryAsync(c => c.ExternalId, StringComparer.Ordinal, ct);
        var keptIds = clients.Values.Where(c => c.MergedIntoClientId != null).Select(c => c.MergedIntoClientId!.Value).Distinct().ToList();
        var kept = await db.Clients.Where(c => keptIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);

        var saleIds = records.Select(r => r.IsReturn ? r.ReturnOfExternalId : r.ExternalId).OfType<string>().Distinct().ToList();
        var sales = await db.Visits.Include(v => v.Lines).Where(v => v.Source == source && saleIds.Contains(v.ExternalId)).ToDictionaryAsync(v => v.ExternalId, StringComparer.Ordinal, ct);
        var returnIds = records.Where(r => r.IsReturn).Select(r => r.ExternalId).ToList();
        var knownReturns = (await db.VisitReturns.Where(r => r.Source == source && returnIds.Contains(r.ExternalId)).Select(r => r.ExternalId).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        var unmatchedIds = records.Select(r => r.ExternalId).ToList();
        var unmatched = await db.UnmatchedRecords
            .Where(u => u.ConnectionId == connection.Id && u.Kind != UnmatchedKind.LedgerEvent && unmatchedIds.Contains(u.ExternalId))
            .ToDictionaryAsync(u => (u.Kind, u.ExternalId), ct);

        long created = 0, updated = 0, unchanged = 0, skipped = 0, failed = 0;
        var earnings = new List<(Client Client, Visit Visit, long DeltaMinor, bool IsNew)>();
        var returns = new List<(Client Client, Location Location, SourceVisit Record)>();

        foreach (var record in records)
        {
            var kind = record.IsReturn ? UnmatchedKind.Return : UnmatchedKind.Visit;
            if (!clients.TryGetValue(record.ClientExternalId, out var client))
            {
                skipped++;
                KeepUnmatched(db, connection, unmatched, kind, record, $"No client with id '{record.ClientExternalId}' from this source (yet).", now);
                issues.Add(new(record.Line, SourceIssueKind.Skipped, $"{Describe(record)}: client '{record.ClientExternalId}' is not known; kept in the unmatched list."));
                continue;
            }
            if (client.MergedIntoClientId is { } keptId && kept.TryGetValue(keptId, out var keptClient))
            {
                client = keptClient;
            }
            var locationId = string.IsNullOrEmpty(record.SourceLocationId) ? connection.DefaultLocationId ?? client.HomeLocationId : connection.LocationFor(record.SourceLocationId);
            if (locationId is null || !locations.TryGetValue(locationId.Value, out var location))
            {
                skipped++;
                KeepUnmatched(db, connection, unmatched, kind, record, $"Source location '{record.SourceLocationId}' is not mapped to one of ours.", now);
                issues.Add(new(record.Line, SourceIssueKind.Skipped, $"{Describe(record)}: source location '{record.SourceLocationId}' is not mapped; kept in the unmatched list."));
                continue;
            }
            if (unmatched.TryGetValue((kind, record.ExternalId), out var waiting) && waiting.ResolvedAt is null)
            {
                waiting.Resolve(now);
            }
            if (record.IsReturn)
            {
                // After the sales are saved, so a return in the same batch finds the sale it belongs to.
                returns.Add((client, location, record));
                continue;
            }
            try
            {
                var occurredAt = DateTime.SpecifyKind(record.OccurredAt, DateTimeKind.Utc);
                if (record.Lines.Count == 0)
                {
                    failed++;
                    issues.Add(new(record.Line, SourceIssueKind.Failed, $"{Describe(record)} has no lines."));
                    continue;
                }
                if (sales.TryGetValue(record.ExternalId, out var visit))
                {
                    if (SameLines(visit, record) && visit.OccurredAt == occurredAt)
                    {
                        unchanged++;
                        continue;
                    }
                    visit.Reschedule(occurredAt);
                    var delta = visit.ReplaceLines(record.Lines.Select(ToLine));
                    earnings.Add((client, visit, delta, false));
                    updated++;
                    continue;
                }
                visit = new Visit(client.Id, location.Id, occurredAt, record.Currency?.ToUpperInvariant() ?? location.Currency, source, record.ExternalId);
                foreach (var line in record.Lines)
                {
                    var (lineKind, item, category, quantity, price, discount) = ToLine(line);
                    visit.AddLine(lineKind, item, category, null, null, quantity, price, discount);
                }
                db.Visits.Add(visit);
                sales[record.ExternalId] = visit;
                client.NoteVisit(occurredAt);
                earnings.Add((client, visit, visit.TotalMinor, true));
                created++;
            }
            catch (DomainException ex)
            {
                failed++;
                issues.Add(new(record.Line, SourceIssueKind.Failed, $"{Describe(record)}: {ex.Message}"));
            }
        }
        await db.SaveChangesAsync(ct);

        if (!settings.SourceKeepsLedger)
        {
            foreach (var (client, visit, deltaMinor, isNew) in earnings)
            {
                EarnOrTakeBack(client, visit, deltaMinor, isNew, source, rules, now);
            }
            await db.SaveChangesAsync(ct);
        }

        foreach (var (client, location, record) in returns)
        {
            if (!knownReturns.Add(record.ExternalId))
            {
                unchanged++;
                continue;
            }
            try
            {
                var sale = record.ReturnOfExternalId is { } saleId && sales.TryGetValue(saleId, out var found) ? found : null;
                var refund = new VisitReturn(client.Id, sale?.LocationId ?? location.Id, sale?.Id, DateTime.SpecifyKind(record.OccurredAt, DateTimeKind.Utc),
                    record.Currency?.ToUpperInvariant() ?? location.Currency, record.TotalMinor, source, record.ExternalId);
                db.VisitReturns.Add(refund);
                if (sale is not null && !settings.SourceKeepsLedger)
                {
                    await ReversePointsAsync(db, client, sale, refund, record, rules, ct);
                    await db.SaveChangesAsync(ct); // the next return of the same sale counts this one's points
                }
                created++;
            }
            catch (DomainException ex)
            {
                failed++;
                issues.Add(new(record.Line, SourceIssueKind.Failed, $"{Describe(record)}: {ex.Message}"));
            }
        }
        await db.SaveChangesAsync(ct);
        return new(created, updated, unchanged, skipped, failed);
    }

    private async Task<SyncCounts> WriteLedgerEventsAsync(ApplicationDbContext db, Connection connection, List<SourceLedgerEvent> records, List<SourceIssue> issues, CancellationToken ct)
    {
        var source = connection.Source;
        var rules = options.Value;
        var ids = records.Select(r => r.ExternalId).ToList();
        var known = (await db.LedgerEntries.Where(e => e.Source == source && ids.Contains(e.ExternalId)).Select(e => e.ExternalId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var clientIds = records.Select(r => r.ClientExternalId).Distinct().ToList();
        var clients = await db.Clients.Where(c => c.Source == source && clientIds.Contains(c.ExternalId)).ToDictionaryAsync(c => c.ExternalId, StringComparer.Ordinal, ct);
        var visitIds = records.Select(r => r.VisitExternalId).OfType<string>().Distinct().ToList();
        var visits = await db.Visits.Where(v => v.Source == source && visitIds.Contains(v.ExternalId)).Select(v => new { v.ExternalId, v.Id })
            .ToDictionaryAsync(v => v.ExternalId, v => v.Id, StringComparer.Ordinal, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var unmatched = await db.UnmatchedRecords
            .Where(u => u.ConnectionId == connection.Id && u.Kind == UnmatchedKind.LedgerEvent && ids.Contains(u.ExternalId))
            .ToDictionaryAsync(u => (u.Kind, u.ExternalId), ct);
        long created = 0, unchanged = 0, skipped = 0, failed = 0;
        foreach (var record in records)
        {
            if (!known.Add(record.ExternalId))
            {
                unchanged++;
                continue;
            }
            if (!clients.TryGetValue(record.ClientExternalId, out var client))
            {
                // Kept, not lost: the run's window moves on, and the next sync applies it once the client is known.
                skipped++;
                known.Remove(record.ExternalId);
                KeepUnmatched(db, connection, unmatched, UnmatchedKind.LedgerEvent, record.ExternalId, record.ClientExternalId, null,
                    JsonSerializer.Serialize(record, Json), $"No client with id '{record.ClientExternalId}' from this source (yet).", now);
                issues.Add(new(0, SourceIssueKind.Skipped, $"Points event {record.ExternalId}: client '{record.ClientExternalId}' is not known yet; kept in the unmatched list."));
                continue;
            }
            if (unmatched.TryGetValue((UnmatchedKind.LedgerEvent, record.ExternalId), out var waiting) && waiting.ResolvedAt is null)
            {
                waiting.Resolve(now);
            }
            try
            {
                long? visitId = record.VisitExternalId is { } v && visits.TryGetValue(v, out var id) ? id : null;
                client.MirrorPoints(record.Kind, record.Points, Math.Abs(record.Points) * rules.PointValueMinor,
                    DateTime.SpecifyKind(record.OccurredAt, DateTimeKind.Utc), visitId, record.Reason, source, record.ExternalId);
                created++;
            }
            catch (DomainException ex)
            {
                failed++;
                issues.Add(new(0, SourceIssueKind.Failed, $"Points event {record.ExternalId}: {ex.Message}"));
            }
        }
        await db.SaveChangesAsync(ct);
        return new(created, 0, unchanged, skipped, failed);
    }

    /// <summary>
    /// Points for a new sale (or the change of an edited one): one earn entry per sale and change, keyed on the
    /// sale, so it is earned once; an edit that lowers the total takes the difference back.
    /// </summary>
    private static void EarnOrTakeBack(Client client, Visit visit, long deltaMinor, bool isNew, string source, SyncOptions rules, DateTime now)
    {
        // Per whole unit of the sale's currency: a dollar is 100 minor units, a yen is one.
        var points = (int)(Math.Abs(deltaMinor) / Money.MinorPerUnit(visit.Currency) * rules.PointsPerCurrencyUnit);
        if (points == 0)
        {
            return;
        }
        if (deltaMinor > 0)
        {
            var key = isNew ? $"{visit.ExternalId}-earn" : $"{visit.ExternalId}-earn-{visit.TotalMinor}";
            client.EarnPoints(points, points * rules.PointValueMinor, visit.OccurredAt, visit.Id, source, Key(key, visit.ExternalId, deltaMinor));
        }
        else
        {
            client.ReversePoints(points, points * rules.PointValueMinor, now, visit.Id, "Order edited: total lowered", source,
                Key($"{visit.ExternalId}-edit-{visit.TotalMinor}", visit.ExternalId, deltaMinor));
        }
    }

    private static string Key(string wanted, string externalId, long delta) =>
        wanted.Length <= SyncedEntity.ExternalIdMaxLength ? wanted : $"{Hash(externalId)}-{delta}";

    private static async Task ReversePointsAsync(ApplicationDbContext db, Client client, Visit sale, VisitReturn refund, SourceVisit record, SyncOptions rules, CancellationToken ct)
    {
        var earned = await db.LedgerEntries.Where(e => e.VisitId == sale.Id && e.Points > 0 && e.Kind == LedgerEntryKind.Earn).SumAsync(e => (int?)e.Points, ct) ?? 0;
        var reversed = await db.VisitReturns.Where(r => r.VisitId == sale.Id).SumAsync(r => (int?)r.PointsReversed, ct) ?? 0;
        var forAmount = (int)(record.TotalMinor / Money.MinorPerUnit(sale.Currency) * rules.PointsPerCurrencyUnit);
        var points = Math.Min(earned - reversed, sale.TotalMinor > 0 && record.TotalMinor >= sale.TotalMinor ? earned - reversed : forAmount);
        if (points <= 0)
        {
            return;
        }
        var entry = client.ReversePoints(points, points * rules.PointValueMinor, refund.OccurredAt, sale.Id, $"Returned: {record.ExternalId}",
            refund.Source, Key($"{record.ExternalId}-reverse", record.ExternalId, 0));
        refund.RecordReversal(-(entry?.Points ?? 0));
    }

    private static bool SameLines(Visit visit, SourceVisit record) =>
        visit.TotalMinor == record.TotalMinor && visit.Lines.Count == record.Lines.Count;

    private static (LineKind, string, string, int, long, long) ToLine(SourceLine line) =>
        (line.IsProduct ? LineKind.Retail : LineKind.Service,
         Clip(string.IsNullOrWhiteSpace(line.Item) ? "Purchase" : line.Item, VisitLine.ItemMaxLength),
         Clip(string.IsNullOrWhiteSpace(line.Category) ? (line.IsProduct ? ServiceCategory.Retail : "Other") : line.Category, VisitLine.CategoryMaxLength),
         line.Quantity, line.UnitPriceMinor, line.DiscountMinor);

    private static void KeepUnmatched(ApplicationDbContext db, Connection connection, Dictionary<(UnmatchedKind, string), UnmatchedRecord> unmatched,
        UnmatchedKind kind, SourceVisit record, string reason, DateTime now) =>
        KeepUnmatched(db, connection, unmatched, kind, record.ExternalId, record.ClientExternalId, record.SourceLocationId, JsonSerializer.Serialize(record, Json), reason, now);

    private static void KeepUnmatched(ApplicationDbContext db, Connection connection, Dictionary<(UnmatchedKind, string), UnmatchedRecord> unmatched,
        UnmatchedKind kind, string externalId, string clientExternalId, string? sourceLocationId, string payload, string reason, DateTime now)
    {
        if (unmatched.TryGetValue((kind, externalId), out var existing))
        {
            existing.Seen(reason, now);
            return;
        }
        var added = new UnmatchedRecord(connection.Id, kind, externalId, clientExternalId, sourceLocationId, reason, payload, now);
        db.UnmatchedRecords.Add(added);
        unmatched[(kind, externalId)] = added;
    }

    /// <summary>
    /// Offers an Admin every pair of clients that share a normalised email or phone: never merged here. The pair is
    /// unique, so a suggestion is made once whichever source brought the second client.
    /// </summary>
    private static async Task SuggestMergesAsync(ApplicationDbContext db, List<Client> touched, DateTime now, CancellationToken ct)
    {
        var emails = touched.Select(c => c.Email).OfType<string>().Distinct().ToList();
        var phones = touched.Select(c => c.PhoneE164).OfType<string>().Distinct().ToList();
        if (emails.Count == 0 && phones.Count == 0)
        {
            return;
        }
        var matches = await db.Clients.AsNoTracking()
            .Where(c => c.MergedIntoClientId == null && ((c.Email != null && emails.Contains(c.Email)) || (c.PhoneE164 != null && phones.Contains(c.PhoneE164))))
            .Select(c => new { c.Id, c.Email, c.PhoneE164 }).ToListAsync(ct);
        var pairs = new Dictionary<(int, int), string>();
        foreach (var client in touched.Where(c => c.MergedIntoClientId is null))
        {
            foreach (var other in matches.Where(m => m.Id != client.Id))
            {
                var reason = client.Email is not null && other.Email == client.Email ? $"Same email {client.Email}"
                    : client.PhoneE164 is not null && other.PhoneE164 == client.PhoneE164 ? $"Same phone {client.PhoneE164}"
                    : null;
                if (reason is not null)
                {
                    pairs.TryAdd(client.Id < other.Id ? (client.Id, other.Id) : (other.Id, client.Id), reason);
                }
            }
        }
        if (pairs.Count == 0)
        {
            return;
        }
        var lows = pairs.Keys.Select(p => p.Item1).Distinct().ToList();
        var known = (await db.MergeSuggestions.Where(m => lows.Contains(m.ClientId)).Select(m => new { m.ClientId, m.OtherClientId }).ToListAsync(ct))
            .Select(m => (m.ClientId, m.OtherClientId)).ToHashSet();
        foreach (var ((low, high), reason) in pairs.Where(p => !known.Contains(p.Key)))
        {
            db.MergeSuggestions.Add(new MergeSuggestion(low, high, reason, now));
        }
        await db.SaveChangesAsync(ct);
    }

    private static bool TakeConsent(Client client, SourceClient record, string source, DateTime now)
    {
        var at = record.UpdatedAt is { } u ? DateTime.SpecifyKind(u, DateTimeKind.Utc) : now;
        var changed = record.SmsConsent is { } sms && client.TakeSourceConsent(smsChannel: true, sms, at, source);
        changed |= record.EmailConsent is { } email && client.TakeSourceConsent(smsChannel: false, email, at, source);
        return changed;
    }

    private static PhoneNumber? ReadPhone(SourceClient record, string region, List<SourceIssue> issues)
    {
        if (string.IsNullOrWhiteSpace(record.Phone))
        {
            return null;
        }
        if (PhoneNumber.TryParse(record.Phone, region, out var phone, out var error))
        {
            return phone;
        }
        // Exports often drop the + of international numbers (Fresha's 447700900123).
        var digits = record.Phone.Trim();
        if (digits.Length >= 10 && digits.All(char.IsAsciiDigit) && PhoneNumber.TryParse("+" + digits, region, out phone, out _))
        {
            return phone;
        }
        issues.Add(new(record.Line, SourceIssueKind.Warning, $"Client {record.ExternalId}: {error} Imported without a phone.", record.Phone));
        return null;
    }

    private static string? ReadEmail(SourceClient record, List<SourceIssue> issues)
    {
        var email = record.Email?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(email))
        {
            return null;
        }
        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at > 0 && at == email.LastIndexOf('@') && at < email.Length - 1 && !email.Contains(' ', StringComparison.Ordinal) && email.Length <= Client.EmailMaxLength)
        {
            return email;
        }
        issues.Add(new(record.Line, SourceIssueKind.Warning, $"Client {record.ExternalId}: '{record.Email}' is not an email address. Imported without an email.", record.Email));
        return null;
    }

    private static async Task<Dictionary<int, Location>> LocationsAsync(ApplicationDbContext db, CancellationToken ct) =>
        await db.Locations.AsNoTracking().ToDictionaryAsync(l => l.Id, ct);

    private static List<T> LatestPerId<T>(IReadOnlyList<T> records, Func<T, string> key)
    {
        // A batch may hold the same record twice (a file listing a client twice, a page overlapping the last): the later wins.
        var latest = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            latest[key(records[i])] = i;
        }
        return latest.Count == records.Count ? [.. records] : latest.Values.Order().Select(i => records[i]).ToList();
    }

    private static string Describe(SourceVisit record) => record.IsReturn ? $"Return {record.ExternalId}" : $"Sale {record.ExternalId}";

    private static string? FirstNonBlank(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static string Clip(string text, int max) => text.Length > max ? text[..max] : text;

    private static string Hash(string text) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..32];
}
