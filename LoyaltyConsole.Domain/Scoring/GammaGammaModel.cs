namespace LoyaltyConsole.Domain.Scoring;

public static class GammaGammaModel
{
    /// <summary>The fit searches each parameter within e^±MaxLogParameter.</summary>
    public const double MaxLogParameter = 30.0;

    /// <summary>
    /// Maximum-likelihood fit by Nelder-Mead on log-parameters with restarts. Only customers with frequency &gt; 0 are used;
    /// those with a non-positive mean spend are skipped too, since the gamma density is zero there.
    /// </summary>
    public static ModelFitResult<GammaGammaParameters> Fit(ReadOnlySpan<double> frequencies, ReadOnlySpan<double> meanSpends)
    {
        if (frequencies.Length != meanSpends.Length)
        {
            throw new ArgumentException("Frequencies and mean spends must have the same length.", nameof(meanSpends));
        }

        var spenders = GammaGammaSpenders.Create(frequencies, meanSpends);
        if (spenders.Customers == 0)
        {
            throw new ArgumentException("No customer has a repeat purchase with a positive mean spend.", nameof(frequencies));
        }

        var fit = LogSpaceFit.Minimize(spenders.MeanNegativeLogLikelihood, spenders.StartingPoint(), 0.5);
        var p = fit.Minimum;
        var parameters = new GammaGammaParameters(Math.Exp(p[0]), Math.Exp(p[1]), Math.Exp(p[2]));
        var logLikelihood = spenders.LogLikelihood(parameters.P, parameters.Q, parameters.Gamma);
        return new ModelFitResult<GammaGammaParameters>(parameters, logLikelihood, spenders.Customers, fit.Iterations, fit.Converged);
    }
}

/// <summary>Repeat customers sorted by x, with ln(mbar) and ln(x) precomputed so an evaluation costs one log per customer.</summary>
internal sealed class GammaGammaSpenders
{
    private readonly double[] _spend;
    private readonly double[] _logSpend;
    private readonly double[] _distinctX;
    // Customers with DistinctX[k] occupy [RangeStart[k], RangeStart[k + 1]).
    private readonly int[] _rangeStart;

    private GammaGammaSpenders(double[] spend, double[] distinctX, int[] rangeStart)
    {
        _spend = spend;
        _logSpend = [.. spend.Select(s => Math.Log(s))];
        _distinctX = distinctX;
        _rangeStart = rangeStart;
    }

    public int Customers => _spend.Length;

    public static GammaGammaSpenders Create(ReadOnlySpan<double> frequencies, ReadOnlySpan<double> meanSpends)
    {
        var x = new List<double>();
        var spend = new List<double>();
        for (var i = 0; i < frequencies.Length; i++)
        {
            if (!double.IsFinite(frequencies[i]) || !double.IsFinite(meanSpends[i]))
            {
                throw new ArgumentException($"Customer {i} has a non-finite frequency or spend.", nameof(frequencies));
            }
            if (frequencies[i] > 0.0 && meanSpends[i] > 0.0)
            {
                x.Add(frequencies[i]);
                spend.Add(meanSpends[i]);
            }
        }

        var xs = x.ToArray();
        var spends = spend.ToArray();
        Array.Sort(xs, spends);
        var distinctX = new List<double>();
        var rangeStart = new List<int>();
        for (var i = 0; i < xs.Length; i++)
        {
            if (i == 0 || xs[i] != xs[i - 1])
            {
                distinctX.Add(xs[i]);
                rangeStart.Add(i);
            }
        }
        rangeStart.Add(xs.Length);
        return new GammaGammaSpenders(spends, [.. distinctX], [.. rangeStart]);
    }

    /// <summary>p = 1, q = 2 and gamma = mean spend, so the implied population mean matches the data's.</summary>
    public double[] StartingPoint() => [0.0, Math.Log(2.0), Math.Log(_spend.Average())];

    public double MeanNegativeLogLikelihood(double[] logParameters)
    {
        foreach (var p in logParameters)
        {
            if (!(Math.Abs(p) < GammaGammaModel.MaxLogParameter))
            {
                return double.PositiveInfinity;
            }
        }
        return -LogLikelihood(Math.Exp(logParameters[0]), Math.Exp(logParameters[1]), Math.Exp(logParameters[2])) / Customers;
    }

    // ln f(mbar | x) = lnΓ(px+q) - lnΓ(px) - lnΓ(q) + q ln γ + (px-1) ln mbar + px ln x - (px+q) ln(γ + x mbar)
    public double LogLikelihood(double p, double q, double gamma)
    {
        var shared = (q * Math.Log(gamma)) - SpecialFunctions.LogGamma(q);
        var total = 0.0;
        for (var k = 0; k < _distinctX.Length; k++)
        {
            var x = _distinctX[k];
            var px = p * x;
            var from = _rangeStart[k];
            var to = _rangeStart[k + 1];
            var head = shared + SpecialFunctions.LogGamma(px + q) - SpecialFunctions.LogGamma(px) + (px * Math.Log(x));
            var sum = 0.0;
            for (var i = from; i < to; i++)
            {
                sum += ((px - 1.0) * _logSpend[i]) - ((px + q) * Math.Log(gamma + (x * _spend[i])));
            }
            total += ((to - from) * head) + sum;
        }
        return total;
    }
}
