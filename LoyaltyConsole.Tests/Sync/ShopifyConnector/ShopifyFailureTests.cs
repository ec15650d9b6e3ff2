using LoyaltyConsole.Sync;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static LoyaltyConsole.Tests.Sync.ShopifyConnector.ShopifyArrangement;

namespace LoyaltyConsole.Tests.Sync.ShopifyConnector;

/// <summary>
/// What the Shopify connector does when the shop misbehaves or the run stops: transient failures of reads are retried,
/// THROTTLED is waited out, lasting failures fail the run with a message that says what happened and write nothing of
/// the page that failed, and the next run resumes where the last one committed, neither losing nor repeating a record.
/// </summary>
public sealed class ShopifyFailureTests
{
    private const int OrdersPageSize = 25;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A small shop read by pages: its connection's watermark is a year back, so the window holds everything.</summary>
    private static async Task<(FakeShopify Shop, TestApp App, Connection Connection)> PagedShopAsync(int customers = 80, int orders = 200)
    {
        var shop = await FakeShopify.StartAsync(new FakeShopData(customers, orders));
        var app = App();
        var connection = await ConnectAsync(app, shop, watermark: FakeShopData.Truncate(DateTime.UtcNow).AddYears(-1));
        return (shop, app, connection);
    }

    [Fact]
    public async Task A_THROTTLED_answer_is_waited_out_and_the_same_call_sent_again()
    {
        var (shop, app, connection) = await PagedShopAsync();
        await using var _ = shop;
        await using var __ = app;
        shop.Inject("ShopifyOrders", new FakeFault.Throttled(), fromCall: 2);

        var run = await SyncAsync(app, connection);

        Assert.True(run.Status == SyncRunStatus.Succeeded, run.Error);
        var calls = shop.CallsTo("ShopifyOrders").ToList();
        Assert.Equal("THROTTLED", calls[1].Outcome);
        Assert.Equal(("OK", calls[1].Body), (calls[2].Outcome, calls[2].Body));
        Assert.Contains("1 THROTTLED answers sent again", run.Summary, StringComparison.Ordinal);
        await AssertMatchesShopAsync(app, connection, shop.Data);
    }

    [Fact]
    public async Task Server_errors_and_a_timeout_on_reads_are_retried_and_nothing_is_lost()
    {
        var (shop, app, connection) = await PagedShopAsync();
        await using var _ = shop;
        await using var __ = app;
        shop.Inject("ShopifyOrders", new FakeFault.Status(500), fromCall: 2, times: 2);
        shop.Inject("ShopifyOrders", new FakeFault.Status(503), fromCall: 5);
        shop.Inject("ShopifyCustomers", new FakeFault.Delay(TimeSpan.FromSeconds(4)), fromCall: 2);

        var run = await SyncAsync(app, connection);

        Assert.True(run.Status == SyncRunStatus.Succeeded, run.Error);
        var orders = shop.CallsTo("ShopifyOrders").ToList();
        Assert.Equal(["OK", "HTTP 500", "HTTP 500", "OK"], orders.Take(4).Select(c => c.Outcome));
        Assert.Equal(orders[1].Body, orders[3].Body);
        // The slow answer came too late: the same page was asked for again (the fake records a call once it has answered).
        for (var i = 0; i < 100 && shop.CallsTo("ShopifyCustomers").Count() < 3; i++)
        {
            await Task.Delay(50, Ct);
        }
        var customers = shop.CallsTo("ShopifyCustomers").ToDictionary(c => c.Number);
        Assert.Equal(customers[2].Body, customers[3].Body);
        await AssertMatchesShopAsync(app, connection, shop.Data);
    }

    public static TheoryData<string, string> LastingFailures => new()
    {
        { "500", "answered 500 InternalServerError" },
        { "timeout", "did not answer" },
        { "malformed", "malformed answer" },
        { "access denied", "(ACCESS_DENIED)" },
    };

