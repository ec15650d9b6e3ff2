using System.Globalization;
using System.Text.RegularExpressions;
using LoyaltyConsole.Sync;
using static LoyaltyConsole.Tests.Sync.ShopifyConnector.ShopifyArrangement;

namespace LoyaltyConsole.Tests.Sync.ShopifyConnector;

/// <summary>
/// The connector paces itself by the bucket each answer reports. Two shops with buckets of different sizes and restore
/// rates (neither Shopify's Standard figures) are read without a single THROTTLED answer, waiting no longer than their
/// own restore rate asks: nothing about the bucket is assumed.
/// </summary>
public sealed partial class ShopifyPacingTests
{
    private const double Cost = 50;

    [Theory]
    [InlineData(200, 1_000)]
    [InlineData(120, 400)]
    public async Task Calls_wait_for_the_bucket_the_shop_reports_and_are_never_throttled(double bucket, double restoreRate)
    {
        await using var shop = await FakeShopify.StartAsync(new FakeShopData(customers: 60, orders: 60));
        await using var app = App();
        var connection = await ConnectAsync(app, shop, watermark: FakeShopData.Truncate(DateTime.UtcNow).AddYears(-1));
        shop.FixedCost = Cost;
        shop.SetBucket(bucket, restoreRate);

        var run = await SyncAsync(app, connection);

        Assert.True(run.Status == SyncRunStatus.Succeeded, run.Error);
        Assert.True(shop.ThrottledAnswers == 0, string.Join(", ", shop.Calls.Where(c => c.Outcome == "THROTTLED").Select(c => $"{c.Operation} #{c.Number}")));
        var pacing = Pacing().Match(run.Summary ?? "");
        Assert.True(pacing.Success, run.Summary);
        var waits = int.Parse(pacing.Groups[1].Value, CultureInfo.InvariantCulture);
        var waited = double.Parse(pacing.Groups[2].Value, CultureInfo.InvariantCulture);
        // Everything asked for beyond the first full bucket had to restore first; never more than that.
        var calls = shop.Calls.Count;
        var mustRestore = (calls * Cost - bucket) / restoreRate;
        Assert.True(waits > 0, run.Summary);
        Assert.True(waited <= mustRestore + 0.2, $"waited {waited} s where {mustRestore:N2} s restore everything ({calls} calls)");
        Assert.True(waited >= mustRestore / 4, $"waited {waited} s where {mustRestore:N2} s had to restore ({calls} calls)");
        await AssertMatchesShopAsync(app, connection, shop.Data);
    }

    [GeneratedRegex(@"waited (\d+) times, ([\d.]+) s in all; (\d+) THROTTLED")]
    private static partial Regex Pacing();
}
