using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Tests.Domain.Scoring;

public sealed class NelderMeadTests
{
    [Fact]
    public void Nelder_Mead_finds_the_Rosenbrock_minimum_at_one_one()
    {
        static double Rosenbrock(double[] p) => (100.0 * Math.Pow(p[1] - (p[0] * p[0]), 2)) + Math.Pow(1.0 - p[0], 2);

        var result = NelderMead.Minimize(Rosenbrock, [-1.2, 1.0]);

        Assert.True(result.Converged);
        Assert.Equal(1.0, result.Minimum[0], 1e-4);
        Assert.Equal(1.0, result.Minimum[1], 1e-4);
        Assert.True(result.Value < 1e-8);
    }

    [Fact]
    public void Nelder_Mead_reports_no_convergence_when_the_iteration_budget_runs_out()
    {
        var result = NelderMead.Minimize(p => (p[0] * p[0]) + (p[1] * p[1]), [5.0, 5.0], maxIterations: 3);

        Assert.False(result.Converged);
        Assert.Equal(3, result.Iterations);
    }

    [Fact]
    public void Nelder_Mead_treats_NaN_as_worse_than_any_number()
    {
        var result = NelderMead.Minimize(p => p[0] < 0 ? double.NaN : Math.Pow(p[0] - 2.0, 2), [1.0]);

        Assert.Equal(2.0, result.Minimum[0], 1e-4);
    }
}
