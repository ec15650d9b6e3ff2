using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Segments;

/// <summary>A named business segment whose rule a marketing lead edits in the console.</summary>
public sealed class SegmentDefinition
{
    public const int KeyMaxLength = 50;
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 500;

    private SegmentDefinition()
    {
    }

    public SegmentDefinition(string key, string name, string description, SegmentRule rule, DateTime at, string changedBy)
    {
        Key = Guard.Text(key, "Key", KeyMaxLength);
        Change(name, description, rule, true, at, changedBy);
    }

    public int Id { get; private set; }
    public string Key { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string Description { get; private set; } = "";
    public SegmentRule Rule { get; private set; } = new();
    public bool IsActive { get; private set; }
    public DateTime ChangedAt { get; private set; }
    public string ChangedBy { get; private set; } = "";

    public void Change(string name, string description, SegmentRule rule, bool isActive, DateTime at, string changedBy)
    {
        var problems = rule.Validate();
        if (problems.Count > 0)
        {
            throw new DomainException(string.Join(" ", problems));
        }
        Name = Guard.Text(name, "Segment name", NameMaxLength);
        Description = Guard.OptionalText(description, "Description", DescriptionMaxLength) ?? "";
        Rule = rule;
        IsActive = isActive;
        ChangedAt = Guard.Utc(at, "Change time");
        ChangedBy = Guard.Text(changedBy, "Changed by", 256);
    }

    /// <summary>The segments a new business starts with.</summary>
    public static IReadOnlyList<SegmentDefinition> Defaults(DateTime at) =>
    [
        new("high-value-at-risk", "High-value at risk", "Valuable clients whose chance of still being active has dropped.",
            new SegmentRule { MinPredictedValueMinor = 50_000, MaxProbabilityAlive = 0.6 }, at, "system"),
        new("ready-for-tier-upgrade", "Ready for tier upgrade", "Their last 12 months qualify them for a higher tier.",
            new SegmentRule { MustBeEligibleForTierUpgrade = true }, at, "system"),
        new("retail-candidate", "High-value retail candidate", "Frequent service clients who never buy retail.",
            new SegmentRule { MinVisits12Months = 6, MaxRetailAttachRate = 0 }, at, "system"),
        new("new-client-engagers", "New client engagers", "Clients in their first 90 days.",
            new SegmentRule { MaxTenureDays = 90 }, at, "system"),
        new("near-reward", "Near a reward threshold", "Within 100 points of their next reward.",
            new SegmentRule { MaxPointsToNextReward = 100, MaxDaysSinceLastVisit = 365 }, at, "system"),
        new("points-expiring", "Points expiring", "Points that expire within 30 days.",
            new SegmentRule { MinPointsExpiring30Days = 1 }, at, "system"),
        new("lapsed", "Lapsed", "Overdue by their own rhythm and not seen for at least 60 days.",
            new SegmentRule { MustBeOverdue = true, MinDaysSinceLastVisit = 60 }, at, "system"),
    ];
}
