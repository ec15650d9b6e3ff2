using LoyaltyConsole.Domain.Guardrails;

namespace LoyaltyConsole.Tests.Domain.Guardrails;

public sealed class CircuitBreakerTests
{
    private static readonly CircuitBreaker Breaker = new(MaxShareOfSegment: 0.5, MaxMultipleOfAverage: 3);

    [Fact]
    public void Proposing_more_than_the_share_of_the_segment_trips_the_breaker()
    {
        Assert.True(Breaker.Evaluate(50, 100, []).Passed);
        var tripped = Breaker.Evaluate(51, 100, []);

        Assert.False(tripped.Passed);
        Assert.Equal("This run proposes 51 actions for a segment of 100 (51%); the limit is 50%. The workflow is paused.", tripped.Reason);
    }

    [Fact]
    public void A_spike_against_the_trailing_average_trips_the_breaker()
    {
        Assert.True(Breaker.Evaluate(30, 1000, [10, 10, 10]).Passed);
        var spike = Breaker.Evaluate(31, 1000, [10, 10, 10]);

        Assert.False(spike.Passed);
        Assert.Contains("3.1× the average of the last 3 runs (10)", spike.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_little_history_does_not_trip_on_the_average() =>
        Assert.True(Breaker.Evaluate(100, 1000, [1, 1]).Passed);
}
