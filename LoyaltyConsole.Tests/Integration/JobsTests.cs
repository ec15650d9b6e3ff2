using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Jobs;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Integration;

public sealed class JobsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_job_is_listed_with_its_cron_schedule_and_next_run()
    {
        await using var app = new TestApp(clients: 5, settings: new Dictionary<string, string> { ["Jobs:RunSchedules"] = "true" });

        var jobs = await app.Get<JobCatalog>().ListAsync(Ct);

        Assert.Equal([ScheduledJobs.ApplyInbox.Name, ScheduledJobs.ConnectionSync.Name, ScheduledJobs.DemoDailyVisits.Name, ScheduledJobs.DispatchOutbox.Name, ScheduledJobs.ExpireProposals.Name, ScheduledJobs.Proposals.Name, ScheduledJobs.Segmentation.Name, ScheduledJobs.VerifyAudit.Name],
            jobs.Select(j => j.Name));
        Assert.All(jobs, j => Assert.NotNull(j.NextRunAt));
        Assert.Equal(ScheduledJobs.VerifyAudit.DefaultCron, jobs.Single(j => j.Name == ScheduledJobs.VerifyAudit.Name).Cron);
    }

    [Fact]
    public async Task Run_now_is_audited_and_the_run_is_persisted_with_its_result_and_duration()
    {
        await using var app = new TestApp(clients: 5);
        var admin = AuditActor.From(await app.PrincipalAsync(TestUsers.Admin));
        var catalog = app.Get<JobCatalog>();

        await catalog.RunNowAsync(ScheduledJobs.VerifyAudit.Name, admin, Ct);

        JobRun? run = null;
        for (var i = 0; i < 100 && run?.Status is null or JobRunStatus.Running; i++)
        {
            await Task.Delay(100, Ct);
            var history = await catalog.HistoryAsync(ScheduledJobs.VerifyAudit.Name, 1, Ct);
            run = history.Count > 0 ? history[0] : null;
        }
        Assert.NotNull(run);
        Assert.Equal(JobRunStatus.Succeeded, run.Status);
        Assert.Equal(admin.Name, run.TriggeredBy);
        Assert.StartsWith("Audit log intact", run.Message, StringComparison.Ordinal);
        Assert.NotNull(run.DurationMs);

        await using var db = await app.CreateDbContextAsync();
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.JobRunRequested && e.EntityId == ScheduledJobs.VerifyAudit.Name && e.ActorId == admin.Id, Ct));
    }

    [Fact]
    public async Task Running_an_unknown_job_is_refused_with_its_name()
    {
        await using var app = new TestApp(clients: 5);

        var refused = await app.Get<JobCatalog>().RunNowAsync("nope", AuditActor.System, Ct);

        Assert.False(refused.Succeeded);
        Assert.Contains("'nope'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_hosts_fire_no_job_on_its_schedule_unless_a_test_asks()
    {
        await using var app = new TestApp(clients: 5);

        var jobs = await app.Get<JobCatalog>().ListAsync(Ct);

        Assert.NotEmpty(jobs);
        Assert.All(jobs, j => Assert.Null(j.NextRunAt));
    }

    [Fact]
    public async Task A_locked_admin_cannot_run_a_job_from_a_page_that_is_still_open()
    {
        await using var app = new TestApp(clients: 5);
        var admin = AuditActor.From(await app.PrincipalAsync(TestUsers.Admin));
        await app.LockAsync(TestUsers.Admin);

        var refused = await app.Get<JobCatalog>().RunNowAsync(ScheduledJobs.VerifyAudit.Name, admin, Ct);

        Assert.False(refused.Succeeded);
        Assert.Equal("Your account is locked; ask an Admin.", refused.Message);
        await using var db = await app.CreateDbContextAsync();
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.JobRunRequested, Ct));
    }
}
