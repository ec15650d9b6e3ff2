using LoyaltyConsole.Jobs;

namespace LoyaltyConsole.Tests.Jobs;

public sealed class SchedulePlanTests
{
    private static readonly ScheduledJob Audit = new("verify-audit-chain", "Audit.", "0 15 2 * * ?");
    private static readonly ScheduledJob Demo = new("demo-daily-visits", "Demo.", "0 30 23 * * ?");

    private static ConfiguredJob Configured(ScheduledJob job, string? cron, string zone = "UTC") => new(job, typeof(VerifyAuditJob), cron, zone);

    private static Dictionary<string, StoredSchedule> Stored(params (string Job, string? Cron, string? Zone)[] triggers) =>
        triggers.ToDictionary(t => t.Job, t => new StoredSchedule(t.Cron, t.Zone));

    [Fact]
    public void An_empty_store_gets_every_configured_job_and_schedule()
    {
        var plan = SchedulePlan.For([Configured(Audit, "0 15 2 * * ?"), Configured(Demo, "0 30 23 * * ?")], [], Stored());

        Assert.Equal([ScheduleChange.Schedule, ScheduleChange.Schedule], plan.Jobs.Select(j => j.Change));
        Assert.Empty(plan.Delete);
    }

    [Fact]
    public void An_unchanged_schedule_is_kept_and_one_whose_cron_or_time_zone_changed_is_replaced()
    {
        var stored = Stored((Audit.Name, "0 15 2 * * ?", "UTC"), (Demo.Name, "0 30 23 * * ?", "UTC"));

        Assert.Equal(ScheduleChange.Keep, SchedulePlan.For([Configured(Audit, "0 15 2 * * ?")], [Audit.Name], stored).Jobs.Single().Change);
        Assert.Equal(ScheduleChange.Schedule, SchedulePlan.For([Configured(Audit, "0 0 3 * * ?")], [Audit.Name], stored).Jobs.Single().Change);
        Assert.Equal(ScheduleChange.Schedule, SchedulePlan.For([Configured(Audit, "0 15 2 * * ?", "Europe/London")], [Audit.Name], stored).Jobs.Single().Change);
    }

    [Fact]
    public void A_stored_trigger_that_is_not_a_cron_trigger_is_replaced()
    {
        var plan = SchedulePlan.For([Configured(Audit, "0 15 2 * * ?")], [Audit.Name], Stored((Audit.Name, null, null)));

        Assert.Equal(ScheduleChange.Schedule, plan.Jobs.Single().Change);
    }

    [Fact]
    public void With_schedules_off_stored_triggers_are_removed_and_the_jobs_kept_for_run_now()
    {
        var plan = SchedulePlan.For(
            [Configured(Audit, cron: null), Configured(Demo, cron: null)], [Audit.Name, Demo.Name], Stored((Audit.Name, "0 15 2 * * ?", "UTC")));

        Assert.Equal([ScheduleChange.Unschedule, ScheduleChange.None], plan.Jobs.Select(j => j.Change));
        Assert.Empty(plan.Delete);
    }

    [Fact]
    public void A_stored_job_that_configuration_no_longer_enables_is_deleted()
    {
        var plan = SchedulePlan.For([Configured(Audit, "0 15 2 * * ?")], [Audit.Name, Demo.Name], Stored((Demo.Name, "0 30 23 * * ?", "UTC")));

        Assert.Equal([Demo.Name], plan.Delete);
        Assert.Equal([Audit.Name], plan.Jobs.Select(j => j.Job.Name));
    }
}
