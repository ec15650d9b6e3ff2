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

    [Fact]
    public void A_cap_of_zero_blocks_every_message_with_or_without_earlier_ones()
    {
        var none = OnePerWeek with { MaxMessages = 0 };

        Assert.Equal("The cap allows no SMS messages to a client.", none.Check([], Planned).Reason);
        Assert.False(none.Check([Planned.AddDays(-1), Planned.AddDays(2)], Planned).Passed);
    }

    [Fact]
    public void A_message_already_reserved_for_later_in_the_window_counts()
    {
        var blocked = OnePerWeek.Check([Planned.AddDays(3)], Planned);

        Assert.False(blocked.Passed);
        Assert.StartsWith("1 SMS message(s) already reserved, approved or sent within 7 days of this one", blocked.Reason, StringComparison.Ordinal);
        Assert.True(OnePerWeek.Check([Planned.AddDays(7)], Planned).Passed);
    }
}
