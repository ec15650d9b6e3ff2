using System.Diagnostics;
using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Tests.Domain.Scoring;

public sealed class CdnowFitTests(ITestOutputHelper output)
{
    [Fact]
    public void BgNbd_fit_on_CDNOW_reproduces_the_published_estimates()
    {
        var data = ScoringTestData.CdnowSummary.Customers;

        var watch = Stopwatch.StartNew();
        var fit = BgNbdModel.Fit(data);
        watch.Stop();
        output.WriteLine($"BG/NBD {fit.Parameters} LL={fit.LogLikelihood:F4} iterations={fit.Iterations} converged={fit.Converged} in {watch.ElapsedMilliseconds} ms");

        var p = fit.Parameters;
        Assert.Equal(2357, fit.Customers);
        Assert.True(fit.Converged);
        Assert.InRange(p.R, 0.243 - 0.0015, 0.243 + 0.0015);
        Assert.InRange(p.Alpha, 4.414 - 0.01, 4.414 + 0.01);
        Assert.InRange(p.A, 0.793 - 0.005, 0.793 + 0.005);
        Assert.InRange(p.B, 2.426 - 0.01, 2.426 + 0.01);
        Assert.InRange(fit.LogLikelihood, -9582.4 - 0.1, -9582.4 + 0.1);
        Assert.Equal(fit.LogLikelihood, p.LogLikelihood(data), 6);
    }

    [Fact]
    public void GammaGamma_fit_on_CDNOW_reproduces_the_published_estimates()
    {
        var summary = ScoringTestData.CdnowSummary;

        var fit = GammaGammaModel.Fit(summary.Frequencies, summary.MeanSpends);
        output.WriteLine($"Gamma-Gamma {fit.Parameters} LL={fit.LogLikelihood:F4} iterations={fit.Iterations} converged={fit.Converged}");

        var p = fit.Parameters;
        Assert.Equal(946, fit.Customers);
        Assert.True(fit.Converged);
        Assert.InRange(p.P, 6.25 - 0.01, 6.25 + 0.01);
        Assert.InRange(p.Q, 3.74 - 0.01, 3.74 + 0.01);
        Assert.InRange(p.Gamma, 15.44 - 0.05, 15.44 + 0.05);
    }
}
