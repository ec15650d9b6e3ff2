using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Identity;
using Quartz;
using Quartz.Impl.Matchers;

namespace LoyaltyConsole.Jobs;

public sealed record JobSummary(
    string Name, string Description, string? Cron, DateTime? NextRunAt, JobRun? LastRun, bool IsRunning);

/// <summary>Lists the scheduled jobs with their state and lets an Admin run one now.</summary>
public sealed class JobCatalog(
    ISchedulerFactory schedulerFactory,
    IDbContextFactory<ApplicationDbContext> dbFactory,
    CommandRunner commands)
{
    public async Task<IReadOnlyList<JobSummary>> ListAsync(CancellationToken ct = default)
    {
        var scheduler = await schedulerFactory.GetScheduler(ct);
        var running = (await scheduler.GetCurrentlyExecutingJobs(ct)).Select(j => j.JobDetail.Key.Name).ToHashSet();
        var lastRuns = await LastRunsAsync(ct);
        var result = new List<JobSummary>();
        foreach (var key in (await scheduler.GetJobKeys(GroupMatcher<JobKey>.AnyGroup(), ct)).OrderBy(k => k.Name))
        {
            var detail = await scheduler.GetJobDetail(key, ct);
            var triggers = await scheduler.GetTriggersOfJob(key, ct);
            var cron = triggers.OfType<ICronTrigger>().FirstOrDefault();
            var next = triggers.Select(t => t.GetNextFireTimeUtc()).Where(t => t.HasValue).Min();
            result.Add(new JobSummary(
                key.Name, detail?.Description ?? "", cron?.CronExpressionString, next?.UtcDateTime, lastRuns.GetValueOrDefault(key.Name),
                running.Contains(key.Name)));
        }
        return result;
    }

    /// <summary>The latest run of every job, in one query.</summary>
    private async Task<Dictionary<string, JobRun>> LastRunsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var latest = db.JobRuns.GroupBy(r => r.JobKey).Select(g => g.Max(r => r.Id));
        return await db.JobRuns.AsNoTracking().Where(r => latest.Contains(r.Id)).ToDictionaryAsync(r => r.JobKey, ct);
    }

    public async Task<IReadOnlyList<JobRun>> HistoryAsync(string jobName, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.JobRuns.AsNoTracking()
            .Where(r => r.JobKey == jobName)
            .OrderByDescending(r => r.StartedAt)
            .Take(take)
            .ToListAsync(ct);
    }

    /// <summary>Fires the job once, now, for an Admin whose access is re-read first; the request is audited before the scheduler is asked.</summary>
    public async Task<CommandResult> RunNowAsync(string jobName, AuditActor actor, CancellationToken ct = default)
    {
        var scheduler = await schedulerFactory.GetScheduler(ct);
        var key = new JobKey(jobName);
        if (!await scheduler.CheckExists(key, ct))
        {
            return CommandResult.Refused($"There is no job called '{jobName}'.");
        }
        var result = await commands.RunAsync(actor, Policies.ManageJobs, async command =>
        {
            await command.AuditAsync(AuditActions.JobRunRequested, "Job", jobName, null, new { Job = jobName });
            return $"{jobName} started.";
        }, ct: ct);
        if (result.Succeeded)
        {
            await scheduler.TriggerJob(key, new JobDataMap { [JobRunRecorder.TriggeredByKey] = actor.Name }, ct);
        }
        return result;
    }
}
