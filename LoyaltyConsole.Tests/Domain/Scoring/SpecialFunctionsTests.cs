using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Tests.Domain.Scoring;

public sealed class SpecialFunctionsTests
{
    [Theory]
    [InlineData(0.5, 0.57236494292470008)] // ln(sqrt(pi))
    [InlineData(1.0, 0.0)]
    [InlineData(2.0, 0.0)]
    [InlineData(10.0, 12.801827480081469)] // ln(9!)
    [InlineData(0.1, 2.2527126517342059)]
    [InlineData(100.0, 359.13420536957540)]
    [InlineData(-0.5, 1.2655121234846454)] // ln|Gamma(-1/2)| = ln(2 sqrt(pi))
    public void LogGamma_matches_known_values(double x, double expected) =>
        Assert.Equal(expected, SpecialFunctions.LogGamma(x), 1e-12);

    [Fact]
    public void LogGamma_of_half_and_ten_match_their_closed_forms()
    {
        Assert.Equal(Math.Log(Math.Sqrt(Math.PI)), SpecialFunctions.LogGamma(0.5), 1e-13);
        Assert.Equal(Math.Log(362880.0), SpecialFunctions.LogGamma(10.0), 1e-13);
    }

    [Fact]
    public void LogGamma_is_infinite_at_the_poles() =>
        Assert.Equal(double.PositiveInfinity, SpecialFunctions.LogGamma(-2.0));

    [Theory]
    [InlineData(-3.0)]
    [InlineData(-0.5)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.95)] // integer c - a - b near 1: interpolated connection formula
    [InlineData(0.999)]
    [InlineData(0.999999)]
    public void Hypergeometric_2F1_1_1_2_equals_minus_log_one_minus_z_over_z(double z)
    {
        var expected = -Math.Log(1.0 - z) / z;

        Assert.Equal(expected, SpecialFunctions.Hypergeometric2F1(1.0, 1.0, 2.0, z), expected * 1e-10);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.95)] // non-integer c - a - b near 1: plain connection formula
    [InlineData(0.9999)]
    public void Hypergeometric_2F1_half_half_three_halves_equals_arcsine(double z)
    {
        var root = Math.Sqrt(z);
        var expected = Math.Asin(root) / root;

        Assert.Equal(expected, SpecialFunctions.Hypergeometric2F1(0.5, 0.5, 1.5, z), 1e-12);
    }

    [Theory]
    [InlineData(0.7, 0.6)]
    [InlineData(2.5, 0.97)]
    [InlineData(-1.3, -4.0)]
    public void Hypergeometric_2F1_with_c_equal_b_is_a_binomial(double a, double z) =>
        Assert.Equal(Math.Pow(1.0 - z, -a), SpecialFunctions.Hypergeometric2F1(a, 3.2, 3.2, z), Math.Pow(1.0 - z, -a) * 1e-10);

    [Fact]
    public void Hypergeometric_2F1_with_a_negative_integer_is_a_polynomial() =>
        // 2F1(-2, b; c; z) = 1 - 2bz/c + b(b+1)z^2/(c(c+1)), here at z = -3.
        Assert.Equal(1.0 + (2.0 * 1.5 * 3.0 / 2.5) + (1.5 * 2.5 * 9.0 / (2.5 * 3.5)), SpecialFunctions.Hypergeometric2F1(-2.0, 1.5, 2.5, -3.0), 1e-12);

    [Fact]
    public void Hypergeometric_2F1_at_one_is_the_Gauss_sum()
    {
        // 2F1(a, b; c; 1) = Gamma(c) Gamma(c-a-b) / (Gamma(c-a) Gamma(c-b)); for (1, 1; 3) that is 2.
        Assert.Equal(2.0, SpecialFunctions.Hypergeometric2F1(1.0, 1.0, 3.0, 1.0), 1e-12);
    }

    [Fact]
    public void Hypergeometric_2F1_is_continuous_in_z_across_the_series_limit()
    {
        var below = SpecialFunctions.Hypergeometric2F1(0.4, -0.2, 3.1, 0.9);
        var above = SpecialFunctions.Hypergeometric2F1(0.4, -0.2, 3.1, 0.9 + 1e-12);

        Assert.Equal(below, above, 1e-10);
    }

    [Fact]
    public void Hypergeometric_2F1_refuses_z_beyond_the_branch_point() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecialFunctions.Hypergeometric2F1(1.0, 1.0, 2.0, 1.5));
}
