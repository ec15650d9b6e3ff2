using LoyaltyConsole.DemoData;
using Quartz;

namespace LoyaltyConsole.Jobs;

[DisallowConcurrentExecution]
public sealed class DemoDailyVisitsJob(DemoDailyVisits daily, TimeProvider clock) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var added = await daily.AppendDayAsync(today, context.CancellationToken);
        context.Result = $"{added} visit(s) added for {today:yyyy-MM-dd}.";
    }
}
