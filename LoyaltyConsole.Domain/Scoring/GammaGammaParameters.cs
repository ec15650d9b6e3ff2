namespace LoyaltyConsole.Domain.Scoring;

/// <summary>
/// Gamma-Gamma spend model (Fader &amp; Hardie 2013): each transaction's value ~ Gamma(P, nu), nu ~ Gamma(Q, Gamma) across customers.
/// Gamma carries the currency unit of the spends the model was fitted on.
/// </summary>
public sealed record GammaGammaParameters(double P, double Q, double Gamma)
{
    /// <summary>
    /// One customer's log-likelihood, ln f(mbar | x) = lnΓ(px+q) - lnΓ(px) - lnΓ(q) + q ln γ + (px-1) ln mbar + px ln x
    /// - (px+q) ln(γ + x mbar); the model speaks only of repeat customers with a positive mean spend.
    /// </summary>
    public double LogLikelihood(double frequency, double meanSpend)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frequency);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(meanSpend);
        var px = P * frequency;
        return SpecialFunctions.LogGamma(px + Q) - SpecialFunctions.LogGamma(px) - SpecialFunctions.LogGamma(Q) + (Q * Math.Log(Gamma))
            + ((px - 1.0) * Math.Log(meanSpend)) + (px * Math.Log(frequency)) - ((px + Q) * Math.Log(Gamma + (frequency * meanSpend)));
    }

    /// <summary>
    /// E[M | x, mbar] = (q - 1)/(px + q - 1) * pγ/(q - 1) + px/(px + q - 1) * mbar: the observed mean shrunk toward the population mean.
    /// For x = 0 it is the population mean pγ/(q - 1), which does not exist (returned as +infinity) when q &lt;= 1.
    /// </summary>
    public double ConditionalExpectedSpend(double frequency, double meanSpend)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frequency);
        if (frequency == 0.0)
        {
            return Q > 1.0 ? P * Gamma / (Q - 1.0) : double.PositiveInfinity;
        }
        return P * (Gamma + (frequency * meanSpend)) / ((P * frequency) + Q - 1.0);
    }
}