    [Theory]
    [MemberData(nameof(LastingFailures))]
    public async Task A_page_that_keeps_failing_fails_the_run_clearly_writes_nothing_of_it_and_the_next_run_resumes_there(string failure, string message)
    {
        var (shop, app, connection) = await PagedShopAsync();
        await using var _ = shop;
        await using var __ = app;
        const int failingPage = 3;
        FakeFault fault = failure switch
        {
            "500" => new FakeFault.Status(500),
            "timeout" => new FakeFault.Delay(TimeSpan.FromSeconds(3)),
            "malformed" => new FakeFault.Malformed(),
            _ => new FakeFault.GraphQlError("ACCESS_DENIED", "Access denied for orders field. Required access: `read_orders` access scope."),
        };
        shop.Inject("ShopifyOrders", fault, fromCall: failingPage, times: 100);
        var pageOrders = shop.Data.Orders.OrderBy(o => o.UpdatedAt).ThenBy(o => o.Id, StringComparer.Ordinal)
            .Skip((failingPage - 1) * OrdersPageSize).Take(OrdersPageSize).Select(o => o.Id).ToList();
        var refundsOfPage = shop.Data.Orders.Where(o => pageOrders.Contains(o.Id)).SelectMany(o => o.Refunds).Select(r => r.Id).ToList();

        var failed = await SyncAsync(app, connection);
        var stopped = await ReloadAsync(app, connection);
        await using (var db = await app.CreateDbContextAsync())
        {
            Assert.False(await db.Visits.AnyAsync(v => v.Source == Source && pageOrders.Contains(v.ExternalId), Ct));
            Assert.False(await db.VisitReturns.AnyAsync(r => r.Source == Source && refundsOfPage.Contains(r.ExternalId), Ct));
            Assert.Equal(2 * OrdersPageSize, await db.Visits.CountAsync(v => v.Source == Source, Ct) + shop.Data.Orders
                .OrderBy(o => o.UpdatedAt).ThenBy(o => o.Id, StringComparer.Ordinal).Take(2 * OrdersPageSize).Count(o => o.CustomerId is null));
        }
        shop.ClearFaults();
        var resumed = await SyncAsync(app, connection);

        Assert.Equal(SyncRunStatus.Failed, failed.Status);
        Assert.Contains(message, failed.Error, StringComparison.Ordinal);
        Assert.Contains("\"phase\":\"orders\"", stopped.ResumeState, StringComparison.Ordinal);
        Assert.Contains($"\"page\":{failingPage}", stopped.ResumeState, StringComparison.Ordinal);
        Assert.Equal(stopped.Watermark, connection.Watermark);
        Assert.True(resumed.Status == SyncRunStatus.Succeeded, resumed.Error);
        // The resumed run asked for the failed page with the cursor it had committed, and never for the first pages again.
        Assert.Single(shop.CallsTo("ShopifyOrders"), c => c.Outcome == "OK" && c.Variables["after"] is null);
        Assert.Single(shop.CallsTo("ShopifyCustomers"), c => c.Outcome == "OK" && c.Variables["after"] is null);
        await AssertMatchesShopAsync(app, connection, shop.Data);
    }

    [Fact]
    public async Task A_run_stopped_between_writing_a_page_and_committing_it_resumes_without_losing_or_repeating_a_record()
    {
        var (shop, app, connection) = await PagedShopAsync();
        await using var _ = shop;
        await using var __ = app;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var runner = app.Get<SyncRunner>();
        // Orders' progress is shown when a page is written and before it is committed: stop there, after the second page.
        void StopAfterTwoPages(SyncProgress progress)
        {
            if (progress.Phase == "Reading Shopify orders" && progress.Done >= 2 * OrdersPageSize)
            {
                stop.Cancel();
            }
        }
        runner.ProgressChanged += StopAfterTwoPages;

        var stopped = await SyncAsync(app, connection, stop.Token);
        runner.ProgressChanged -= StopAfterTwoPages;
        var state = (await ReloadAsync(app, connection)).ResumeState;
        var resumed = await SyncAsync(app, connection);

        Assert.Equal(SyncRunStatus.Cancelled, stopped.Status);
        Assert.Contains("\"page\":2", state, StringComparison.Ordinal);
        Assert.True(resumed.Status == SyncRunStatus.Succeeded, resumed.Error);
        // The second page was written, not committed: it was read again and found unchanged.
        var secondPage = shop.CallsTo("ShopifyOrders").Where(c => c.Outcome == "OK").ToList();
        Assert.Equal(secondPage[1].Body, secondPage[2].Body);
        Assert.True(resumed.Unchanged >= OrdersPageSize - 3, $"{resumed.Unchanged} unchanged");
        await AssertMatchesShopAsync(app, connection, shop.Data);
    }

