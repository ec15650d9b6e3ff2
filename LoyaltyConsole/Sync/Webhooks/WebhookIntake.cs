using System.Text;
using System.Text.Json;
using LoyaltyConsole.Domain.Common;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Sync.Webhooks;

/// <summary>
/// What the three webhook endpoints do with a request: read the raw body (at most <see cref="WebhookOptions.MaxBodyBytes"/>),
/// find the connection it claims to come from and check its signature, take the event id, and store the delivery in
/// the inbox before answering. Nothing else happens on this path — no audit entry, no lock, no applying: the apply job
/// does that. The session cookie plays no part: a signed-in Admin without a valid signature is refused like anyone.
/// Every refusal of a sender's identity is the same 401, whether the connection is unknown, disabled or the
/// signature wrong; the log says which, without secrets.
/// </summary>
public sealed class WebhookIntake(
    WebhookConnections connections,
    ConnectionSecrets secrets,
    InboxWriter writer,
    TimeProvider clock,
    IOptions<WebhookOptions> options,
    ILogger<WebhookIntake> logger)
{
    public const string ShopifySignatureHeader = "X-Shopify-Hmac-Sha256";
    public const string ShopifyShopDomainHeader = "X-Shopify-Shop-Domain";
    public const string ShopifyWebhookIdHeader = "X-Shopify-Webhook-Id";
    public const string ShopifyEventIdHeader = "X-Shopify-Event-Id";
    public const string ShopifyTopicHeader = "X-Shopify-Topic";
    public const string SquareSignatureHeader = "x-square-hmacsha256-signature";
    public const string GenericSourceHeader = "X-Webhook-Source";
    public const string GenericTimestampHeader = "X-Webhook-Timestamp";
    public const string GenericSignatureHeader = "X-Webhook-Signature";

    private static readonly IResult Unauthorized = Results.Text("Unauthorized.", statusCode: StatusCodes.Status401Unauthorized);
    private static readonly IResult TooLarge = Results.Text("The body is too large.", statusCode: StatusCodes.Status413PayloadTooLarge);

    public async Task<IResult> ReceiveAsync(HttpContext http, WebhookFormat format)
    {
        var ct = http.RequestAborted;
        var body = await ReadBodyAsync(http.Request, options.Value.MaxBodyBytes, ct);
        if (body is null)
        {
            return TooLarge;
        }
        var headers = http.Request.Headers;
        var connection = await FindSenderAsync(format, headers, body, fresh: false, ct) ?? await FindSenderAsync(format, headers, body, fresh: true, ct);
        if (connection is null)
        {
            return Unauthorized;
        }

        var (eventId, otherId, topic, problem) = format switch
        {
            WebhookFormat.Shopify => Ids(headers[ShopifyWebhookIdHeader], headers[ShopifyEventIdHeader], headers[ShopifyTopicHeader], ShopifyWebhookIdHeader),
            WebhookFormat.Square => FromBody(body, "event_id", "type"),
            _ => FromBody(body, "id", "type"),
        };
        if (problem is not null)
        {
            logger.LogWarning("A signed {Format} delivery for connection {Connection} was refused: {Problem}", format, connection.Connection.Name, problem);
            return Results.Text(problem, statusCode: StatusCodes.Status400BadRequest);
        }

        var inboxEvent = new InboxEvent(
            connection.Connection.Id, connection.Connection.Source, eventId!, otherId, topic, Encoding.UTF8.GetString(body), clock.GetUtcNow().UtcDateTime);
        InboxWriteResult result;
        try
        {
            result = await writer.StoreAsync(inboxEvent, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Logged by the writer; the sender retries, and a 5xx tells it to.
            return Results.Text("Not stored; try again.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        return Results.Text(result == InboxWriteResult.Stored ? "Stored." : "Already stored.");
    }

    /// <summary>The body, or null when it is longer than <paramref name="max"/> bytes (declared or sent).</summary>
    internal static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int max, CancellationToken ct)
    {
        if (request.ContentLength > max)
        {
            return null;
        }
        using var buffer = new MemoryStream((int)(request.ContentLength ?? 4096));
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private async Task<WebhookConnection?> FindSenderAsync(WebhookFormat format, IHeaderDictionary headers, byte[] body, bool fresh, CancellationToken ct)
    {
        var candidates = await connections.ListAsync(format, fresh, ct);
        switch (format)
        {
            case WebhookFormat.Shopify:
            {
                var shop = headers[ShopifyShopDomainHeader].ToString();
                var connection = candidates.FirstOrDefault(c => string.Equals(c.Settings.ShopDomain, shop, StringComparison.OrdinalIgnoreCase));
                return Verified(format, connection, shop, fresh, secret => WebhookSignatures.Shopify(secret, body, headers[ShopifySignatureHeader]));
            }
            case WebhookFormat.Square:
            {
                // Square names no account in its headers: the delivery is whichever connection's key and URL sign it.
                var signature = headers[SquareSignatureHeader].ToString();
                foreach (var connection in candidates.Where(c => !string.IsNullOrEmpty(c.Settings.NotificationUrl)))
                {
                    if (SecretOf(connection) is { } key && WebhookSignatures.Square(key, connection.Settings.NotificationUrl!, body, signature))
                    {
                        return connection;
                    }
                }
                if (fresh)
                {
                    logger.LogWarning("A Square delivery was refused: no enabled Square connection's signature key and notification URL sign it ({Candidates} tried)", candidates.Count);
                }
                return null;
            }
            default:
            {
                var source = headers[GenericSourceHeader].ToString();
                var connection = candidates.FirstOrDefault(c => string.Equals(c.Connection.Source, source, StringComparison.OrdinalIgnoreCase));
                var tolerance = TimeSpan.FromSeconds(options.Value.TimestampToleranceSeconds);
                var timestamp = headers[GenericTimestampHeader].ToString();
                if (connection is not null && !WebhookSignatures.TimestampWithin(timestamp, clock.GetUtcNow(), tolerance))
                {
                    if (fresh)
                    {
                        logger.LogWarning("A generic delivery for source {Source} was refused: its timestamp is missing or more than {Tolerance} from now", Printable(source), tolerance);
                    }
                    return null;
                }
                return Verified(format, connection, source, fresh, secret =>
                    WebhookSignatures.Generic(secret, timestamp, body, headers[GenericSignatureHeader], clock.GetUtcNow(), tolerance));
            }
        }
    }

    private WebhookConnection? Verified(WebhookFormat format, WebhookConnection? connection, string claimed, bool fresh, Func<string, bool> signatureMatches)
    {
        if (connection is not null && SecretOf(connection) is { } secret && signatureMatches(secret))
        {
            return connection;
        }
        // The first look uses the cached connections; only the second, fresh one is worth a log line.
        if (fresh)
        {
            if (connection is null)
            {
                logger.LogWarning("A {Format} delivery was refused: no enabled connection with a webhook secret for {Claimed}", format, Printable(claimed));
            }
            else
            {
                logger.LogWarning("A {Format} delivery for connection {Connection} was refused: the signature does not match", format, connection.Connection.Name);
            }
        }
        return null;
    }

    private string? SecretOf(WebhookConnection connection)
    {
        try
        {
            return secrets.WebhookSecret(connection.Connection);
        }
        catch (DomainException ex)
        {
            logger.LogError("Webhooks for connection {Connection} cannot be checked: {Problem}", connection.Connection.Name, ex.Message);
            return null;
        }
    }

    private static (string? EventId, string? OtherId, string? Topic, string? Problem) Ids(string? eventId, string? otherId, string? topic, string what) =>
        Checked(eventId, NullIfEmpty(otherId), topic, what);

    private static (string? EventId, string? OtherId, string? Topic, string? Problem) FromBody(byte[] body, string idProperty, string topicProperty)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null, "The body is not a JSON object.");
            }
            var root = document.RootElement;
            return Checked(Text(root, idProperty), null, Text(root, topicProperty), $"'{idProperty}' in the body");
        }
        catch (JsonException)
        {
            return (null, null, null, "The body is not valid JSON.");
        }
    }

    private static (string? EventId, string? OtherId, string? Topic, string? Problem) Checked(string? eventId, string? otherId, string? topic, string what)
    {
        if (string.IsNullOrWhiteSpace(eventId))
        {
            return (null, null, null, $"The event id ({what}) is missing.");
        }
        if (eventId.Length > InboxEvent.IdMaxLength || otherId?.Length > InboxEvent.IdMaxLength)
        {
            return (null, null, null, $"The event id ({what}) is longer than {InboxEvent.IdMaxLength} characters.");
        }
        return (eventId, otherId, SyncRun.Clip(NullIfEmpty(topic), InboxEvent.TopicMaxLength), null);
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    // What a sender claims goes to the log: short and without control characters, so it cannot forge log lines.
    private static string Printable(string value) =>
        new(value.Take(100).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
