using LoyaltyConsole.Auditing;
using LoyaltyConsole.Domain.Loyalty;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Tests.Sync.ShopifyConnector;

/// <summary>
/// A test app with a Shopify connection to a fake shop, and the check that what the app holds is exactly what the shop
/// holds: every customer once, every order with a customer and items once with its total and mapped location, every
/// refund once, one earning per sale and at most one reversal per refund, and each client's balance what those make.
/// </summary>
internal static class ShopifyArrangement
{
    public const string Source = "shopify";

    /// <summary>
    /// One set of settings for every Shopify test (the seeded template is shared): small pages and nested sizes so a
    /// small shop spans many pages and needs the follow-up reads, fast polls and retries, short timeouts.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Sync:Shopify:CustomersPageSize"] = "50",
        ["Sync:Shopify:OrdersPageSize"] = "25",
        ["Sync:Shopify:LineItemsPerOrder"] = "3",
        ["Sync:Shopify:RefundsPerOrder"] = "1",
        ["Sync:Shopify:RefundsPerCall"] = "20",
        ["Sync:Shopify:LinesPerRefund"] = "2",
        ["Sync:Shopify:BulkThreshold"] = "500",
        ["Sync:Shopify:BulkBatchSize"] = "400",
        ["Sync:Shopify:BulkPollMilliseconds"] = "20",
        ["Sync:Shopify:MaxRetries"] = "3",
        ["Sync:Shopify:RetryDelayMilliseconds"] = "20",
        ["Sync:Shopify:AttemptTimeoutSeconds"] = "2",
        ["Sync:Shopify:RequestTimeoutSeconds"] = "20",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TestApp App() => new(clients: 5, settings: Settings);

    /// <summary>A Shopify connection to the fake: our first location is the default, the shop's three selling locations map to ours.</summary>
    public static async Task<Connection> ConnectAsync(TestApp app, FakeShopify shop, string? credentials = null, DateTime? watermark = null)
    {
        await using var db = await app.CreateDbContextAsync();
        var locations = await db.Locations.OrderBy(l => l.Id).Select(l => l.Id).ToListAsync(Ct);
        var connection = new Connection("Fake shop", ConnectionKind.Shopify, Source, DateTime.UtcNow);
        connection.SetDefaultLocation(locations[0]);
        connection.SetSettings(new ConnectionSettings { BaseUrl = shop.BaseUrl, ShopDomain = "fake-shop.myshopify.com", ApiVersion = "2026-01" }.ToJson());
        connection.SetCredentials(app.Get<ConnectionSecrets>().Protect(credentials ?? FakeShopify.AccessToken));
        connection.MapLocations(shop.Data.SellingLocations.Select((id, i) => (id, locations[i % locations.Count])));
        connection.SetEnabled(true);
        if (watermark is { } at)
        {
            connection.RecordProgress(at, null);
        }
        db.Connections.Add(connection);
        await db.SaveChangesAsync(Ct);
        return connection;
    }

    public static async Task<SyncRun> SyncAsync(TestApp app, Connection connection, CancellationToken? ct = null)
    {
        var (run, message) = await app.Get<SyncRunner>().RunConnectorAsync(connection.Id, "Manual", AuditActor.System, ct ?? Ct);
        return run ?? throw new InvalidOperationException(message);
    }

