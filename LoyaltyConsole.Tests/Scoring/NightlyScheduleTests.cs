using LoyaltyConsole.Scoring;

namespace LoyaltyConsole.Tests.Scoring;

public sealed class NightlyScheduleTests
{
    private static readonly string[] Zones = ["America/New_York", "America/Chicago", "America/Los_Angeles"];

    [Fact]
    public void A_day_is_scored_only_after_the_night_has_come_in_every_location()
    {
        // 09:30 UTC on 24 Nov = 01:30 in Los Angeles: not yet night there, so the last completed day is 22 Nov.
        Assert.Equal(new DateOnly(2026, 11, 22), NightlySchedule.CompletedDay(new DateTime(2026, 11, 24, 9, 30, 0, DateTimeKind.Utc), Zones, 2));
        // 10:30 UTC = 02:30 in Los Angeles: 23 Nov is over everywhere.
        Assert.Equal(new DateOnly(2026, 11, 23), NightlySchedule.CompletedDay(new DateTime(2026, 11, 24, 10, 30, 0, DateTimeKind.Utc), Zones, 2));
    }

    [Fact]
    public void Daylight_saving_changes_move_the_night_with_local_time()
    {
        // Los Angeles is UTC-7 in summer: 02:30 local is 09:30 UTC.
        Assert.Equal(new DateOnly(2026, 7, 14), NightlySchedule.CompletedDay(new DateTime(2026, 7, 15, 9, 30, 0, DateTimeKind.Utc), Zones, 2));
        Assert.Equal(new DateOnly(2026, 7, 13), NightlySchedule.CompletedDay(new DateTime(2026, 7, 15, 8, 30, 0, DateTimeKind.Utc), Zones, 2));
    }
}
