using LoyaltyConsole.Sync;
using LoyaltyConsole.Sync.Shopify;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static LoyaltyConsole.Tests.Sync.ShopifyConnector.ShopifyArrangement;

namespace LoyaltyConsole.Tests.Sync.ShopifyConnector;

/// <summary>
/// The Shopify connector against a fake shop: the first sync in bulk, later ones by pages of what changed, bulk again
/// for a window past the pagination cap, and refunds that reverse their order's points once however often they are read.
/// Runs on SQLite and, with TEST_DATABASE=PostgreSql, on PostgreSQL.
/// </summary>
public sealed class ShopifySyncTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_first_sync_reads_the_whole_shop_in_bulk_and_the_next_finds_nothing_new()
    {
        await using var shop = await FakeShopify.StartAsync(new FakeShopData(customers: 1_500, orders: 4_000));
        await using var app = App();
        var connection = await ConnectAsync(app, shop);

        var first = await SyncAsync(app, connection);
        var synced = await ReloadAsync(app, connection);
        var second = await SyncAsync(app, synced);

        Assert.True(first.Status == SyncRunStatus.Succeeded, first.Error);
        Assert.Equal(2, shop.CallsOf("ShopifyBulkRun"));
        Assert.Equal((0, 0), (shop.CallsOf("ShopifyCustomers"), shop.CallsOf("ShopifyOrders")));
        Assert.Equal(2, shop.DownloadTokens.Count);
        Assert.All(shop.DownloadTokens, Assert.Null);
        await AssertMatchesShopAsync(app, synced, shop.Data);
        var withoutCustomer = shop.Data.Orders.Count(o => o.CustomerId is null);
        Assert.True(withoutCustomer > 100);
        Assert.Equal(withoutCustomer, first.Skipped);
        Assert.Contains($"{withoutCustomer:N0} orders without a customer", first.Summary, StringComparison.Ordinal);
        Assert.Null(synced.ResumeState);
        Assert.NotNull(synced.Watermark);
        Assert.True(synced.Watermark > shop.Data.Now.AddMinutes(-1));
        Assert.Equal((1_500L, 1_500L), (synced.SourceClientCount, synced.OurClientCount));

        Assert.True(second.Status == SyncRunStatus.Succeeded, second.Error);
        Assert.Equal((0L, 0L), (second.New, second.Updated));
        Assert.Equal(2, shop.CallsOf("ShopifyBulkRun"));
        await AssertMatchesShopAsync(app, synced, shop.Data);
    }

    [Fact]
    public async Task Changes_since_the_watermark_are_read_by_pages_sorted_on_updated_at()
    {
        await using var shop = await FakeShopify.StartAsync(new FakeShopData(customers: 400, orders: 900));
        await using var app = App();
        var connection = await ConnectAsync(app, shop);
        await SyncAsync(app, connection);
        connection = await ReloadAsync(app, connection);
        var random = new Random(3);
        var now = FakeShopData.Truncate(DateTime.UtcNow);
        foreach (var customer in shop.Data.Customers.Take(120))
        {
            customer.Email = $"new.{customer.Id[^4..]}@example.org";
            customer.EmailState = "UNSUBSCRIBED";
            customer.UpdatedAt = now;
        }
        var added = Enumerable.Range(0, 30).Select(_ => shop.Data.AddCustomer(now, random)).ToList();
        var refunded = shop.Data.Orders.Where(o => o.CustomerId is not null && o.Refunds.Count == 0 && o.Lines.Count > 1).Take(40).ToList();
        foreach (var order in refunded)
        {
            shop.Data.Refund(order, now);
        }
        var newOrders = Enumerable.Range(0, 60).Select(i => shop.Data.AddOrder(i % 12 == 0 ? null : i % 2 == 0 ? added[i % added.Count] : shop.Data.Customers[i], now, random)).ToList();
        foreach (var order in shop.Data.Orders.Where(o => o.Refunds.Count == 0).Skip(300).Take(100))
        {
            order.UpdatedAt = now;
        }

        var run = await SyncAsync(app, connection);

        Assert.True(run.Status == SyncRunStatus.Succeeded, run.Error);
        Assert.Equal(2, shop.CallsOf("ShopifyBulkRun"));
        var customerPages = shop.CallsTo("ShopifyCustomers").ToList();
        var orderPages = shop.CallsTo("ShopifyOrders").ToList();
        Assert.Equal(3, customerPages.Count);
        Assert.True(orderPages.Count >= 8, $"{orderPages.Count} pages of orders");
        Assert.All(customerPages.Concat(orderPages), c =>
        {
            Assert.Equal("UPDATED_AT", c.Variables["sortKey"]!.GetValue<string>());
            Assert.StartsWith("updated_at:>='", c.Variables["query"]!.GetValue<string>(), StringComparison.Ordinal);
        });
        Assert.Null(orderPages[0].Variables["after"]);
        Assert.All(orderPages.Skip(1), c => Assert.NotNull(c.Variables["after"]));
        var newVisits = newOrders.Count(o => o.CustomerId is not null);
        var newRefunds = newOrders.Where(o => o.CustomerId is not null).Sum(o => o.Refunds.Count(r => r.TotalMinor > 0)) + refunded.Count;
        Assert.Equal(added.Count + newVisits + newRefunds, run.New);
        Assert.Equal(120, run.Updated);
        await AssertMatchesShopAsync(app, connection, shop.Data);
    }

    [Fact]
    public async Task A_window_holding_more_than_pagination_reaches_is_read_in_bulk()
    {
        await using var shop = await FakeShopify.StartAsync(new FakeShopData(customers: 150, orders: 200));
        await using var app = App();
        var connection = await ConnectAsync(app, shop);
        await SyncAsync(app, connection);
        connection = await ReloadAsync(app, connection);
        // The fake stops paginating where Shopify would (here at the connector's bulk threshold), without saying so.
        shop.PaginationCap = 500;
        var random = new Random(9);
        var now = FakeShopData.Truncate(DateTime.UtcNow);
        for (var i = 0; i < 620; i++)
        {
            shop.Data.AddOrder(shop.Data.Customers[i % shop.Data.Customers.Count], now, random);
        }

        var run = await SyncAsync(app, connection);

        Assert.True(run.Status == SyncRunStatus.Succeeded, run.Error);
        Assert.Equal(3, shop.CallsOf("ShopifyBulkRun"));
        Assert.Equal(0, shop.CallsOf("ShopifyOrders"));
        Assert.Contains("orders in bulk (620)", run.Summary, StringComparison.Ordinal);
        await AssertMatchesShopAsync(app, connection, shop.Data);
    }

    [Fact]
    public async Task A_refund_read_again_reverses_its_order_s_points_once()
    {
        await using var shop = await FakeShopify.StartAsync(new FakeShopData(customers: 80, orders: 240));
        await using var app = App();
        var connection = await ConnectAsync(app, shop);
        await SyncAsync(app, connection);
        connection = await ReloadAsync(app, connection);
        var ledgerBefore = await LedgerAsync(app);
        var refundLineCalls = shop.CallsOf("ShopifyRefundLines");
        // The orders with refunds change again at Shopify (a note, a tag): the next sync reads them and their refunds again.
        var now = FakeShopData.Truncate(DateTime.UtcNow);
        var withRefunds = shop.Data.Orders.Where(o => o.CustomerId is not null && o.Refunds.Count > 0).ToList();
        foreach (var order in withRefunds)
        {
            order.UpdatedAt = now;
        }

        var incremental = await SyncAsync(app, connection);
        await using (var db = await app.CreateDbContextAsync())
        {
            // And everything is read again from scratch, in bulk.
            var stored = await db.Connections.SingleAsync(c => c.Id == connection.Id, Ct);
            stored.ResetSync();
            await db.SaveChangesAsync(Ct);
        }
        var full = await SyncAsync(app, connection);

        Assert.True(withRefunds.Count > 20);
        Assert.True(incremental.Status == SyncRunStatus.Succeeded, incremental.Error);
        Assert.True(full.Status == SyncRunStatus.Succeeded, full.Error);
        Assert.Equal((0L, 0L), (incremental.New + full.New, incremental.Updated + full.Updated));
        // Refunds already recorded are not even asked for again.
        Assert.Equal(refundLineCalls, shop.CallsOf("ShopifyRefundLines"));
        Assert.Equal(ledgerBefore, await LedgerAsync(app));
        await AssertMatchesShopAsync(app, connection, shop.Data);
    }

    [Fact]
    public async Task A_bulk_file_not_grouped_as_asked_fails_the_run_and_the_next_run_asks_for_a_new_one()
    {
        await using var shop = await FakeShopify.StartAsync(new FakeShopData(customers: 60, orders: 120));
        await using var app = App();
        var connection = await ConnectAsync(app, shop);
        shop.IgnoreGroupObjects = true;

        var failed = await SyncAsync(app, connection);
        shop.IgnoreGroupObjects = false;
        var resumed = await SyncAsync(app, connection);

        Assert.Equal(SyncRunStatus.Failed, failed.Status);
        Assert.Contains("not grouped", failed.Error, StringComparison.Ordinal);
        Assert.True(resumed.Status == SyncRunStatus.Succeeded, resumed.Error);
        Assert.Equal(3, shop.CallsOf("ShopifyBulkRun"));
        await AssertMatchesShopAsync(app, connection, shop.Data);
    }

    private static async Task<List<(string, int)>> LedgerAsync(TestApp app)
    {
        await using var db = await app.CreateDbContextAsync();
        return (await db.LedgerEntries.AsNoTracking().Where(e => e.Source == Source).OrderBy(e => e.Id).Select(e => new { e.ExternalId, e.Points }).ToListAsync(Ct))
            .Select(e => (e.ExternalId, e.Points)).ToList();
    }
}
