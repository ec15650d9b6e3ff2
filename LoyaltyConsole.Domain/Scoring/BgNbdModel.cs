namespace LoyaltyConsole.Domain.Scoring;

public static class BgNbdModel
{
    /// <summary>
    /// The fit keeps every parameter within e^±MaxLogParameter (about 1e-5 to 1e5). Beyond that the likelihood is flat:
    /// a and b running off together means every client drops out with the same probability, and Beta(1e5·p, 1e5·(1-p))
    /// is already that point mass for any purpose here. Bounding keeps the fit converging and the predictions computable.
    /// </summary>
    public const double MaxLogParameter = 11.5;

    // Above this many distinct histories a strided subsample supplies the starting point, so the full data sees few iterations.
    private const int WarmStartGroups = 20_000;

    /// <summary>
    /// Maximum-likelihood fit by Nelder-Mead on log-parameters, restarted from its own optimum until the
    /// likelihood stops improving. Identical (x, t_x, T) histories are evaluated once and weighted by their count.
    /// </summary>
    public static ModelFitResult<BgNbdParameters> Fit(ReadOnlySpan<CustomerSummary> data)
    {
        if (data.IsEmpty)
        {
            throw new ArgumentException("At least one customer is required.", nameof(data));
        }

        var histories = BgNbdHistories.Group(data);
        var start = histories.StartingPoint();
        var iterations = 0;
        var step = 0.5;
        if (histories.Count > WarmStartGroups)
        {
            var sample = histories.Subsample(histories.Count / WarmStartGroups + 1);
            var warm = LogSpaceFit.Minimize(sample.MeanNegativeLogLikelihood, start, step);
            start = warm.Minimum;
            iterations += warm.Iterations;
            step = 0.05;
        }

        var fit = LogSpaceFit.Minimize(histories.MeanNegativeLogLikelihood, start, step);
        var p = fit.Minimum;
        var parameters = new BgNbdParameters(Math.Exp(p[0]), Math.Exp(p[1]), Math.Exp(p[2]), Math.Exp(p[3]));
        var logLikelihood = histories.LogLikelihood(parameters.R, parameters.Alpha, parameters.A, parameters.B);
        return new ModelFitResult<BgNbdParameters>(parameters, logLikelihood, histories.Customers, iterations + fit.Iterations, fit.Converged);
    }
}

/// <summary>Distinct (x, t_x, T) histories with counts, sorted by x so per-x Gamma terms are computed once per evaluation.</summary>
internal sealed class BgNbdHistories
{
    private readonly double[] _recency;
    private readonly double[] _age;
    private readonly double[] _weight;
    // Histories with DistinctX[k] occupy [RangeStart[k], RangeStart[k + 1]).
    private readonly double[] _distinctX;
    private readonly int[] _rangeStart;
    private readonly double _totalWeight;

    private BgNbdHistories(double[] recency, double[] age, double[] weight, double[] distinctX, int[] rangeStart, int customers)
    {
        _recency = recency;
        _age = age;
        _weight = weight;
        _distinctX = distinctX;
        _rangeStart = rangeStart;
        Customers = customers;
        foreach (var w in weight)
        {
            _totalWeight += w;
        }
    }

    public int Count => _weight.Length;

    public int Customers { get; }

    public static BgNbdHistories Group(ReadOnlySpan<CustomerSummary> data)
    {
        var counts = new Dictionary<CustomerSummary, int>();
        foreach (var c in data)
        {
            Validate(c);
            // Recency is meaningless without repeats; normalising it lets every x = 0 customer of one age share a group.
            var key = c.Frequency == 0.0 ? c with { Recency = 0.0 } : c;
            counts[key] = counts.TryGetValue(key, out var n) ? n + 1 : 1;
        }

        var keys = new CustomerSummary[counts.Count];
        var weights = new double[counts.Count];
        var i = 0;
        foreach (var (key, count) in counts)
        {
            keys[i] = key;
            weights[i] = count;
            i++;
        }
        Array.Sort(keys, weights, Comparer<CustomerSummary>.Create(static (u, v) => u.Frequency.CompareTo(v.Frequency)));
        return FromSorted(keys, weights, data.Length);
    }

    /// <summary>Every stride-th history: sorted by x, so the subsample keeps the frequency mix.</summary>
    public BgNbdHistories Subsample(int stride)
    {
        var keys = new List<CustomerSummary>(Count / stride + 1);
        var weights = new List<double>(Count / stride + 1);
        var customers = 0;
        for (var k = 0; k < _distinctX.Length; k++)
        {
            for (var i = _rangeStart[k]; i < _rangeStart[k + 1]; i += stride)
            {
                keys.Add(new CustomerSummary(_distinctX[k], _recency[i], _age[i]));
                weights.Add(_weight[i]);
                customers += (int)_weight[i];
            }
        }
        return FromSorted([.. keys], [.. weights], customers);
    }

