using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Tests.Domain.Scoring;

public sealed class CustomerLifetimeValueTests
{
    private static readonly BgNbdParameters BgNbd = new(0.243, 4.414, 0.793, 2.426);
    private static readonly GammaGammaParameters GammaGamma = new(6.25, 3.74, 15.44);

    // A CDNOW-like customer: 3 repeats, last at week 30 of 38; horizon one year in weeks, 12 steps of ~1 month.
    private static double Clv(double horizon = 52, double monthlyRate = 0.01, int steps = 12) =>
        CustomerLifetimeValue.Compute(BgNbd, GammaGamma, 3, 30, 38, 40, horizon, steps, monthlyRate);

    [Fact]
    public void Lifetime_value_is_positive() => Assert.True(Clv() > 0);

    [Fact]
    public void Lifetime_value_grows_with_the_horizon() =>
        Assert.True(Clv(horizon: 26, steps: 6) < Clv(horizon: 52, steps: 12) && Clv(horizon: 52, steps: 12) < Clv(horizon: 104, steps: 24));

    [Fact]
    public void Lifetime_value_falls_as_the_discount_rate_rises() =>
        Assert.True(Clv(monthlyRate: 0.0) > Clv(monthlyRate: 0.01) && Clv(monthlyRate: 0.01) > Clv(monthlyRate: 0.05));

    [Fact]
    public void Undiscounted_value_is_expected_transactions_times_expected_spend()
    {
        var expected = BgNbd.ExpectedTransactions(52, 3, 30, 38) * GammaGamma.ConditionalExpectedSpend(3, 40);

        Assert.Equal(expected, Clv(monthlyRate: 0.0), 1e-9);
    }

    [Fact]
    public void Conditional_spend_without_repeats_is_the_population_mean() =>
        Assert.Equal(6.25 * 15.44 / 2.74, GammaGamma.ConditionalExpectedSpend(0, 0), 1e-12);

    [Fact]
    public void Conditional_spend_lies_between_the_observed_and_population_means()
    {
        var population = GammaGamma.ConditionalExpectedSpend(0, 0);
        var spend = GammaGamma.ConditionalExpectedSpend(5, 100);

        Assert.InRange(spend, population, 100);
    }
}
