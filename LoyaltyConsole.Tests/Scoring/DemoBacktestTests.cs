using System.Globalization;
using LoyaltyConsole.DemoData;
using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Tests.Scoring;

/// <summary>
/// The demo's own visit history, backtested the way the Model page does it. The history is the seeder's: the same
/// per-client streams and visit days that <see cref="DemoSeeder"/> writes, taken without the database so that a
/// 60,000-client demo costs a second or two. Fewer clients would not do: with a few hundred clients in a bucket, the
/// bucket's actual mean alone wanders by 15% from one seed to the next, and at 30,000 still by 5%.
/// </summary>
public sealed class DemoBacktestTests(ITestOutputHelper output)
{
    private const int Clients = 60_000;
    private const int Seed = 42;
    private const int HoldoutDays = 180;

    // Quarter ends: June's calibration ends just after the December peak, the hardest case for a model without seasons.
    [Theory]
    [InlineData("2026-03-31")]
    [InlineData("2026-06-30")]
    [InlineData("2026-09-30")]
    [InlineData("2026-12-31")]
    public void The_demo_history_predicts_holdout_visits_per_frequency_bucket_within_15_percent(string asOfText)
    {
        var asOf = DateOnly.ParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var transactions = new List<Transaction>();
        for (var index = 0; index < Clients; index++)
        {
            var plan = DemoSeeder.Plan(Seed, index, asOf);
            var id = index.ToString(CultureInfo.InvariantCulture);
            // No amounts: the buckets need only the visit model, and Backtest skips the spend model when nobody spent.
            transactions.AddRange(plan.Days.Select(day => new Transaction(id, day, 0.0)));
        }
        var holdoutEnd = transactions.Max(t => t.Date);

        var result = Backtest.Run(transactions, holdoutEnd.AddDays(-HoldoutDays), holdoutEnd);

        output.WriteLine($"{result.BgNbd.Parameters}, converged {result.BgNbd.Converged}");
        foreach (var bucket in result.Buckets)
        {
            output.WriteLine($"{bucket.Label,3}: n={bucket.Customers,5} actual={bucket.ActualMean:F3} predicted={bucket.PredictedMean:F3} ({(bucket.PredictedMean / bucket.ActualMean) - 1:+0.0%;-0.0%})");
        }
        Assert.True(result.BgNbd.Converged);
        Assert.All(result.Buckets, bucket =>
        {
            Assert.True(bucket.Customers >= 500, $"Bucket {bucket.Label} has only {bucket.Customers} clients.");
            var error = (bucket.PredictedMean / bucket.ActualMean) - 1;
            Assert.True(Math.Abs(error) <= 0.15,
                $"Bucket {bucket.Label}: actual {bucket.ActualMean:F3}, predicted {bucket.PredictedMean:F3} ({error:+0.0%;-0.0%}).");
        });
    }
}
