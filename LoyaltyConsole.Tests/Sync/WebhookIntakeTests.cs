using System.Net;
using System.Security.Claims;
using System.Text;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Sync.Webhooks;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using static LoyaltyConsole.Tests.Sync.WebhookTestSupport;

namespace LoyaltyConsole.Tests.Sync;

/// <summary>
/// The three endpoints: a delivery is stored only with a valid signature from a known, enabled connection; anything
/// else is the same 401 and writes nothing. Runs on SQLite and, with TEST_DATABASE=PostgreSql, on PostgreSQL.
/// </summary>
public sealed class WebhookIntakeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Shopify_deliveries_are_stored_with_their_ids_only_when_signed_for_a_known_shop()
    {
        await using var app = new TestApp(clients: 5);
        var connection = await AddConnectionAsync(app, ConnectionKind.Shopify, "shopify", new ConnectionSettings { ShopDomain = ShopDomain });
        await AddConnectionAsync(app, ConnectionKind.Shopify, "shopify-off", new ConnectionSettings { ShopDomain = "off.myshopify.com" }, enabled: false);
        var http = app.CreateClient(new() { AllowAutoRedirect = false });
        const string body = """{"id":820982911946154508,"email":"jon@example.com"}""";

        var refused = new[]
        {
            await SendAsync(http, Shopify(body, "wh-1", signature: null)),
            await SendAsync(http, Shopify(body, "wh-1", signature: WebhookSignatures.SignShopify("wrong secret", Encoding.UTF8.GetBytes(body)))),
            await SendAsync(http, Shopify(body, "wh-1", signature: WebhookSignatures.SignShopify(Secret, Encoding.UTF8.GetBytes(body + " ")))),
            await SendAsync(http, Shopify(body, "wh-1", shop: "elsewhere.myshopify.com")),
            await SendAsync(http, Shopify(body, "wh-1", shop: "off.myshopify.com")),
        };
        Assert.All(refused, r => Assert.Equal((HttpStatusCode.Unauthorized, "Unauthorized."), r));
        Assert.Equal(0, await InboxCountAsync(app));

        var stored = await SendAsync(http, Shopify(body, "wh-1"));
        var again = await SendAsync(http, Shopify(body, "wh-1"));

        Assert.Equal((HttpStatusCode.OK, "Stored."), stored);
        Assert.Equal((HttpStatusCode.OK, "Already stored."), again);
        await using var db = await app.CreateDbContextAsync();
        var row = await db.InboxEvents.SingleAsync(Ct);
        Assert.Equal((connection.Id, "shopify", "wh-1", "event-wh-1", "customers/update", body, InboxStatus.Pending),
            (row.ConnectionId!.Value, row.Source, row.EventId, row.OtherId, row.Topic, row.Body, row.Status));
    }

    [Fact]
    public async Task Square_deliveries_are_matched_by_the_connection_whose_key_and_notification_url_sign_them()
    {
        await using var app = new TestApp(clients: 5);
        await AddConnectionAsync(app, ConnectionKind.Square, "square-east", new ConnectionSettings { NotificationUrl = "https://east.example.com/webhooks/square" }, secret: "east-key");
        var west = await AddConnectionAsync(app, ConnectionKind.Square, "square", new ConnectionSettings { NotificationUrl = SquareUrl });
        var http = app.CreateClient(new() { AllowAutoRedirect = false });
        const string body = """{"merchant_id":"M1","type":"customer.updated","event_id":"6a8f5f28-54a1-4eb0-a98a-3111513fd4fc","data":{}}""";

        var refused = new[]
        {
            await SendAsync(http, Square(body, signature: null)),
            await SendAsync(http, Square(body, url: "https://loyalty.example.com/other")),
            await SendAsync(http, Square(body, signature: WebhookSignatures.SignShopify(Secret, Encoding.UTF8.GetBytes(body)))),
            await SendAsync(http, Square(body, secret: "not the key")),
        };
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
        Assert.Equal(0, await InboxCountAsync(app));

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, Square(body))).Status);
        Assert.Equal((HttpStatusCode.OK, "Already stored."), await SendAsync(http, Square(body)));
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(http, Square("""{"type":"customer.updated"}"""))).Status);

        await using var db = await app.CreateDbContextAsync();
        var row = await db.InboxEvents.SingleAsync(Ct);
        Assert.Equal((west.Id, "square", "6a8f5f28-54a1-4eb0-a98a-3111513fd4fc", "customer.updated"), (row.ConnectionId!.Value, row.Source, row.EventId, row.Topic));
    }

    [Fact]
    public async Task Generic_deliveries_need_the_source_a_fresh_timestamp_and_a_hex_signature_over_both()
    {
        await using var app = new TestApp(clients: 5);
        await AddConnectionAsync(app, ConnectionKind.CsvImport, "fresha");
        await AddConnectionAsync(app, ConnectionKind.Shopify, "shopify", new ConnectionSettings { ShopDomain = ShopDomain });
        var http = app.CreateClient(new() { AllowAutoRedirect = false });
        var body = ClientEvent("evt-1", "c-1");

        var refused = new[]
        {
            await SendAsync(http, Generic("fresha", body, signature: null)),
            await SendAsync(http, Generic("fresha", body, signature: "00ff")),
            await SendAsync(http, Generic("fresha", body, secret: "wrong")),
            await SendAsync(http, Generic("fresha", body, at: DateTimeOffset.UtcNow.AddMinutes(-6))),
            await SendAsync(http, Generic("fresha", body, at: DateTimeOffset.UtcNow.AddMinutes(6))),
            await SendAsync(http, Generic("nobody", body)),
            // A Shopify connection's secret does not open the generic endpoint.
            await SendAsync(http, Generic("shopify", body)),
        };
        Assert.All(refused, r => Assert.Equal((HttpStatusCode.Unauthorized, "Unauthorized."), r));
        Assert.Equal(0, await InboxCountAsync(app));

        Assert.Equal((HttpStatusCode.OK, "Stored."), await SendAsync(http, Generic("fresha", body, at: DateTimeOffset.UtcNow.AddMinutes(-4))));
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(http, Generic("fresha", "not json"))).Status);
        Assert.Equal(1, await InboxCountAsync(app));
    }

    [Fact]
    public async Task A_signed_in_admins_cookie_is_no_substitute_for_a_signature_and_oversized_bodies_are_refused_unread()
    {
        await using var app = new TestApp(clients: 5);
        await AddConnectionAsync(app, ConnectionKind.CsvImport, "fresha");
        var http = app.CreateClient(new() { AllowAutoRedirect = false });
        var cookie = await AdminCookieAsync(app);
        using (var page = new HttpRequestMessage(HttpMethod.Get, "/admin/jobs"))
        {
            page.Headers.Add("Cookie", cookie);
            // The cookie is a good one: it opens an Admin page.
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(page, Ct)).StatusCode);
        }

        var unsigned = Generic("fresha", ClientEvent("evt-1", "c-1"), signature: null);
        unsigned.Headers.Add("Cookie", cookie);
        var withCookie = await SendAsync(http, unsigned);
        var max = app.Get<IOptions<WebhookOptions>>().Value.MaxBodyBytes;
        var padding = new string(' ', max);
        var oversized = await SendAsync(http, Generic("fresha", ClientEvent("evt-2", "c-2") + padding));
        var atLimit = await SendAsync(http, Generic("fresha", ClientEvent("evt-3", "c-3").PadRight(max)));

        Assert.Equal(HttpStatusCode.Unauthorized, withCookie.Status);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.Status);
        Assert.Equal(HttpStatusCode.OK, atLimit.Status);
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(["evt-3"], await db.InboxEvents.Select(e => e.EventId).ToListAsync(Ct));
    }

    /// <summary>The Admin's sign-in cookie as the app would issue it.</summary>
    private static async Task<string> AdminCookieAsync(TestApp app)
    {
        var principal = await app.PrincipalAsync(TestUsers.Admin);
        var options = app.Get<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(principal.Identities), IdentityConstants.ApplicationScheme);
        return $"{options.Cookie.Name}={options.TicketDataFormat.Protect(ticket)}";
    }
}
