using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Loyalty;

/// <summary>A client moved from one tier to another; the history is never rewritten.</summary>
public sealed class TierChange
{
    public const int ReasonMaxLength = 500;

    private TierChange()
    {
    }

    internal TierChange(int? fromTierId, int toTierId, DateTime changedAt, string reason)
    {
        FromTierId = fromTierId;
        ToTierId = toTierId;
        ChangedAt = Guard.Utc(changedAt, "Tier change time");
        Reason = Guard.Text(reason, "Reason", ReasonMaxLength);
    }

    public long Id { get; private set; }
    public int ClientId { get; private set; }
    public int? FromTierId { get; private set; }
    public int ToTierId { get; private set; }
    public DateTime ChangedAt { get; private set; }
    public string Reason { get; private set; } = "";
}
