using System.Globalization;
using System.Text.Json;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Identity;

namespace LoyaltyConsole.Sync;

public sealed record MergeCandidate(int Id, string Name, string Source, string ExternalId, string? Email, string? Phone, int Visits, int PointsBalance, DateTime? LastVisitAt);

public sealed record MergeSuggestionRow(long Id, string Reason, MergeStatus Status, DateTime CreatedAt, MergeCandidate First, MergeCandidate Second,
    int? KeptClientId, string? DecidedBy, DateTime? DecidedAt, int Version);

public sealed record UnmatchedRow(long Id, string Connection, UnmatchedKind Kind, string ExternalId, string? ClientExternalId, string? SourceLocationId,
    string Reason, DateTime FirstSeenAt, DateTime LastSeenAt);

/// <summary>
/// The Admin's data-quality lists: clients that look like one person (merge, dismiss, undo — each audited), and
/// visits waiting for a client or a location mapping. A merge moves the duplicate's visits, returns and points to the
/// kept client and remembers exactly what it moved, so undoing it puts every row back.
/// </summary>
public sealed class DataQualityService(IServiceScopeFactory scopes, CommandRunner commands)
{
    private sealed record MergeRecordJson(int Duplicate, int Kept, List<long> Visits, List<long> Returns, List<long> Ledger, int Points);

