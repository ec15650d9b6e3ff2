using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Loyalty;

/// <summary>A loyalty tier and what a client needs over a rolling 12 months to hold it.</summary>
public sealed class TierDefinition
{
    public const int NameMaxLength = 50;
    public const int ColorMaxLength = 16;

    private TierDefinition()
    {
    }

    public TierDefinition(string name, int rank, int minVisits12Months, long minSpend12MonthsMinor, string color)
    {
        Name = Guard.Text(name, "Tier name", NameMaxLength);
        if (rank < 0)
        {
            throw new DomainException("Tier rank cannot be negative.");
        }
        if (minVisits12Months < 0 || minSpend12MonthsMinor < 0)
        {
            throw new DomainException("Tier thresholds cannot be negative.");
        }
        Rank = rank;
        MinVisits12Months = minVisits12Months;
        MinSpend12MonthsMinor = minSpend12MonthsMinor;
        Color = Guard.Text(color, "Tier colour", ColorMaxLength);
    }

    public int Id { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary>0 is the entry tier; higher ranks are better.</summary>
    public int Rank { get; private set; }

    public int MinVisits12Months { get; private set; }
    public long MinSpend12MonthsMinor { get; private set; }
    public string Color { get; private set; } = "";

    public bool IsMetBy(int visits12Months, long spend12MonthsMinor) =>
        visits12Months >= MinVisits12Months && spend12MonthsMinor >= MinSpend12MonthsMinor;

    /// <summary>The best tier whose thresholds are met; the entry tier when none is.</summary>
    public static TierDefinition Eligible(IEnumerable<TierDefinition> tiers, int visits12Months, long spend12MonthsMinor)
    {
        var ordered = tiers.OrderByDescending(t => t.Rank).ToList();
        if (ordered.Count == 0)
        {
            throw new DomainException("No tiers are defined.");
        }
        return ordered.FirstOrDefault(t => t.IsMetBy(visits12Months, spend12MonthsMinor)) ?? ordered[^1];
    }
}
