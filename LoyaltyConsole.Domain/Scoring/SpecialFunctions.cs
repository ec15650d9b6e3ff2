namespace LoyaltyConsole.Domain.Scoring;

public static class SpecialFunctions
{
    // Godfrey's Lanczos coefficients (g = 7, n = 9): relative error in Gamma below 2e-15 for real arguments.
    private const double LanczosG = 7.0;

    private static readonly double[] LanczosCoefficients =
    [
        0.99999999999980993,
        676.5203681218851,
        -1259.1392167224028,
        771.32342877765313,
        -176.61502916214059,
        12.507343278686905,
        -0.13857109526572012,
        9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];

    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2.0 * Math.PI);

    // Past this the direct series needs too many terms and the 1 - z transformation converges fast instead.
    private const double DirectSeriesLimit = 0.9;

    // Closer than this to an integer c - a - b, the 1 - z transformation cancels catastrophically (Gamma poles).
    private const double IntegerGap = 1e-4;

    private const int MaxSeriesTerms = 2_000_000;

    /// <summary>Natural log of |Gamma(x)|; +infinity at the poles (0, -1, -2, ...).</summary>
    public static double LogGamma(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }
        if (double.IsPositiveInfinity(x))
        {
            return double.PositiveInfinity;
        }
        if (IsNonPositiveInteger(x))
        {
            return double.PositiveInfinity;
        }
        if (x < 0.5)
        {
            // Reflection keeps the Lanczos sum in the region where it is accurate.
            return Math.Log(Math.PI / Math.Abs(SinPi(x))) - LogGamma(1.0 - x);
        }

        x -= 1.0;
        var sum = LanczosCoefficients[0];
        for (var i = 1; i < LanczosCoefficients.Length; i++)
        {
            sum += LanczosCoefficients[i] / (x + i);
        }
        var t = x + LanczosG + 0.5;
        return HalfLogTwoPi + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    /// <summary>
    /// Gauss hypergeometric function 2F1(a, b; c; z) for real z &lt;= 1.
    /// Uses the power series for 0 &lt; z &lt;= 0.9, Pfaff's transformation for z &lt; 0 and the 1 - z connection formula near 1.
    /// </summary>
    public static double Hypergeometric2F1(double a, double b, double c, double z)
    {
        if (double.IsNaN(a) || double.IsNaN(b) || double.IsNaN(c) || double.IsNaN(z))
        {
            return double.NaN;
        }
        if (IsNonPositiveInteger(c) && !TerminatesBefore(a, c) && !TerminatesBefore(b, c))
        {
            throw new ArgumentOutOfRangeException(nameof(c), c, "2F1 is undefined when c is a non-positive integer.");
        }
        if (z > 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, "2F1 is real-valued only for z <= 1 (branch cut beyond 1).");
        }
        if (z == 0.0 || a == 0.0 || b == 0.0)
        {
            return 1.0;
        }
        if (IsNonPositiveInteger(a) || IsNonPositiveInteger(b))
        {
            // A polynomial: the series is finite and exact for every z.
            return Series(a, b, c, z);
        }
        if (z < 0.0)
        {
            // Pfaff maps z < 0 onto (0, 1), where the series or the 1 - z formula applies.
            var w = z / (z - 1.0);
            return Math.Pow(1.0 - z, -a) * Hypergeometric2F1(a, c - b, c, w);
        }
        if (z == 1.0)
        {
            return GaussSum(a, b, c);
        }
        if (z <= DirectSeriesLimit)
        {
            return Series(a, b, c, z);
        }
        return NearOne(a, b, c, z);
    }

    /// <summary>Sign of Gamma(x): negative on (-1, 0), (-3, -2), ...</summary>
    internal static int GammaSign(double x) =>
        x > 0.0 || Math.Floor(x) % 2.0 == 0.0 ? 1 : -1;

    internal static bool IsNonPositiveInteger(double x) => x <= 0.0 && x == Math.Floor(x);

    private static bool TerminatesBefore(double a, double c) => IsNonPositiveInteger(a) && a > c;

    private static double SinPi(double x)
    {
        // Reducing first keeps sin(pi x) accurate far from the origin.
        var n = Math.Round(x);
        var r = x - n;
        var s = Math.Sin(Math.PI * r);
        return n % 2.0 == 0.0 ? s : -s;
    }

    private static double Series(double a, double b, double c, double z)
    {
        var term = 1.0;
        var sum = 1.0;
        for (var n = 0; n < MaxSeriesTerms; n++)
        {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
            sum += term;
            if (term == 0.0)
            {
                return sum;
            }
            var nextRatio = Math.Abs((a + n + 1.0) * (b + n + 1.0) / ((c + n + 1.0) * (n + 2.0)) * z);
            // Stop only once the terms shrink, bounding the tail by a geometric series.
            if (nextRatio < 1.0 && Math.Abs(term) * nextRatio / (1.0 - nextRatio) <= 1e-17 * Math.Abs(sum))
            {
                return sum;
            }
            if (double.IsInfinity(sum) || double.IsNaN(sum))
            {
                return sum;
            }
        }
        throw new InvalidOperationException($"2F1({a}, {b}; {c}; {z}) series did not converge in {MaxSeriesTerms} terms.");
    }

    private static double GaussSum(double a, double b, double c)
    {
        var s = c - a - b;
        if (s <= 0.0)
        {
            return double.PositiveInfinity;
        }
        return GammaRatio(c, s, c - a, c - b);
    }

    private static double NearOne(double a, double b, double c, double z)
    {
        var s = c - a - b;
        var nearest = Math.Round(s);
        var gap = s - nearest;
        if (Math.Abs(gap) >= IntegerGap)
        {
            return ConnectionFormula(a, b, c, z);
        }

        // 2F1 is analytic in c, so a cubic through four safe values of c (integer +-h, +-2h) is accurate to O(h^4).
        ReadOnlySpan<double> nodes = [-2.0, -1.0, 1.0, 2.0];
        var at = gap / IntegerGap;
        var result = 0.0;
        for (var j = 0; j < nodes.Length; j++)
        {
            var weight = 1.0;
            for (var m = 0; m < nodes.Length; m++)
            {
                if (m != j)
                {
                    weight *= (at - nodes[m]) / (nodes[j] - nodes[m]);
                }
            }
            result += weight * ConnectionFormula(a, b, c - gap + (nodes[j] * IntegerGap), z);
        }
        return result;
    }

    // Abramowitz & Stegun 15.3.6; both series run in 1 - z < 0.1 and converge within a few dozen terms.
    private static double ConnectionFormula(double a, double b, double c, double z)
    {
        var s = c - a - b;
        var w = 1.0 - z;
        var first = GammaRatio(c, s, c - a, c - b);
        var second = GammaRatio(c, -s, a, b);
        var result = 0.0;
        if (first != 0.0)
        {
            result += first * Series(a, b, 1.0 - s, w);
        }
        if (second != 0.0)
        {
            result += second * Math.Pow(w, s) * Series(c - a, c - b, 1.0 + s, w);
        }
        return result;
    }

    // Gamma(n1) Gamma(n2) / (Gamma(d1) Gamma(d2)) in log space with signs; a pole in the denominator gives 0.
    private static double GammaRatio(double n1, double n2, double d1, double d2)
    {
        if (IsNonPositiveInteger(d1) || IsNonPositiveInteger(d2))
        {
            return 0.0;
        }
        var log = LogGamma(n1) + LogGamma(n2) - LogGamma(d1) - LogGamma(d2);
        var sign = GammaSign(n1) * GammaSign(n2) * GammaSign(d1) * GammaSign(d2);
        return sign * Math.Exp(log);
    }
}