    public async Task<IReadOnlyList<MergeSuggestionRow>> SuggestionsAsync(bool openOnly, int take, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        var suggestions = await db.MergeSuggestions.AsNoTracking()
            .Where(m => !openOnly || m.Status == MergeStatus.Open)
            .OrderBy(m => m.Status == MergeStatus.Open ? 0 : 1).ThenByDescending(m => m.Id).Take(take).ToListAsync(ct);
        var ids = suggestions.SelectMany(m => new[] { m.ClientId, m.OtherClientId }).Distinct().ToList();
        var visits = await db.Visits.Where(v => ids.Contains(v.ClientId)).GroupBy(v => v.ClientId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var clients = await db.Clients.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.Source, c.ExternalId, c.Email, c.PhoneE164, c.PointsBalance, c.LastVisitAt })
            .ToDictionaryAsync(c => c.Id, ct);
        MergeCandidate Candidate(int id) => clients.TryGetValue(id, out var c)
            ? new(c.Id, $"{c.FirstName} {c.LastName}".Trim(), c.Source, c.ExternalId, c.Email, c.PhoneE164, visits.GetValueOrDefault(id), c.PointsBalance, c.LastVisitAt)
            : new(id, "(deleted)", "", "", null, null, 0, 0, null);
        return suggestions.Select(m => new MergeSuggestionRow(m.Id, m.Reason, m.Status, m.CreatedAt, Candidate(m.ClientId), Candidate(m.OtherClientId),
            m.KeptClientId, m.DecidedBy, m.DecidedAt, m.Version)).ToList();
    }

    public async Task<IReadOnlyList<UnmatchedRow>> UnmatchedAsync(int take, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        return await (from u in db.UnmatchedRecords.AsNoTracking()
                      join c in db.Connections on u.ConnectionId equals c.Id
                      where u.ResolvedAt == null
                      orderby u.LastSeenAt descending
                      select new UnmatchedRow(u.Id, c.Name, u.Kind, u.ExternalId, u.ClientExternalId, u.SourceLocationId, u.Reason, u.FirstSeenAt, u.LastSeenAt))
            .Take(take).ToListAsync(ct);
    }

    /// <summary>Merges the suggestion's other client into <paramref name="keptClientId"/>.</summary>
    public Task<CommandResult> MergeAsync(long suggestionId, int version, int keptClientId, AuditActor actor, CancellationToken ct = default) =>
        commands.RunAsync(actor, Policies.ManageConnections, async command =>
        {
            var db = command.Db;
            var suggestion = await OpenSuggestionAsync(db, suggestionId, version, ct);
            if (keptClientId != suggestion.ClientId && keptClientId != suggestion.OtherClientId)
            {
                throw CommandContext.Refuse("Keep one of the two clients of the suggestion.");
            }
            var duplicateId = keptClientId == suggestion.ClientId ? suggestion.OtherClientId : suggestion.ClientId;
            var kept = await db.Clients.SingleOrDefaultAsync(c => c.Id == keptClientId, ct) ?? throw CommandContext.Refuse("That client no longer exists.");
            var duplicate = await db.Clients.SingleOrDefaultAsync(c => c.Id == duplicateId, ct) ?? throw CommandContext.Refuse("That client no longer exists.");
            if (kept.MergedIntoClientId is not null || duplicate.MergedIntoClientId is not null)
            {
                throw CommandContext.Refuse("One of the two was merged into another client since; undo that merge first.");
            }
            var record = new MergeRecordJson(duplicateId, keptClientId,
                await db.Visits.Where(v => v.ClientId == duplicateId).Select(v => v.Id).ToListAsync(ct),
                await db.VisitReturns.Where(r => r.ClientId == duplicateId).Select(r => r.Id).ToListAsync(ct),
                await db.LedgerEntries.Where(e => e.ClientId == duplicateId).Select(e => e.Id).ToListAsync(ct),
                duplicate.PointsBalance);
            if (duplicate.LastVisitAt is { } last)
            {
                kept.NoteVisit(last);
            }
            duplicate.MarkMergedInto(keptClientId);
            suggestion.Merged(keptClientId, JsonSerializer.Serialize(record), actor.Name, command.Now);
            // Saved first: the balances are a concurrency token, and the moves below change them in SQL.
            await command.SaveAsync();
            await MoveAsync(db, record.Visits, record.Returns, record.Ledger, keptClientId, ct);
            await MovePointsAsync(db, from: duplicate.Id, to: kept.Id, record.Points, ct);
            await command.AuditAsync("client.merged", "Client", Id(duplicateId), new { duplicate = duplicate.DisplayName, duplicate.Source, duplicate.ExternalId },
                new { mergedInto = keptClientId, kept = kept.DisplayName, visits = record.Visits.Count, returns = record.Returns.Count, ledgerEntries = record.Ledger.Count, record.Points, suggestion = suggestion.Id });
            return $"{duplicate.DisplayName} ({duplicate.Source}) merged into {kept.DisplayName}: {record.Visits.Count} visits and {record.Points} points moved.";
        }, ct: ct);

    /// <summary>Undoes a merge: every moved row goes back, the points too, and the duplicate is a client of its own again.</summary>
    public Task<CommandResult> UndoAsync(long suggestionId, int version, AuditActor actor, CancellationToken ct = default) =>
        commands.RunAsync(actor, Policies.ManageConnections, async command =>
        {
            var db = command.Db;
            var suggestion = await db.MergeSuggestions.SingleOrDefaultAsync(m => m.Id == suggestionId, ct) ?? throw CommandContext.Refuse("This suggestion no longer exists.");
            if (suggestion.Version != version)
            {
                throw CommandContext.Refuse(CommandRunner.ConflictMessage);
            }
            if (suggestion.Status != MergeStatus.Merged || suggestion.MergeRecord is null)
            {
                throw CommandContext.Refuse("Only a merge can be undone.");
            }
            var record = JsonSerializer.Deserialize<MergeRecordJson>(suggestion.MergeRecord)!;
            var duplicate = await db.Clients.SingleAsync(c => c.Id == record.Duplicate, ct);
            duplicate.Unmerge();
            suggestion.Undone(actor.Name, command.Now);
            await command.SaveAsync();
            await MoveAsync(db, record.Visits, record.Returns, record.Ledger, record.Duplicate, ct);
            await MovePointsAsync(db, from: record.Kept, to: record.Duplicate, record.Points, ct);
            await command.AuditAsync("client.merge-undone", "Client", Id(record.Duplicate), new { mergedInto = record.Kept },
                new { visits = record.Visits.Count, returns = record.Returns.Count, ledgerEntries = record.Ledger.Count, record.Points, suggestion = suggestion.Id });
            return $"Merge undone: {duplicate.DisplayName} is a client of their own again.";
        }, ct: ct);

    public Task<CommandResult> DismissAsync(long suggestionId, int version, AuditActor actor, CancellationToken ct = default) =>
        commands.RunAsync(actor, Policies.ManageConnections, async command =>
        {
            var suggestion = await OpenSuggestionAsync(command.Db, suggestionId, version, ct);
            suggestion.Dismissed(actor.Name, command.Now);
            await command.SaveAsync();
            await command.AuditAsync("client.merge-dismissed", "MergeSuggestion", suggestion.Id.ToString(CultureInfo.InvariantCulture), null,
                new { suggestion.ClientId, suggestion.OtherClientId, suggestion.Reason });
            return "Dismissed: these two stay separate clients.";
        }, ct: ct);

    private static async Task<MergeSuggestion> OpenSuggestionAsync(ApplicationDbContext db, long id, int version, CancellationToken ct)
    {
        var suggestion = await db.MergeSuggestions.SingleOrDefaultAsync(m => m.Id == id, ct) ?? throw CommandContext.Refuse("This suggestion no longer exists.");
        if (suggestion.Version != version)
        {
            throw CommandContext.Refuse(CommandRunner.ConflictMessage);
        }
        return suggestion.Status == MergeStatus.Open ? suggestion : throw CommandContext.Refuse($"This suggestion was already {suggestion.Status.ToString().ToLowerInvariant()}.");
    }

    private static async Task MoveAsync(ApplicationDbContext db, List<long> visits, List<long> returns, List<long> ledger, int toClientId, CancellationToken ct)
    {
        await db.Visits.Where(v => visits.Contains(v.Id)).ExecuteUpdateAsync(s => s.SetProperty(v => v.ClientId, toClientId), ct);
        await db.VisitReturns.Where(r => returns.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.ClientId, toClientId), ct);
        await db.LedgerEntries.Where(e => ledger.Contains(e.Id)).ExecuteUpdateAsync(s => s.SetProperty(e => e.ClientId, toClientId), ct);
    }

    private static async Task MovePointsAsync(ApplicationDbContext db, int from, int to, int points, CancellationToken ct)
    {
        // In SQL, not through the tracked entities: the balances stay the sums of the ledger rows that were just moved.
        await db.Clients.Where(c => c.Id == from).ExecuteUpdateAsync(s => s.SetProperty(c => c.PointsBalance, c => c.PointsBalance - points), ct);
        await db.Clients.Where(c => c.Id == to).ExecuteUpdateAsync(s => s.SetProperty(c => c.PointsBalance, c => c.PointsBalance + points), ct);
    }

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
