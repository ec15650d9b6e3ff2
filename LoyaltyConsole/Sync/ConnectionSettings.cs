using System.Text.Json;
using System.Text.Json.Serialization;
using LoyaltyConsole.Domain.Common;
using Microsoft.AspNetCore.DataProtection;

namespace LoyaltyConsole.Sync;

/// <summary>
/// A connection's settings that are not secret, stored as JSON on the connection. Base addresses default to the
/// platforms' production APIs; tests and sandboxes point them elsewhere.
/// </summary>
public sealed record ConnectionSettings
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Square: https://connect.squareup.com (or the sandbox); Shopify: https://{shop}.myshopify.com.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>Shopify: the shop's myshopify domain, which its webhooks name in X-Shopify-Shop-Domain.</summary>
    public string? ShopDomain { get; init; }

    /// <summary>Square-Version header, or Shopify's Admin API version (e.g. 2026-01).</summary>
    public string? ApiVersion { get; init; }

    /// <summary>Square: the webhook subscription's notification URL, byte for byte (part of what its signature covers).</summary>
    public string? NotificationUrl { get; init; }

    /// <summary>
    /// The source runs its own loyalty program (Square Loyalty): its points events are mirrored, nothing is earned
    /// here for its sales, and its refunds' points are not reversed a second time.
    /// </summary>
    public bool SourceKeepsLedger { get; init; }

    /// <summary>How far back before the watermark an incremental sync reads again, for late or out-of-order updates.</summary>
    public int OverlapMinutes { get; init; } = 10;

    public static ConnectionSettings Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new() : JsonSerializer.Deserialize<ConnectionSettings>(json, Json) ?? new();

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>
/// Encrypts and decrypts a connection's credentials and webhook secret with ASP.NET Core Data Protection (its keys
/// are in the database, so every instance can read them). Plain secrets exist only in memory while a sync or a
/// webhook check uses them; they are never logged, audited or shown back.
/// </summary>
public sealed class ConnectionSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _credentials = provider.CreateProtector("LoyaltyConsole.Sync.Connection.Credentials.v1");
    private readonly IDataProtector _webhook = provider.CreateProtector("LoyaltyConsole.Sync.Connection.WebhookSecret.v1");

    public string Protect(string secret) => _credentials.Protect(secret);

    public string ProtectWebhookSecret(string secret) => _webhook.Protect(secret);

    /// <summary>The connection's access token or API key; refuses clearly when none is set or the key ring lost it.</summary>
    public string Credentials(Connection connection) =>
        Unprotect(_credentials, connection.ProtectedCredentials, connection, "credentials");

    public string? WebhookSecret(Connection connection) =>
        connection.ProtectedWebhookSecret is null ? null : Unprotect(_webhook, connection.ProtectedWebhookSecret, connection, "webhook secret");

    private static string Unprotect(IDataProtector protector, string? ciphertext, Connection connection, string what)
    {
        if (ciphertext is null)
        {
            throw new DomainException($"Connection '{connection.Name}' has no {what}: an Admin sets them on the Connections page.");
        }
        try
        {
            return protector.Unprotect(ciphertext);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new DomainException($"The {what} of connection '{connection.Name}' cannot be decrypted (the data-protection key is gone): an Admin enters them again.");
        }
    }
}