    /// <summary>Scale-free start: alpha near the mean time per purchase, the rest at 1.</summary>
    public double[] StartingPoint()
    {
        double purchases = 0, time = 0;
        for (var k = 0; k < _distinctX.Length; k++)
        {
            for (var i = _rangeStart[k]; i < _rangeStart[k + 1]; i++)
            {
                purchases += _weight[i] * _distinctX[k];
                time += _weight[i] * _age[i];
            }
        }
        var alpha = time > 0 ? time / (purchases + _totalWeight) : 1.0;
        return [0.0, Math.Log(alpha), 0.0, 0.0];
    }

    public double MeanNegativeLogLikelihood(double[] logParameters)
    {
        foreach (var p in logParameters)
        {
            if (!(Math.Abs(p) < BgNbdModel.MaxLogParameter))
            {
                return double.PositiveInfinity;
            }
        }
        var value = LogLikelihood(Math.Exp(logParameters[0]), Math.Exp(logParameters[1]), Math.Exp(logParameters[2]), Math.Exp(logParameters[3]));
        return -value / _totalWeight;
    }

    public double LogLikelihood(double r, double alpha, double a, double b)
    {
        var shared = (r * Math.Log(alpha)) - SpecialFunctions.LogGamma(r)
            + SpecialFunctions.LogGamma(a + b) - SpecialFunctions.LogGamma(b);
        var logA = Math.Log(a);
        var total = 0.0;
        for (var k = 0; k < _distinctX.Length; k++)
        {
            var x = _distinctX[k];
            var rx = r + x;
            var head = shared + SpecialFunctions.LogGamma(rx) + SpecialFunctions.LogGamma(b + x) - SpecialFunctions.LogGamma(a + b + x);
            var from = _rangeStart[k];
            var to = _rangeStart[k + 1];
            var sum = 0.0;
            var weight = 0.0;
            if (x <= 0.0)
            {
                for (var i = from; i < to; i++)
                {
                    sum -= _weight[i] * rx * Math.Log(alpha + _age[i]);
                    weight += _weight[i];
                }
            }
            else
            {
                var dropped = logA - Math.Log(b + x - 1.0);
                for (var i = from; i < to; i++)
                {
                    var alive = -rx * Math.Log(alpha + _age[i]);
                    var droppedOut = dropped - (rx * Math.Log(alpha + _recency[i]));
                    sum += _weight[i] * BgNbdParameters.LogAddExp(alive, droppedOut);
                    weight += _weight[i];
                }
            }
            total += (weight * head) + sum;
        }
        return total;
    }

    private static BgNbdHistories FromSorted(CustomerSummary[] keys, double[] weights, int customers)
    {
        var recency = new double[keys.Length];
        var age = new double[keys.Length];
        var distinctX = new List<double>();
        var rangeStart = new List<int>();
        for (var i = 0; i < keys.Length; i++)
        {
            recency[i] = keys[i].Recency;
            age[i] = keys[i].Age;
            if (i == 0 || keys[i].Frequency != keys[i - 1].Frequency)
            {
                distinctX.Add(keys[i].Frequency);
                rangeStart.Add(i);
            }
        }
        rangeStart.Add(keys.Length);
        return new BgNbdHistories(recency, age, weights, [.. distinctX], [.. rangeStart], customers);
    }

    private static void Validate(CustomerSummary c)
    {
        if (!double.IsFinite(c.Frequency) || !double.IsFinite(c.Recency) || !double.IsFinite(c.Age)
            || c.Frequency < 0.0 || c.Recency < 0.0 || c.Recency > c.Age)
        {
            throw new ArgumentException($"Invalid customer history {c}: need x >= 0 and 0 <= t_x <= T, all finite.", nameof(c));
        }
    }
}

/// <summary>Nelder-Mead with restarts: a fresh simplex at the optimum escapes the premature collapse plain Nelder-Mead is prone to.</summary>
internal static class LogSpaceFit
{
    private const int MaxRestarts = 8;
    private const double Tolerance = 1e-12;
    // Well-posed fits need a few hundred iterations; a likelihood whose optimum lies at the boundary (e.g. nobody repeats)
    // never converges, and this bound keeps such a fit on a million customers to seconds rather than minutes.
    private const int IterationBudget = 4000;

    public static NelderMead.Result Minimize(Func<double[], double> objective, double[] start, double initialStep)
    {
        var best = NelderMead.Minimize(objective, start, initialStep, Tolerance, IterationBudget / 2);
        var iterations = best.Iterations;
        for (var restart = 0; restart < MaxRestarts && iterations < IterationBudget; restart++)
        {
            var next = NelderMead.Minimize(objective, best.Minimum, 0.05, Tolerance, IterationBudget - iterations);
            iterations += next.Iterations;
            var improvement = best.Value - next.Value;
            if (next.Value <= best.Value)
            {
                best = next;
            }
            if (improvement <= Tolerance * (1.0 + Math.Abs(best.Value)))
            {
                break;
            }
        }
        return best with { Iterations = iterations };
    }
}
