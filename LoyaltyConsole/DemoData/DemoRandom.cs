namespace LoyaltyConsole.DemoData;

/// <summary>
/// The few distributions the demo's stories need, drawn from a client's own <see cref="Random"/> so the demo stays
/// deterministic for a seed. System.Random has uniforms only; these are the textbook constructions.
/// </summary>
internal static class DemoRandom
{
    /// <summary>Gamma with the given shape and scale (mean shape × scale): Marsaglia &amp; Tsang (2000).</summary>
    public static double NextGamma(this Random rng, double shape, double scale)
    {
        if (shape < 1.0)
        {
            // Shapes below 1 are boosted by one and scaled back by U^(1/shape) (Marsaglia & Tsang, section 6).
            return rng.NextGamma(shape + 1.0, scale) * Math.Pow(rng.NextUnitOpen(), 1.0 / shape);
        }
        var d = shape - (1.0 / 3.0);
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = rng.NextStandardNormal();
                v = 1.0 + (c * x);
            }
            while (v <= 0.0);
            v = v * v * v;
            var u = rng.NextUnitOpen();
            if (u < 1.0 - (0.0331 * x * x * x * x) || Math.Log(u) < (0.5 * x * x) + (d * (1.0 - v + Math.Log(v))))
            {
                return d * v * scale;
            }
        }
    }

    /// <summary>Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).</summary>
    public static double NextBeta(this Random rng, double a, double b)
    {
        var x = rng.NextGamma(a, 1.0);
        var y = rng.NextGamma(b, 1.0);
        return x / (x + y);
    }

    /// <summary>Waiting time of a Poisson process with the given rate.</summary>
    public static double NextExponential(this Random rng, double rate) => -Math.Log(rng.NextUnitOpen()) / rate;

    /// <summary>Box-Muller; one of the pair is enough here.</summary>
    public static double NextStandardNormal(this Random rng) =>
        Math.Sqrt(-2.0 * Math.Log(rng.NextUnitOpen())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());

    // (0, 1]: NextDouble can return 0, whose logarithm is -infinity.
    private static double NextUnitOpen(this Random rng) => 1.0 - rng.NextDouble();
}
