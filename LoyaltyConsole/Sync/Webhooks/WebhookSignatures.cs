using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LoyaltyConsole.Sync.Webhooks;

/// <summary>
/// The three signature schemes the endpoints accept. Each computes the HMAC-SHA256 the sender should have sent and
/// compares it with what it sent in constant time (<see cref="CryptographicOperations.FixedTimeEquals"/>); a header
/// that is missing or not valid base64/hex is simply a mismatch.
/// </summary>
public static class WebhookSignatures
{
    /// <summary>Shopify: <c>X-Shopify-Hmac-Sha256</c> = base64 HMAC-SHA256 of the raw body with the app's client secret.</summary>
    public static bool Shopify(string secret, ReadOnlySpan<byte> body, string? header) =>
        Matches(Hmac(secret, [], body), FromBase64(header));

    /// <summary>Square: <c>x-square-hmacsha256-signature</c> = base64 HMAC-SHA256 of the notification URL followed by the raw body.</summary>
    public static bool Square(string signatureKey, string notificationUrl, ReadOnlySpan<byte> body, string? header) =>
        Matches(Hmac(signatureKey, Encoding.UTF8.GetBytes(notificationUrl), body), FromBase64(header));

    /// <summary>
    /// Generic senders: <c>X-Webhook-Signature</c> = hex HMAC-SHA256 of <c>{timestamp}.{raw body}</c>, where the timestamp
    /// is the <c>X-Webhook-Timestamp</c> header as sent (Unix seconds) and must be within <paramref name="tolerance"/> of now.
    /// </summary>
    public static bool Generic(string secret, string? timestamp, ReadOnlySpan<byte> body, string? header, DateTimeOffset now, TimeSpan tolerance) =>
        TimestampWithin(timestamp, now, tolerance)
        && Matches(Hmac(secret, Encoding.UTF8.GetBytes(timestamp + "."), body), FromHex(header));

    public static bool TimestampWithin(string? timestamp, DateTimeOffset now, TimeSpan tolerance) =>
        long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && Math.Abs(now.ToUnixTimeSeconds() - seconds) <= (long)tolerance.TotalSeconds;

    /// <summary>What a generic sender puts in X-Webhook-Signature (senders and tests use it).</summary>
    public static string SignGeneric(string secret, string timestamp, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(Hmac(secret, Encoding.UTF8.GetBytes(timestamp + "."), body));

    public static string SignShopify(string secret, ReadOnlySpan<byte> body) => Convert.ToBase64String(Hmac(secret, [], body));

    public static string SignSquare(string signatureKey, string notificationUrl, ReadOnlySpan<byte> body) =>
        Convert.ToBase64String(Hmac(signatureKey, Encoding.UTF8.GetBytes(notificationUrl), body));

    private static byte[] Hmac(string secret, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static bool Matches(byte[] expected, byte[]? sent) =>
        sent is not null && CryptographicOperations.FixedTimeEquals(expected, sent);

    private static byte[]? FromBase64(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        var buffer = new byte[(value.Length * 3 + 3) / 4];
        return Convert.TryFromBase64String(value.Trim(), buffer, out var written) ? buffer[..written] : null;
    }

    private static byte[]? FromHex(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length % 2 != 0)
        {
            return null;
        }
        try
        {
            return Convert.FromHexString(value);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
