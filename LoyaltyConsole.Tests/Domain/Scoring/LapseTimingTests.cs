using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Tests.Domain.Scoring;

public sealed class LapseTimingTests
{
    private static readonly DateTime First = new(2025, 1, 1, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_client_visiting_every_thirty_days_is_overdue_after_thirty_four_and_a_half_days()
    {
        var visits = Enumerable.Range(0, 5).Select(i => First.AddDays(30 * i)).ToList();

        var estimate = LapseTiming.Estimate(visits);

        Assert.NotNull(estimate);
        Assert.Equal(30.0, estimate.MeanIntervalDays, 1e-9);
        Assert.Equal(4.5, estimate.IntervalStdDevDays, 1e-9);
        Assert.Equal(visits[^1], estimate.LastVisitUtc);
        Assert.Equal(visits[^1].AddDays(34.5), estimate.OverdueAfterUtc);
        Assert.False(estimate.IsOverdue(visits[^1].AddDays(34)));
        Assert.True(estimate.IsOverdue(visits[^1].AddDays(35)));
    }

    [Fact]
    public void Irregular_clients_get_their_own_spread()
    {
        DateTime[] visits = [First, First.AddDays(10), First.AddDays(40), First.AddDays(60)]; // intervals 10, 30, 20

        var estimate = LapseTiming.Estimate(visits);

        Assert.NotNull(estimate);
        Assert.Equal(20.0, estimate.MeanIntervalDays, 1e-9);
        Assert.Equal(10.0, estimate.IntervalStdDevDays, 1e-9);
        Assert.Equal(visits[^1].AddDays(30), estimate.OverdueAfterUtc);
    }

    [Fact]
    public void Fewer_than_two_visits_give_no_estimate()
    {
        Assert.Null(LapseTiming.Estimate([]));
        Assert.Null(LapseTiming.Estimate([First]));
    }

    [Fact]
    public void Visits_out_of_order_are_refused() =>
        Assert.Throws<ArgumentException>(() => LapseTiming.Estimate([First, First.AddDays(-1)]));
}
