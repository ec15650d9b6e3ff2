namespace LoyaltyConsole.Domain.Scoring;

/// <summary>Derivative-free simplex minimiser (standard coefficients: reflect 1, expand 2, contract 0.5, shrink 0.5).</summary>
public static class NelderMead
{
    public sealed record Result(double[] Minimum, double Value, int Iterations, bool Converged);

    /// <summary>
    /// Converged means the simplex's function values agree within tolerance * (1 + |best|)
    /// and its vertices within sqrt(tolerance) * (1 + max |best coordinate|). NaN values count as +infinity.
    /// </summary>
    public static Result Minimize(Func<double[], double> f, double[] start, double initialStep = 0.5, double tolerance = 1e-10, int maxIterations = 5000)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(start);
        if (start.Length == 0)
        {
            throw new ArgumentException("At least one dimension is required.", nameof(start));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialStep);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tolerance);
        ArgumentOutOfRangeException.ThrowIfNegative(maxIterations);

        var n = start.Length;
        var points = new double[n + 1][];
        var values = new double[n + 1];
        for (var i = 0; i <= n; i++)
        {
            points[i] = (double[])start.Clone();
            if (i > 0)
            {
                points[i][i - 1] += initialStep;
            }
            values[i] = Evaluate(f, points[i]);
        }

        var centroid = new double[n];
        var reflected = new double[n];
        var trial = new double[n];
        var parameterTolerance = Math.Sqrt(tolerance);
        var iterations = 0;
        var converged = false;

        while (true)
        {
            SortByValue(points, values);
            if (HasConverged(points, values, tolerance, parameterTolerance))
            {
                converged = true;
                break;
            }
            if (iterations >= maxIterations)
            {
                break;
            }
            iterations++;

            Array.Clear(centroid);
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    centroid[j] += points[i][j] / n;
                }
            }

            var worst = points[n];
            Combine(centroid, worst, -1.0, reflected);
            var reflectedValue = Evaluate(f, reflected);

            if (reflectedValue < values[0])
            {
                Combine(centroid, worst, -2.0, trial);
                var expandedValue = Evaluate(f, trial);
                if (expandedValue < reflectedValue)
                {
                    Replace(points, values, n, trial, expandedValue);
                }
                else
                {
                    Replace(points, values, n, reflected, reflectedValue);
                }
                continue;
            }
            if (reflectedValue < values[n - 1])
            {
                Replace(points, values, n, reflected, reflectedValue);
                continue;
            }

            // Contract towards the better of the worst point and its reflection.
            var outside = reflectedValue < values[n];
            Combine(centroid, worst, outside ? -0.5 : 0.5, trial);
            var contractedValue = Evaluate(f, trial);
            if (contractedValue < (outside ? reflectedValue : values[n]))
            {
                Replace(points, values, n, trial, contractedValue);
                continue;
            }

            for (var i = 1; i <= n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    points[i][j] = points[0][j] + (0.5 * (points[i][j] - points[0][j]));
                }
                values[i] = Evaluate(f, points[i]);
            }
        }

        return new Result((double[])points[0].Clone(), values[0], iterations, converged);
    }

    private static double Evaluate(Func<double[], double> f, double[] point)
    {
        // The caller may keep the array, so it gets a copy the simplex will not overwrite.
        var value = f((double[])point.Clone());
        return double.IsNaN(value) ? double.PositiveInfinity : value;
    }

    // point = centroid + coefficient * (worst - centroid)
    private static void Combine(double[] centroid, double[] worst, double coefficient, double[] into)
    {
        for (var j = 0; j < centroid.Length; j++)
        {
            into[j] = centroid[j] + (coefficient * (worst[j] - centroid[j]));
        }
    }

    private static void Replace(double[][] points, double[] values, int index, double[] point, double value)
    {
        Array.Copy(point, points[index], point.Length);
        values[index] = value;
    }

    private static bool HasConverged(double[][] points, double[] values, double tolerance, double parameterTolerance)
    {
        var n = values.Length - 1;
        if (double.IsInfinity(values[0]))
        {
            return false;
        }
        if (values[n] - values[0] > tolerance * (1.0 + Math.Abs(values[0])))
        {
            return false;
        }
        var scale = 1.0;
        foreach (var coordinate in points[0])
        {
            scale = Math.Max(scale, 1.0 + Math.Abs(coordinate));
        }
        for (var i = 1; i <= n; i++)
        {
            for (var j = 0; j < points[0].Length; j++)
            {
                if (Math.Abs(points[i][j] - points[0][j]) > parameterTolerance * scale)
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static void SortByValue(double[][] points, double[] values)
    {
        // Insertion sort: the simplex is tiny and usually nearly sorted.
        for (var i = 1; i < values.Length; i++)
        {
            var value = values[i];
            var point = points[i];
            var j = i - 1;
            while (j >= 0 && values[j] > value)
            {
                values[j + 1] = values[j];
                points[j + 1] = points[j];
                j--;
            }
            values[j + 1] = value;
            points[j + 1] = point;
        }
    }
}
