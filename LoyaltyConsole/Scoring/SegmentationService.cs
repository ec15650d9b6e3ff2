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

    // The fits see at most this many clients: every client of a business up to this size, a uniform sample of a larger
    // one (FitSample), whose fitted parameters differ from the whole business's by its sampling error (about 0.5% at
    // a million clients, docs/benchmarks.md) while what the fit holds stays the same.
    private const int FitSampleSize = 200_000;

    // The members grid's first pages come from each segment's most valuable members per location that the run keeps:
    // 20 pages of 25 (ScoringQuery.MembersAsync).
    private const int TopMembersKept = 500;

    private readonly record struct ClientFacts(
        int ClientId, int HomeLocationId, int PointsBalance, int? TierId, int Visits, DateTime First, DateTime Last,
        long TotalMinor, int Visits12, long Spend12);

    // Scores are written per batch of this many, so that a range holds one batch of score rows, not all of its own.
    private const int ScoresPerWrite = 5_000;

    /// <summary>
    /// The per-client features of one range of client ids that the fit does not need. One instance serves every range:
    /// its tables are cleared and refilled, so their arrays (large objects at 50,000 clients) are allocated once per run
    /// rather than grown again per range.
    /// </summary>
    private sealed class ChunkFeatures
    {
        public Dictionary<int, int> RetailVisits { get; } = [];
        public Dictionary<int, string> FavouriteCategory { get; } = [];
        public Dictionary<int, int> FavouriteStaff { get; } = [];
        public Dictionary<int, string> TopBrand { get; } = [];
        public Dictionary<int, LapseEstimate> Lapse { get; } = [];

        public void Clear()
        {
            RetailVisits.Clear();
            FavouriteCategory.Clear();
            FavouriteStaff.Clear();
            TopBrand.Clear();
            Lapse.Clear();
        }
    }

    /// <summary>What the first pass leaves for the rest of the run; the fit sample itself is not part of it.</summary>
    private sealed record FirstPass(
        int Clients, List<int> RangeEnds, RfmQuintiles Rfm, ModelFitResult<BgNbdParameters> BgNbd,
        ModelFitResult<GammaGammaParameters> GammaGamma, bool FittedOnEveryClient);

    /// <summary>Each segment's <see cref="TopMembersKept"/> most valuable members per home location, best first by value then client id.</summary>
    private sealed class TopMembers
    {
        // The worst kept on top: lowest value, then highest client id.
        private readonly Dictionary<(int Segment, int Location), PriorityQueue<int, (long Value, int ClientId)>> _kept = [];
        private static readonly Comparer<(long Value, int ClientId)> WorstFirst =
            Comparer<(long Value, int ClientId)>.Create(static (x, y) => x.Value != y.Value ? x.Value.CompareTo(y.Value) : y.ClientId.CompareTo(x.ClientId));

        public void Offer(int segment, int location, int clientId, long value)
        {
            if (!_kept.TryGetValue((segment, location), out var kept))
            {
                kept = new PriorityQueue<int, (long, int)>(WorstFirst);
                _kept[(segment, location)] = kept;
            }
            if (kept.Count < TopMembersKept)
            {
                kept.Enqueue(clientId, (value, clientId));
            }
            else if (kept.TryPeek(out _, out var worst) && WorstFirst.Compare((value, clientId), worst) > 0)
            {
                kept.DequeueEnqueue(clientId, (value, clientId));
            }
        }

        public List<SegmentRunTopMember> ToRows() =>
            _kept.OrderBy(k => k.Key)
                .SelectMany(k => k.Value.UnorderedItems.Select(i => new SegmentRunTopMember
                {
                    SegmentId = k.Key.Segment, LocationId = k.Key.Location, ClientId = i.Element, PredictedValueMinor = i.Priority.Value,
                }))
                .ToList();
    }

    private sealed class Movement
    {
        public int Members { get; set; }
        public int Entered { get; set; }
        public int Exited { get; set; }
    }

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
        var chunkSize = settings.ClientsPerRange;
        void Stage(string what)
        {
            logger.LogInformation("Segmentation {AsOf:yyyy-MM-dd}: {Stage} after {Elapsed:N1} s", asOf, what, stopwatch.Elapsed.TotalSeconds);
            LogMemory(what);
        }
        int RfmGroup(ClientFacts f) => settings.RfmPerLocation ? f.HomeLocationId : 0;

        var first = await FirstPassAsync(db, end, RfmGroup, chunkSize, Stage, ct);
        var (clients, rangeEnds, rfm) = (first.Clients, first.RangeEnds, first.Rfm);
        var (bgNbd, gammaGamma) = (first.BgNbd, first.GammaGamma);
        Stage($"models fitted on {(first.FittedOnEveryClient ? "every client" : $"a sample of {FitSampleSize:N0}")} ({bgNbd.Iterations} and {gammaGamma.Iterations} iterations)");
        var currencies = await db.Locations.ToDictionaryAsync(l => l.Id, l => l.Currency, ct);
        var tiers = await db.Tiers.AsNoTracking().ToListAsync(ct);
        var tiersById = tiers.ToDictionary(t => t.Id);
        var segments = await db.Segments.AsNoTracking().Where(s => s.IsActive).OrderBy(s => s.Id).ToListAsync(ct);

        EnsureFinite(bgNbd.Parameters.R, bgNbd.Parameters.Alpha, bgNbd.Parameters.A, bgNbd.Parameters.B, bgNbd.LogLikelihood);
        EnsureFinite(gammaGamma.Parameters.P, gammaGamma.Parameters.Q, gammaGamma.Parameters.Gamma, gammaGamma.LogLikelihood);

        // Second pass: the values around the RFM cut points and, for a sampled fit, the likelihood of every client at
        // the fitted parameters, as a fit on every client reports it.
        var (bgNbdLogLikelihood, spendLogLikelihood, spenders) = (0.0, 0.0, 0);
        await foreach (var f in StreamFactsAsync(db, end, int.MinValue, int.MaxValue).WithCancellation(ct))
        {
            rfm.Collect(RfmGroup(f), RecencyDays(f, end), f.Visits, f.TotalMinor);
            if (!first.FittedOnEveryClient)
            {
                var history = Summary(f, end);
                bgNbdLogLikelihood += bgNbd.Parameters.LogLikelihood(history);
                if (history.Frequency > 0 && MeanSpend(f) > 0)
                {
                    spendLogLikelihood += gammaGamma.Parameters.LogLikelihood(history.Frequency, MeanSpend(f));
                    spenders++;
                }
            }
        }
        if (!first.FittedOnEveryClient)
        {
            bgNbd = bgNbd with { LogLikelihood = bgNbdLogLikelihood, Customers = clients };
            gammaGamma = gammaGamma with { LogLikelihood = spendLogLikelihood, Customers = spenders };
        }
        Stage("RFM quintiles found");

        // The fit's inputs above, and each range's features below (through reader), are read outside the command's
        // transaction; the scores, memberships and run are written in it.
        ModelFit fit = null!;
        // Each range's features are read on a session of their own, which on PostgreSQL joins a range's visits to their
        // lines through the lines' index rather than by scanning every line (PostgreSqlRangeReads).
        await using var reader = await dbFactory.CreateDbContextAsync(ct);
        await PostgreSqlRangeReads.PreferIndexJoinsAsync(reader, ct);
        var scored = 0;
        var movements = segments.ToDictionary(s => s.Id, _ => new Movement());
        SegmentationRun run = null!;
        var result = await commands.RunAsync(Auditing.AuditActor.System, policy: null, async command =>
        {
            var db = command.Db;
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            fit = await SaveFitAsync(db, asOf, bgNbd, gammaGamma, clients, ct);

            var horizonWeeks = settings.ValueHorizonMonths * 52.1775 / 12;
            var monthlyDiscount = Math.Pow(1 + settings.AnnualDiscountRate, 1.0 / 12) - 1;
            await db.ClientScores.Where(s => s.AsOf == asOf).ExecuteDeleteAsync(ct);
            var perLocation = new Dictionary<(int Segment, int Location), int>();
            var top = new TopMembers();
            // One range's facts, features, matching clients per segment (ascending ids) and unwritten scores, reused by every range.
            var facts = new List<ClientFacts>(chunkSize);
            var features = new ChunkFeatures();
            var matching = segments.ToDictionary(s => s.Id, _ => new List<int>());
            var batch = new List<ClientScore>(ScoresPerWrite);
            for (var range = 0; range < rangeEnds.Count; range++)
            {
                var after = range == 0 ? int.MinValue : rangeEnds[range - 1];
                var upTo = range == rangeEnds.Count - 1 ? int.MaxValue : rangeEnds[range];
                facts.Clear();
                await foreach (var f in StreamFactsAsync(reader, end, after, upTo).WithCancellation(ct))
                {
                    facts.Add(f);
                }
                await LoadChunkAsync(reader, end, after, upTo, features, ct);
                foreach (var list in matching.Values)
                {
                    list.Clear();
                }
                foreach (var f in facts)
                {
                    var s = Summary(f, end);
                    var meanSpend = MeanSpend(f);
                    var recency = RecencyDays(f, end);
                    var rfmScore = rfm.Score(RfmGroup(f), recency, f.Visits, f.TotalMinor);
                    var currency = currencies[f.HomeLocationId];
                    var value = CustomerLifetimeValue.Compute(bgNbd.Parameters, gammaGamma.Parameters, s.Frequency, s.Recency, s.Age, meanSpend,
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
                        DaysSinceLastVisit = (int)Math.Floor(recency),
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
                        RfmRecency = rfmScore.Recency,
                        RfmFrequency = rfmScore.Frequency,
                        RfmMonetary = rfmScore.Monetary,
                        RfmSegment = Rfm.Classify(rfmScore).ToString(),
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
                    batch.Add(score);
                    var input = ToSegmentInput(score, currency);
                    foreach (var segment in segments)
                    {
                        if (segment.Rule.Matches(input))
                        {
                            matching[segment.Id].Add(f.ClientId);
                            perLocation[(segment.Id, f.HomeLocationId)] = perLocation.GetValueOrDefault((segment.Id, f.HomeLocationId)) + 1;
                            top.Offer(segment.Id, f.HomeLocationId, f.ClientId, score.PredictedValueMinor);
                        }
                    }
                    if (batch.Count == ScoresPerWrite)
                    {
                        await SaveScoresAsync(db, batch, ct);
                        batch.Clear();
                    }
                }
                await SaveScoresAsync(db, batch, ct);
                batch.Clear();
                await MoveMembershipsAsync(db, asOf, segments, matching, after, upTo, movements, ct);
                scored += facts.Count;
                Stage($"{scored:N0} of {clients:N0} clients scored, saved and matched");
            }

            run = new SegmentationRun
            {
                AsOf = asOf,
                StartedAt = clock.GetUtcNow().UtcDateTime - stopwatch.Elapsed,
                FinishedAt = clock.GetUtcNow().UtcDateTime,
                ClientsScored = scored,
                ModelFitId = fit.Id,
                TriggeredBy = Truncate(triggeredBy, 256),
                Segments = segments.Select(s => new SegmentRunCount
                {
                    SegmentId = s.Id, Members = movements[s.Id].Members, Entered = movements[s.Id].Entered, Exited = movements[s.Id].Exited,
                }).ToList(),
                LocationCounts = perLocation.OrderBy(p => p.Key).Select(p => new SegmentRunLocationCount { SegmentId = p.Key.Segment, LocationId = p.Key.Location, Members = p.Value }).ToList(),
                TopMembersKept = TopMembersKept,
                TopMembers = top.ToRows(),
            };
            // Only the latest run's first pages are read.
            await db.Set<SegmentRunTopMember>().ExecuteDeleteAsync(ct);
            db.SegmentationRuns.Add(run);
            await db.SaveChangesAsync(ct);
            return "Scored.";
        }, ct: ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Segmentation was not saved: " + result.Message);
        }

        var summary = new SegmentationSummary(run.Id, asOf, scored, fit,
            segments.Select(s => new SegmentMovement(s.Id, s.Name, movements[s.Id].Members, movements[s.Id].Entered, movements[s.Id].Exited)).ToList(),
            stopwatch.Elapsed);
        logger.LogInformation("Segmentation: {Summary}", summary);
        return summary;
    }

    // What the run's memory is made of at each stage, for the benchmarks of docs/benchmarks.md: the managed heap as the
    // last collection left it, the part of it that is free space between objects, the large object heap, and what the
    // GC has committed from the operating system.
    private void LogMemory(string stage)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }
        const double MB = 1024 * 1024;
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var loh = info.GenerationInfo.Length > 3 ? info.GenerationInfo[3] : default;
        logger.LogDebug(
            "Segmentation memory at {Stage}: heap {Heap:N0} MB ({Fragmented:N0} MB free within it, LOH {Loh:N0} MB, {LohFree:N0} MB of it free), " +
            "live now {Live:N0} MB, committed {Committed:N0} MB, working set {WorkingSet:N0} MB, collections {Gen0}/{Gen1}/{Gen2}",
            stage, info.HeapSizeBytes / MB, info.FragmentedBytes / MB, loh.SizeAfterBytes / MB, loh.FragmentationAfterBytes / MB,
            GC.GetTotalMemory(false) / MB, info.TotalCommittedBytes / MB, Environment.WorkingSet / MB,
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    }

    /// <summary>
    /// The first pass over every client's aggregates, one client at a time: the fits' sample, the RFM quintiles' counts
    /// and the ranges of client ids scored later (each ends at a client id; the last takes every id above too); then the
    /// fits. Apart from RunAsync, whose locals live as long as the run: the sample is dropped once the models are fitted.
    /// </summary>
    private static async Task<FirstPass> FirstPassAsync(ApplicationDbContext db, DateTime end, Func<ClientFacts, int> rfmGroup, int chunkSize, Action<string> stage, CancellationToken ct)
    {
        var sample = new FitSample(FitSampleSize);
        var rfm = new RfmQuintiles();
        var rangeEnds = new List<int>();
        var clients = 0;
        var lastId = 0;
        await foreach (var f in StreamFactsAsync(db, end, int.MinValue, int.MaxValue).WithCancellation(ct))
        {
            sample.Add(f.ClientId, Summary(f, end), MeanSpend(f));
            rfm.Count(rfmGroup(f), RecencyDays(f, end), f.Visits, f.TotalMinor);
            lastId = f.ClientId;
            if (++clients % chunkSize == 0)
            {
                rangeEnds.Add(lastId);
            }
        }
        if (clients % chunkSize != 0)
        {
            rangeEnds.Add(lastId);
        }
        stage($"features of {clients:N0} clients aggregated");
        if (clients == 0)
        {
            throw new InvalidOperationException("There are no visits to learn from yet; sync or seed data first.");
        }
        var (bgNbd, gammaGamma) = Fit(sample);
        return new FirstPass(clients, rangeEnds, rfm, bgNbd, gammaGamma, sample.IsWhole);
    }

    private static (ModelFitResult<BgNbdParameters>, ModelFitResult<GammaGammaParameters>) Fit(FitSample sample)
    {
        var (histories, meanSpends) = sample.ToArrays();
        return (BgNbdModel.Fit(histories), GammaGammaModel.Fit(histories.Select(h => h.Frequency).ToArray(), meanSpends));
    }

    // The models see weeks, as in the literature; x = repeat visits, t_x and T from the first visit. Times are whole days
    // (visits are daily events), which also lets the fit group identical histories instead of evaluating each client.
    private static CustomerSummary Summary(ClientFacts f, DateTime end) =>
        new(f.Visits - 1, WholeDays(f.Last - f.First) / DaysPerWeek, WholeDays(end - f.First) / DaysPerWeek);

    private static double MeanSpend(ClientFacts f) => (double)f.TotalMinor / f.Visits;

    private static double RecencyDays(ClientFacts f, DateTime end) => (end - f.Last).TotalDays;

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

    /// <summary>The visit aggregates of the clients with ids above <paramref name="after"/> up to <paramref name="upTo"/>, in client id order, streamed from one grouped query.</summary>
    private static IAsyncEnumerable<ClientFacts> StreamFactsAsync(ApplicationDbContext db, DateTime end, int after, int upTo)
    {
        var yearAgo = end.AddYears(-1);
        var aggregates = db.Visits.AsNoTracking()
            .Where(v => v.OccurredAt < end && v.ClientId > after && v.ClientId <= upTo)
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
        return rows.AsAsyncEnumerable();
    }

    /// <summary>
    /// Retail visits, favourites and rhythms of the clients with ids above <paramref name="after"/> up to <paramref name="upTo"/>,
    /// into <paramref name="features"/> (cleared first). The favourites come from one count of the range's lines per kind,
    /// category, brand and staff member, streamed in client order so that only one client's counts are held at a time:
    /// held whole, a range's counts were some 700,000 rows of objects and strings, most of what a range allocated.
    /// </summary>
    private static async Task LoadChunkAsync(ApplicationDbContext db, DateTime end, int after, int upTo, ChunkFeatures features, CancellationToken ct)
    {
        features.Clear();
        var visits = db.Visits.AsNoTracking().Where(v => v.OccurredAt < end && v.ClientId > after && v.ClientId <= upTo);
        await foreach (var r in visits
                           .Where(v => v.Lines.Any(l => l.Kind == LineKind.Retail))
                           .GroupBy(v => v.ClientId)
                           .Select(g => new { ClientId = g.Key, Count = g.Count() })
                           .AsAsyncEnumerable().WithCancellation(ct))
        {
            features.RetailVisits.Add(r.ClientId, r.Count);
        }

        var current = int.MinValue;
        var categories = new Dictionary<string, int>(StringComparer.Ordinal);
        var staff = new Dictionary<int, int>();
        var brands = new Dictionary<string, int>(StringComparer.Ordinal);
        void Flush()
        {
            if (Mode(categories, StringComparer.Ordinal) is { } category)
            {
                features.FavouriteCategory[current] = category;
            }
            if (staff.Count > 0)
            {
                features.FavouriteStaff[current] = Mode(staff, Comparer<int>.Default);
            }
            if (Mode(brands, StringComparer.Ordinal) is { } brand)
            {
                features.TopBrand[current] = brand;
            }
            categories.Clear();
            staff.Clear();
            brands.Clear();
        }
        await foreach (var c in (
                               from l in db.VisitLines.AsNoTracking()
                               join v in visits on l.VisitId equals v.Id
                               group l by new { v.ClientId, l.Kind, l.Category, l.Brand, l.StaffId } into g
                               orderby g.Key.ClientId
                               select new { g.Key.ClientId, g.Key.Kind, g.Key.Category, g.Key.Brand, g.Key.StaffId, Count = g.Count() })
                           .AsAsyncEnumerable().WithCancellation(ct))
        {
            if (c.ClientId != current)
            {
                Flush();
                current = c.ClientId;
            }
            // Service lines count by category (favourite service) and staff member, retail lines by brand (brand affinity).
            if (c.Kind == LineKind.Service && c.Category is { } category)
            {
                categories[category] = categories.GetValueOrDefault(category) + c.Count;
            }
            if (c.Kind == LineKind.Service && c.StaffId is { } staffId)
            {
                staff[staffId] = staff.GetValueOrDefault(staffId) + c.Count;
            }
            if (c.Kind == LineKind.Retail && c.Brand is { } brand)
            {
                brands[brand] = brands.GetValueOrDefault(brand) + c.Count;
            }
        }
        Flush();
        await LapseAsync(visits, features.Lapse, ct);
    }

    /// <summary>One client's most frequent value (ties: the smallest); default when there is none.</summary>
    private static TValue? Mode<TValue>(Dictionary<TValue, int> counts, IComparer<TValue> ties)
        where TValue : notnull
    {
        var (best, bestCount) = (default(TValue), 0);
        foreach (var (value, count) in counts)
        {
            if (count > bestCount || (count == bestCount && ties.Compare(value, best!) < 0))
            {
                (best, bestCount) = (value, count);
            }
        }
        return best;
    }

    /// <summary>Each client's rhythm from the gaps between their visits: one ordered pass, one client in memory at a time.</summary>
    private static async Task LapseAsync(IQueryable<Visit> visits, Dictionary<int, LapseEstimate> result, CancellationToken ct)
    {
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
    /// For the clients with ids above <paramref name="after"/> up to <paramref name="upTo"/>: opens a membership for each
    /// matching client without an open one, closes the open ones of clients that no longer match, and adds both to each
    /// segment's <paramref name="movements"/>. <paramref name="matching"/> holds each segment's matching client ids of
    /// the range in ascending order.
    /// </summary>
    private static async Task MoveMembershipsAsync(
        ApplicationDbContext db, DateOnly asOf, List<SegmentDefinition> segments, Dictionary<int, List<int>> matching, int after, int upTo,
        Dictionary<int, Movement> movements, CancellationToken ct)
    {
        const int UpdateChunk = 10_000;
        var segmentIds = segments.Select(s => s.Id).ToList();
        var open = (await db.SegmentMemberships.AsNoTracking()
                .Where(m => m.ExitedOn == null && m.ClientId > after && m.ClientId <= upTo && segmentIds.Contains(m.SegmentId))
                .Select(m => new { m.Id, m.SegmentId, m.ClientId })
                .ToListAsync(ct))
            .ToLookup(m => m.SegmentId);
        var exited = new List<long>();
        foreach (var segment in segments)
        {
            var matched = matching[segment.Id];
            var leaving = open[segment.Id].Where(m => matched.BinarySearch(m.ClientId) < 0).Select(m => m.Id).ToList();
            exited.AddRange(leaving);
            var already = open[segment.Id].Select(m => m.ClientId).ToHashSet();
            var entered = matched.Where(id => !already.Contains(id)).ToList();
            if (PostgreSqlScoringCopy.Supports(db))
            {
                await PostgreSqlScoringCopy.WriteMembershipsAsync(db, segment.Id, entered, asOf, ct);
            }
            else if (entered.Count > 0)
            {
                db.SegmentMemberships.AddRange(entered.Select(id => new SegmentMembership { SegmentId = segment.Id, ClientId = id, EnteredOn = asOf }));
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
            var movement = movements[segment.Id];
            (movement.Members, movement.Entered, movement.Exited) = (movement.Members + matched.Count, movement.Entered + entered.Count, movement.Exited + leaving.Count);
        }
        for (var i = 0; i < exited.Count; i += UpdateChunk)
        {
            var ids = exited.GetRange(i, Math.Min(UpdateChunk, exited.Count - i));
            await db.SegmentMemberships.Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(u => u.SetProperty(m => m.ExitedOn, asOf), ct);
        }
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
