using System.Diagnostics;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Loyalty;
using LoyaltyConsole.Domain.Scoring;
using LoyaltyConsole.Domain.Segments;
using LoyaltyConsole.Domain.Visits;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Scoring;

public sealed record SegmentMovement(int SegmentId, string Segment, int Members, int Entered, int Exited);

public sealed record SegmentationSummary(long RunId, DateOnly AsOf, int ClientsScored, ModelFit Fit, IReadOnlyList<SegmentMovement> Segments, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"{ClientsScored:N0} clients scored as of {AsOf:yyyy-MM-dd} with {Fit.Version} in {Elapsed.TotalSeconds:N1} s; " +
        string.Join("; ", Segments.Select(s => $"{s.Segment}: {s.Members:N0} (+{s.Entered}/-{s.Exited})"));
}

/// <summary>
/// Scores and segments every client as of a day: per-client features aggregated in the database, BG/NBD and
/// Gamma-Gamma fitted on the whole business, each client scored, memberships opened and closed. Running the same
/// day twice on the same data changes nothing: scores for the day are replaced by identical ones and memberships
/// only move when a client's match changes.
/// </summary>
public sealed class SegmentationService(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    CommandRunner commands,
    IOptions<ScoringOptions> options,
    TimeProvider clock,
    ILogger<SegmentationService> logger)
{
    private const double DaysPerWeek = 7.0;

    // Clients scored, written and matched against the segments per range of this many, so that what a run holds per
    // visit, line, score and membership does not grow with the business; only the fit's and RFM's inputs are whole.
    private const int ChunkSize = 50_000;

    private readonly record struct ClientFacts(
        int ClientId, int HomeLocationId, int PointsBalance, int? TierId, int Visits, DateTime First, DateTime Last,
        long TotalMinor, int Visits12, long Spend12);

    /// <summary>The per-client features of one range of client ids that the fit does not need.</summary>
    private sealed record ChunkFeatures(
        Dictionary<int, int> RetailVisits, Dictionary<int, string> FavouriteCategory, Dictionary<int, int> FavouriteStaff,
        Dictionary<int, string> TopBrand, Dictionary<int, LapseEstimate> Lapse);

    public async Task<SegmentationSummary> RunAsync(DateOnly asOf, string triggeredBy, CancellationToken ct = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var settings = options.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ChangeTracker.AutoDetectChangesEnabled = false;

        var latest = await db.SegmentationRuns.MaxAsync(r => (DateOnly?)r.AsOf, ct);
        if (latest > asOf)
        {
            throw new InvalidOperationException($"Segmentation already ran for a later day ({latest:yyyy-MM-dd}); runs only move forward in time.");
        }
        await EnsureDefaultSegmentsAsync(db, ct);

        var end = asOf.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        void Stage(string what) => logger.LogInformation("Segmentation {AsOf:yyyy-MM-dd}: {Stage} after {Elapsed:N1} s", asOf, what, stopwatch.Elapsed.TotalSeconds);
        var facts = await LoadFactsAsync(db, end, ct);
        Stage($"features of {facts.Count:N0} clients aggregated");
        if (facts.Count == 0)
        {
            throw new InvalidOperationException("There are no visits to learn from yet; sync or seed data first.");
        }
        var currencies = await db.Locations.ToDictionaryAsync(l => l.Id, l => l.Currency, ct);
        var tiers = await db.Tiers.AsNoTracking().ToListAsync(ct);
        var tiersById = tiers.ToDictionary(t => t.Id);
        var segments = await db.Segments.AsNoTracking().Where(s => s.IsActive).OrderBy(s => s.Id).ToListAsync(ct);

        // The models see weeks, as in the literature; x = repeat visits, t_x and T from the first visit. Times are whole
        // days (visits are daily events), which also lets the fit group identical histories instead of evaluating each client.
        var summaries = facts.Select(f => new CustomerSummary(
            f.Visits - 1, WholeDays(f.Last - f.First) / DaysPerWeek, WholeDays(end - f.First) / DaysPerWeek)).ToArray();
        var bgNbd = BgNbdModel.Fit(summaries);
        var meanSpends = facts.Select(f => (double)f.TotalMinor / f.Visits).ToArray();
        var gammaGamma = GammaGammaModel.Fit(summaries.Select(s => s.Frequency).ToArray(), meanSpends);
        Stage($"models fitted ({bgNbd.Iterations} and {gammaGamma.Iterations} iterations)");

        EnsureFinite(bgNbd.Parameters.R, bgNbd.Parameters.Alpha, bgNbd.Parameters.A, bgNbd.Parameters.B, bgNbd.LogLikelihood);
        EnsureFinite(gammaGamma.Parameters.P, gammaGamma.Parameters.Q, gammaGamma.Parameters.Gamma, gammaGamma.LogLikelihood);

        var recency = facts.Select(f => (end - f.Last).TotalDays).ToArray();
        var frequency = facts.Select(f => (double)f.Visits).ToArray();
        var monetary = facts.Select(f => (double)f.TotalMinor).ToArray();
        var rfm = settings.RfmPerLocation
            ? RfmPerLocation(facts.Select(f => f.HomeLocationId).ToArray(), recency, frequency, monetary)
            : Rfm.Score(recency, frequency, monetary);

        // The fit's inputs above, and each range's features below (through reader), are read outside the command's
        // transaction; the scores, memberships and run are written in it.
        ModelFit fit = null!;
        var reader = db;
        IReadOnlyList<SegmentMovement> movements = null!;
        SegmentationRun run = null!;
        var result = await commands.RunAsync(Auditing.AuditActor.System, policy: null, async command =>
        {
            var db = command.Db;
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            fit = await SaveFitAsync(db, asOf, bgNbd, gammaGamma, facts.Count, ct);

            var horizonWeeks = settings.ValueHorizonMonths * 52.1775 / 12;
            var monthlyDiscount = Math.Pow(1 + settings.AnnualDiscountRate, 1.0 / 12) - 1;
            await db.ClientScores.Where(s => s.AsOf == asOf).ExecuteDeleteAsync(ct);
            // Each segment's matching clients, in ascending id order as the ranges come.
            var matching = segments.ToDictionary(s => s.Id, _ => new List<int>());
            var perLocation = new Dictionary<(int Segment, int Location), int>();
            for (var from = 0; from < facts.Count; from += ChunkSize)
            {
                var count = Math.Min(ChunkSize, facts.Count - from);
                var features = await LoadChunkAsync(reader, end, facts[from].ClientId, facts[from + count - 1].ClientId, ct);
                var chunk = new List<ClientScore>(count);
                for (var i = from; i < from + count; i++)
                {
                    var f = facts[i];
                    var s = summaries[i];
                    var currency = currencies[f.HomeLocationId];
                    var value = CustomerLifetimeValue.Compute(bgNbd.Parameters, gammaGamma.Parameters, s.Frequency, s.Recency, s.Age, meanSpends[i],
                        horizonWeeks, settings.ValueHorizonMonths, monthlyDiscount);
                    var current = f.TierId is { } tierId ? tiersById[tierId] : null;
                    var evaluation = tiers.Count == 0 ? null : TierEligibility.Evaluate(tiers, f.Visits12, f.Spend12, currency,
                        (long)Math.Round(value), settings.TierClvBoostMinor);
                    var next = tiers.Where(t => t.Rank > (evaluation?.Target.Rank ?? int.MaxValue)).OrderBy(t => t.Rank).FirstOrDefault();
                    var lapseEstimate = features.Lapse.GetValueOrDefault(f.ClientId);
                    var expiresAt = f.Last.AddDays(settings.PointsExpireAfterDaysIdle);
                    var expiring = f.PointsBalance > 0 && expiresAt > end && expiresAt <= end.AddDays(30) ? f.PointsBalance : 0;
                    var score = new ClientScore
                    {
                        ClientId = f.ClientId,
                        AsOf = asOf,
                        ModelFitId = fit.Id,
                        HomeLocationId = f.HomeLocationId,
                        Visits = f.Visits,
                        DaysSinceLastVisit = (int)Math.Floor(recency[i]),
                        TenureDays = (int)Math.Floor((end - f.First).TotalDays),
                        AverageSpendMinor = f.TotalMinor / f.Visits,
                        Visits12Months = f.Visits12,
                        Spend12MonthsMinor = f.Spend12,
                        MeanIntervalDays = lapseEstimate?.MeanIntervalDays,
                        IntervalStdDevDays = lapseEstimate?.IntervalStdDevDays,
                        LapseAfter = lapseEstimate?.OverdueAfterUtc,
                        IsOverdue = lapseEstimate?.IsOverdue(end) ?? false,
                        FavouriteCategory = features.FavouriteCategory.GetValueOrDefault(f.ClientId),
                        FavouriteStaffId = features.FavouriteStaff.TryGetValue(f.ClientId, out var staff) ? staff : null,
                        RetailAttachRate = (double)features.RetailVisits.GetValueOrDefault(f.ClientId) / f.Visits,
                        TopBrand = features.TopBrand.GetValueOrDefault(f.ClientId),
                        PointsBalance = f.PointsBalance,
                        PointsExpiring30Days = expiring,
                        PointsToNextReward = Math.Max(0, settings.RewardThresholdPoints - f.PointsBalance),
                        ProbabilityAlive = bgNbd.Parameters.ProbabilityAlive(s.Frequency, s.Recency, s.Age),
                        ExpectedVisits90Days = bgNbd.Parameters.ExpectedTransactions(settings.ExpectedVisitsDays / DaysPerWeek, s.Frequency, s.Recency, s.Age),
                        PredictedValueMinor = (long)Math.Round(value),
                        RfmRecency = rfm[i].Recency,
                        RfmFrequency = rfm[i].Frequency,
                        RfmMonetary = rfm[i].Monetary,
                        RfmSegment = Rfm.Classify(rfm[i]).ToString(),
                        EligibleTierId = evaluation?.Target.Id,
                        NextTierId = next?.Id,
                        EligibleForTierUpgrade = evaluation is not null && (current is null || evaluation.Target.Rank > current.Rank),
                        TierRationale = Truncate(evaluation?.Rationale ?? "No tiers are defined.", 500),
                    };
                    if (!double.IsFinite(score.ProbabilityAlive) || !double.IsFinite(score.ExpectedVisits90Days) || !double.IsFinite(value))
                    {
                        throw new InvalidOperationException(
                            $"The model gave no finite score for client {f.ClientId} (x={s.Frequency}, t_x={s.Recency:0.###}, T={s.Age:0.###}, " +
                            $"P(alive)={score.ProbabilityAlive}, E[90d]={score.ExpectedVisits90Days}, value={value}, model {bgNbd.Parameters}); nothing was saved.");
                    }
                    chunk.Add(score);
                    var input = ToSegmentInput(score, currency);
                    foreach (var segment in segments)
                    {
                        if (segment.Rule.Matches(input))
                        {
                            matching[segment.Id].Add(f.ClientId);
                            perLocation[(segment.Id, f.HomeLocationId)] = perLocation.GetValueOrDefault((segment.Id, f.HomeLocationId)) + 1;
                        }
                    }
                }
                await SaveScoresAsync(db, chunk, ct);
                Stage($"{from + count:N0} of {facts.Count:N0} clients scored and saved");
            }

            movements = await MoveMembershipsAsync(db, asOf, segments, matching, ct);
            run = new SegmentationRun
            {
                AsOf = asOf,
                StartedAt = clock.GetUtcNow().UtcDateTime - stopwatch.Elapsed,
                FinishedAt = clock.GetUtcNow().UtcDateTime,
                ClientsScored = facts.Count,
                ModelFitId = fit.Id,
                TriggeredBy = Truncate(triggeredBy, 256),
                Segments = movements.Select(m => new SegmentRunCount { SegmentId = m.SegmentId, Members = m.Members, Entered = m.Entered, Exited = m.Exited }).ToList(),
                LocationCounts = perLocation.OrderBy(p => p.Key).Select(p => new SegmentRunLocationCount { SegmentId = p.Key.Segment, LocationId = p.Key.Location, Members = p.Value }).ToList(),
            };
            db.SegmentationRuns.Add(run);
            await db.SaveChangesAsync(ct);
            return "Scored.";
        }, ct: ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Segmentation was not saved: " + result.Message);
        }

        var summary = new SegmentationSummary(run.Id, asOf, facts.Count, fit, movements, stopwatch.Elapsed);
        logger.LogInformation("Segmentation: {Summary}", summary);
        return summary;
    }

    public static SegmentInput ToSegmentInput(ClientScore s, string currency) => new(
        s.DaysSinceLastVisit, s.TenureDays, s.Visits12Months, s.Spend12MonthsMinor, s.RetailAttachRate, s.ProbabilityAlive,
        s.PredictedValueMinor, s.IsOverdue, s.PointsExpiring30Days, s.PointsToNextReward, s.EligibleForTierUpgrade, currency);

    /// <summary>A business starts with the default segments; after that the marketing lead's definitions are the truth.</summary>
    private async Task EnsureDefaultSegmentsAsync(ApplicationDbContext db, CancellationToken ct)
    {
        if (!await db.Segments.AnyAsync(ct))
        {
            db.Segments.AddRange(SegmentDefinition.Defaults(clock.GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>Every client's visit aggregates, in client id order, streamed from one grouped query.</summary>
    private static async Task<List<ClientFacts>> LoadFactsAsync(ApplicationDbContext db, DateTime end, CancellationToken ct)
    {
        var yearAgo = end.AddYears(-1);
        var aggregates = db.Visits.AsNoTracking()
            .Where(v => v.OccurredAt < end)
            .GroupBy(v => v.ClientId)
            .Select(g => new
            {
                ClientId = g.Key,
                Count = g.Count(),
                First = g.Min(v => v.OccurredAt),
                Last = g.Max(v => v.OccurredAt),
                Total = g.Sum(v => v.TotalMinor),
                Visits12 = g.Sum(v => v.OccurredAt >= yearAgo ? 1 : 0),
                Spend12 = g.Sum(v => v.OccurredAt >= yearAgo ? v.TotalMinor : 0),
            });
        var rows = from c in db.Clients.AsNoTracking()
                   join a in aggregates on c.Id equals a.ClientId
                   orderby c.Id
                   select new ClientFacts(c.Id, c.HomeLocationId, c.PointsBalance, c.TierId, a.Count, a.First, a.Last, a.Total, a.Visits12, a.Spend12);
        var facts = new List<ClientFacts>();
        await foreach (var f in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            facts.Add(f);
        }
        return facts;
    }

    /// <summary>Retail visits, favourites and rhythms of the clients with ids from <paramref name="first"/> to <paramref name="last"/>.</summary>
    private static async Task<ChunkFeatures> LoadChunkAsync(ApplicationDbContext db, DateTime end, int first, int last, CancellationToken ct)
    {
        var visits = db.Visits.AsNoTracking().Where(v => v.OccurredAt < end && v.ClientId >= first && v.ClientId <= last);
        var retail = await visits
            .Where(v => v.Lines.Any(l => l.Kind == LineKind.Retail))
            .GroupBy(v => v.ClientId)
            .Select(g => new { ClientId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(r => r.ClientId, r => r.Count, ct);
        return new ChunkFeatures(
            retail,
            await ModeAsync(db, visits, LineKind.Service, ct),
            await StaffModeAsync(db, visits, ct),
            await ModeAsync(db, visits, LineKind.Retail, ct),
            await LapseAsync(visits, ct));
    }

    /// <summary>The most frequent value of a line attribute per client (ties: alphabetical), counted in the database.</summary>
    /// <remarks>Service lines count by category (favourite service); retail lines by brand (brand affinity).</remarks>
    private static async Task<Dictionary<int, string>> ModeAsync(ApplicationDbContext db, IQueryable<Visit> visits, LineKind kind, CancellationToken ct)
    {
        var counts = await (
                from l in db.VisitLines.AsNoTracking().Where(l => l.Kind == kind)
                join v in visits on l.VisitId equals v.Id
                select new { v.ClientId, Line = l })
            .Select(x => new { x.ClientId, Value = kind == LineKind.Retail ? x.Line.Brand : x.Line.Category })
            .Where(x => x.Value != null)
            .GroupBy(x => new { x.ClientId, x.Value })
            .Select(g => new { g.Key.ClientId, g.Key.Value, Count = g.Count() })
            .ToListAsync(ct);
        return counts
            .GroupBy(c => c.ClientId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal).First().Value!);
    }

    private static async Task<Dictionary<int, int>> StaffModeAsync(ApplicationDbContext db, IQueryable<Visit> visits, CancellationToken ct)
    {
        var counts = await (
                from l in db.VisitLines.AsNoTracking()
                join v in visits on l.VisitId equals v.Id
                where l.Kind == LineKind.Service && l.StaffId != null
                group l by new { v.ClientId, l.StaffId } into g
                select new { g.Key.ClientId, StaffId = g.Key.StaffId!.Value, Count = g.Count() })
            .ToListAsync(ct);
        return counts
            .GroupBy(c => c.ClientId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(c => c.Count).ThenBy(c => c.StaffId).First().StaffId);
    }

    /// <summary>Each client's rhythm from the gaps between their visits: one ordered pass, one client in memory at a time.</summary>
    private static async Task<Dictionary<int, LapseEstimate>> LapseAsync(IQueryable<Visit> visits, CancellationToken ct)
    {
        var result = new Dictionary<int, LapseEstimate>();
        var current = -1;
        var times = new List<DateTime>();
        void Flush()
        {
            if (current >= 0 && LapseTiming.Estimate(times) is { } estimate)
            {
                result[current] = estimate;
            }
            times.Clear();
        }
        await foreach (var v in visits
                           .OrderBy(v => v.ClientId).ThenBy(v => v.OccurredAt)
                           .Select(v => new { v.ClientId, v.OccurredAt })
                           .AsAsyncEnumerable().WithCancellation(ct))
        {
            if (v.ClientId != current)
            {
                Flush();
                current = v.ClientId;
            }
            times.Add(v.OccurredAt);
        }
        Flush();
        return result;
    }

    /// <summary>One range's scores: by binary COPY on PostgreSQL, through EF Core elsewhere; nothing stays tracked.</summary>
    private static async Task SaveScoresAsync(ApplicationDbContext db, List<ClientScore> scores, CancellationToken ct)
    {
        if (PostgreSqlScoringCopy.Supports(db))
        {
            await PostgreSqlScoringCopy.WriteScoresAsync(db, scores, ct);
            return;
        }
        db.ClientScores.AddRange(scores);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    private async Task<ModelFit> SaveFitAsync(
        ApplicationDbContext db, DateOnly asOf, ModelFitResult<BgNbdParameters> bgNbd, ModelFitResult<GammaGammaParameters> gammaGamma,
        int customers, CancellationToken ct)
    {
        var fit = await db.ModelFits.AsTracking().SingleOrDefaultAsync(f => f.AsOf == asOf, ct);
        if (fit is null)
        {
            fit = new ModelFit { AsOf = asOf, Version = $"bgnbd-gg/{asOf:yyyyMMdd}" };
            db.ModelFits.Add(fit);
        }
        fit.FittedAt = clock.GetUtcNow().UtcDateTime;
        fit.Customers = customers;
        (fit.R, fit.Alpha, fit.A, fit.B) = (bgNbd.Parameters.R, bgNbd.Parameters.Alpha, bgNbd.Parameters.A, bgNbd.Parameters.B);
        fit.BgNbdLogLikelihood = bgNbd.LogLikelihood;
        fit.BgNbdConverged = bgNbd.Converged;
        fit.SpendCustomers = gammaGamma.Customers;
        (fit.P, fit.Q, fit.Gamma) = (gammaGamma.Parameters.P, gammaGamma.Parameters.Q, gammaGamma.Parameters.Gamma);
        fit.GammaGammaLogLikelihood = gammaGamma.LogLikelihood;
        fit.GammaGammaConverged = gammaGamma.Converged;
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(ct);
        return fit;
    }

    /// <summary>
    /// Opens a membership for each matching client without an open one, and closes the open ones of clients that no
    /// longer match; <paramref name="matching"/> holds each segment's matching client ids in ascending order.
    /// </summary>
    private static async Task<List<SegmentMovement>> MoveMembershipsAsync(
        ApplicationDbContext db, DateOnly asOf, List<SegmentDefinition> segments, Dictionary<int, List<int>> matching, CancellationToken ct)
    {
        const int UpdateChunk = 10_000;
        var movements = new List<SegmentMovement>();
        foreach (var segment in segments)
        {
            var matched = matching[segment.Id];
            var open = await db.SegmentMemberships.AsNoTracking()
                .Where(m => m.SegmentId == segment.Id && m.ExitedOn == null)
                .Select(m => new { m.Id, m.ClientId })
                .ToListAsync(ct);
            var exited = open.Where(m => matched.BinarySearch(m.ClientId) < 0).Select(m => m.Id).ToList();
            for (var i = 0; i < exited.Count; i += UpdateChunk)
            {
                var ids = exited.GetRange(i, Math.Min(UpdateChunk, exited.Count - i));
                await db.SegmentMemberships.Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(u => u.SetProperty(m => m.ExitedOn, asOf), ct);
            }
            var already = open.Select(m => m.ClientId).ToHashSet();
            var entered = matched.Where(id => !already.Contains(id)).ToList();
            if (PostgreSqlScoringCopy.Supports(db))
            {
                await PostgreSqlScoringCopy.WriteMembershipsAsync(db, segment.Id, entered, asOf, ct);
            }
            else
            {
                foreach (var batch in entered.Chunk(ChunkSize))
                {
                    db.SegmentMemberships.AddRange(batch.Select(id => new SegmentMembership { SegmentId = segment.Id, ClientId = id, EnteredOn = asOf }));
                    await db.SaveChangesAsync(ct);
                    db.ChangeTracker.Clear();
                }
            }
            movements.Add(new SegmentMovement(segment.Id, segment.Name, matched.Count, entered.Count, exited.Count));
        }
        return movements;
    }

    /// <summary>Quintiles within each home location, so a small location's best clients are its Champions too.</summary>
    internal static RfmScore[] RfmPerLocation(int[] locationIds, double[] recency, double[] frequency, double[] monetary)
    {
        var result = new RfmScore[locationIds.Length];
        foreach (var group in Enumerable.Range(0, locationIds.Length).GroupBy(i => locationIds[i]))
        {
            var indices = group.ToArray();
            var scores = Rfm.Score(
                indices.Select(i => recency[i]).ToArray(), indices.Select(i => frequency[i]).ToArray(), indices.Select(i => monetary[i]).ToArray());
            for (var k = 0; k < indices.Length; k++)
            {
                result[indices[k]] = scores[k];
            }
        }
        return result;
    }

    private static void EnsureFinite(params double[] values)
    {
        if (!values.All(double.IsFinite))
        {
            throw new InvalidOperationException($"The model fit did not converge to finite values ({string.Join(", ", values)}); nothing was saved.");
        }
    }

    private static double WholeDays(TimeSpan span) => Math.Floor(span.TotalDays);

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
