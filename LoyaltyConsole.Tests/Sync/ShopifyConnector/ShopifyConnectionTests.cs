using LoyaltyConsole.Sync;
using LoyaltyConsole.Sync.Shopify;
using static LoyaltyConsole.Tests.Sync.ShopifyConnector.ShopifyArrangement;

namespace LoyaltyConsole.Tests.Sync.ShopifyConnector;

/// <summary>Connecting a shop: its locations listed for mapping, and a Dev Dashboard app's client credentials exchanged for a token.</summary>
public sealed class ShopifyConnectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_location_is_listed_across_pages_active_ones_first_and_inactive_ones_marked()
    {
        var data = new FakeShopData(customers: 3, orders: 3);
        data.Locations.AddRange(Enumerable.Range(1, 260).Select(i => new FakeLocation($"gid://shopify/Location/{5000 + i}", $"Store {i:000}")));
        await using var shop = await FakeShopify.StartAsync(data);
        await using var app = App();
        var connection = await ConnectAsync(app, shop);

        var locations = await app.Get<ShopifyApi>().ListLocationsAsync(connection, Ct);

        Assert.Equal(264, locations.Count);
        Assert.Equal(2, shop.CallsOf("ShopifyLocations"));
        Assert.Equal(("gid://shopify/Location/102", "Brooklyn"), locations[0]);
        Assert.Equal(("gid://shopify/Location/104", "Old warehouse (inactive)"), locations[^1]);
    }

    [Fact]
    public async Task A_dev_dashboard_app_s_client_id_and_secret_are_exchanged_for_a_token_each_run()
    {
        await using var shop = await FakeShopify.StartAsync(new FakeShopData(customers: 20, orders: 30));
        await using var app = App();
        var connection = await ConnectAsync(app, shop, credentials: $$"""{"clientId": "{{FakeShopify.ClientId}}", "clientSecret": "{{FakeShopify.ClientSecret}}"}""");

        var run = await SyncAsync(app, connection);

        Assert.True(run.Status == SyncRunStatus.Succeeded, run.Error);
        await AssertMatchesShopAsync(app, connection, shop.Data);
    }

    [Fact]
    public async Task A_refused_client_secret_fails_the_run_without_showing_it()
    {
        await using var shop = await FakeShopify.StartAsync(new FakeShopData(customers: 2, orders: 2));
        await using var app = App();
        var connection = await ConnectAsync(app, shop, credentials: $$"""{"clientId": "{{FakeShopify.ClientId}}", "clientSecret": "not-the-secret"}""");

        var run = await SyncAsync(app, connection);

        Assert.Equal(SyncRunStatus.Failed, run.Status);
        Assert.Contains("refused the app's client id and secret", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", run.Error, StringComparison.Ordinal);
    }
}
