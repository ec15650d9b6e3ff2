using System.Diagnostics;
using System.Text.Json;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Guardrails;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Drafting;
using LoyaltyConsole.Scoring;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Proposals;

public sealed record WorkflowRunSummary(int WorkflowId, string Workflow, int Targets, int Control, int Shadow, int Pending, int Blocked, int Discarded, bool Skipped, string? BreakerReason, int AutoApproved = 0);

/// <summary>
/// Turns scored, segmented clients into proposals: for each workflow in Shadow, Review or Automated phase, each
/// targeted client is assigned to pilot/control, timed to their own rhythm, given a reward and (for SMS) a draft, and
/// checked by every guardrail. A run is idempotent per workflow and day. A circuit breaker trip pauses the workflow,
/// discards the run's proposals and raises an alert.
/// </summary>
public sealed class ProposalService(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    ISmsDrafter drafter,
    AuditLog audit,
    IOptions<MessagingOptions> messaging,
    TimeProvider clock,
    ILogger<ProposalService> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    /// <summary>Recorded as the decider of proposals approved by an Automated workflow.</summary>
    public const string AutomatedReviewer = "System (automated workflow)";

    private static readonly ProposalStatus[] Committed = [ProposalStatus.Approved, ProposalStatus.Sent];

    public async Task<IReadOnlyList<WorkflowRunSummary>> RunAsync(DateOnly runDate, AuditActor actor, CancellationToken ct = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var settings = messaging.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var asOf = await db.ClientScores.MaxAsync(s => (DateOnly?)s.AsOf, ct)
            ?? throw new InvalidOperationException("No client has been scored yet; run the segmentation first.");
        var workflows = await db.Workflows.AsTracking().Where(w => w.Phase != WorkflowPhase.Off && !w.IsPaused).OrderBy(w => w.Id).ToListAsync(ct);
        var rewards = await db.Rewards.AsNoTracking().ToDictionaryAsync(r => r.Id, ct);
        var locations = await db.Locations.AsNoTracking().ToDictionaryAsync(l => l.Id, ct);
        var tiers = await db.Tiers.AsNoTracking().ToDictionaryAsync(t => t.Id, ct);
        var staffNames = await db.Staff.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.FirstName, ct);
        var segmentNames = await db.Segments.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var modelVersion = await db.ModelFits.Where(f => f.AsOf == asOf).Select(f => f.Version).SingleAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var locationBudgets = await db.LocationBudgets.AsNoTracking().ToDictionaryAsync(b => b.LocationId, ct);
        var locationCommitted = new Dictionary<int, long>();
        foreach (var budget in locationBudgets.Values)
        {
            var from = runDate.AddDays(-budget.PeriodDays + 1);
            locationCommitted[budget.LocationId] = await db.Proposals
                .Where(p => p.LocationId == budget.LocationId && Committed.Contains(p.Status) && p.RunDate >= from)
                .SumAsync(p => p.CostMinor, ct);
        }
        // What this run has already put towards each location's budget, across workflows.
        var locationRunning = new Dictionary<int, long>();

        var summaries = new List<WorkflowRunSummary>();
        foreach (var workflow in workflows)
        {
            if (!RunsOn(workflow, runDate))
            {
                summaries.Add(new WorkflowRunSummary(workflow.Id, workflow.Name, 0, 0, 0, 0, 0, 0, true, null));
                continue;
            }
            // Checked inside the write transaction: a second run racing this one waits for it, then finds its proposals.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (await db.Proposals.AnyAsync(p => p.WorkflowId == workflow.Id && p.RunDate == runDate, ct))
            {
                summaries.Add(new WorkflowRunSummary(workflow.Id, workflow.Name, 0, 0, 0, 0, 0, 0, true, null));
                continue;
            }
            var (targets, segmentsOf) = await TargetsAsync(db, workflow, asOf, ct);
            var clientIds = targets.Select(t => t.ClientId).ToList();
            var clients = await db.Clients.AsNoTracking().Where(c => clientIds.Contains(c.Id))
                .Select(c => new { c.Id, c.TierId, c.SmsConsent, c.HomeLocationId }).ToDictionaryAsync(c => c.Id, ct);
            var reward = workflow.RewardId is { } rewardId ? rewards[rewardId] : null;
            var budgetFrom = runDate.AddDays(-workflow.Caps.BudgetPeriodDays + 1);
            var committed = await db.Proposals.Where(p => p.WorkflowId == workflow.Id && Committed.Contains(p.Status) && p.RunDate >= budgetFrom)
                .SumAsync(p => p.CostMinor, ct);
            var clientSpend = await db.Proposals.Where(p => clientIds.Contains(p.ClientId) && Committed.Contains(p.Status) && p.RunDate >= budgetFrom)
                .GroupBy(p => p.ClientId).Select(g => new { g.Key, Sum = g.Sum(p => p.CostMinor) }).ToDictionaryAsync(x => x.Key, x => x.Sum, ct);
            var windowStart = now.AddDays(-workflow.Caps.MessageWindowDays - 1);
            var sent = (await db.Proposals.Where(p => clientIds.Contains(p.ClientId) && p.Status == ProposalStatus.Sent && p.PlannedSendAtUtc >= windowStart)
                    .Select(p => new { p.ClientId, p.PlannedSendAtUtc }).ToListAsync(ct))
                .ToLookup(p => p.ClientId, p => p.PlannedSendAtUtc!.Value);

            var proposals = new List<Proposal>();
            foreach (var score in targets)
            {
                var assignment = workflow.AssignmentOf(score.ClientId);
                if (assignment == PilotAssignment.OutsidePilot)
                {
                    continue;
                }
                var client = clients[score.ClientId];
                var location = locations[score.HomeLocationId];
                var demotion = workflow.Kind == WorkflowKind.TierChange && client.TierId is { } current && score.EligibleTierId is { } target
                    && tiers[target].Rank < tiers[current].Rank;
                var cost = reward?.EstimatedCostMinor ?? 0;
                var planned = workflow.Channel == Channel.None ? (DateTime?)null : PlannedSend(workflow, score, now, location.TimeZoneId, settings.QuietHours);
                var segments = segmentsOf[score.ClientId].Select(id => segmentNames[id]).ToList();
                var rationale = Rationale(workflow, score, reward, segments, tiers, demotion);
                var evidence = JsonSerializer.Serialize(new
                {
                    asOf, modelVersion, workflowVersion = workflow.Version, assignment = assignment.ToString(), segments,
                    score.ProbabilityAlive, score.ExpectedVisits90Days, score.PredictedValueMinor, score.DaysSinceLastVisit, score.Visits12Months,
                    score.Spend12MonthsMinor, score.RfmSegment, score.MeanIntervalDays, score.LapseAfter, score.FavouriteCategory, score.PointsBalance,
                    score.PointsExpiring30Days, score.EligibleTierId, currentTierId = client.TierId,
                }, Json);
                var status = assignment == PilotAssignment.Control ? ProposalStatus.Control
                    : workflow.Phase == WorkflowPhase.Shadow ? ProposalStatus.Shadow
                    : ProposalStatus.PendingReview;
                var requiresReview = demotion || (reward?.IsHighValue(settings.HighValueThresholdMinor) ?? false);
                var proposal = new Proposal(workflow.Id, workflow.Version, workflow.Kind, score.ClientId, score.HomeLocationId, runDate, status,
                    reward?.Id, cost, location.Currency, planned, rationale, evidence, [], requiresReview, now);

                if (status != ProposalStatus.Control)
                {
                    var checks = new List<GuardrailResult>();
                    if (workflow.Caps.BudgetPerPeriodMinor is { } budget)
                    {
                        var running = proposals.Where(p => !p.Blocked && p.Status != ProposalStatus.Control).Sum(p => p.CostMinor);
                        checks.Add(SpendCaps.Budget($"{workflow.Name}, last {workflow.Caps.BudgetPeriodDays} days", budget, committed + running, cost, location.Currency));
                    }
                    if (locationBudgets.TryGetValue(score.HomeLocationId, out var locationBudget))
                    {
                        checks.Add(SpendCaps.Budget($"{location.Name}, last {locationBudget.PeriodDays} days", locationBudget.CapMinor,
                            locationCommitted[score.HomeLocationId] + locationRunning.GetValueOrDefault(score.HomeLocationId), cost, location.Currency));
                    }
                    if (workflow.Caps.CostPerClientMinor is { } perClient)
                    {
                        checks.Add(SpendCaps.ClientCost(perClient, clientSpend.GetValueOrDefault(score.ClientId), cost, $"in the last {workflow.Caps.BudgetPeriodDays} days", location.Currency));
                    }
                    if (cost > 0)
                    {
                        checks.Add(SpendCaps.Margin(cost, score.PredictedValueMinor, workflow.Caps.MaxRewardShareOfValue, location.Currency));
                    }
                    if (workflow.Channel == Channel.Sms && planned is { } when)
                    {
                        checks.Add(ConsentRule.Check(Channel.Sms, client.SmsConsent, []));
                        checks.Add(new FrequencyCap("SMS", workflow.Caps.MaxMessagesPerClient, TimeSpan.FromDays(workflow.Caps.MessageWindowDays)).Check(sent[score.ClientId], when));
                        checks.Add(settings.QuietHours.Check(when, location.TimeZoneId));
                        var draft = await drafter.DraftAsync(new SmsDraftContext(
                            workflow.Kind, score.FavouriteCategory, score.FavouriteStaffId is { } s ? staffNames.GetValueOrDefault(s) : null, score.PointsBalance,
                            reward?.Describe() ?? "", reward?.OfferTokens ?? [], settings.BrandName, settings.BrandVoice, settings.OptOutSentence,
                            score.ClientId ^ workflow.Id), ct);
                        proposal.AttachDraft(draft.Text, draft.Provider, draft.Model, draft.TemplateVersion, draft.Tokens, draft.Flagged);
                        checks.AddRange(SmsContentRules.Check(draft.Text, settings.SmsPolicy, reward?.OfferTokens ?? [], ["{first_name}"]));
                    }
                    proposal.AddGuardrails(checks);
                }
                proposals.Add(proposal);
                if (proposal.Status == ProposalStatus.PendingReview)
                {
                    locationRunning[score.HomeLocationId] = locationRunning.GetValueOrDefault(score.HomeLocationId) + cost;
                }
            }

            string? breakerReason = null;
            var contacted = proposals.Count(p => p.Status != ProposalStatus.Control);
            var trailing = await db.Proposals.Where(p => p.WorkflowId == workflow.Id && p.Status != ProposalStatus.Control)
                .GroupBy(p => p.RunDate).OrderByDescending(g => g.Key).Take(5).Select(g => g.Count()).ToListAsync(ct);
            var breaker = new CircuitBreaker(workflow.Caps.BreakerMaxShareOfSegment, workflow.Caps.BreakerMaxMultipleOfAverage)
                .Evaluate(contacted, targets.Count, trailing);
            if (!breaker.Passed)
            {
                breakerReason = breaker.Reason;
                foreach (var proposal in proposals.Where(p => p.Status != ProposalStatus.Control))
                {
                    if (proposal.Status == ProposalStatus.PendingReview)
                    {
                        locationRunning[proposal.LocationId] -= proposal.CostMinor;
                    }
                    proposal.Discard(breaker);
                }
                workflow.Pause(breaker.Reason, now);
                db.Alerts.Add(new Alert { CreatedAt = now, WorkflowId = workflow.Id, Title = $"{workflow.Name} paused by its circuit breaker", Message = breaker.Reason });
                await audit.AppendAsync(db, actor, AuditActions.WorkflowPaused, "Workflow", workflow.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    null, new { workflow.Name, Reason = breaker.Reason, RunDate = runDate, Proposals = contacted }, ct);
            }

            // Automated phase: what passes every guardrail and needs no person is approved by the system; the rest is queued.
            if (workflow.Phase == WorkflowPhase.Automated && breakerReason is null)
            {
                foreach (var proposal in proposals.Where(p => p.Status == ProposalStatus.PendingReview && !p.RequiresReview))
                {
                    proposal.Approve(AutomatedReviewer, now);
                }
            }

            db.Proposals.AddRange(proposals);
            await db.SaveChangesAsync(ct);
            foreach (var proposal in proposals)
            {
                var blocked = proposal.Guardrails.Where(g => !g.Passed).ToList();
                var action = blocked.Count > 0 ? AuditActions.ProposalBlocked
                    : proposal.Status == ProposalStatus.Approved ? AuditActions.ProposalAutoApproved
                    : AuditActions.ProposalCreated;
                await audit.AppendAsync(db, actor, action, "Proposal",
                    proposal.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
                    new { proposal.WorkflowId, proposal.WorkflowVersion, proposal.ClientId, Status = proposal.Status.ToString(), proposal.CostMinor, Blocked = blocked.Select(b => b.Code) }, ct);
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);

            summaries.Add(new WorkflowRunSummary(workflow.Id, workflow.Name, targets.Count,
                proposals.Count(p => p.Status == ProposalStatus.Control), proposals.Count(p => p.Status == ProposalStatus.Shadow),
                proposals.Count(p => p.Status == ProposalStatus.PendingReview), proposals.Count(p => p.Status == ProposalStatus.Blocked),
                proposals.Count(p => p.Status == ProposalStatus.Discarded), false, breakerReason, proposals.Count(p => p.Status == ProposalStatus.Approved)));
        }
        logger.LogInformation("Proposals for {RunDate:yyyy-MM-dd} in {Elapsed:N1} s: {Summaries}", runDate, stopwatch.Elapsed.TotalSeconds, summaries);
        return summaries;
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
        return (targets, segmentsOf);
    }

    /// <summary>Win-backs go out when the client's own rhythm says they are overdue, not on a fixed calendar; then inside quiet hours.</summary>
    private static DateTime PlannedSend(Workflow workflow, ClientScore score, DateTime now, string timeZoneId, QuietHours quietHours)
    {
        var at = workflow.Kind == WorkflowKind.WinBack && score.LapseAfter is { } lapse && lapse > now ? lapse : now;
        return quietHours.NextAllowed(at, timeZoneId);
    }

    private static string Rationale(Workflow workflow, ClientScore score, Reward? reward, List<string> segments,
        Dictionary<int, Domain.Loyalty.TierDefinition> tiers, bool demotion)
    {
        if (workflow.Kind == WorkflowKind.TierChange && score.EligibleTierId is { } target)
        {
            return $"{(demotion ? "Demotion" : "Promotion")} to {tiers[target].Name}: {score.TierRationale}";
        }
        var offer = reward is null ? "" : $" Offer: {reward.Describe()}.";
        return $"{workflow.Name}: in {string.Join(", ", segments)}; last visit {score.DaysSinceLastVisit} days ago, " +
               $"{score.ProbabilityAlive * 100:0}% likely still active.{offer}";
    }
}
