using System.Text.Json;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Features.Clients;
using LoyaltyConsole.Identity;

namespace LoyaltyConsole.Review;

public enum ReviewTab
{
    TierChanges,
    Sms,
    HighValue,
}

/// <summary>Narrows a tab: by location, workflow, segment the client is in, and how long the proposal has waited.</summary>
public sealed record ReviewFilter(bool FlaggedOnly = false, int? LocationId = null, int? WorkflowId = null, int? SegmentId = null, int? MinAgeDays = null);

public sealed record ReviewItem(
    Proposal Proposal, string Workflow, string ClientFirstName, string Tier, string Location, string TimeZoneId, string? RewardName,
    IReadOnlyList<string> OfferTokens, IReadOnlyDictionary<string, string> Evidence);

/// <summary>The open proposals a reviewer may decide, by tab, newest first, filtered to the reviewer's locations in the query.</summary>
public sealed class ReviewQueue(IDbContextFactory<ApplicationDbContext> dbFactory, TimeProvider clock)
{
    private static readonly ProposalStatus[] Open = [ProposalStatus.PendingReview, ProposalStatus.Blocked];

    public async Task<IReadOnlyDictionary<ReviewTab, int>> CountsAsync(AccessScope scope, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = new Dictionary<ReviewTab, int>();
        foreach (var tab in Enum.GetValues<ReviewTab>())
        {
            counts[tab] = await OfTab(Scoped(db, scope), tab).CountAsync(ct);
        }
        return counts;
    }

    public async Task<Page<ReviewItem>> ListAsync(AccessScope scope, ReviewTab tab, ReviewFilter filter, int page, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var proposals = OfTab(Scoped(db, scope), tab);
        if (filter.FlaggedOnly)
        {
            proposals = proposals.Where(p => p.Status == ProposalStatus.Blocked || p.DraftFlagged);
        }
        if (filter.LocationId is { } locationId)
        {
            proposals = proposals.Where(p => p.LocationId == locationId);
        }
        if (filter.WorkflowId is { } workflowId)
        {
            proposals = proposals.Where(p => p.WorkflowId == workflowId);
        }
        if (filter.SegmentId is { } segmentId)
        {
            proposals = proposals.Where(p => db.SegmentMemberships.Any(m => m.ClientId == p.ClientId && m.SegmentId == segmentId && m.ExitedOn == null));
        }
        if (filter.MinAgeDays is { } days)
        {
            var before = clock.GetUtcNow().UtcDateTime.AddDays(-days);
            proposals = proposals.Where(p => p.CreatedAt <= before);
        }
        var total = await proposals.CountAsync(ct);
        var rows = await (from p in proposals
                          join w in db.Workflows on p.WorkflowId equals w.Id
                          join c in db.Clients on p.ClientId equals c.Id
                          join l in db.Locations on p.LocationId equals l.Id
                          join t in db.Tiers on c.TierId equals t.Id into tiers
                          from t in tiers.DefaultIfEmpty()
                          join r in db.Rewards on p.RewardId equals r.Id into rewards
                          from r in rewards.DefaultIfEmpty()
                          orderby p.Id descending
                          select new { p, Workflow = w.Name, c.FirstName, Tier = t == null ? "—" : t.Name, Location = l.Name, l.TimeZoneId, Reward = r })
            .Skip(page * pageSize).Take(pageSize).ToListAsync(ct);
        return new Page<ReviewItem>(rows.Select(x => new ReviewItem(x.p, x.Workflow, x.FirstName, x.Tier, x.Location, x.TimeZoneId, x.Reward?.Name, x.Reward?.OfferTokens ?? [], Evidence(x.p.EvidenceJson))).ToList(), total);
    }

    public async Task<(IReadOnlyList<(int Id, string Name)> Workflows, IReadOnlyList<(int Id, string Name)> Segments)> FilterOptionsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var workflows = (await db.Workflows.AsNoTracking().OrderBy(w => w.Name).Select(w => new { w.Id, w.Name }).ToListAsync(ct)).Select(w => (w.Id, w.Name)).ToList();
        var segments = (await db.Segments.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct)).Select(s => (s.Id, s.Name)).ToList();
        return (workflows, segments);
    }

    /// <summary>Tier names by id, so evidence that carries tier ids reads as names.</summary>
    public async Task<IReadOnlyDictionary<int, string>> TierNamesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Tiers.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
    }

    private static IQueryable<Proposal> OfTab(IQueryable<Proposal> proposals, ReviewTab tab) => tab switch
    {
        ReviewTab.TierChanges => proposals.Where(p => p.Kind == WorkflowKind.TierChange),
        ReviewTab.Sms => proposals.Where(p => p.Kind != WorkflowKind.TierChange && p.DraftText != null && !p.RequiresReview),
        _ => proposals.Where(p => p.Kind != WorkflowKind.TierChange && (p.RequiresReview || p.DraftText == null)),
    };

    private static IQueryable<Proposal> Scoped(ApplicationDbContext db, AccessScope scope)
    {
        var open = db.Proposals.AsNoTracking().Where(p => Open.Contains(p.Status));
        if (scope.AllLocations)
        {
            return open;
        }
        var ids = scope.LocationIds.ToList();
        return open.Where(p => ids.Contains(p.LocationId));
    }

    /// <summary>The evidence a reviewer reads, flattened to label → value.</summary>
    private static Dictionary<string, string> Evidence(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject()
            .Where(p => p.Value.ValueKind is not JsonValueKind.Null)
            .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.Array
                ? string.Join(", ", p.Value.EnumerateArray().Select(e => e.ToString()))
                : p.Value.ToString());
    }
}
