using System.Text.Json;
using LoyaltyConsole.Cli;
using LoyaltyConsole.Tests.Domain.Scoring;

namespace LoyaltyConsole.Tests.Scoring;

public sealed class BacktestCommandTests
{
    [Fact]
    public void Backtest_of_the_CDNOW_sample_prints_the_fit_and_buckets_and_writes_json()
    {
        var json = Path.Combine(Path.GetTempPath(), $"backtest-{Guid.NewGuid():N}.json");
        using var output = new StringWriter();
        var options = new Dictionary<string, string>
        {
            ["transactions"] = Path.Combine(ScoringTestData.CdnowDirectory, "CDNOW_sample.txt"),
            ["calibration-end"] = "1997-09-30",
            ["holdout-end"] = "1998-06-30",
            ["json"] = json,
        };

        Assert.Equal(0, BacktestCommand.Run(options, output));

        var text = output.ToString();
        Assert.Contains("2,357 customers, 6,696 transactions", text, StringComparison.Ordinal);
        Assert.Contains("r=0.24", text, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var buckets = document.RootElement.GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("frequency").GetString()).ToList();
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7+"], buckets);
        Assert.Equal(2357, document.RootElement.GetProperty("customers").GetInt32());
        File.Delete(json);
    }

    [Fact]
    public void A_csv_with_named_columns_is_read_and_bad_input_names_the_line()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tx-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "order_id,Customer_ID,Date,Amount\n1,a,2026-01-05,10.5\n2,b,20260107,20\n");
        var ok = TransactionFileReader.Read(path);
        Assert.Equal(2, ok.Count);
        Assert.Equal(new DateOnly(2026, 1, 7), ok[1].Date);

        File.WriteAllText(path, "customer_id,date,amount\n1,2026-13-01,10\n");
        Assert.Contains("Line 2", Assert.Throws<ArgumentException>(() => TransactionFileReader.Read(path)).Message, StringComparison.Ordinal);

        File.WriteAllText(path, "customer_id,when,amount\n1,2026-01-01,10\n");
        Assert.Contains("no date column", Assert.Throws<ArgumentException>(() => TransactionFileReader.Read(path)).Message, StringComparison.Ordinal);
        File.Delete(path);

        Assert.Contains("--calibration-end", Assert.Throws<ArgumentException>(() => BacktestCommand.Run(new Dictionary<string, string> { ["transactions"] = path }, TextWriter.Null)).Message, StringComparison.Ordinal);
    }
}
