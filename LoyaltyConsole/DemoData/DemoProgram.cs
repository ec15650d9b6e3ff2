using LoyaltyConsole.Auditing;
using LoyaltyConsole.Domain.Guardrails;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Proposals;

namespace LoyaltyConsole.DemoData;

/// <summary>
/// The demo business's loyalty program: a few rewards and workflows in Review phase, so queues have content. Win-back
/// and expiry nudges run as 50% pilots with a 10% control group, which keeps each run under the breaker's 50% share.
/// </summary>
public sealed class DemoProgram(ProgramCatalog catalog, IDbContextFactory<Data.ApplicationDbContext> dbFactory)
{
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
        var caps = new WorkflowCaps { BudgetPerPeriodMinor = 500_000, CostPerClientMinor = 3_000, MaxRewardShareOfValue = 0.25 };
        await catalog.SaveWorkflowAsync(null, new WorkflowForm("Win-back lapsed clients", WorkflowKind.WinBack, [segments["lapsed"]], rewards["20% off the next visit"],
            Channel.Sms, WorkflowPhase.Review, caps, 50, 10, false), actor, ct);
        await catalog.SaveWorkflowAsync(null, new WorkflowForm("Points expiry nudge", WorkflowKind.PointsExpiryNudge, [segments["points-expiring"]], rewards["200 bonus points"],
            Channel.Sms, WorkflowPhase.Review, caps, 50, 10, false), actor, ct);
        await catalog.SaveWorkflowAsync(null, new WorkflowForm("Tier changes", WorkflowKind.TierChange, [], null,
            Channel.None, WorkflowPhase.Review, new WorkflowCaps { BreakerMaxShareOfSegment = 1.0 }, 100, 0, false), actor, ct);
    }
}
