using LoyaltyConsole.Review;
using Quartz;

namespace LoyaltyConsole.Jobs;

/// <summary>Expires proposals nobody decided within the review window, so they stop holding budget and message reservations.</summary>
[DisallowConcurrentExecution]
public sealed class ExpireProposalsJob(ReviewService reviews) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        var expired = await reviews.ExpireStaleAsync(context.CancellationToken);
        context.Result = expired == 0 ? "Nothing waited too long." : $"{expired} proposal(s) expired.";
    }
}
