using LoyaltyConsole.DemoData;
using Quartz;

namespace LoyaltyConsole.Jobs;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.SectionName)
            .Validate(o => o.Schedules.Values.All(CronExpression.IsValidExpression), "Every Jobs:Schedules entry must be a valid Quartz cron expression.")
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Jobs:TimeZone must be an IANA time zone.")
            .ValidateOnStart();

        var options = builder.Configuration.GetSection(JobsOptions.SectionName).Get<JobsOptions>() ?? new JobsOptions();
        var demo = builder.Configuration.GetSection(DemoOptions.SectionName).Get<DemoOptions>() ?? new DemoOptions();
        var digest = builder.Configuration.GetSection(Review.DigestOptions.SectionName).Get<Review.DigestOptions>() ?? new Review.DigestOptions();

        builder.Services.AddHostedService<QuartzLoggingBridge>();
        builder.Services.AddSingleton<JobRunRecorder>();
        builder.Services.AddSingleton<JobCatalog>();
        builder.Services.AddQuartz(q =>
        {
            q.SchedulerName = options.SchedulerName;
            q.AddJobListener<JobRunRecorder>();
            AddJob<VerifyAuditJob>(q, ScheduledJobs.VerifyAudit, options);
            AddJob<SegmentationJob>(q, ScheduledJobs.Segmentation, options);
            AddJob<ProposalJob>(q, ScheduledJobs.Proposals, options);
            AddJob<ExpireProposalsJob>(q, ScheduledJobs.ExpireProposals, options);
            if (digest.Enabled)
            {
                AddJob<ReviewDigestJob>(q, ScheduledJobs.ReviewDigest, options);
            }
            if (demo.Enabled)
            {
                AddJob<DemoDailyVisitsJob>(q, ScheduledJobs.DemoDailyVisits, options);
            }
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }

    private static void AddJob<TJob>(IServiceCollectionQuartzConfigurator q, ScheduledJob job, JobsOptions options)
        where TJob : IJob
    {
        var cron = options.Schedules.GetValueOrDefault(job.Name, job.DefaultCron);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        var key = new JobKey(job.Name);
        q.AddJob<TJob>(key, j => j.WithDescription(job.Description).StoreDurably());
        if (!options.RunSchedules)
        {
            return;
        }
        q.AddTrigger(t => t.ForJob(key).WithIdentity($"{job.Name}-schedule").WithCronSchedule(cron, c => c.InTimeZone(zone)));
    }
}
