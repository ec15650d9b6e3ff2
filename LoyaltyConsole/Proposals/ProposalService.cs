using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Guardrails;
using LoyaltyConsole.Domain.Loyalty;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Domain.Execution;
using LoyaltyConsole.Drafting;
using LoyaltyConsole.Execution;
using LoyaltyConsole.Scoring;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Proposals;

public sealed record WorkflowRunSummary(
    int WorkflowId, string Workflow, int Targets, int Control, int Shadow, int Pending, int Blocked, int Discarded, bool Skipped, string? BreakerReason,
    int AutoApproved = 0, string? SkipReason = null);

/// <summary>
/// Turns scored, segmented clients into proposals, one workflow at a time, in stages: read the facts, plan (pure, in
/// the Domain: targets, pilot/control, timing), draft SMS copy with no transaction open, then write the run with its
/// guardrail verdicts, reservations, circuit breaker and audit entries in one short transaction. A run is idempotent
/// per workflow and day; a client with an open proposal, or one decided within the workflow's cool-down, is left alone.
/// </summary>
public sealed class ProposalService(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    CommandRunner commands,
    ISmsDrafter drafter,
    IOptions<MessagingOptions> messaging,
    TimeProvider clock,
    ILogger<ProposalService> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Recorded as the decider of proposals approved by an Automated workflow.</summary>
    public const string AutomatedReviewer = "System (automated workflow)";

    public async Task<IReadOnlyList<WorkflowRunSummary>> RunAsync(DateOnly runDate, AuditActor actor, CancellationToken ct = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var facts = await RunFacts.ReadAsync(dbFactory, ct);
        var summaries = new List<WorkflowRunSummary>();
        foreach (var workflow in facts.Workflows)
        {
            summaries.Add(await RunWorkflowAsync(facts, workflow, runDate, actor, ct));
        }
        logger.LogInformation("Proposals for {RunDate:yyyy-MM-dd} in {Elapsed:N1} s: {Summaries}", runDate, stopwatch.Elapsed.TotalSeconds, summaries);
        return summaries;
    }

    private async Task<WorkflowRunSummary> RunWorkflowAsync(RunFacts facts, Workflow workflow, DateOnly runDate, AuditActor actor, CancellationToken ct)
    {
        if (!RunsOn(workflow, runDate))
        {
            return Skipped(workflow, "not scheduled today");
        }
        var reward = workflow.RewardId is { } rewardId ? facts.Rewards[rewardId] : null;
        if (reward is { IsActive: false })
        {
            await RaiseRetiredRewardAlertAsync(workflow, reward, actor, ct);
            return Skipped(workflow, $"its reward {reward.Name} is retired");
        }
        var now = Now;
        List<Proposal> proposals;
        int targetCount;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // A cheap early exit; the unique run record refuses a racing run at the write anyway.
            if (await db.ProposalRuns.AnyAsync(r => r.WorkflowId == workflow.Id && r.RunDate == runDate, ct))
            {
                return Skipped(workflow, $"already proposed for {runDate:yyyy-MM-dd}");
            }
            var (targets, segmentsOf) = await TargetsAsync(db, workflow, facts.AsOf, ct);
            targetCount = targets.Count;
            var excluded = await ExcludedClientsAsync(db, workflow, now, ct);
            var tiers = await CurrentTiersAsync(db, targets.Select(t => t.ClientId).ToList(), ct);
            var scores = targets.ToDictionary(t => t.ClientId);
            var plan = ProposalPlanner.Plan(workflow, reward,
                targets.Select(s => new PlanTarget(s.ClientId, s.HomeLocationId, facts.Locations[s.HomeLocationId].TimeZoneId, s.LapseAfter,
                    IsDemotion(s, tiers[s.ClientId], facts.Tiers))),
                excluded, now, messaging.Value.QuietHours, messaging.Value.HighValueThresholdMinor);
            proposals = plan.Select(p => Build(facts, workflow, reward, scores[p.Target.ClientId], tiers[p.Target.ClientId], p, segmentsOf, runDate, now)).ToList();
        }

        // The language model is called with no transaction open: reviewers and jobs keep writing meanwhile.
        foreach (var proposal in proposals.Where(p => p.Status != ProposalStatus.Control && p.PlannedSendAtUtc is not null && workflow.Channel == Channel.Sms))
        {
            await DraftAsync(facts, workflow, reward, proposal, ct);
        }

        return await WriteAsync(facts, workflow, reward, runDate, proposals, targetCount, actor, ct);
    }

    private async Task DraftAsync(RunFacts facts, Workflow workflow, Reward? reward, Proposal proposal, CancellationToken ct)
    {
        var settings = messaging.Value;
        var score = facts.ScoreOf(proposal);
        var draft = await drafter.DraftAsync(new SmsDraftContext(
            workflow.Kind, score.FavouriteCategory, score.FavouriteStaffId is { } s ? facts.StaffNames.GetValueOrDefault(s) : null, score.PointsBalance,
            reward?.Describe() ?? "", reward?.OfferTokens ?? [], settings.BrandName, settings.BrandVoice, settings.OptOutSentence,
            proposal.ClientId ^ workflow.Id), ct);
        proposal.AttachDraft(draft.Text, draft.Provider, draft.Model, draft.TemplateVersion, draft.Tokens, draft.Flagged);
    }

    /// <summary>The short write: re-check idempotency and exclusions, evaluate every guardrail against fresh reservations, breaker, audit.</summary>
    private async Task<WorkflowRunSummary> WriteAsync(
        RunFacts facts, Workflow workflow, Reward? reward, DateOnly runDate, List<Proposal> proposals, int targetCount, AuditActor actor, CancellationToken ct)
    {
        var settings = messaging.Value;
        WorkflowRunSummary? summary = null;
        var drafted = proposals;
        var result = await commands.RunAsync(actor, policy: null, async command =>
        {
            var db = command.Db;
            // Claim the day first: of two runs racing for it, the second waits here for the first to commit and is
            // then refused by the unique (workflow, day) index; the check before it is only the cheap path.
            if (await db.ProposalRuns.AnyAsync(r => r.WorkflowId == workflow.Id && r.RunDate == runDate, ct))
            {
                summary = Skipped(workflow, $"already proposed for {runDate:yyyy-MM-dd}");
                return summary.SkipReason!;
            }
            var run = db.ProposalRuns.Add(new ProposalRun(workflow.Id, runDate, command.Now, drafted.Count)).Entity;
            await command.SaveAsync();
            // The database may retry this whole write: each attempt works on fresh copies of what was drafted.
            proposals = drafted.Select(p => p.CopyUnwritten()).ToList();
            // Drafting may have taken minutes: what was planned under settings changed meanwhile is not written.
            var current = await db.Workflows.AsNoTracking().Where(w => w.Id == workflow.Id).Select(w => new { w.Version, w.IsPaused, w.Phase }).SingleAsync(ct);
            var rewardRetired = reward is not null && await db.Rewards.AnyAsync(r => r.Id == reward.Id && !r.IsActive, ct);
            if (current.Version != workflow.Version || current.IsPaused || current.Phase == WorkflowPhase.Off || rewardRetired)
            {
                summary = Skipped(workflow, "its settings changed while it was drafting; the next run proposes under the new ones");
                return summary.SkipReason!;
            }
            // Whatever was queued or decided while this run drafted counts: a client is never proposed twice.
            var excluded = await ExcludedClientsAsync(db, workflow, command.Now, ct);
            proposals.RemoveAll(p => excluded.Contains(p.ClientId));
            var clientIds = proposals.Select(p => p.ClientId).ToList();
            var consent = await db.Clients.AsNoTracking().Where(c => clientIds.Contains(c.Id)).Select(c => new { c.Id, c.SmsConsent }).ToDictionaryAsync(c => c.Id, c => c.SmsConsent, ct);
            var earliestSend = proposals.Min(p => p.PlannedSendAtUtc) ?? command.Now;
            var ledger = await CapUsage.ReadAsync(db, workflow, facts.LocationBudgets, clientIds, runDate, earliestSend, null, ct);
            foreach (var proposal in proposals.Where(p => p.Status != ProposalStatus.Control))
            {
                var location = facts.Locations[proposal.LocationId];
                var limits = new CapLimits(workflow.Name, workflow.Caps, location.Name, facts.LocationBudgets.GetValueOrDefault(location.Id), location.Currency);
                var checks = ProposalPlanner.AtQueueing(ledger, limits, proposal.Claim, workflow.Channel, consent[proposal.ClientId], settings.QuietHours,
                    location.TimeZoneId, facts.ScoreOf(proposal).PredictedValueMinor).ToList();
                if (proposal.DraftText is { } text)
                {
                    checks.AddRange(SmsContentRules.Check(text, settings.SmsPolicy, reward?.OfferTokens ?? [], ["{first_name}"]));
                }
                proposal.AddGuardrails(checks);
                if (proposal.Status == ProposalStatus.PendingReview)
                {
                    ledger.Reserve(proposal.Claim);
                }
            }

            var breakerReason = await TripBreakerIfAnomalousAsync(command, workflow, runDate, proposals, targetCount, ct);
            // Automated phase: what passes every guardrail and needs no person is approved by the system; the rest is queued.
            if (workflow.Phase == WorkflowPhase.Automated && breakerReason is null)
            {
                foreach (var proposal in proposals.Where(p => p.Status == ProposalStatus.PendingReview && !p.NeedsPerson))
                {
                    proposal.Approve(AutomatedReviewer, command.Now, []);
                }
            }
            run.Wrote(proposals.Count);
            db.Proposals.AddRange(proposals);
            await command.SaveAsync();
            // What the system approved goes into the outbox in this same transaction, now that the proposals have ids.
            var actionsOf = new Dictionary<long, IReadOnlyList<OutboxAction>>();
            foreach (var proposal in proposals.Where(p => p.Status == ProposalStatus.Approved))
            {
                var tier = workflow.Kind == WorkflowKind.TierChange && facts.ScoreOf(proposal).EligibleTierId is { } tierId ? facts.Tiers[tierId] : null;
                var actions = OutboxWriter.Plan(proposal, reward, tier, command.Now);
                db.OutboxActions.AddRange(actions);
                actionsOf[proposal.Id] = actions;
            }
            foreach (var proposal in proposals)
            {
                var blocked = proposal.Guardrails.Where(g => !g.Passed).ToList();
                var action = blocked.Count > 0 ? AuditActions.ProposalBlocked
                    : proposal.Status == ProposalStatus.Approved ? AuditActions.ProposalAutoApproved
                    : AuditActions.ProposalCreated;
                await command.AuditAsync(action, "Proposal", proposal.Id.ToString(CultureInfo.InvariantCulture), null,
                    new
                    {
                        proposal.WorkflowId, proposal.WorkflowVersion, proposal.ClientId, Status = proposal.Status.ToString(), proposal.CostMinor, Blocked = blocked.Select(b => b.Code),
                        Actions = actionsOf.GetValueOrDefault(proposal.Id)?.Select(a => new { Kind = a.Kind.ToString(), a.IdempotencyKey }),
                    });
            }
            summary = new WorkflowRunSummary(workflow.Id, workflow.Name, targetCount,
                Count(ProposalStatus.Control), Count(ProposalStatus.Shadow), Count(ProposalStatus.PendingReview), Count(ProposalStatus.Blocked),
                Count(ProposalStatus.Discarded), false, breakerReason, Count(ProposalStatus.Approved));
            return "Proposed.";
        }, ct: ct);
        if (!result.Succeeded)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            if (await db.ProposalRuns.AnyAsync(r => r.WorkflowId == workflow.Id && r.RunDate == runDate, ct))
            {
                return Skipped(workflow, $"already proposed for {runDate:yyyy-MM-dd} by a run at the same time");
            }
            // A rule broken by bad data: the run of this workflow adds nothing, the others go on.
            logger.LogWarning("Proposals of {Workflow} for {RunDate:yyyy-MM-dd} were not written: {Reason}", workflow.Name, runDate, result.Message);
            return Skipped(workflow, result.Message);
        }
        return summary!;

        int Count(ProposalStatus status) => proposals.Count(p => p.Status == status);
    }

    private static async Task<string?> TripBreakerIfAnomalousAsync(
        CommandContext command, Workflow workflow, DateOnly runDate, List<Proposal> proposals, int targetCount, CancellationToken ct)
    {
        var contacted = proposals.Count(p => p.Status != ProposalStatus.Control);
        // Discarded runs are what the breaker threw away: counting them would raise the average it compares with.
        var trailing = await command.Db.Proposals.Where(p => p.WorkflowId == workflow.Id && p.Status != ProposalStatus.Control && p.Status != ProposalStatus.Discarded)
            .GroupBy(p => p.RunDate).OrderByDescending(g => g.Key).Take(5).Select(g => g.Count()).ToListAsync(ct);
        var breaker = new CircuitBreaker(workflow.Caps.BreakerMaxShareOfSegment, workflow.Caps.BreakerMaxMultipleOfAverage).Evaluate(contacted, targetCount, trailing);
        if (breaker.Passed)
        {
            return null;
        }
        foreach (var proposal in proposals.Where(p => p.Status != ProposalStatus.Control))
        {
            proposal.Discard(breaker);
        }
        var tracked = await command.Db.Workflows.AsTracking().SingleAsync(w => w.Id == workflow.Id, ct);
        tracked.Pause(breaker.Reason, command.Now);
        command.Db.Alerts.Add(new Alert { CreatedAt = command.Now, WorkflowId = workflow.Id, Title = $"{workflow.Name} paused by its circuit breaker", Message = breaker.Reason });
        await command.AuditAsync(AuditActions.WorkflowPaused, "Workflow", workflow.Id.ToString(CultureInfo.InvariantCulture), null,
            new { workflow.Name, Reason = breaker.Reason, RunDate = runDate, Proposals = contacted });
        return breaker.Reason;
    }

    /// <summary>One alert per workflow while its reward stays retired, not one per run.</summary>
    private async Task RaiseRetiredRewardAlertAsync(Workflow workflow, Reward reward, AuditActor actor, CancellationToken ct)
    {
        var title = $"{workflow.Name} offers a retired reward";
        await commands.RunAsync(actor, policy: null, async command =>
        {
            if (await command.Db.Alerts.AnyAsync(a => a.WorkflowId == workflow.Id && a.Title == title && a.AcknowledgedAt == null, ct))
            {
                return "Already raised.";
            }
            command.Db.Alerts.Add(new Alert
            {
                CreatedAt = command.Now, WorkflowId = workflow.Id, Title = title,
                Message = $"{reward.Name} is no longer active, so {workflow.Name} proposes nothing. Choose an active reward for the workflow, or reactivate the reward.",
            });
            await command.AuditAsync(AuditActions.AlertRaised, "Workflow", workflow.Id.ToString(CultureInfo.InvariantCulture), null, new { Title = title, Reward = reward.Name });
            return "Raised.";
        }, ct: ct);
    }

    /// <summary>Clients this workflow must leave alone now: a proposal still open, or one decided (or held out) within the cool-down.</summary>
    private static async Task<HashSet<int>> ExcludedClientsAsync(ApplicationDbContext db, Workflow workflow, DateTime now, CancellationToken ct)
    {
        var since = now.AddDays(-workflow.Caps.CooldownDays);
        // A discarded proposal never reached anyone (the breaker threw its run away), so it keeps no client out.
        var ids = await db.Proposals.Where(p => p.WorkflowId == workflow.Id && p.Status != ProposalStatus.Discarded
                && (p.Status == ProposalStatus.PendingReview || p.Status == ProposalStatus.Blocked || (p.DecidedAt ?? p.CreatedAt) > since))
            .Select(p => p.ClientId).Distinct().ToListAsync(ct);
        return ids.ToHashSet();
    }

    /// <summary>The tier each target holds now; consent is read in the write transaction, where it is checked.</summary>
    private static async Task<Dictionary<int, int?>> CurrentTiersAsync(ApplicationDbContext db, List<int> clientIds, CancellationToken ct) =>
        await db.Clients.Where(c => clientIds.Contains(c.Id)).Select(c => new { c.Id, c.TierId }).ToDictionaryAsync(c => c.Id, c => c.TierId, ct);

    private static bool IsDemotion(ClientScore score, int? currentTierId, Dictionary<int, TierDefinition> tiers) =>
        currentTierId is { } current && score.EligibleTierId is { } target && tiers[target].Rank < tiers[current].Rank;

    private Proposal Build(
        RunFacts facts, Workflow workflow, Reward? reward, ClientScore score, int? currentTierId, PlannedProposal plan, ILookup<int, int> segmentsOf,
        DateOnly runDate, DateTime now)
    {
        var location = facts.Locations[score.HomeLocationId];
        var segments = segmentsOf[score.ClientId].Select(id => facts.SegmentNames[id]).ToList();
        var evidence = JsonSerializer.Serialize(new
        {
            facts.AsOf, facts.ModelVersion, workflowVersion = workflow.Version, assignment = plan.Assignment.ToString(), segments,
            score.ProbabilityAlive, score.ExpectedVisits90Days, score.PredictedValueMinor, score.DaysSinceLastVisit, score.Visits12Months,
            score.Spend12MonthsMinor, score.RfmSegment, score.MeanIntervalDays, score.LapseAfter, score.FavouriteCategory, score.PointsBalance,
            score.PointsExpiring30Days, score.EligibleTierId, currentTierId,
        }, Json);
        var proposal = new Proposal(workflow.Id, workflow.Version, workflow.Kind, score.ClientId, score.HomeLocationId, runDate, plan.Status,
            reward?.Id, reward?.EstimatedCostMinor ?? 0, location.Currency, plan.PlannedSendAtUtc,
            Rationale(workflow, score, reward, segments, facts.Tiers, plan.Target.IsDemotion), evidence, [], plan.RequiresReview, now);
        facts.Remember(proposal, score);
        return proposal;
    }

    /// <summary>A workflow with a schedule proposes only on days its cron expression fires (in UTC); without one, every day.</summary>
    internal static bool RunsOn(Workflow workflow, DateOnly day)
    {
        if (workflow.Cron is null)
        {
            return true;
        }
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var next = new Quartz.CronExpression(workflow.Cron) { TimeZone = TimeZoneInfo.Utc }.GetTimeAfter(start.AddTicks(-1));
        return next is { } fire && fire < start.AddDays(1);
    }

    private static async Task<(List<ClientScore> Targets, ILookup<int, int> SegmentsOf)> TargetsAsync(ApplicationDbContext db, Workflow workflow, DateOnly asOf, CancellationToken ct)
    {
        var segmentIds = workflow.SegmentIds;
        var memberships = await db.SegmentMemberships.AsNoTracking()
            .Where(m => m.ExitedOn == null && segmentIds.Contains(m.SegmentId))
            .Select(m => new { m.ClientId, m.SegmentId }).ToListAsync(ct);
        var segmentsOf = memberships.ToLookup(m => m.ClientId, m => m.SegmentId);
        List<ClientScore> targets;
        if (workflow.Kind == WorkflowKind.TierChange)
        {
            // Promotions and demotions: every client whose last 12 months earn a different tier than the one they hold.
            targets = await (from s in db.ClientScores.AsNoTracking()
                             join c in db.Clients on s.ClientId equals c.Id
                             where s.AsOf == asOf && s.EligibleTierId != null && s.EligibleTierId != c.TierId
                             select s).OrderBy(s => s.ClientId).ToListAsync(ct);
        }
        else
        {
            var ids = memberships.Select(m => m.ClientId).Distinct().ToList();
            targets = await db.ClientScores.AsNoTracking().Where(s => s.AsOf == asOf && ids.Contains(s.ClientId)).OrderBy(s => s.ClientId).ToListAsync(ct);
        }
        // A duplicate merged into another client since the scores were made is no one to write to (the kept one is).
        var merged = (await db.Clients.AsNoTracking().Where(c => c.MergedIntoClientId != null).Select(c => c.Id).ToListAsync(ct)).ToHashSet();
        targets.RemoveAll(t => merged.Contains(t.ClientId));
        return (targets, segmentsOf);
    }

    private static string Rationale(Workflow workflow, ClientScore score, Reward? reward, List<string> segments,
        Dictionary<int, TierDefinition> tiers, bool demotion)
    {
        if (workflow.Kind == WorkflowKind.TierChange && score.EligibleTierId is { } target)
        {
            return $"{(demotion ? "Demotion" : "Promotion")} to {tiers[target].Name}: {score.TierRationale}";
        }
        var offer = reward is null ? "" : $" Offer: {reward.Describe()}.";
        return $"{workflow.Name}: in {string.Join(", ", segments)}; last visit {score.DaysSinceLastVisit} days ago, " +
               $"{score.ProbabilityAlive * 100:0}% likely still active.{offer}";
    }

    private static WorkflowRunSummary Skipped(Workflow workflow, string reason) =>
        new(workflow.Id, workflow.Name, 0, 0, 0, 0, 0, 0, true, null, 0, reason);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The facts every workflow of a run reads, loaded once before any workflow is planned.</summary>
    private sealed class RunFacts
    {
        // One score per client as of the run's day, whichever workflow (or retried copy) the proposal belongs to.
        private readonly Dictionary<int, ClientScore> _scores = [];

        public required DateOnly AsOf { get; init; }
        public required string ModelVersion { get; init; }
        public required List<Workflow> Workflows { get; init; }
        public required Dictionary<int, Reward> Rewards { get; init; }
        public required Dictionary<int, Domain.Locations.Location> Locations { get; init; }
        public required Dictionary<int, TierDefinition> Tiers { get; init; }
        public required Dictionary<int, string> StaffNames { get; init; }
        public required Dictionary<int, string> SegmentNames { get; init; }
        public required Dictionary<int, LocationBudget> LocationBudgets { get; init; }

        public void Remember(Proposal proposal, ClientScore score) => _scores[proposal.ClientId] = score;

        public ClientScore ScoreOf(Proposal proposal) => _scores[proposal.ClientId];

        public static async Task<RunFacts> ReadAsync(IDbContextFactory<ApplicationDbContext> dbFactory, CancellationToken ct)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var asOf = await db.ClientScores.MaxAsync(s => (DateOnly?)s.AsOf, ct)
                ?? throw new InvalidOperationException("No client has been scored yet; run the segmentation first.");
            return new RunFacts
            {
                AsOf = asOf,
                ModelVersion = await db.ModelFits.Where(f => f.AsOf == asOf).Select(f => f.Version).SingleAsync(ct),
                Workflows = await db.Workflows.AsNoTracking().Where(w => w.Phase != WorkflowPhase.Off && !w.IsPaused).OrderBy(w => w.Id).ToListAsync(ct),
                Rewards = await db.Rewards.AsNoTracking().ToDictionaryAsync(r => r.Id, ct),
                Locations = await db.Locations.AsNoTracking().ToDictionaryAsync(l => l.Id, ct),
                Tiers = await db.Tiers.AsNoTracking().ToDictionaryAsync(t => t.Id, ct),
                StaffNames = await db.Staff.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.FirstName, ct),
                SegmentNames = await db.Segments.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct),
                LocationBudgets = await db.LocationBudgets.AsNoTracking().ToDictionaryAsync(b => b.LocationId, ct),
            };
        }
    }
}
