namespace LoyaltyConsole.Jobs;

/// <summary>A job as configuration wants it: enabled, and firing on <paramref name="Cron"/> in <paramref name="TimeZoneId"/>, or only when run now (null cron).</summary>
public sealed record ConfiguredJob(ScheduledJob Job, Type JobType, string? Cron, string TimeZoneId)
{
    public string Name => Job.Name;
}

/// <summary>A job's schedule trigger as the job store holds it; a trigger that is not a cron trigger has a null cron.</summary>
public sealed record StoredSchedule(string? Cron, string? TimeZoneId);

public enum ScheduleChange
{
    /// <summary>The stored trigger already fires as configured: kept, so its next and missed firings stand.</summary>
    Keep,

    /// <summary>No trigger stored, or one with another cron or time zone: (re)placed with the configured one.</summary>
    Schedule,

    /// <summary>The job fires only when run now, but a trigger is stored: removed.</summary>
    Unschedule,

    /// <summary>The job fires only when run now and no trigger is stored.</summary>
    None,
}

/// <summary>
/// What start-up changes in the job store so that it holds exactly the configured jobs and schedules. The in-memory store
/// starts empty; the clustered store keeps jobs and triggers across restarts, written by whichever instance started last.
/// </summary>
/// <param name="Jobs">Every configured job, whose definition is written in any case, with what happens to its trigger.</param>
/// <param name="Delete">Stored jobs that configuration no longer enables (the demo job once the demo is off), deleted with their triggers.</param>
public sealed record SchedulePlan(IReadOnlyList<(ConfiguredJob Job, ScheduleChange Change)> Jobs, IReadOnlyList<string> Delete)
{
    /// <param name="storedJobs">Names of the jobs the store holds.</param>
    /// <param name="storedSchedules">Each stored job's schedule trigger, by job name; a job without one is absent.</param>
    public static SchedulePlan For(
        IReadOnlyCollection<ConfiguredJob> configured, IEnumerable<string> storedJobs, IReadOnlyDictionary<string, StoredSchedule> storedSchedules)
    {
        var jobs = configured
            .Select(job => (job, Change(job, storedSchedules.GetValueOrDefault(job.Name))))
            .ToList();
        var enabled = configured.Select(j => j.Name).ToHashSet(StringComparer.Ordinal);
        var delete = storedJobs.Where(name => !enabled.Contains(name)).Order(StringComparer.Ordinal).ToList();
        return new SchedulePlan(jobs, delete);
    }

    private static ScheduleChange Change(ConfiguredJob job, StoredSchedule? stored) => (job.Cron, stored) switch
    {
        (null, null) => ScheduleChange.None,
        (null, _) => ScheduleChange.Unschedule,
        (_, null) => ScheduleChange.Schedule,
        var (cron, s) when s.Cron == cron && s.TimeZoneId == job.TimeZoneId => ScheduleChange.Keep,
        _ => ScheduleChange.Schedule,
    };
}
