using System.Text.Json;
using LoyaltyConsole.Cli;
using LoyaltyConsole.Tests.Domain.Scoring;

namespace LoyaltyConsole.Tests.Scoring;

public sealed class BacktestCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Backtest_of_the_CDNOW_sample_prints_the_fit_and_buckets_and_writes_json()
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

        Assert.Equal(0, await BacktestCommand.RunAsync(options, output, Ct));

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
    public async Task A_csv_with_named_columns_is_read_and_what_a_model_cannot_use_is_skipped_counted_and_named_by_line()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tx-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, string.Join('\n',
            "order_id,Customer_ID,Date,Amount",
            "1,a,2026-01-05,10.5",
            "2,b,20260107,20",
            "3,a,2026-01-20,-27.5",
            "4,,2026-01-21,12",
            "5,b,2026-13-01,10",
            "6,a,2026-02-03,8",
            "7,b,2026-02-10,\"1,200.00\"",
            "8,c,2026-01-15,(5.00)"), Ct);
        using var output = new StringWriter();

        var exit = await BacktestCommand.RunAsync(new Dictionary<string, string> { ["transactions"] = path, ["calibration-end"] = "2026-01-31" }, output, Ct);
        File.Delete(path);

        // Before, the first negative amount stopped it: "'-27.5' is not a non-negative amount".
        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.Contains("8 rows read", text, StringComparison.Ordinal);
        Assert.Contains("4 purchases of 2 customers; 4 rows skipped, as a model cannot use them: " +
                        "2 returns or refunds (negative quantity or amount) (lines 4, 9; e.g. \"3,a,2026-01-20,-27.5\"); " +
                        "1 without a customer id (line 5; e.g. \"4,,2026-01-21,12\"); " +
                        "1 with an unreadable date (line 6; e.g. \"5,b,2026-13-01,10\").", text, StringComparison.Ordinal);
        Assert.Contains("2 customers, 4 transactions", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_without_its_options_or_its_file_says_what_is_missing()
    {
        var missingOption = await Assert.ThrowsAsync<ArgumentException>(() => BacktestCommand.RunAsync(new Dictionary<string, string> { ["transactions"] = "x.csv" }, TextWriter.Null, Ct));
        var missingFile = await Assert.ThrowsAsync<ArgumentException>(() => BacktestCommand.RunAsync(
            new Dictionary<string, string> { ["transactions"] = "/nonexistent/x.csv", ["calibration-end"] = "2026-01-31" }, TextWriter.Null, Ct));

        Assert.Contains("--calibration-end", missingOption.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", missingFile.Message, StringComparison.Ordinal);
    }
}
