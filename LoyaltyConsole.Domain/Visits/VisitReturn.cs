using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Visits;

/// <summary>
/// A return or refund from a source: money given back to a client for (part of) a purchase. Linked to the sale it
/// belongs to when the source says which; otherwise recorded for the client alone.
/// </summary>
public sealed class VisitReturn : SyncedEntity
{
    private VisitReturn()
    {
    }

    public VisitReturn(int clientId, int locationId, long? visitId, DateTime occurredAt, string currency, long amountMinor, string source, string externalId)
        : base(source, externalId)
    {
        if (amountMinor < 0)
        {
            throw new DomainException("A return's amount is what was given back: zero or more.");
        }
        ClientId = clientId;
        LocationId = locationId;
        VisitId = visitId;
        OccurredAt = Guard.Utc(occurredAt, "Return time");
        Currency = currency;
        AmountMinor = amountMinor;
    }

    public long Id { get; private set; }
    public int ClientId { get; private set; }
    public int LocationId { get; private set; }

    /// <summary>The sale this return belongs to; null when the source did not link it or the sale is not here.</summary>
    public long? VisitId { get; private set; }

    public DateTime OccurredAt { get; private set; }
    public string Currency { get; private set; } = "";
    public long AmountMinor { get; private set; }

    /// <summary>Points taken back for it (0 when none were earned, or the source keeps its own ledger).</summary>
    public int PointsReversed { get; private set; }

    public void RecordReversal(int points) => PointsReversed = points;
}
