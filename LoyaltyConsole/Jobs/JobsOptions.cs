namespace LoyaltyConsole.Jobs;

public sealed class JobsOptions
{
    public const string SectionName = "Jobs";

    /// <summary>Quartz cron expressions by job name; a job without an entry keeps its default schedule.</summary>
    public Dictionary<string, string> Schedules { get; init; } = [];

    /// <summary>Time zone the cron expressions are read in (IANA id).</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Instances sharing a clustered job store must use the same name; separate apps in one process must not.</summary>
    public string SchedulerName { get; init; } = "LoyaltyConsole";

    /// <summary>
    /// False keeps every job but fires none on its schedule, only when run now: test hosts, where a job firing at a
    /// wall-clock time (demo visits at 23:30) would change a test's data under it.
    /// </summary>
    public bool RunSchedules { get; init; } = true;
}
