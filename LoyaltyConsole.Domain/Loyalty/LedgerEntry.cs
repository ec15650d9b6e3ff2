using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Loyalty;

/// <summary>
/// One movement of a client's points. Earned points are positive, redeemed and expired points negative,
/// adjustments either. Entries are created only through <see cref="Clients.Client"/>, which keeps the
/// balance equal to the sum of its entries.
/// </summary>
public sealed class LedgerEntry : SyncedEntity
{
    public const int ReasonMaxLength = 200;

    private LedgerEntry()
    {
    }

    internal LedgerEntry(
        LedgerEntryKind kind, int points, long moneyValueMinor, DateTime occurredAt, long? visitId, string? reason,
        string source, string externalId)
        : base(source, externalId)
    {
        Kind = kind;
        Points = points;
        MoneyValueMinor = moneyValueMinor;
        OccurredAt = Guard.Utc(occurredAt, "Ledger time");
        VisitId = visitId;
        Reason = Guard.OptionalText(reason, "Reason", ReasonMaxLength);
    }

    public long Id { get; private set; }
    public int ClientId { get; private set; }
    public LedgerEntryKind Kind { get; private set; }

    /// <summary>Signed points: positive adds to the balance, negative takes away.</summary>
    public int Points { get; private set; }

    /// <summary>What the points are worth in the client's currency, in minor units (a cost to the business).</summary>
    public long MoneyValueMinor { get; private set; }

    public DateTime OccurredAt { get; private set; }
    public long? VisitId { get; private set; }
    public string? Reason { get; private set; }
}
