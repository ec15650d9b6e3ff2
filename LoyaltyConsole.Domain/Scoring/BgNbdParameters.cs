namespace LoyaltyConsole.Domain.Scoring;

/// <summary>
/// BG/NBD (Fader, Hardie &amp; Lee 2005): purchase rate ~ Gamma(R, Alpha), dropout probability after each purchase ~ Beta(A, B).
/// Alpha carries the time unit of the data the model was fitted on.
/// </summary>
public sealed record BgNbdParameters(double R, double Alpha, double A, double B)
{
    // Within this of a = 1 the conditional expectation's (a - 1) prefactor is 0/0 and is interpolated instead.
    private const double UnitAGap = 1e-4;

    /// <summary>One customer's log-likelihood, ln L(r, alpha, a, b | x, t_x, T).</summary>
    public double LogLikelihood(CustomerSummary c)
    {
        var x = c.Frequency;
        var head = SpecialFunctions.LogGamma(R + x) - SpecialFunctions.LogGamma(R) + (R * Math.Log(Alpha))
            + SpecialFunctions.LogGamma(A + B) + SpecialFunctions.LogGamma(B + x)
            - SpecialFunctions.LogGamma(B) - SpecialFunctions.LogGamma(A + B + x);
        var alive = -(R + x) * Math.Log(Alpha + c.Age);
        if (x <= 0.0)
        {
            return head + alive;
        }
        var droppedOut = Math.Log(A) - Math.Log(B + x - 1.0) - ((R + x) * Math.Log(Alpha + c.Recency));
        return head + LogAddExp(alive, droppedOut);
    }

    /// <summary>Sum of the individual log-likelihoods.</summary>
    public double LogLikelihood(ReadOnlySpan<CustomerSummary> data)
    {
        var sum = 0.0;
        foreach (var customer in data)
        {
            sum += LogLikelihood(customer);
        }
        return sum;
    }

    /// <summary>P(alive | x, t_x, T); 1 when x = 0 because BG/NBD customers can only drop out right after a purchase.</summary>
    public double ProbabilityAlive(double frequency, double recency, double age) =>
        1.0 / (1.0 + DropoutOdds(frequency, recency, age));

    /// <summary>Conditional expected number of transactions in (T, T + t] given (x, t_x, T); FHL 2005 eq. 10.</summary>
    public double ExpectedTransactions(double t, double frequency, double recency, double age)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        if (t == 0.0)
        {
            return 0.0;
        }
        if (Math.Abs(A - 1.0) < UnitAGap)
        {
            // Linear interpolation across a = 1 is O(gap^2) accurate; evaluating at 1 itself divides 0 by 0.
            var above = ExpectedTransactionsGivenA(1.0 + UnitAGap, t, frequency, recency, age);
            var below = ExpectedTransactionsGivenA(1.0 - UnitAGap, t, frequency, recency, age);
            return below + ((above - below) * (A - 1.0 + UnitAGap) / (2.0 * UnitAGap));
        }
        return ExpectedTransactionsGivenA(A, t, frequency, recency, age);
    }

    /// <summary>E[X(t)] for a customer observed from their first purchase: the conditional formula with x = t_x = T = 0.</summary>
    public double ExpectedTransactionsUnconditional(double t) => ExpectedTransactions(t, 0.0, 0.0, 0.0);

    private double ExpectedTransactionsGivenA(double a, double t, double x, double recency, double age)
    {
        var z = t / (Alpha + age + t);
        var logOneMinusZ = Math.Log((Alpha + age) / (Alpha + age + t));
        double bracket;
        if (R + x >= a - 1.0)
        {
            // Euler's transformation turns (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z) into (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),
            // whose upper parameters do not grow with x, so heavy buyers cannot overflow the series.
            var hypergeometric = SpecialFunctions.Hypergeometric2F1(a + B - 1.0 - R, a - 1.0, a + B + x - 1.0, z);
            bracket = 1.0 - (Math.Exp((a - 1.0) * logOneMinusZ) * hypergeometric);
        }
        else
        {
            // With a large (near-certain dropout) the untransformed series is the one that stays small.
            var hypergeometric = SpecialFunctions.Hypergeometric2F1(R + x, B + x, a + B + x - 1.0, z);
            bracket = 1.0 - (Math.Exp((R + x) * logOneMinusZ) * hypergeometric);
        }
        var expectedIfAlive = (a + B + x - 1.0) / (a - 1.0) * bracket;
        var odds = x > 0.0 ? Math.Exp(LogDropoutOdds(a, x, recency, age)) : 0.0;
        return Math.Max(0.0, expectedIfAlive / (1.0 + odds));
    }

    // Odds of having dropped out after the last purchase versus still being active.
    private double DropoutOdds(double frequency, double recency, double age) =>
        frequency > 0.0 ? Math.Exp(LogDropoutOdds(A, frequency, recency, age)) : 0.0;

    private double LogDropoutOdds(double a, double frequency, double recency, double age) =>
        Math.Log(a) - Math.Log(B + frequency - 1.0) + ((R + frequency) * (Math.Log(Alpha + age) - Math.Log(Alpha + recency)));

    internal static double LogAddExp(double u, double v)
    {
        var max = Math.Max(u, v);
        return max + Math.Log(1.0 + Math.Exp(-Math.Abs(u - v)));
    }
}
