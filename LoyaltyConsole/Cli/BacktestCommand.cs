using System.Globalization;
using System.Text.Json;
using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Cli;

/// <summary><c>backtest --transactions FILE --calibration-end YYYY-MM-DD [--holdout-end YYYY-MM-DD] [--json OUT]</c></summary>
public static class BacktestCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static int Run(IReadOnlyDictionary<string, string> options, TextWriter output)
    {
        if (!options.TryGetValue("transactions", out var file) || !options.TryGetValue("calibration-end", out var calibrationText))
        {
            throw new ArgumentException("backtest needs --transactions FILE and --calibration-end YYYY-MM-DD.");
        }
        var calibrationEnd = ParseDate(calibrationText, "calibration-end");
        var transactions = TransactionFileReader.Read(file);
        var holdoutEnd = options.TryGetValue("holdout-end", out var holdoutText)
            ? ParseDate(holdoutText, "holdout-end")
            : transactions.Max(t => t.Date);
        if (holdoutEnd <= calibrationEnd)
        {
            throw new ArgumentException($"The holdout end ({holdoutEnd:yyyy-MM-dd}) must be after the calibration end ({calibrationEnd:yyyy-MM-dd}).");
        }

        var result = Backtest.Run(transactions, calibrationEnd, holdoutEnd);
        WriteTable(result, calibrationEnd, holdoutEnd, output);
        if (options.TryGetValue("json", out var jsonPath))
        {
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(ToJson(result, calibrationEnd, holdoutEnd), Indented));
            output.WriteLine($"JSON written to {jsonPath}");
        }
        return 0;
    }

    private static void WriteTable(BacktestResult r, DateOnly calibrationEnd, DateOnly holdoutEnd, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(inv, $"{r.Customers:N0} customers, {r.Transactions:N0} transactions (same-day purchases merged); calibration to {calibrationEnd:yyyy-MM-dd}, holdout to {holdoutEnd:yyyy-MM-dd}"));
        var b = r.BgNbd;
        o.WriteLine(string.Create(inv, $"BG/NBD       r={b.Parameters.R:0.0000} alpha={b.Parameters.Alpha:0.0000} a={b.Parameters.A:0.0000} b={b.Parameters.B:0.0000}  LL={b.LogLikelihood:0.00}  n={b.Customers}{(b.Converged ? "" : "  (not converged)")}"));
        if (r.GammaGamma is { } g)
        {
            o.WriteLine(string.Create(inv, $"Gamma-Gamma  p={g.Parameters.P:0.0000} q={g.Parameters.Q:0.0000} gamma={g.Parameters.Gamma:0.0000}  LL={g.LogLikelihood:0.00}  n={g.Customers}{(g.Converged ? "" : "  (not converged)")}"));
        }
        o.WriteLine();
        o.WriteLine("repeat purchases in calibration | customers | actual mean (holdout) | predicted mean (holdout)");
        foreach (var bucket in r.Buckets)
        {
            o.WriteLine(string.Create(inv, $"{bucket.Label,31} | {bucket.Customers,9} | {bucket.ActualMean,21:0.000} | {bucket.PredictedMean,24:0.000}"));
        }
    }

    private static object ToJson(BacktestResult r, DateOnly calibrationEnd, DateOnly holdoutEnd) => new
    {
        calibrationEnd = calibrationEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        holdoutEnd = holdoutEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        customers = r.Customers,
        transactions = r.Transactions,
        bgNbd = new { r.BgNbd.Parameters.R, r.BgNbd.Parameters.Alpha, r.BgNbd.Parameters.A, r.BgNbd.Parameters.B, logLikelihood = r.BgNbd.LogLikelihood, converged = r.BgNbd.Converged, n = r.BgNbd.Customers },
        gammaGamma = r.GammaGamma is { } g ? new { g.Parameters.P, g.Parameters.Q, g.Parameters.Gamma, logLikelihood = g.LogLikelihood, converged = g.Converged, n = g.Customers } : null,
        buckets = r.Buckets.Select(b => new { frequency = b.Label, customers = b.Customers, actualMean = b.ActualMean, predictedMean = b.PredictedMean }),
    };

    private static DateOnly ParseDate(string value, string name) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new ArgumentException($"--{name} must be a date like 1997-09-30; got '{value}'.");
}
