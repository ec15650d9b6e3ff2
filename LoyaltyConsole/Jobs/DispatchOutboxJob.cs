using LoyaltyConsole.Execution;
using Quartz;

namespace LoyaltyConsole.Jobs;

/// <summary>Carries out the outbox's due actions; claims keep instances (and a run-now) from taking the same action.</summary>
[DisallowConcurrentExecution]
public sealed class DispatchOutboxJob(OutboxDispatcher dispatcher) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        var result = await dispatcher.DispatchDueAsync(context.CancellationToken);
        context.Result = result.ToString();
    }
}