    public static async Task<Connection> ReloadAsync(TestApp app, Connection connection)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.Connections.AsNoTracking().Include(c => c.Locations).SingleAsync(c => c.Id == connection.Id, Ct);
    }

    public static async Task AssertMatchesShopAsync(TestApp app, Connection connection, FakeShopData shop)
    {
        await using var db = await app.CreateDbContextAsync();
        var pointsPerUnit = app.Get<IOptions<SyncOptions>>().Value.PointsPerCurrencyUnit;

        var clients = await db.Clients.AsNoTracking().Where(c => c.Source == Source).ToListAsync(Ct);
        Assert.Equal(shop.Customers.Select(c => c.Id).Order(StringComparer.Ordinal), clients.Select(c => c.ExternalId).Order(StringComparer.Ordinal));
        var byId = clients.ToDictionary(c => c.ExternalId);
        foreach (var customer in shop.Customers)
        {
            var client = byId[customer.Id];
            Assert.Equal(customer.Email, client.Email);
            Assert.Equal(customer.Phone, client.PhoneE164);
            if (customer.EmailState is "SUBSCRIBED" or "UNSUBSCRIBED")
            {
                Assert.Equal(customer.EmailState == "SUBSCRIBED", client.EmailConsent.Granted);
            }
            if (customer.Phone is not null && customer.SmsState is "SUBSCRIBED" or "UNSUBSCRIBED")
            {
                Assert.Equal(customer.SmsState == "SUBSCRIBED", client.SmsConsent.Granted);
            }
        }

        var sales = shop.Orders.Where(o => o.CustomerId is not null && o.Lines.Count > 0).ToDictionary(o => o.Id);
        var visits = await db.Visits.AsNoTracking().Include(v => v.Lines).Where(v => v.Source == Source).ToListAsync(Ct);
        Assert.Equal(sales.Keys.Order(StringComparer.Ordinal), visits.Select(v => v.ExternalId).Order(StringComparer.Ordinal));
        var mapped = connection.Locations.ToDictionary(l => l.SourceLocationId, l => l.LocationId);
        foreach (var visit in visits)
        {
            var order = sales[visit.ExternalId];
            Assert.Equal(order.TotalMinor, visit.TotalMinor);
            Assert.Equal(order.Lines.Count, visit.Lines.Count);
            Assert.Equal(order.LocationId is null ? connection.DefaultLocationId : mapped[order.LocationId], visit.LocationId);
            Assert.Equal(byId[order.CustomerId!].Id, visit.ClientId);
        }

        var refunds = sales.Values.SelectMany(o => o.Refunds.Select(r => (Order: o, Refund: r))).Where(r => r.Refund.TotalMinor > 0).ToDictionary(r => r.Refund.Id);
        var returns = await db.VisitReturns.AsNoTracking().Where(r => r.Source == Source).ToListAsync(Ct);
        Assert.Equal(refunds.Keys.Order(StringComparer.Ordinal), returns.Select(r => r.ExternalId).Order(StringComparer.Ordinal));
        var visitIds = visits.ToDictionary(v => v.ExternalId, v => v.Id);
        foreach (var refund in returns)
        {
            Assert.Equal(refunds[refund.ExternalId].Refund.TotalMinor, refund.AmountMinor);
            Assert.Equal<long?>(visitIds[refunds[refund.ExternalId].Order.Id], refund.VisitId);
        }

        // One earning per sale, at most one reversal per refund: the ledger's external ids say which.
        var ledger = await db.LedgerEntries.AsNoTracking().Where(e => e.Source == Source).ToListAsync(Ct);
        Assert.Equal(sales.Values.Where(o => o.TotalMinor / 100 * pointsPerUnit > 0).Select(o => $"{o.Id}-earn").Order(StringComparer.Ordinal),
            ledger.Where(e => e.Kind == LedgerEntryKind.Earn).Select(e => e.ExternalId).Order(StringComparer.Ordinal));
        var reversals = ledger.Where(e => e.Points < 0).ToList();
        Assert.Equal(reversals.Count, reversals.Select(e => e.ExternalId).Distinct().Count());
        Assert.All(reversals, e => Assert.True(refunds.ContainsKey(e.ExternalId[..^"-reverse".Length]), $"{e.ExternalId} reverses no known refund"));

        var expected = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var order in sales.Values)
        {
            var earned = (int)(order.TotalMinor / 100 * pointsPerUnit);
            var reversed = 0;
            foreach (var refund in order.Refunds.Where(r => r.TotalMinor > 0))
            {
                var left = earned - reversed;
                reversed += Math.Max(0, Math.Min(left, refund.TotalMinor >= order.TotalMinor ? left : (int)(refund.TotalMinor / 100 * pointsPerUnit)));
            }
            expected[order.CustomerId!] = expected.GetValueOrDefault(order.CustomerId!) + earned - reversed;
        }
        foreach (var client in clients)
        {
            Assert.True(expected.GetValueOrDefault(client.ExternalId) == client.PointsBalance,
                $"Client {client.ExternalId} holds {client.PointsBalance} points; its orders and refunds make {expected.GetValueOrDefault(client.ExternalId)}.");
        }
        Assert.False(await db.UnmatchedRecords.AnyAsync(u => u.ConnectionId == connection.Id && u.ResolvedAt == null, Ct));
    }
}
