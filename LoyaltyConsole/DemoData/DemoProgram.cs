using LoyaltyConsole.Auditing;
using LoyaltyConsole.Domain.Guardrails;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Proposals;

namespace LoyaltyConsole.DemoData;

/// <summary>
/// The demo business's loyalty program: a few rewards and workflows in Review phase, so queues have content. Each
/// workflow starts as a pilot sized the way a marketing lead sizes a first pilot: to what a manager can review in a
/// morning, about <see cref="ReviewsPerWorkflow"/> proposals at the busiest location, given how many clients the first
/// scoring run found for it; a business that small gets the whole segment. Win-back and expiry nudges hold out 10% of
/// their pilot as control. Each circuit breaker trips at twice its pilot's share of the segment: room enough for the
/// luck of the pilot draw on a small segment, and a run that contacts more than that is not the pilot anybody set up.
/// </summary>
public sealed class DemoProgram(ProgramCatalog catalog, IDbContextFactory<Data.ApplicationDbContext> dbFactory)
{
    private const int ReviewsPerWorkflow = 15;

    /// <summary>Runs after the first scoring run, whose segments and tier eligibility size the pilots.</summary>
    public async Task EnsureAsync(CancellationToken ct = default)
    {
        if ((await catalog.WorkflowsAsync(ct)).Count > 0)
        {
            return;
        }
        var actor = AuditActor.System;
        await catalog.SaveRewardAsync(null, new RewardForm("20% off the next visit", RewardKind.PercentDiscount, null, 20, null, null, 18m, true), actor, ct);
        await catalog.SaveRewardAsync(null, new RewardForm("200 bonus points", RewardKind.PointsBonus, 200, null, null, null, 10m, true), actor, ct);
        await catalog.SaveRewardAsync(null, new RewardForm("Free deep-conditioning add-on", RewardKind.FreeAddOn, null, null, "deep-conditioning treatment", null, 8m, true), actor, ct);
        await catalog.SaveRewardAsync(null, new RewardForm("Double points for 30 days", RewardKind.DoublePoints, null, null, null, 30, 15m, true), actor, ct);
        var rewards = (await catalog.RewardsAsync(ct)).ToDictionary(r => r.Name, r => r.Id);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var segments = await db.Segments.ToDictionaryAsync(s => s.Key, s => s.Id, ct);
        var winBackPilot = PilotPercent(await MembersPerLocationAsync(db, segments["lapsed"], ct));
        var expiryPilot = PilotPercent(await MembersPerLocationAsync(db, segments["points-expiring"], ct));
        var tierPilot = PilotPercent(await TierChangesPerLocationAsync(db, ct));
        var caps = new WorkflowCaps { BudgetPerPeriodMinor = 500_000, CostPerClientMinor = 3_000, MaxRewardShareOfValue = 0.25 };
        await catalog.SaveWorkflowAsync(null, new WorkflowForm("Win-back lapsed clients", WorkflowKind.WinBack, [segments["lapsed"]], rewards["20% off the next visit"],
            Channel.Sms, WorkflowPhase.Review, BreakerFor(caps, winBackPilot), winBackPilot, 10, false), actor, ct);
        await catalog.SaveWorkflowAsync(null, new WorkflowForm("Points expiry nudge", WorkflowKind.PointsExpiryNudge, [segments["points-expiring"]], rewards["200 bonus points"],
            Channel.Sms, WorkflowPhase.Review, BreakerFor(caps, expiryPilot), expiryPilot, 10, false), actor, ct);
        // Every tier change is reviewed by a person and has no control group.
        await catalog.SaveWorkflowAsync(null, new WorkflowForm("Tier changes", WorkflowKind.TierChange, [], null,
            Channel.None, WorkflowPhase.Review, BreakerFor(new WorkflowCaps(), tierPilot), tierPilot, 0, false), actor, ct);
    }

    private static WorkflowCaps BreakerFor(WorkflowCaps caps, int pilotPercent) =>
        caps with { BreakerMaxShareOfSegment = Math.Min(1.0, 2 * pilotPercent / 100.0) };

    /// <summary>The percentage that puts about <see cref="ReviewsPerWorkflow"/> of the busiest location's targets in the pilot.</summary>
    internal static int PilotPercent(IReadOnlyCollection<int> targetsPerLocation)
    {
        var busiest = targetsPerLocation.Count == 0 ? 0 : targetsPerLocation.Max();
        return busiest <= ReviewsPerWorkflow ? 100 : (int)Math.Ceiling(100.0 * ReviewsPerWorkflow / busiest);
    }

    private static async Task<List<int>> MembersPerLocationAsync(Data.ApplicationDbContext db, int segmentId, CancellationToken ct) =>
        await (from m in db.SegmentMemberships
               join c in db.Clients on m.ClientId equals c.Id
               where m.SegmentId == segmentId && m.ExitedOn == null
               group m by c.HomeLocationId into g
               select g.Count()).ToListAsync(ct);

    // The tier-change workflow's targets: scored clients whose last 12 months earn a different tier than the one they hold.
    private static async Task<List<int>> TierChangesPerLocationAsync(Data.ApplicationDbContext db, CancellationToken ct)
    {
        var latest = await db.ClientScores.MaxAsync(s => (DateOnly?)s.AsOf, ct);
        return await (from s in db.ClientScores
                      join c in db.Clients on s.ClientId equals c.Id
                      where s.AsOf == latest && s.EligibleTierId != null && s.EligibleTierId != c.TierId
                      group s by s.HomeLocationId into g
                      select g.Count()).ToListAsync(ct);
    }
}
