using LoyaltyConsole.Auditing;
using Quartz;

namespace LoyaltyConsole.Jobs;

[DisallowConcurrentExecution]
public sealed class VerifyAuditJob(AuditVerifier verifier) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        var result = await verifier.VerifyAndCheckpointAsync(context.CancellationToken);
        if (!result.IsIntact)
        {
            throw new JobExecutionException(result.ToString());
        }
        context.Result = result.ToString();
    }
}
