using System.Collections.Concurrent;
using LoyaltyConsole.Data;
using LoyaltyConsole.Jobs;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Quartz;
using Quartz.Impl;
using Quartz.Impl.Matchers;

namespace LoyaltyConsole.Tests.Jobs;

/// <summary>
/// Quartz's clustered job store on a real PostgreSQL server, configured as the app configures it. Quartz 3 logs through
/// one logger factory for the whole process, which each test host replaces when it starts and disposes when it stops;
/// these tests build schedulers outside any host, so they run alone, each with a logger factory of its own.
/// </summary>
[Collection(nameof(ClusteredSchedulerTests))]
[CollectionDefinition(nameof(ClusteredSchedulerTests), DisableParallelization = true)]
public sealed class ClusteredSchedulerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ScheduledJob Counting = new("counting", "Counts its runs.", "0 0 3 1 1 ?");
    private static readonly ScheduledJob Other = new("other", "Another job.", "0 0 4 1 1 ?");

    [Fact]
    public async Task Two_instances_on_one_database_create_the_tables_once_and_run_each_firing_once()
    {
        await using var database = await ScratchPostgresDatabase.CreateAsync(Ct);

        // Two instances migrating at once, then a third after them: one creates the tables, the others find them.
        var created = await Task.WhenAll(MigrateAsync(database), MigrateAsync(database));
        Assert.Equal(1, created.Count(c => c));
        Assert.False(await MigrateAsync(database));

        var name = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        var first = await CreateInstanceAsync(name, database);
        var second = await CreateInstanceAsync(name, database);
        try
        {
            Assert.NotEqual(first.SchedulerInstanceId, second.SchedulerInstanceId);
            // Both start with the same configuration at the same moment: neither fails on a key the other wrote.
            ConfiguredJob[] configured = [new(Counting, typeof(CountingJob), Counting.DefaultCron, "UTC")];
            await Task.WhenAll(ScheduleReconciler.ApplyAsync(first, configured, Ct), ScheduleReconciler.ApplyAsync(second, configured, Ct));

            // Ten one-off firings due at the same moment, each carrying job data through the store's serializer; stored
            // before either instance starts, so that both reach for every one of them.
            var run = Guid.NewGuid().ToString("N");
            var at = DateTimeOffset.UtcNow.AddSeconds(3);
            for (var i = 0; i < 10; i++)
            {
                await first.ScheduleJob(TriggerBuilder.Create()
                    .ForJob(Counting.Name).WithIdentity($"once-{i:D2}").UsingJobData(CountingJob.RunKey, run).StartAt(at).Build(), Ct);
            }
            await Task.WhenAll(first.Start(Ct), second.Start(Ct));

            var runs = CountingJob.Runs.GetOrAdd(run, _ => []);
            for (var waited = 0; waited < 600 && runs.Count < 10; waited++)
            {
                await Task.Delay(100, Ct);
            }
            // Long enough for a second node to have fired anything twice.
            await Task.Delay(ClusteredJobStore.CheckinInterval, Ct);
            TestContext.Current.SendDiagnosticMessage("Fired: " + string.Join(" ", runs.Select(r => r.Trigger + "@" + r.Instance)));

            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"once-{i:D2}"), runs.Select(r => r.Trigger).Order(StringComparer.Ordinal));
            Assert.Equal(
                new[] { first.SchedulerInstanceId, second.SchedulerInstanceId }.Order(StringComparer.Ordinal),
                (await CheckedInInstancesAsync(database, name)).Order(StringComparer.Ordinal));
        }
        finally
        {
            await first.Shutdown(waitForJobsToComplete: true, Ct);
            await second.Shutdown(waitForJobsToComplete: true, Ct);
        }
    }

    [Fact]
    public async Task A_restart_leaves_the_store_holding_exactly_the_configured_jobs_and_schedules()
    {
        await using var database = await ScratchPostgresDatabase.CreateAsync(Ct);
        await MigrateAsync(database);
        var name = "restart-" + Guid.NewGuid().ToString("N")[..8];

        var scheduler = await CreateInstanceAsync(name, database);
        try
        {
            await ScheduleReconciler.ApplyAsync(scheduler,
                [new(Counting, typeof(CountingJob), "0 0 3 1 1 ?", "UTC"), new(Other, typeof(CountingJob), "0 0 4 1 1 ?", "UTC")], Ct);
            var kept = await scheduler.GetTrigger(ScheduleReconciler.ScheduleTriggerKey(Counting.Name), Ct);

            // The next start: counting's cron is unchanged and the other job is no longer enabled.
            var plan = await ScheduleReconciler.ApplyAsync(scheduler, [new(Counting, typeof(CountingJob), "0 0 3 1 1 ?", "UTC")], Ct);

            Assert.Equal(ScheduleChange.Keep, plan.Jobs.Single().Change);
            Assert.Equal([Counting.Name], (await scheduler.GetJobKeys(GroupMatcher<JobKey>.AnyGroup(), Ct)).Select(k => k.Name));
            Assert.Equal(kept!.StartTimeUtc, (await scheduler.GetTrigger(ScheduleReconciler.ScheduleTriggerKey(Counting.Name), Ct))!.StartTimeUtc);

            // Then a changed cron, then schedules off.
            await ScheduleReconciler.ApplyAsync(scheduler, [new(Counting, typeof(CountingJob), "0 30 3 1 1 ?", "UTC")], Ct);
            Assert.Equal("0 30 3 1 1 ?", ((ICronTrigger)(await scheduler.GetTrigger(ScheduleReconciler.ScheduleTriggerKey(Counting.Name), Ct))!).CronExpressionString);

            await ScheduleReconciler.ApplyAsync(scheduler, [new(Counting, typeof(CountingJob), null, "UTC")], Ct);
            Assert.Empty(await scheduler.GetTriggersOfJob(new JobKey(Counting.Name), Ct));
            Assert.True(await scheduler.CheckExists(new JobKey(Counting.Name), Ct));
        }
        finally
        {
            await scheduler.Shutdown(Ct);
        }
    }

    [Fact]
    public async Task Schedulers_on_different_databases_in_one_process_each_write_to_their_own()
    {
        await using var one = await ScratchPostgresDatabase.CreateAsync(Ct);
        await using var two = await ScratchPostgresDatabase.CreateAsync(Ct);
        await MigrateAsync(one);
        await MigrateAsync(two);
        var first = await CreateInstanceAsync("one-" + Guid.NewGuid().ToString("N")[..8], one);
        var second = await CreateInstanceAsync("two-" + Guid.NewGuid().ToString("N")[..8], two);
        try
        {
            await ScheduleReconciler.ApplyAsync(first, [new(Counting, typeof(CountingJob), null, "UTC")], Ct);
            await ScheduleReconciler.ApplyAsync(second, [new(Other, typeof(CountingJob), null, "UTC")], Ct);

            Assert.Equal([Counting.Name], await StoredJobsAsync(one));
            Assert.Equal([Other.Name], await StoredJobsAsync(two));
        }
        finally
        {
            await first.Shutdown(Ct);
            await second.Shutdown(Ct);
        }
    }

    [Fact]
    public async Task On_a_server_database_the_app_stores_its_jobs_in_the_clustered_store_and_reports_it_healthy()
    {
        await using var database = await ScratchPostgresDatabase.CreateAsync(Ct);
        await MigrateAsync(database);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = nameof(DatabaseProvider.PostgreSql),
            ["ConnectionStrings:DefaultConnection"] = database.ConnectionString,
            ["Jobs:SchedulerName"] = "app-" + Guid.NewGuid().ToString("N")[..8],
            ["Logging:LogLevel:Default"] = "Warning",
        });
        // What the job listener needs to be built; no job runs in this test.
        builder.Services.AddDbContextFactory<ApplicationDbContext>(o => o.UseSqlite("Data Source=:memory:"));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddJobs();
        using var host = builder.Build();

        await host.StartAsync(Ct);
        try
        {
            var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);
            // Quartz's hosted service starts the scheduler once the application has started, in the background.
            for (var waited = 0; waited < 100 && scheduler.InStandbyMode; waited++)
            {
                await Task.Delay(100, Ct);
            }
            var metaData = await scheduler.GetMetaData(Ct);
            var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);

            Assert.True(metaData.JobStoreClustered);
            Assert.NotEqual("NON_CLUSTERED", metaData.SchedulerInstanceId);
            var check = health.Entries["scheduler"];
            Assert.True(check.Status == HealthStatus.Healthy, $"{check.Status}: {check.Description} {check.Exception}");
            Assert.Contains("clustered job store", check.Description, StringComparison.Ordinal);
            await using var connection = database.OpenConnection();
            await using var command = new NpgsqlCommand("SELECT job_name FROM qrtz_triggers ORDER BY job_name", connection);
            var scheduled = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync(Ct))
            {
                while (await reader.ReadAsync(Ct))
                {
                    scheduled.Add(reader.GetString(0));
                }
            }
            Assert.Equal(
                new[] { ScheduledJobs.ApplyInbox.Name, ScheduledJobs.ConnectionSync.Name, ScheduledJobs.DispatchOutbox.Name, ScheduledJobs.ExpireProposals.Name, ScheduledJobs.Proposals.Name, ScheduledJobs.Segmentation.Name, ScheduledJobs.VerifyAudit.Name }.Order(StringComparer.Ordinal),
                scheduled);
        }
        finally
        {
            await host.StopAsync(Ct);
        }
    }

    private static async Task<bool> MigrateAsync(ScratchPostgresDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        return await QuartzSchema.EnsureCreatedAsync(connection, DatabaseProvider.PostgreSql, Ct);
    }

    /// <summary>An app instance's scheduler, not started: the app's clustered store configuration, with the app's scheduler name shared.</summary>
    private static async Task<IScheduler> CreateInstanceAsync(string name, ScratchPostgresDatabase database)
    {
        Quartz.Logging.LogContext.SetCurrentLogProvider(NullLoggerFactory.Instance);
        var scheduler = await SchedulerBuilder.Create()
            .WithName(name)
            .UseClusteredJobStore(DatabaseProvider.PostgreSql, database.ConnectionString)
            .BuildScheduler();
        // Quartz keeps one scheduler per name in a process; two app instances are two processes, so let this one go.
        SchedulerRepository.Instance.Remove(name);
        return scheduler;
    }

    private static async Task<List<string>> StoredJobsAsync(ScratchPostgresDatabase database)
    {
        await using var connection = database.OpenConnection();
        await using var command = new NpgsqlCommand("SELECT job_name FROM qrtz_job_details ORDER BY job_name", connection);
        var jobs = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            jobs.Add(reader.GetString(0));
        }
        return jobs;
    }

    /// <summary>The instances that record themselves alive in the store: both, when they form one cluster.</summary>
    private static async Task<List<string>> CheckedInInstancesAsync(ScratchPostgresDatabase database, string name)
    {
        await using var connection = database.OpenConnection();
        await using var command = new NpgsqlCommand("SELECT instance_name FROM qrtz_scheduler_state WHERE sched_name = @name", connection);
        command.Parameters.AddWithValue("name", name);
        var instances = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            instances.Add(reader.GetString(0));
        }
        return instances;
    }

    public sealed class CountingJob : IJob
    {
        public const string RunKey = "run";

        public static readonly ConcurrentDictionary<string, ConcurrentBag<(string Trigger, string Instance)>> Runs = new();

        public Task Execute(IJobExecutionContext context)
        {
            var run = context.MergedJobDataMap.GetString(RunKey) ?? "";
            Runs.GetOrAdd(run, _ => []).Add((context.Trigger.Key.Name, context.Scheduler.SchedulerInstanceId));
            return Task.CompletedTask;
        }
    }
}
