using LoyaltyConsole.Sync.Shopify;

namespace LoyaltyConsole.Tests.Sync.ShopifyConnector;

/// <summary>
/// The pacing arithmetic: it uses the bucket each answer reports, whatever its size and restore rate. Pauses are whole
/// milliseconds rounded up, plus one.
/// </summary>
public sealed class ShopifyThrottleTests
{
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private static ShopifyCost Cost(double requested, double maximum, double available, double restore) =>
        new(requested, requested, new ShopifyThrottleStatus(maximum, available, restore));

    [Fact]
    public void Nothing_waits_before_the_first_answer()
    {
        var throttle = new ShopifyThrottle(new ManualClock());

        Assert.Equal(TimeSpan.Zero, throttle.DelayBefore("ShopifyOrders"));
    }

    [Theory]
    [InlineData(2_000, 100, 102, 402, 3.001)]
    [InlineData(20_000, 1_000, 0, 752, 0.753)]
    [InlineData(150, 7.5, 30, 90, 8.001)]
    [InlineData(1_000, 3, 0, 1, 0.335)]
    public void A_call_waits_until_the_reported_bucket_holds_what_it_asked_for_last_time(double maximum, double restore, double available, double requested, double seconds)
    {
        var throttle = new ShopifyThrottle(new ManualClock());

        throttle.Observe("ShopifyOrders", Cost(requested, maximum, available, restore));

        Assert.Equal(seconds, throttle.DelayBefore("ShopifyOrders").TotalSeconds, precision: 6);
    }

    [Fact]
    public void The_bucket_refills_at_its_restore_rate_while_time_passes()
    {
        var clock = new ManualClock();
        var throttle = new ShopifyThrottle(clock);
        throttle.Observe("ShopifyOrders", Cost(500, 1_000, 100, 200));

        clock.Advance(TimeSpan.FromSeconds(1.5));

        Assert.Equal(0.501, throttle.DelayBefore("ShopifyOrders").TotalSeconds, precision: 6);
        clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(TimeSpan.Zero, throttle.DelayBefore("ShopifyOrders"));
    }

    [Fact]
    public void A_query_not_sent_before_is_expected_to_cost_as_much_as_the_dearest_seen()
    {
        var throttle = new ShopifyThrottle(new ManualClock());
        throttle.Observe("ShopifyCustomers", Cost(300, 1_000, 0, 100));
        throttle.Observe("ShopifyOrdersCount", Cost(1, 1_000, 0, 100));

        Assert.Equal(3.001, throttle.DelayBefore("ShopifyOrders").TotalSeconds, precision: 6);
        Assert.Equal(0.011, throttle.DelayBefore("ShopifyOrdersCount").TotalSeconds, precision: 6);
    }

    [Fact]
    public void After_THROTTLED_the_call_waits_for_what_it_asked_for_by_the_figures_of_that_answer()
    {
        var throttle = new ShopifyThrottle(new ManualClock());
        throttle.Observe("ShopifyOrders", new ShopifyCost(752, null, new ShopifyThrottleStatus(1_000, 52, 50)));

        var wait = throttle.DelayAfterThrottled("ShopifyOrders", attempt: 1);

        Assert.Equal(14.021, wait.TotalSeconds, precision: 6);
        Assert.Equal(1, throttle.Throttled);
    }

    [Fact]
    public void A_query_dearer_than_the_whole_bucket_waits_for_a_full_bucket_only()
    {
        var throttle = new ShopifyThrottle(new ManualClock());
        throttle.Observe("ShopifyOrders", Cost(1_500, 1_000, 0, 100));

        Assert.Equal(10.001, throttle.DelayBefore("ShopifyOrders").TotalSeconds, precision: 6);
    }
}
