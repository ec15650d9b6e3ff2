namespace LoyaltyConsole.Sync.Shopify;

/// <summary>
/// Paces calls to one shop by Shopify's leaky bucket, using only the figures its responses carry
/// (<c>extensions.cost</c>): the bucket's size, what was left after the last call, its restore rate, and what each
/// query asked for last time. Nothing about the plan is assumed: a Plus shop's larger bucket and faster restore are
/// simply read. A call is let through when the bucket, refilled since the last answer, holds what the call is
/// expected to ask for; otherwise it waits for the difference to restore. Not thread-safe: one run, one throttle.
/// </summary>
internal sealed class ShopifyThrottle(TimeProvider clock)
{
    private readonly Dictionary<string, double> _requestedCost = new(StringComparer.Ordinal);
    private ShopifyThrottleStatus? _status;
    private long _statusAt;

    /// <summary>How many times a call waited before being sent, and for how long in all (for the run's summary and the tests).</summary>
    public int Waits { get; private set; }

    public TimeSpan Waited { get; private set; }

    /// <summary>How many THROTTLED answers were met (each call was sent again after waiting).</summary>
    public int Throttled { get; private set; }

    /// <summary>The bucket as last reported: size, what was left, restore rate per second. Null before the first answer.</summary>
    public (double Maximum, double Available, double RestoreRate)? LastStatus =>
        _status is { } s ? (s.MaximumAvailable, s.CurrentlyAvailable, s.RestoreRate) : null;

    /// <summary>
    /// How long to wait before sending <paramref name="operation"/>: zero when nothing is known yet or the bucket holds
    /// enough. A query not sent before is expected to cost as much as the dearest one seen.
    /// </summary>
    public TimeSpan DelayBefore(string operation)
    {
        if (_status is not { RestoreRate: > 0 } status || ExpectedCost(operation) is not { } cost)
        {
            return TimeSpan.Zero;
        }
        // A query asking for more than the whole bucket would never pass: wait for a full bucket and let Shopify decide.
        var needed = Math.Min(cost, status.MaximumAvailable);
        var available = Math.Min(status.MaximumAvailable, status.CurrentlyAvailable + status.RestoreRate * clock.GetElapsedTime(_statusAt).TotalSeconds);
        return available >= needed ? TimeSpan.Zero : Whole((needed - available) / status.RestoreRate);
    }

    /// <summary>
    /// How long to wait after a THROTTLED answer before sending the same call again: until the bucket holds what the
    /// call asked for, by the figures of that answer; with no figures, a growing pause.
    /// </summary>
    public TimeSpan DelayAfterThrottled(string operation, int attempt)
    {
        Throttled++;
        if (_status is { RestoreRate: > 0 } status && ExpectedCost(operation) is { } cost)
        {
            var needed = Math.Min(cost, status.MaximumAvailable);
            return Whole(Math.Max(needed - status.CurrentlyAvailable, 0) / status.RestoreRate + 1 / status.RestoreRate);
        }
        return TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, attempt)));
    }

    /// <summary>A pause in whole milliseconds, rounded up: timers count milliseconds, and a pause cut short arrives a point short.</summary>
    private static TimeSpan Whole(double seconds) => TimeSpan.FromMilliseconds(Math.Ceiling(seconds * 1000) + 1);

    private double? ExpectedCost(string operation) =>
        _requestedCost.TryGetValue(operation, out var cost) ? cost : _requestedCost.Count > 0 ? _requestedCost.Values.Max() : null;

    /// <summary>Takes in the cost figures of an answer (a throttled one included).</summary>
    public void Observe(string operation, ShopifyCost? cost)
    {
        if (cost is null)
        {
            return;
        }
        if (cost.RequestedQueryCost is { } requested)
        {
            _requestedCost[operation] = requested;
        }
        if (cost.ThrottleStatus is { } status)
        {
            _status = status;
            _statusAt = clock.GetTimestamp();
        }
    }

    /// <summary>Counts a pause before a call; <paramref name="again"/> when the timer ended the last one a little early and the call waits on.</summary>
    public void RecordWait(TimeSpan wait, bool again = false)
    {
        if (!again)
        {
            Waits++;
        }
        Waited += wait;
    }
}
