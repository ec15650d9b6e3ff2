using System.Globalization;
using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Workflows;

public enum RewardKind
{
    PointsBonus,
    PercentDiscount,
    FreeAddOn,
    RetailProduct,
    DoublePoints,
}

/// <summary>Something the program can give a client, with what it costs the business.</summary>
public sealed class Reward
{
    public const int NameMaxLength = 100;

    /// <summary>The largest points bonus a reward may grant.</summary>
    public const int MaxPoints = 1_000_000;

    private Reward()
    {
    }

    public Reward(string name, RewardKind kind, int? points, int? percent, string? item, int? durationDays, long estimatedCostMinor, string currency, DateTime at, string changedBy)
    {
        Change(name, kind, points, percent, item, durationDays, estimatedCostMinor, currency, true, at, changedBy);
    }

    public int Id { get; private set; }
    public string Name { get; private set; } = "";
    public RewardKind Kind { get; private set; }

    /// <summary>Bonus points (PointsBonus).</summary>
    public int? Points { get; private set; }

    /// <summary>Discount percentage (PercentDiscount).</summary>
    public int? Percent { get; private set; }

    /// <summary>The add-on service or retail product given.</summary>
    public string? Item { get; private set; }

    /// <summary>How long double points last (DoublePoints).</summary>
    public int? DurationDays { get; private set; }

    public long EstimatedCostMinor { get; private set; }
    public string Currency { get; private set; } = "";
    public bool IsActive { get; private set; }
    public DateTime ChangedAt { get; private set; }
    public string ChangedBy { get; private set; } = "";

    /// <summary>Rewards worth more than the threshold always need a person's decision, whatever the workflow's phase.</summary>
    public bool IsHighValue(long highValueThresholdMinor) => EstimatedCostMinor > highValueThresholdMinor;

    /// <summary>How the offer may be written in a message; the SMS guardrail checks the copy mentions one of these.</summary>
    public IReadOnlyList<string> OfferTokens => Kind switch
    {
        RewardKind.PointsBonus => [string.Create(CultureInfo.InvariantCulture, $"{Points} bonus points"), string.Create(CultureInfo.InvariantCulture, $"{Points} points")],
        RewardKind.PercentDiscount => [string.Create(CultureInfo.InvariantCulture, $"{Percent}%"), string.Create(CultureInfo.InvariantCulture, $"{Percent} percent")],
        RewardKind.DoublePoints => ["double points", "2x points"],
        _ => [Item!],
    };

    public string Describe() => Kind switch
    {
        RewardKind.PointsBonus => string.Create(CultureInfo.InvariantCulture, $"{Points} bonus points"),
        RewardKind.PercentDiscount => string.Create(CultureInfo.InvariantCulture, $"{Percent}% off the next visit"),
        RewardKind.FreeAddOn => $"a free {Item}",
        RewardKind.RetailProduct => $"a complimentary {Item}",
        _ => string.Create(CultureInfo.InvariantCulture, $"double points for {DurationDays} days"),
    };

    public void Change(string name, RewardKind kind, int? points, int? percent, string? item, int? durationDays, long estimatedCostMinor, string currency, bool isActive, DateTime at, string changedBy)
    {
        var problems = new List<string>();
        if (estimatedCostMinor < 0)
        {
            problems.Add("The estimated cost cannot be negative.");
        }
        if (estimatedCostMinor > Money.MaxMinor)
        {
            problems.Add($"The estimated cost cannot exceed {Money.Format(Money.MaxMinor, "USD")}.");
        }
        switch (kind)
        {
            case RewardKind.PointsBonus when points is not (> 0 and <= MaxPoints):
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"A points bonus needs between 1 and {MaxPoints:N0} points."));
                break;
            case RewardKind.PercentDiscount when percent is not (> 0 and <= 100):
                problems.Add("A percentage discount must be between 1% and 100%.");
                break;
            case RewardKind.FreeAddOn or RewardKind.RetailProduct when string.IsNullOrWhiteSpace(item):
                problems.Add("Name the add-on service or product given.");
                break;
            case RewardKind.DoublePoints when durationDays is not (> 0 and <= 90):
                problems.Add("Double points must last between 1 and 90 days.");
                break;
        }
        if (problems.Count > 0)
        {
            throw new DomainException(string.Join(" ", problems));
        }
        Name = Guard.Text(name, "Reward name", NameMaxLength);
        Kind = kind;
        Points = kind == RewardKind.PointsBonus ? points : null;
        Percent = kind == RewardKind.PercentDiscount ? percent : null;
        Item = kind is RewardKind.FreeAddOn or RewardKind.RetailProduct ? Guard.Text(item, "Item", 100) : null;
        DurationDays = kind == RewardKind.DoublePoints ? durationDays : null;
        EstimatedCostMinor = estimatedCostMinor;
        Currency = Guard.Text(currency, "Currency", Money.CurrencyCodeLength).ToUpperInvariant();
        IsActive = isActive;
        ChangedAt = Guard.Utc(at, "Change time");
        ChangedBy = Guard.Text(changedBy, "Changed by", 256);
    }
}
