namespace LoyaltyConsole.Sync.Webhooks;

/// <summary>Limits of the webhook endpoints and of the job that applies what they stored.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>A larger body is refused with 413 before anything is checked or stored (1 MiB).</summary>
    public int MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>How far a generic sender's X-Webhook-Timestamp may be from our clock, either way.</summary>
    public int TimestampToleranceSeconds { get; init; } = 300;

    /// <summary>How long a newly created or changed connection may take to be seen by the endpoints.</summary>
    public int ConnectionCacheSeconds { get; init; } = 10;

    /// <summary>Most deliveries written in one intake transaction.</summary>
    public int IntakeBatchSize { get; init; } = 256;

    /// <summary>Deliveries waiting for the intake writer; when full, new requests wait for room.</summary>
    public int IntakeQueueCapacity { get; init; } = 10_000;

    /// <summary>Attempts before an event is marked Failed and waits for an Admin's replay.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>The first retry waits this long (± a quarter, at random); each later one twice as long as the one before.</summary>
    public int RetryAfterSeconds { get; init; } = 30;

    /// <summary>An event claimed by an instance that then died is picked up again after this long.</summary>
    public int ClaimSeconds { get; init; } = 300;

    /// <summary>One run of the apply job stops taking new events after this long; the next run goes on.</summary>
    public int MaxRunSeconds { get; init; } = 50;
}
