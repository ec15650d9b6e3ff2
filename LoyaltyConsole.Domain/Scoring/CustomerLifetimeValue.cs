namespace LoyaltyConsole.Domain.Scoring;

public static class CustomerLifetimeValue
{
    /// <summary>
    /// Discounted expected value over `horizon` time units split into `steps` equal steps; discountRatePerStep e.g. monthly rate.
    /// Each step's expected transactions (the increase in BG/NBD's conditional expectation) are valued at the Gamma-Gamma
    /// conditional spend and discounted by (1 + rate)^step, so revenue is assumed to arrive at the end of its step.
    /// </summary>
    public static double Compute(BgNbdParameters bgNbd, GammaGammaParameters gammaGamma, double frequency, double recency, double age, double meanSpend, double horizon, int steps, double discountRatePerStep)
    {
        ArgumentNullException.ThrowIfNull(bgNbd);
        ArgumentNullException.ThrowIfNull(gammaGamma);
        ArgumentOutOfRangeException.ThrowIfNegative(horizon);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(discountRatePerStep, -1.0);

        var spend = gammaGamma.ConditionalExpectedSpend(frequency, meanSpend);
        var total = 0.0;
        var previous = 0.0;
        var discount = 1.0;
        for (var step = 1; step <= steps; step++)
        {
            var expected = bgNbd.ExpectedTransactions(horizon * step / steps, frequency, recency, age);
            discount /= 1.0 + discountRatePerStep;
            total += (expected - previous) * spend * discount;
            previous = expected;
        }
        return total;
    }
}
