using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Visits;

/// <summary>A salon visit or a store order, with its lines. Amounts are minor units of the location's currency.</summary>
public sealed class Visit : SyncedEntity
{
    private readonly List<VisitLine> _lines = [];

    private Visit()
    {
    }

    public Visit(int clientId, int locationId, DateTime occurredAt, string currency, string source, string externalId)
        : base(source, externalId)
    {
        ClientId = clientId;
        LocationId = locationId;
        OccurredAt = Guard.Utc(occurredAt, "Visit time");
        Currency = currency;
    }

    public long Id { get; private set; }
    public int ClientId { get; private set; }
    public int LocationId { get; private set; }
    public DateTime OccurredAt { get; private set; }
    public string Currency { get; private set; } = "";

    /// <summary>Sum of the lines' amounts after discounts, in minor units.</summary>
    public long TotalMinor { get; private set; }

    public IReadOnlyList<VisitLine> Lines => _lines.AsReadOnly();

    public Money Total => new(TotalMinor, Currency);

    /// <summary>Replaces the lines with what the source has now (an edited order); returns the change in the total.</summary>
    public long ReplaceLines(IEnumerable<(LineKind Kind, string Item, string Category, int Quantity, long UnitPriceMinor, long DiscountMinor)> lines)
    {
        var before = TotalMinor;
        _lines.Clear();
        TotalMinor = 0;
        foreach (var l in lines)
        {
            AddLine(l.Kind, l.Item, l.Category, null, null, l.Quantity, l.UnitPriceMinor, l.DiscountMinor);
        }
        return TotalMinor - before;
    }

    public void Reschedule(DateTime occurredAt) => OccurredAt = Guard.Utc(occurredAt, "Visit time");

    public VisitLine AddLine(LineKind kind, string item, string category, string? brand, int? staffId, int quantity, long unitPriceMinor, long discountMinor = 0)
    {
        var line = new VisitLine(kind, item, category, brand, staffId, quantity, unitPriceMinor, discountMinor);
        _lines.Add(line);
        TotalMinor += line.AmountMinor;
        return line;
    }
}
