using LoyaltyConsole.Review;
using Quartz;

namespace LoyaltyConsole.Jobs;

[DisallowConcurrentExecution]
public sealed class ReviewDigestJob(ReviewDigest digest) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        var sent = await digest.SendAsync(context.CancellationToken);
        context.Result = $"Digest sent to {sent} reviewer(s).";
    }
}
