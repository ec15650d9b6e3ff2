namespace LoyaltyConsole.Execution;

/// <summary>
/// What the Log SMS provider and the demo platform did instead of calling a real service: the message as the client
/// would have received it, the tier, points or code as the platform would hold it. Shown on the outbox page, so the
/// demo runs approve → execute → deliver with no outside service.
/// </summary>
public sealed class ExecutionRecord
{
    public const int ChannelMaxLength = 16;
    public const int ProviderMaxLength = 32;
    public const int KindMaxLength = 32;
    public const int RecipientMaxLength = 64;
    public const int ContentMaxLength = 2000;
    public const int ReferenceMaxLength = 128;

    public const string SmsChannel = "sms";
    public const string PlatformChannel = "platform";

    public long Id { get; set; }
    public long OutboxActionId { get; set; }
    public string Channel { get; set; } = "";
    public string Provider { get; set; } = "";
    public string Kind { get; set; } = "";
    public int ClientId { get; set; }
    public string? Recipient { get; set; }
    public string Content { get; set; } = "";

    /// <summary>The demo platform keeps the key, as Square does: a repeat of the same key returns the first result.</summary>
    public string? IdempotencyKey { get; set; }

    public string Reference { get; set; } = "";
    public string? Delivery { get; set; }
    public DateTime RecordedAt { get; set; }
}