    [Fact]
    public async Task A_first_sync_stopped_in_the_middle_of_a_bulk_file_resumes_at_the_last_batch_committed()
    {
        await using var shop = await FakeShopify.StartAsync(new FakeShopData(customers: 300, orders: 1_000));
        await using var app = App();
        var connection = await ConnectAsync(app, shop);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var runner = app.Get<SyncRunner>();
        void StopAtSecondBatch(SyncProgress progress)
        {
            if (progress.Phase == "Reading Shopify orders in bulk" && progress.Done >= 800)
            {
                stop.Cancel();
            }
        }
        runner.ProgressChanged += StopAtSecondBatch;

        var stopped = await SyncAsync(app, connection, stop.Token);
        runner.ProgressChanged -= StopAtSecondBatch;
        var state = (await ReloadAsync(app, connection)).ResumeState!;
        var resumed = await SyncAsync(app, connection);

        Assert.Equal(SyncRunStatus.Cancelled, stopped.Status);
        Assert.Contains("\"mode\":\"bulk\"", state, StringComparison.Ordinal);
        Assert.Contains("\"done\":400", state, StringComparison.Ordinal);
        Assert.True(resumed.Status == SyncRunStatus.Succeeded, resumed.Error);
        // The same bulk operation's file was downloaded again and read on from the committed line: no new operation.
        Assert.Equal(2, shop.CallsOf("ShopifyBulkRun"));
        Assert.Equal(3, shop.DownloadTokens.Count);
        await AssertMatchesShopAsync(app, connection, shop.Data);
    }

    [Fact]
    public async Task A_bulk_start_whose_answer_was_lost_is_taken_up_by_the_next_run_not_started_again()
    {
        await using var shop = await FakeShopify.StartAsync(new FakeShopData(customers: 60, orders: 120));
        await using var app = App();
        var connection = await ConnectAsync(app, shop);
        // The mutation runs at Shopify, but its answer comes after the client has given up on it.
        shop.Inject("ShopifyBulkRun", new FakeFault.Delay(TimeSpan.FromSeconds(3)));

        var failed = await SyncAsync(app, connection);
        for (var i = 0; i < 100 && !shop.CallsTo("ShopifyBulkRun").Any(); i++)
        {
            await Task.Delay(50, Ct);
        }
        var sentOnce = shop.CallsOf("ShopifyBulkRun");
        var resumed = await SyncAsync(app, connection);

        Assert.Equal(SyncRunStatus.Failed, failed.Status);
        Assert.Equal(1, sentOnce);
        Assert.True(resumed.Status == SyncRunStatus.Succeeded, resumed.Error);
        Assert.Equal(2, shop.CallsOf("ShopifyBulkRun"));
        Assert.True(shop.CallsOf("ShopifyCurrentBulk") >= 2);
        await AssertMatchesShopAsync(app, connection, shop.Data);
    }

    [Fact]
    public async Task A_refused_access_token_fails_the_run_saying_what_to_do()
    {
        await using var shop = await FakeShopify.StartAsync(new FakeShopData(customers: 5, orders: 5));
        await using var app = App();
        var connection = await ConnectAsync(app, shop, credentials: "shpat_expired");

        var run = await SyncAsync(app, connection);

        Assert.Equal(SyncRunStatus.Failed, run.Status);
        Assert.Contains("401", run.Error, StringComparison.Ordinal);
        Assert.Contains("client id and secret", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("shpat_expired", run.Error, StringComparison.Ordinal);
    }
}
