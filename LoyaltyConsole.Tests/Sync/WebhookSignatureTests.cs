using System.Security.Cryptography;
using System.Text;
using LoyaltyConsole.Sync.Webhooks;

namespace LoyaltyConsole.Tests.Sync;

/// <summary>The three schemes against HMACs computed here independently of the code under test.</summary>
public sealed class WebhookSignatureTests
{
    private const string Secret = "s3cr3t-key";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"id\":\"evt_1\",\"type\":\"client\"}");
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static byte[] Hmac(string text) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Shopify_is_base64_of_the_hmac_of_the_raw_body()
    {
        var sent = Convert.ToBase64String(Hmac(Encoding.UTF8.GetString(Body)));

        Assert.True(WebhookSignatures.Shopify(Secret, Body, sent));
        Assert.False(WebhookSignatures.Shopify("other", Body, sent));
        Assert.False(WebhookSignatures.Shopify(Secret, Body, null));
        Assert.False(WebhookSignatures.Shopify(Secret, Body, "not base64!"));
        Assert.False(WebhookSignatures.Shopify(Secret, [.. Body, (byte)' '], sent));
    }

    [Fact]
    public void Square_covers_the_notification_url_then_the_body()
    {
        const string url = "https://loyalty.example.com/webhooks/square";
        var sent = Convert.ToBase64String(Hmac(url + Encoding.UTF8.GetString(Body)));

        Assert.True(WebhookSignatures.Square(Secret, url, Body, sent));
        Assert.False(WebhookSignatures.Square(Secret, url + "/", Body, sent));
        Assert.False(WebhookSignatures.Square(Secret, url, Body, Convert.ToBase64String(Hmac(Encoding.UTF8.GetString(Body)))));
    }

    [Fact]
    public void Generic_is_hex_over_timestamp_dot_body_within_five_minutes()
    {
        var tolerance = TimeSpan.FromMinutes(5);
        string Sign(long at) => Convert.ToHexStringLower(Hmac($"{at}.{Encoding.UTF8.GetString(Body)}"));
        var now = Now.ToUnixTimeSeconds();

        Assert.True(WebhookSignatures.Generic(Secret, now.ToString(), Body, Sign(now), Now, tolerance));
        Assert.True(WebhookSignatures.Generic(Secret, (now - 300).ToString(), Body, Sign(now - 300).ToUpperInvariant(), Now, tolerance));
        Assert.False(WebhookSignatures.Generic(Secret, (now - 301).ToString(), Body, Sign(now - 301), Now, tolerance));
        Assert.False(WebhookSignatures.Generic(Secret, (now + 301).ToString(), Body, Sign(now + 301), Now, tolerance));
        Assert.False(WebhookSignatures.Generic(Secret, (now + 1).ToString(), Body, Sign(now), Now, tolerance));
        Assert.False(WebhookSignatures.Generic(Secret, null, Body, Sign(now), Now, tolerance));
        Assert.False(WebhookSignatures.Generic(Secret, now.ToString(), Body, "zz", Now, tolerance));
        Assert.Equal(Sign(now), WebhookSignatures.SignGeneric(Secret, now.ToString(), Body));
    }
}
