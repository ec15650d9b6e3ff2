using LoyaltyConsole.Data;
using LoyaltyConsole.DemoData;
using Quartz;

namespace LoyaltyConsole.Jobs;

public static class DependencyInjection
{
    /// <summary>Register after <c>AddStartupTasks</c>: the jobs are written to the store once the database is migrated.</summary>
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.SectionName)
            .Validate(o => o.Schedules.Values.All(CronExpression.IsValidExpression), "Every Jobs:Schedules entry must be a valid Quartz cron expression.")
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Jobs:TimeZone must be an IANA time zone.")
            .ValidateOnStart();

        var options = builder.Configuration.GetSection(JobsOptions.SectionName).Get<JobsOptions>() ?? new JobsOptions();
        var database = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var configured = ConfiguredJobs(builder.Configuration, options);

        builder.Services.AddHostedService<QuartzLoggingBridge>();
        builder.Services.AddSingleton<JobRunRecorder>();
        builder.Services.AddSingleton<JobCatalog>();
        builder.Services.AddQuartz(q =>
        {
            q.SchedulerName = options.SchedulerName;
            q.AddJobListener<JobRunRecorder>();
            // SQLite means one instance: Quartz's in-memory store, filled at each start. A server database may be shared
            // by several instances, which then share one job store on it and run each firing once.
            if (database.IsServer)
            {
                q.UseClusteredJobStore(database.Provider,
                    builder.Configuration.GetConnectionString(Data.DependencyInjection.ConnectionStringName)
                        ?? throw new InvalidOperationException($"Connection string '{Data.DependencyInjection.ConnectionStringName}' is not configured."));
            }
        });
        // Before Quartz's hosted service, which starts the scheduler once the store holds the configured jobs.
        builder.Services.AddHostedService(sp => new ScheduleReconciler(
            sp.GetRequiredService<ISchedulerFactory>(), configured, sp.GetRequiredService<ILogger<ScheduleReconciler>>()));
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        builder.Services.AddHealthChecks().AddCheck<SchedulerHealthCheck>("scheduler");
        return builder;
    }

    /// <summary>The jobs this configuration enables, each with its cron, or none when <c>Jobs:RunSchedules</c> is false.</summary>
    private static List<ConfiguredJob> ConfiguredJobs(IConfiguration configuration, JobsOptions options)
    {
        var demo = configuration.GetSection(DemoOptions.SectionName).Get<DemoOptions>() ?? new DemoOptions();
        var digest = configuration.GetSection(Review.DigestOptions.SectionName).Get<Review.DigestOptions>() ?? new Review.DigestOptions();
        List<(ScheduledJob Job, Type Type)> enabled =
        [
            (ScheduledJobs.VerifyAudit, typeof(VerifyAuditJob)),
            (ScheduledJobs.Segmentation, typeof(SegmentationJob)),
            (ScheduledJobs.Proposals, typeof(ProposalJob)),
            (ScheduledJobs.ExpireProposals, typeof(ExpireProposalsJob)),
            (ScheduledJobs.ConnectionSync, typeof(ConnectionSyncJob)),
            (ScheduledJobs.ApplyInbox, typeof(ApplyInboxJob)),
            (ScheduledJobs.DispatchOutbox, typeof(DispatchOutboxJob)),
        ];
        if (digest.Enabled)
        {
            enabled.Add((ScheduledJobs.ReviewDigest, typeof(ReviewDigestJob)));
        }
        if (demo.Enabled)
        {
            enabled.Add((ScheduledJobs.DemoDailyVisits, typeof(DemoDailyVisitsJob)));
        }
        // The zone's own id, as the store gives it back, so that an unchanged schedule compares equal at the next start.
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out var found) ? found.Id : options.TimeZone;
        return enabled
            .Select(e => new ConfiguredJob(e.Job, e.Type, options.RunSchedules ? options.Schedules.GetValueOrDefault(e.Job.Name, e.Job.DefaultCron) : null, zone))
            .ToList();
    }
}
