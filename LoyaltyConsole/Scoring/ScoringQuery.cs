using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Scoring;
using LoyaltyConsole.Domain.Segments;
using LoyaltyConsole.Features.Clients;
using LoyaltyConsole.Identity;

namespace LoyaltyConsole.Scoring;

public sealed record SegmentSize(DateOnly AsOf, int Members);

public sealed record SegmentOverview(
    SegmentDefinition Definition, int Members, int? EnteredLastRun, int? ExitedLastRun, IReadOnlyList<SegmentSize> Trend);

public sealed record SegmentMemberRow(
    int ClientId, string Name, string LocationName, DateOnly EnteredOn, double ProbabilityAlive, long PredictedValueMinor,
    string Currency, int DaysSinceLastVisit, string RfmSegment, int Visits12Months);

public sealed record ClientSegmentView(string Segment, DateOnly EnteredOn, IReadOnlyList<string> Reasons);

public sealed record ClientScoreView(
    ClientScore Score, string ModelVersion, string? FavouriteStaff, string? EligibleTier, string? NextTier, string RfmSegmentName,
    IReadOnlyList<ClientSegmentView> Segments);

public sealed record SegmentForm(string Name, string Description, bool IsActive, SegmentRule Rule);

/// <summary>Read side of scoring for pages, filtered by the caller's <see cref="AccessScope"/>.</summary>
public sealed class ScoringQuery(IDbContextFactory<ApplicationDbContext> dbFactory)
{
    public async Task<IReadOnlyList<SegmentOverview>> SegmentsAsync(AccessScope scope, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var definitions = await db.Segments.AsNoTracking().OrderBy(s => s.Id).ToListAsync(ct);
        var runs = await db.SegmentationRuns.AsNoTracking().OrderByDescending(r => r.Id).Take(30).Include(r => r.Segments).ToListAsync(ct);
        var last = runs.FirstOrDefault();
        var sizes = await SizesFromRunAsync(db, last, scope, ct);
        var uncounted = definitions.Select(d => d.Id).Where(id => !sizes.ContainsKey(id)).ToList();
        if (uncounted.Count > 0)
        {
            var live = await Scoped(db, scope).Where(m => m.ExitedOn == null && uncounted.Contains(m.SegmentId))
                .GroupBy(m => m.SegmentId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
            foreach (var size in live)
            {
                sizes[size.Key] = size.Count;
            }
        }
        return definitions.Select(d => new SegmentOverview(
            d,
            sizes.GetValueOrDefault(d.Id),
            last?.Segments.FirstOrDefault(s => s.SegmentId == d.Id)?.Entered,
            last?.Segments.FirstOrDefault(s => s.SegmentId == d.Id)?.Exited,
            runs.AsEnumerable().Reverse()
                .Select(r => (r.AsOf, Count: r.Segments.FirstOrDefault(s => s.SegmentId == d.Id)?.Members))
                .Where(x => x.Count is not null)
                .Select(x => new SegmentSize(x.AsOf, x.Count!.Value))
                .ToList())).ToList();
    }

    public async Task<Page<SegmentMemberRow>> MembersAsync(AccessScope scope, int segmentId, int page, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var latest = await db.ClientScores.MaxAsync(s => (DateOnly?)s.AsOf, ct);
        var members = Scoped(db, scope).Where(m => m.SegmentId == segmentId && m.ExitedOn == null);
        var last = await db.SegmentationRuns.AsNoTracking().OrderByDescending(r => r.Id).Include(r => r.Segments).FirstOrDefaultAsync(ct);
        // The same count as the segment's size on the page: the last run's, where joining a hundred thousand open
        // memberships to a manager's clients took half a second.
        var counted = (await SizesFromRunAsync(db, last, scope, ct)).TryGetValue(segmentId, out var total);
        if (!counted)
        {
            total = await members.CountAsync(ct);
        }
        var skip = page * pageSize;
        if (counted && skip + pageSize <= last!.TopMembersKept)
        {
            // A first page is among the most valuable members the run kept per location: the page's clients are those,
            // in the grid's order, and the rows below are read for them alone.
            var locationIds = scope.LocationIds.ToList();
            var clientIds = await db.Set<SegmentRunTopMember>().AsNoTracking()
                .Where(t => t.RunId == last.Id && t.SegmentId == segmentId && (scope.AllLocations || locationIds.Contains(t.LocationId)))
                .OrderByDescending(t => t.PredictedValueMinor).ThenBy(t => t.ClientId)
                .Skip(skip).Take(pageSize)
                .Select(t => t.ClientId)
                .ToListAsync(ct);
            members = members.Where(m => clientIds.Contains(m.ClientId));
            skip = 0;
        }
        var rows = await (
                from m in members
                join c in db.Clients on m.ClientId equals c.Id
                join l in db.Locations on c.HomeLocationId equals l.Id
                join s in db.ClientScores on new { m.ClientId, AsOf = latest!.Value } equals new { s.ClientId, s.AsOf }
                orderby s.PredictedValueMinor descending, s.ClientId
                select new SegmentMemberRow(c.Id, c.FirstName + " " + c.LastName, l.Name, m.EnteredOn, s.ProbabilityAlive,
                    s.PredictedValueMinor, l.Currency, s.DaysSinceLastVisit, s.RfmSegment, s.Visits12Months))
            .Skip(skip).Take(pageSize).ToListAsync(ct);
        return new Page<SegmentMemberRow>(rows, total);
    }

    /// <summary>
    /// The sizes, as the caller may see them, of the segments the last run counted. Only a segmentation run opens and
    /// closes memberships, and it records its members per segment and home location: those are the open memberships,
    /// where counting a million of them against the caller's locations took seconds. Segments it did not run (inactive,
    /// or new since) are missing, as are all of them after a run that predates the per-location counts: those are
    /// counted live. (A client deleted since the run is counted until the next one.)
    /// </summary>
    private static async Task<Dictionary<int, int>> SizesFromRunAsync(ApplicationDbContext db, SegmentationRun? last, AccessScope scope, CancellationToken ct)
    {
        if (last is null)
        {
            return [];
        }
        var fromRun = await db.Set<SegmentRunLocationCount>().AsNoTracking().Where(c => c.RunId == last.Id).ToListAsync(ct);
        if (fromRun.Count == 0 && last.Segments.Any(s => s.Members > 0))
        {
            return [];
        }
        var sizes = last.Segments.ToDictionary(s => s.SegmentId, _ => 0);
        foreach (var count in fromRun.Where(c => scope.CanSee(c.LocationId)))
        {
            sizes[count.SegmentId] = sizes.GetValueOrDefault(count.SegmentId) + count.Members;
        }
        return sizes;
    }

    /// <summary>The client's latest scores and, in words, why they are in each segment; null when out of scope or unscored.</summary>
    public async Task<ClientScoreView?> ClientAsync(AccessScope scope, int clientId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var score = await db.ClientScores.AsNoTracking()
            .Where(s => s.ClientId == clientId)
            .OrderByDescending(s => s.AsOf)
            .FirstOrDefaultAsync(ct);
        if (score is null || !scope.CanSee(score.HomeLocationId))
        {
            return null;
        }
        var currency = await db.Locations.Where(l => l.Id == score.HomeLocationId).Select(l => l.Currency).SingleAsync(ct);
        var version = await db.ModelFits.Where(f => f.Id == score.ModelFitId).Select(f => f.Version).SingleAsync(ct);
        var tiers = await db.Tiers.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var staff = score.FavouriteStaffId is { } staffId
            ? await db.Staff.Where(s => s.Id == staffId).Select(s => s.FirstName + " " + s.LastName).SingleOrDefaultAsync(ct)
            : null;
        var input = SegmentationService.ToSegmentInput(score, currency);
        var segments = await (
                from m in db.SegmentMemberships
                join d in db.Segments on m.SegmentId equals d.Id
                where m.ClientId == clientId && m.ExitedOn == null
                orderby d.Id
                select new { d, m.EnteredOn })
            .ToListAsync(ct);
        return new ClientScoreView(
            score, version, staff,
            score.EligibleTierId is { } e ? tiers.GetValueOrDefault(e) : null,
            score.NextTierId is { } n ? tiers.GetValueOrDefault(n) : null,
            Enum.TryParse<RfmSegment>(score.RfmSegment, out var rfm) ? Rfm.DisplayName(rfm) : score.RfmSegment,
            segments.Select(s => new ClientSegmentView(s.d.Name, s.EnteredOn, s.d.Rule.Explain(input))).ToList());
    }

    public async Task<IReadOnlyList<ModelFit>> ModelFitsAsync(int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ModelFits.AsNoTracking().OrderByDescending(f => f.AsOf).Take(take).ToListAsync(ct);
    }

    /// <summary>
    /// Fits the models on the business's own history up to <paramref name="holdoutDays"/> before its last visit and
    /// compares predicted with actual visits in those last days.
    /// </summary>
    public async Task<BacktestResult> BacktestAsync(int holdoutDays, CancellationToken ct = default)
    {
        if (holdoutDays is < 28 or > 365)
        {
            throw new ArgumentOutOfRangeException(nameof(holdoutDays), "The holdout window must be between 28 and 365 days.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var last = await db.Visits.MaxAsync(v => (DateTime?)v.OccurredAt, ct)
            ?? throw new InvalidOperationException("There are no visits to test the models on yet.");
        var holdoutEnd = DateOnly.FromDateTime(last);
        var transactions = new List<Transaction>();
        await foreach (var v in db.Visits.AsNoTracking().Select(v => new { v.ClientId, v.OccurredAt, v.TotalMinor }).AsAsyncEnumerable().WithCancellation(ct))
        {
            transactions.Add(new Transaction(v.ClientId.ToString(System.Globalization.CultureInfo.InvariantCulture), DateOnly.FromDateTime(v.OccurredAt), v.TotalMinor / 100.0));
        }
        return Backtest.Run(transactions, holdoutEnd.AddDays(-holdoutDays), holdoutEnd);
    }

    private static IQueryable<SegmentMembership> Scoped(ApplicationDbContext db, AccessScope scope) =>
        scope.AllLocations
            ? db.SegmentMemberships.AsNoTracking()
            : from m in db.SegmentMemberships.AsNoTracking()
              join c in db.Clients.VisibleTo(scope) on m.ClientId equals c.Id
              select m;
}
