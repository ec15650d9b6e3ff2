using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Proposals;
using Quartz;

namespace LoyaltyConsole.Jobs;

/// <summary>Proposes actions for the latest scored day, once per workflow and day (re-runs add nothing).</summary>
[DisallowConcurrentExecution]
public sealed class ProposalJob(ProposalService proposals, IDbContextFactory<ApplicationDbContext> dbFactory) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        await using var db = await dbFactory.CreateDbContextAsync(context.CancellationToken);
        var asOf = await db.SegmentationRuns.MaxAsync(r => (DateOnly?)r.AsOf, context.CancellationToken);
        if (asOf is null)
        {
            context.Result = "Nothing scored yet.";
            return;
        }
        var summaries = await proposals.RunAsync(asOf.Value, AuditActor.System, context.CancellationToken);
        context.Result = summaries.Count == 0
            ? "No workflow is active."
            : string.Join("; ", summaries.Select(s => s.Skipped
                ? $"{s.Workflow}: skipped, {s.SkipReason}"
                : $"{s.Workflow}: {s.Pending} to review, {s.AutoApproved} approved automatically, {s.Blocked} blocked, {s.Shadow} shadow, {s.Control} control{(s.BreakerReason is null ? "" : $", PAUSED: {s.BreakerReason}")}"));
    }
}
