namespace LoyaltyConsole.Proposals;

/// <summary>Something Admins and marketing leads must see in the console, such as a workflow paused by its circuit breaker.</summary>
public sealed class Alert
{
    public const int NoteMaxLength = 500;

    public long Id { get; set; }
    public DateTime CreatedAt { get; set; }
    public string Title { get; set; } = "";
    public string Message { get; set; } = "";
    public int? WorkflowId { get; set; }
    public DateTime? AcknowledgedAt { get; set; }
    public string? AcknowledgedBy { get; set; }

    /// <summary>What the person who acknowledged it did or decided.</summary>
    public string? AcknowledgementNote { get; set; }
}
