using LoyaltyConsole.Domain.Guardrails;

namespace LoyaltyConsole.Tests.Domain.Guardrails;

public sealed class QuietHoursTests
{
    private const string NewYork = "America/New_York";

    [Theory]
    [InlineData("2026-01-15T12:59:00Z", false)] // 07:59 EST
    [InlineData("2026-01-15T13:00:00Z", true)]  // 08:00 EST
    [InlineData("2026-01-16T01:59:00Z", true)]  // 20:59 EST
    [InlineData("2026-01-16T02:00:00Z", false)] // 21:00 EST
    [InlineData("2026-07-15T12:00:00Z", true)]  // 08:00 EDT: the same UTC hour is still quiet in winter
    [InlineData("2026-07-16T01:00:00Z", false)] // 21:00 EDT
    public void The_window_is_the_locations_local_clock_in_winter_and_summer(string utc, bool allowed) =>
        Assert.Equal(allowed, QuietHours.Default.IsAllowed(DateTime.Parse(utc, null, System.Globalization.DateTimeStyles.AdjustToUniversal), NewYork));

    [Fact]
    public void On_the_night_clocks_spring_forward_the_next_send_is_08_00_local()
    {
        // 2026-03-08 02:00 EST becomes 03:00 EDT. Planned at 23:30 EST on the 7th (04:30 UTC on the 8th).
        var planned = new DateTime(2026, 3, 8, 4, 30, 0, DateTimeKind.Utc);

        var next = QuietHours.Default.NextAllowed(planned, NewYork);

        Assert.Equal(new DateTime(2026, 3, 8, 12, 0, 0, DateTimeKind.Utc), next); // 08:00 EDT = UTC-4
        Assert.Contains("next allowed 2026-03-08 08:00 local", QuietHours.Default.Check(planned, NewYork).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void On_the_night_clocks_fall_back_the_next_send_is_08_00_standard_time()
    {
        // 2026-11-01 02:00 EDT becomes 01:00 EST.
        var planned = new DateTime(2026, 11, 1, 5, 30, 0, DateTimeKind.Utc); // 01:30 EDT, half an hour before the clocks fall back
        Assert.Equal(new DateTime(2026, 11, 1, 13, 0, 0, DateTimeKind.Utc), QuietHours.Default.NextAllowed(planned, NewYork));
    }

    [Fact]
    public void A_start_inside_a_spring_forward_gap_moves_to_the_first_real_minute()
    {
        var earlyBird = new QuietHours(new TimeOnly(2, 30), new TimeOnly(21, 0));
        var planned = new DateTime(2026, 3, 8, 5, 0, 0, DateTimeKind.Utc); // 00:00 EST

        Assert.Equal(new DateTime(2026, 3, 8, 7, 0, 0, DateTimeKind.Utc), earlyBird.NextAllowed(planned, NewYork)); // 03:00 EDT
    }
}
