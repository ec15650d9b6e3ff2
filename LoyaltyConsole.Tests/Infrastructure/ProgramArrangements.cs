using LoyaltyConsole.Auditing;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Proposals;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Infrastructure;

/// <summary>Arrangements on the demo program, made through the same services a marketing lead and a reviewer use.</summary>
public static class ProgramArrangements
{
    /// <summary>
    /// Rejects every open proposal and sets each workflow's cool-down to <paramref name="cooldownDays"/>, so the next
    /// run proposes to every target again: the demo's first run otherwise keeps its clients out of later runs.
    /// </summary>
    public static async Task ClearQueueAsync(this TestApp app, int cooldownDays = 0)
    {
        await using var db = await app.CreateDbContextAsync();
        var open = await db.Proposals.Where(p => p.Status == ProposalStatus.PendingReview || p.Status == ProposalStatus.Blocked)
            .Select(p => p.Id).ToListAsync(TestContext.Current.CancellationToken);
        if (open.Count > 0)
        {
            var result = await app.Get<LoyaltyConsole.Review.ReviewService>().BulkAsync(open, approve: false, "Cleared for the test", AuditActor.System, TestContext.Current.CancellationToken);
            Assert.True(result.Succeeded, result.Message);
        }
        foreach (var workflow in await db.Workflows.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken))
        {
            await app.ChangeWorkflowAsync(workflow.Id, w => w.Caps with { CooldownDays = cooldownDays });
        }
    }

    /// <summary>Saves the workflow with new caps (and optionally a new phase), resuming it, as the program editor does.</summary>
    public static async Task ChangeWorkflowAsync(this TestApp app, int workflowId, Func<Workflow, WorkflowCaps> caps, WorkflowPhase? phase = null)
    {
        await using var db = await app.CreateDbContextAsync();
        var w = await db.Workflows.AsNoTracking().SingleAsync(x => x.Id == workflowId, TestContext.Current.CancellationToken);
        var errors = await app.Get<ProgramCatalog>().SaveWorkflowAsync(w.Id, new WorkflowForm(w.Name, w.Kind, w.SegmentIds, w.RewardId, w.Channel,
            phase ?? w.Phase, caps(w), w.PilotPercent, w.ControlPercent, true, w.Cron), AuditActor.System, TestContext.Current.CancellationToken);
        Assert.Empty(errors);
    }

    public static async Task<DateOnly> LatestScoredDayAsync(this TestApp app)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.SegmentationRuns.MaxAsync(r => r.AsOf, TestContext.Current.CancellationToken);
    }
}
