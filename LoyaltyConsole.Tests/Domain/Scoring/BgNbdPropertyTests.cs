using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Tests.Domain.Scoring;

public sealed class BgNbdPropertyTests
{
    // Fader, Hardie & Lee's published CDNOW estimates (weeks).
    private static readonly BgNbdParameters Cdnow = new(0.243, 4.414, 0.793, 2.426);

    private static readonly double[] Frequencies = [0, 1, 2, 5, 10, 30, 100];
    private static readonly double[] Ages = [0.5, 5, 20, 39, 78, 500];
    private static readonly double[] Shares = [0, 0.25, 0.5, 0.9, 1];

    [Fact]
    public void Probability_alive_stays_between_zero_and_one_over_a_grid()
    {
        foreach (var x in Frequencies)
        {
            foreach (var age in Ages)
            {
                foreach (var share in Shares)
                {
                    var p = Cdnow.ProbabilityAlive(x, x == 0 ? 0 : share * age, age);
                    Assert.InRange(p, 0.0, 1.0);
                }
            }
        }
    }

    [Fact]
    public void Probability_alive_is_one_for_customers_without_repeat_purchases() =>
        Assert.Equal(1.0, Cdnow.ProbabilityAlive(0, 0, 39));

    [Fact]
    public void Probability_alive_falls_as_silence_grows_with_recency_fixed()
    {
        foreach (var x in Frequencies.Where(x => x > 0))
        {
            var previous = double.PositiveInfinity;
            foreach (var age in new double[] { 10, 15, 20, 30, 50, 100 })
            {
                var p = Cdnow.ProbabilityAlive(x, 10, age);
                Assert.True(p < previous, $"x={x}, T={age}: {p} !< {previous}");
                previous = p;
            }
        }
    }

    [Fact]
    public void Expected_transactions_are_non_negative_and_grow_with_the_horizon()
    {
        foreach (var x in Frequencies)
        {
            foreach (var age in Ages)
            {
                var recency = x == 0 ? 0 : 0.8 * age;
                var previous = 0.0;
                Assert.Equal(0.0, Cdnow.ExpectedTransactions(0, x, recency, age));
                foreach (var t in new double[] { 0.01, 1, 4, 13, 39, 52, 104, 520, 5200 })
                {
                    var expected = Cdnow.ExpectedTransactions(t, x, recency, age);
                    Assert.True(expected > previous, $"x={x}, T={age}, t={t}: {expected} !> {previous}");
                    previous = expected;
                }
            }
        }
    }

    [Fact]
    public void Expected_transactions_grow_with_frequency_when_the_last_purchase_is_today()
    {
        var previous = -1.0;
        foreach (var x in Frequencies)
        {
            var expected = Cdnow.ExpectedTransactions(39, x, x == 0 ? 0 : 30, 30);
            Assert.True(expected > previous, $"x={x}: {expected} !> {previous}");
            previous = expected;
        }
    }

    [Theory]
    [InlineData(39.0, 0.0, 0.0, 38.86)]
    [InlineData(39.0, 2.0, 30.43, 38.86)]
    [InlineData(52.0, 7.0, 35.0, 37.0)]
    [InlineData(3.0, 1.0, 1.71, 38.86)]
    [InlineData(200.0, 4.0, 20.0, 30.0)]
    public void Expected_transactions_match_the_untransformed_Fader_Hardie_Lee_formula(double t, double x, double recency, double age)
    {
        var (r, alpha, a, b) = (Cdnow.R, Cdnow.Alpha, Cdnow.A, Cdnow.B);
        var z = t / (alpha + age + t);
        var hypergeometric = SpecialFunctions.Hypergeometric2F1(r + x, b + x, a + b + x - 1, z);
        var numerator = (a + b + x - 1) / (a - 1) * (1 - (Math.Pow((alpha + age) / (alpha + age + t), r + x) * hypergeometric));
        var odds = x > 0 ? a / (b + x - 1) * Math.Pow((alpha + age) / (alpha + recency), r + x) : 0;
        var expected = numerator / (1 + odds);

        Assert.Equal(expected, Cdnow.ExpectedTransactions(t, x, recency, age), expected * 1e-9);
    }

    [Fact]
    public void Unconditional_expectation_is_the_conditional_one_for_a_customer_just_acquired()
    {
        var unconditional = Cdnow.ExpectedTransactionsUnconditional(39);

        Assert.Equal(Cdnow.ExpectedTransactions(39, 0, 0, 0), unconditional);
        // Reference values from mpmath's hyp2f1 at 30 digits.
        Assert.Equal(1.1967231933208139, unconditional, 1e-12);
    }

    [Theory]
    [InlineData(39.0, 0.0, 0.0, 38.86, 0.19509805201126291)]
    [InlineData(39.0, 2.0, 30.43, 38.86, 1.2260281747671405)]
    [InlineData(5200.0, 0.0, 0.0, 0.5, 11.711055911824998)] // z = 0.999: the 1 - z connection formula
    [InlineData(5200.0, 100.0, 400.0, 500.0, 9.8021165104463957e-6)]
    public void Expected_transactions_match_an_arbitrary_precision_reference(double t, double x, double recency, double age, double reference) =>
        Assert.Equal(reference, Cdnow.ExpectedTransactions(t, x, recency, age), reference * 1e-10);

    [Theory]
    [InlineData(20.0, 1.0, 5.0, 30.0, 0.1429689746929575)] // r + x < a - 1: untransformed series
    [InlineData(20.0, 5.0, 25.0, 30.0, 1.0913130889731395)] // r + x >= a - 1: Euler-transformed series
    [InlineData(2000.0, 0.0, 0.0, 3.0, 2.5200219769477763)]
    public void Expected_transactions_match_the_reference_when_a_exceeds_one(double t, double x, double recency, double age, double reference) =>
        Assert.Equal(reference, new BgNbdParameters(0.5, 10, 3, 4).ExpectedTransactions(t, x, recency, age), reference * 1e-10);

    [Fact]
    public void Expected_transactions_stay_finite_for_a_near_deterministic_dropout() =>
        Assert.True(double.IsFinite(new BgNbdParameters(1.27, 137.6, 7.7e6, 5.8e6).ExpectedTransactions(10, 2, 5, 10)));

    [Fact]
    public void Expected_transactions_are_continuous_through_a_equal_to_one()
    {
        var below = (Cdnow with { A = 0.999 }).ExpectedTransactions(39, 3, 20, 30);
        var at = (Cdnow with { A = 1.0 }).ExpectedTransactions(39, 3, 20, 30);
        var above = (Cdnow with { A = 1.001 }).ExpectedTransactions(39, 3, 20, 30);

        Assert.True(double.IsFinite(at));
        Assert.Equal((below + above) / 2, at, 1e-5);
    }

    [Fact]
    public void Individual_log_likelihoods_sum_to_the_span_log_likelihood()
    {
        CustomerSummary[] customers = [new(0, 0, 38.86), new(2, 30.43, 38.86), new(1, 1.71, 38.86)];

        var sum = customers.Sum(Cdnow.LogLikelihood);

        Assert.Equal(sum, Cdnow.LogLikelihood(customers), 1e-12);
        Assert.All(customers, c => Assert.True(Cdnow.LogLikelihood(c) < 0));
    }
}
