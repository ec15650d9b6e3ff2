using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LoyaltyConsole.Domain.Scoring;
using LoyaltyConsole.Sync.Csv;

namespace LoyaltyConsole.Cli;

/// <summary>
/// <c>backtest --transactions FILE --calibration-end YYYY-MM-DD [--holdout-end YYYY-MM-DD] [--mapping FILE] [--json OUT]</c>.
/// The file is read by the import's reader (<see cref="CsvPurchases"/>): any layout it detects or the mapping gives,
/// straight into a compact log. Rows a model cannot use (returns, refunds, no customer id, unreadable values) are
/// skipped and reported with their reasons and first lines; the fit runs on the rest.
/// </summary>
public static class BacktestCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options, TextWriter output, CancellationToken ct = default)
    {
        if (!options.TryGetValue("transactions", out var file) || !options.TryGetValue("calibration-end", out var calibrationText))
        {
            throw new ArgumentException("backtest needs --transactions FILE and --calibration-end YYYY-MM-DD.");
        }
        var calibrationEnd = ParseDate(calibrationText, "calibration-end");
        DateOnly? holdoutOption = options.TryGetValue("holdout-end", out var holdoutText) ? ParseDate(holdoutText, "holdout-end") : null;
        if (holdoutOption <= calibrationEnd)
        {
            throw new ArgumentException($"The holdout end ({holdoutOption:yyyy-MM-dd}) must be after the calibration end ({calibrationEnd:yyyy-MM-dd}).");
        }
        var mapping = options.TryGetValue("mapping", out var mappingPath) ? ColumnMapping.Load(mappingPath) : null;
        if (!File.Exists(file))
        {
            throw new ArgumentException($"The transactions file '{file}' does not exist.");
        }

        // About 30 bytes a row in the CDNOW layout: the log is sized once for files of that density.
        var log = new TransactionLog((int)Math.Min(new FileInfo(file).Length / 28, 50_000_000));
        var read = await CsvPurchases.ReadAsync(file, log, mapping, ct);
        output.WriteLine(read.ToString());
        if (log.Count == 0)
        {
            throw new ArgumentException($"The transactions file '{file}' has no purchase a model can use.");
        }
        var holdoutEnd = holdoutOption ?? log.LastDate!.Value;
        if (holdoutEnd <= calibrationEnd)
        {
            throw new ArgumentException($"The holdout end ({holdoutEnd:yyyy-MM-dd}) must be after the calibration end ({calibrationEnd:yyyy-MM-dd}).");
        }

        var fitting = Stopwatch.StartNew();
        var result = Backtest.Run(log, calibrationEnd, holdoutEnd);
        WriteTable(result, calibrationEnd, holdoutEnd, output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Fitted and compared in {fitting.Elapsed.TotalSeconds:N1} s."));
        if (options.TryGetValue("json", out var jsonPath))
        {
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(ToJson(result, read, calibrationEnd, holdoutEnd), Indented), ct);
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

    private static object ToJson(BacktestResult r, CsvPurchaseRead read, DateOnly calibrationEnd, DateOnly holdoutEnd) => new
    {
        calibrationEnd = calibrationEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        holdoutEnd = holdoutEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        rowsRead = read.RowsRead,
        rowsSkipped = read.RowsSkipped,
        skipped = read.Skipped.Select(s => new { reason = s.Reason, rows = s.Rows, firstLines = s.FirstLines }),
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
