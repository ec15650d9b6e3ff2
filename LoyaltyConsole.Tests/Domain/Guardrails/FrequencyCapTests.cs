using LoyaltyConsole.Domain.Guardrails;

namespace LoyaltyConsole.Tests.Domain.Guardrails;

public sealed class FrequencyCapTests
{
    private static readonly FrequencyCap OnePerWeek = new("SMS", 1, TimeSpan.FromDays(7));
    private static readonly DateTime Planned = new(2026, 11, 20, 15, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_message_just_inside_the_window_blocks_and_just_outside_passes()
    {
        var inside = OnePerWeek.Check([Planned.AddDays(-7).AddSeconds(1)], Planned);
        var outside = OnePerWeek.Check([Planned.AddDays(-7)], Planned);

        Assert.False(inside.Passed);
        Assert.Equal("1 SMS message(s) already in the last 7 days; the cap is 1. Next allowed after 2026-11-20 15:00 UTC.", inside.Reason);
        Assert.True(outside.Passed);
    }

    [Fact]
    public void The_cap_counts_every_message_already_sent_in_the_window()
    {
        var twoPerWeek = OnePerWeek with { MaxMessages = 2 };

        Assert.True(twoPerWeek.Check([Planned.AddDays(-3)], Planned).Passed);
        Assert.False(twoPerWeek.Check([Planned.AddDays(-3), Planned.AddDays(-1)], Planned).Passed);
        Assert.True(twoPerWeek.Check([Planned.AddDays(-30), Planned.AddDays(-1)], Planned).Passed);
    }
}
