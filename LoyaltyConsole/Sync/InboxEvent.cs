namespace LoyaltyConsole.Sync;

public enum InboxStatus
{
    Pending,
    Applied,
    Failed,
}

/// <summary>
/// A webhook delivery as it arrived, stored before it is answered: unique per (source, event id), so a replayed
/// delivery is stored once and applied once. A job applies pending events; failures wait with backoff and are
/// listed for an Admin to replay.
/// </summary>
public sealed class InboxEvent
{
    public const int SourceMaxLength = 32;
    public const int IdMaxLength = 128;
    public const int TopicMaxLength = 100;
    public const int ErrorMaxLength = 2000;

    private InboxEvent()
    {
    }

    public InboxEvent(int? connectionId, string source, string eventId, string? otherId, string? topic, string body, DateTime receivedAt)
    {
        ConnectionId = connectionId;
        Source = source;
        EventId = eventId;
        OtherId = otherId;
        Topic = topic;
        Body = body;
        ReceivedAt = receivedAt;
        NextAttemptAt = receivedAt;
        Status = InboxStatus.Pending;
    }

    public long Id { get; private set; }
    public int? ConnectionId { get; private set; }
    public string Source { get; private set; } = "";

    /// <summary>What deliveries are deduplicated on: Shopify's webhook (delivery) id, Square's event_id, the generic id.</summary>
    public string EventId { get; private set; } = "";

    /// <summary>A second id the source sends, kept for tracing (Shopify's X-Shopify-Event-Id).</summary>
    public string? OtherId { get; private set; }

    public string? Topic { get; private set; }
    public string Body { get; private set; } = "";
    public DateTime ReceivedAt { get; private set; }
    public InboxStatus Status { get; private set; }
    public int Attempts { get; private set; }
    public DateTime NextAttemptAt { get; private set; }
    public DateTime? AppliedAt { get; private set; }
    public string? LastError { get; private set; }

    public void Applied(DateTime at)
    {
        Attempts++;
        Status = InboxStatus.Applied;
        AppliedAt = at;
        LastError = null;
    }

    /// <summary>Records a failed attempt; retried after an exponential backoff, and marked Failed after <paramref name="maxAttempts"/>.</summary>
    public void AttemptFailed(DateTime at, string error, int maxAttempts, TimeSpan backoff)
    {
        Attempts++;
        LastError = SyncRun.Clip(error, ErrorMaxLength);
        Status = Attempts >= maxAttempts ? InboxStatus.Failed : InboxStatus.Pending;
        NextAttemptAt = at + backoff * Math.Pow(2, Math.Min(Attempts - 1, 10));
    }

    /// <summary>An Admin's replay: due now, with a fresh set of attempts.</summary>
    public void Replay(DateTime at)
    {
        Status = InboxStatus.Pending;
        Attempts = 0;
        NextAttemptAt = at;
    }
}
