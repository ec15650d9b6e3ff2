using LoyaltyConsole.Data;
using Quartz;

namespace LoyaltyConsole.Jobs;

/// <summary>Persists a <see cref="JobRun"/> for every job execution: a row when it starts, completed when it ends.</summary>
public sealed class JobRunRecorder(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    TimeProvider clock,
    ILogger<JobRunRecorder> logger) : IJobListener
{
    public const string TriggeredByKey = "triggeredBy";

    public string Name => nameof(JobRunRecorder);

    public async Task JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var triggeredBy = context.MergedJobDataMap.TryGetString(TriggeredByKey, out var who) && who is not null ? who : "schedule";
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.JobRuns.Add(new JobRun(context.JobDetail.Key.Name, context.FireInstanceId, clock.GetUtcNow().UtcDateTime, triggeredBy));
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        var succeeded = jobException is null;
        var message = succeeded ? context.Result?.ToString() : jobException!.InnerException?.Message ?? jobException.Message;
        if (!succeeded)
        {
            logger.LogError(jobException, "Job {Job} failed", context.JobDetail.Key);
        }
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var run = await db.JobRuns.SingleOrDefaultAsync(r => r.FireInstanceId == context.FireInstanceId, CancellationToken.None);
        if (run is null)
        {
            return;
        }
        run.Finish(clock.GetUtcNow().UtcDateTime, succeeded, message);
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
