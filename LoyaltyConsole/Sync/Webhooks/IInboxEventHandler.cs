namespace LoyaltyConsole.Sync.Webhooks;

/// <summary>Which endpoint a delivery came through, and so whose handler applies it.</summary>
public enum WebhookFormat
{
    /// <summary><c>POST /webhooks/generic</c>: any connection that is not Shopify or Square.</summary>
    Generic,

    /// <summary><c>POST /webhooks/shopify</c>: Shopify connections.</summary>
    Shopify,

    /// <summary><c>POST /webhooks/square</c>: Square connections.</summary>
    Square,
}

public static class WebhookFormats
{
    public static WebhookFormat Of(ConnectionKind kind) => kind switch
    {
        ConnectionKind.Shopify => WebhookFormat.Shopify,
        ConnectionKind.Square => WebhookFormat.Square,
        _ => WebhookFormat.Generic,
    };
}

/// <summary>
/// Applies one stored webhook delivery of a format to our data, for the apply job (<see cref="InboxProcessor"/>). A
/// connector registers one per format with <see cref="WebhookRegistration.AddInboxEventHandler{THandler}"/>.
/// <para>
/// The event may be applied more than once (a retry after a crash between the handler's commit and the event being
/// marked Applied, or an Admin's replay), so every effect must be keyed on its source record — which SyncWriter's
/// (source, external id) writes are. Throw to fail the attempt: the exception's message is kept as the event's error
/// for the Admin page, and the event is retried with backoff until <see cref="WebhookOptions.MaxAttempts"/>. A
/// delivery that has nothing for us (a topic we do not use) returns without doing anything: it is marked Applied.
/// </para>
/// </summary>
public interface IInboxEventHandler
{
    WebhookFormat Format { get; }

    /// <param name="inboxEvent">The delivery as stored: <see cref="InboxEvent.Topic"/>, <see cref="InboxEvent.Body"/> (raw JSON), ids.</param>
    /// <param name="connection">The connection it was verified against, read fresh, with its location map.</param>
    Task ApplyAsync(InboxEvent inboxEvent, Connection connection, CancellationToken ct);
}
