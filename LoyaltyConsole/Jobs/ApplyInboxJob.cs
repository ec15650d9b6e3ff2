using LoyaltyConsole.Sync.Webhooks;
using Quartz;

namespace LoyaltyConsole.Jobs;

/// <summary>Applies the webhook deliveries that are due; on a clustered store each firing runs on one instance, and claims keep a run-now apart.</summary>
[DisallowConcurrentExecution]
public sealed class ApplyInboxJob(InboxProcessor processor) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        var result = await processor.ApplyDueAsync(context.CancellationToken);
        context.Result = result.ToString();
    }
}
