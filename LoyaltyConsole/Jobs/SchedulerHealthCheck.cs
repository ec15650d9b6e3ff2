using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace LoyaltyConsole.Jobs;

/// <summary>
/// Healthy while this instance's scheduler runs: started, not in standby, not shut down, and, on the clustered store, the
/// store answers a query (a node that cannot reach it fires nothing, and its check-ins lapse until another node takes over).
/// </summary>
internal sealed class SchedulerHealthCheck(ISchedulerFactory schedulerFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        if (scheduler.IsShutdown)
        {
            return HealthCheckResult.Unhealthy("The scheduler is shut down.");
        }
        if (!scheduler.IsStarted)
        {
            return HealthCheckResult.Unhealthy("The scheduler has not started.");
        }
        if (scheduler.InStandbyMode)
        {
            // Also the state of the moments while it starts: Quartz's hosted service starts it once the app has started.
            return HealthCheckResult.Unhealthy("The scheduler is in standby (paused, or still starting): it fires nothing.");
        }
        var metaData = await scheduler.GetMetaData(cancellationToken);
        if (!metaData.JobStoreClustered)
        {
            return HealthCheckResult.Healthy($"Scheduler {metaData.SchedulerName} runs on the in-memory job store.");
        }
        try
        {
            // One indexed read of the job store's tables, through the store's own connection and transaction handling.
            await scheduler.GetJobGroupNames(cancellationToken);
        }
        catch (SchedulerException ex)
        {
            return HealthCheckResult.Unhealthy($"Scheduler instance {metaData.SchedulerInstanceId} cannot read the clustered job store.", ex);
        }
        return HealthCheckResult.Healthy($"Scheduler {metaData.SchedulerName}, instance {metaData.SchedulerInstanceId}, on the clustered job store.");
    }
}
