using System.Globalization;
using System.Net;
using System.Text;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Sync.Webhooks;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Sync;

/// <summary>Connections that accept webhooks, and requests signed the way each platform signs them.</summary>
internal static class WebhookTestSupport
{
    public const string Secret = "whsec-test-0123456789";
    public const string ShopDomain = "lumiere-test.myshopify.com";
    public const string SquareUrl = "https://loyalty.example.com/webhooks/square";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<Connection> AddConnectionAsync(
        TestApp app, ConnectionKind kind, string source, ConnectionSettings? settings = null, bool enabled = true, string secret = Secret)
    {
        await using var db = await app.CreateDbContextAsync();
        var location = await db.Locations.OrderBy(l => l.Id).FirstAsync(Ct);
        var connection = new Connection($"Test {source}", kind, source, DateTime.UtcNow);
        connection.SetDefaultLocation(location.Id);
        connection.SetSettings((settings ?? new ConnectionSettings()).ToJson());
        connection.SetWebhookSecret(app.Get<ConnectionSecrets>().ProtectWebhookSecret(secret));
        connection.SetEnabled(enabled);
        db.Connections.Add(connection);
        await db.SaveChangesAsync(Ct);
        return connection;
    }

    public static HttpRequestMessage Shopify(string body, string webhookId, string? signature = "", string shop = ShopDomain, string secret = Secret)
    {
        var request = Post(WebhookRegistration.ShopifyPath, body);
        request.Headers.Add(WebhookIntake.ShopifyShopDomainHeader, shop);
        request.Headers.Add(WebhookIntake.ShopifyWebhookIdHeader, webhookId);
        request.Headers.Add(WebhookIntake.ShopifyEventIdHeader, "event-" + webhookId);
        request.Headers.Add(WebhookIntake.ShopifyTopicHeader, "customers/update");
        AddSignature(request, WebhookIntake.ShopifySignatureHeader, signature, () => WebhookSignatures.SignShopify(secret, Encoding.UTF8.GetBytes(body)));
        return request;
    }

    public static HttpRequestMessage Square(string body, string? signature = "", string url = SquareUrl, string secret = Secret)
    {
        var request = Post(WebhookRegistration.SquarePath, body);
        AddSignature(request, WebhookIntake.SquareSignatureHeader, signature, () => WebhookSignatures.SignSquare(secret, url, Encoding.UTF8.GetBytes(body)));
        return request;
    }

    public static HttpRequestMessage Generic(string source, string body, string? signature = "", DateTimeOffset? at = null, string secret = Secret)
    {
        var request = Post(WebhookRegistration.GenericPath, body);
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add(WebhookIntake.GenericSourceHeader, source);
        request.Headers.Add(WebhookIntake.GenericTimestampHeader, timestamp);
        AddSignature(request, WebhookIntake.GenericSignatureHeader, signature, () => WebhookSignatures.SignGeneric(secret, timestamp, Encoding.UTF8.GetBytes(body)));
        return request;
    }

    /// <summary>A generic delivery of one client.</summary>
    public static string ClientEvent(string eventId, string clientId, string firstName = "Ada") =>
        $$$"""{"id":"{{{eventId}}}","type":"client","data":{"externalId":"{{{clientId}}}","firstName":"{{{firstName}}}","lastName":"Lovelace","email":"{{{clientId}}}@example.com"}}""";

    public static async Task<(HttpStatusCode Status, string Text)> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await http.SendAsync(request, Ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        }
    }

    public static async Task<int> InboxCountAsync(TestApp app)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.InboxEvents.CountAsync(Ct);
    }

    private static HttpRequestMessage Post(string path, string body) =>
        new(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    // "" signs correctly, null sends no signature header, anything else is sent as it is.
    private static void AddSignature(HttpRequestMessage request, string header, string? signature, Func<string> sign)
    {
        if (signature is null)
        {
            return;
        }
        request.Headers.TryAddWithoutValidation(header, signature.Length == 0 ? sign() : signature);
    }
}
