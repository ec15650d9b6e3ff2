using Quartz;
using Quartz.Impl.Matchers;

namespace LoyaltyConsole.Jobs;

/// <summary>
/// Writes the configured jobs and schedules into the job store before the scheduler starts (it is registered before Quartz's
/// hosted service). Every write replaces or removes by key inside the store's own locked transaction, so instances starting
/// together on one clustered store never fail on a duplicate key: the last to start leaves its configuration.
/// </summary>
internal sealed class ScheduleReconciler(
    ISchedulerFactory schedulerFactory,
    IReadOnlyCollection<ConfiguredJob> configured,
    ILogger<ScheduleReconciler> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        var plan = await ApplyAsync(scheduler, configured, cancellationToken);
        var changes = plan.Jobs
            .Where(j => j.Change is ScheduleChange.Schedule or ScheduleChange.Unschedule)
            .Select(j => j.Change == ScheduleChange.Schedule ? $"{j.Job.Name} scheduled ({j.Job.Cron})" : $"{j.Job.Name} unscheduled")
            .Concat(plan.Delete.Select(name => $"{name} deleted"))
            .ToList();
        if (changes.Count > 0)
        {
            logger.LogInformation("Job schedules changed: {Changes}", string.Join("; ", changes));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static TriggerKey ScheduleTriggerKey(string jobName) => new($"{jobName}-schedule");

    /// <summary>Reads what <paramref name="scheduler"/>'s store holds, plans the changes and writes them.</summary>
    public static async Task<SchedulePlan> ApplyAsync(IScheduler scheduler, IReadOnlyCollection<ConfiguredJob> configured, CancellationToken ct)
    {
        var storedJobs = (await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(JobKey.DefaultGroup), ct)).Select(k => k.Name).ToList();
        var storedSchedules = new Dictionary<string, StoredSchedule>(StringComparer.Ordinal);
        foreach (var job in configured)
        {
            var trigger = await scheduler.GetTrigger(ScheduleTriggerKey(job.Name), ct);
            if (trigger is not null)
            {
                var cron = trigger as ICronTrigger;
                storedSchedules[job.Name] = new StoredSchedule(cron?.CronExpressionString, cron?.TimeZone.Id);
            }
        }

        var plan = SchedulePlan.For(configured, storedJobs, storedSchedules);
        foreach (var (job, change) in plan.Jobs)
        {
            var detail = JobBuilder.Create(job.JobType).WithIdentity(job.Name).WithDescription(job.Job.Description).StoreDurably().Build();
            switch (change)
            {
                case ScheduleChange.Schedule:
                    var trigger = TriggerBuilder.Create()
                        .ForJob(detail)
                        .WithIdentity(ScheduleTriggerKey(job.Name))
                        .WithCronSchedule(job.Cron!, c => c.InTimeZone(TimeZoneInfo.FindSystemTimeZoneById(job.TimeZoneId)))
                        .Build();
                    await scheduler.ScheduleJob(detail, [trigger], replace: true, ct);
                    break;
                case ScheduleChange.Unschedule:
                    await scheduler.AddJob(detail, replace: true, ct);
                    await scheduler.UnscheduleJob(ScheduleTriggerKey(job.Name), ct);
                    break;
                default:
                    await scheduler.AddJob(detail, replace: true, ct);
                    break;
            }
        }
        foreach (var name in plan.Delete)
        {
            await scheduler.DeleteJob(new JobKey(name), ct);
        }
        return plan;
    }
}
