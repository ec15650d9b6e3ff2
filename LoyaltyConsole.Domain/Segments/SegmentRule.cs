using System.Globalization;
using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Segments;

/// <summary>
/// The conditions of a business segment; every set condition must hold. Stored as data so a marketing lead can
/// change it without a release. <see cref="Explain"/> says in words why a client matched.
/// </summary>
public sealed record SegmentRule
{
    public int? MinDaysSinceLastVisit { get; init; }
    public int? MaxDaysSinceLastVisit { get; init; }
    public int? MaxTenureDays { get; init; }
    public int? MinVisits12Months { get; init; }
    public double? MaxRetailAttachRate { get; init; }
    public double? MaxProbabilityAlive { get; init; }
    public long? MinPredictedValueMinor { get; init; }
    public bool? MustBeOverdue { get; init; }
    public int? MinPointsExpiring30Days { get; init; }
    public int? MaxPointsToNextReward { get; init; }
    public bool? MustBeEligibleForTierUpgrade { get; init; }

    /// <summary>Problems that make the rule unusable, as messages for the person editing it.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void NonNegative(string name, double? value)
        {
            if (value < 0)
            {
                problems.Add($"{name} cannot be negative.");
            }
        }
        NonNegative("Minimum days since last visit", MinDaysSinceLastVisit);
        NonNegative("Maximum days since last visit", MaxDaysSinceLastVisit);
        NonNegative("Maximum tenure", MaxTenureDays);
        NonNegative("Minimum visits", MinVisits12Months);
        NonNegative("Minimum predicted value", MinPredictedValueMinor);
        NonNegative("Minimum points expiring", MinPointsExpiring30Days);
        NonNegative("Maximum points to next reward", MaxPointsToNextReward);
        if (MaxRetailAttachRate is < 0 or > 1)
        {
            problems.Add("Maximum retail attach rate must be between 0% and 100%.");
        }
        if (MaxProbabilityAlive is < 0 or > 1)
        {
            problems.Add("Maximum probability active must be between 0% and 100%.");
        }
        if (MinDaysSinceLastVisit > MaxDaysSinceLastVisit)
        {
            problems.Add("The minimum days since the last visit is above the maximum.");
        }
        if (Conditions(null).Count == 0)
        {
            problems.Add("Set at least one condition; an empty rule would match every client.");
        }
        return problems;
    }

    public bool Matches(SegmentInput input) => Conditions(input).All(c => c.Holds);

    /// <summary>One sentence per condition, with the client's own figure.</summary>
    public IReadOnlyList<string> Explain(SegmentInput input) => Conditions(input).Select(c => c.Sentence).ToList();

    private List<(bool Holds, string Sentence)> Conditions(SegmentInput? i)
    {
        var list = new List<(bool, string)>();
        string Pct(double v) => string.Create(CultureInfo.InvariantCulture, $"{v * 100:0}%");
        string Money(long minor) => Common.Money.Format(minor, i?.Currency ?? "USD");

        if (MinDaysSinceLastVisit is { } minDays)
        {
            list.Add((i?.DaysSinceLastVisit >= minDays, $"last visit {i?.DaysSinceLastVisit} days ago (at least {minDays})"));
        }
        if (MaxDaysSinceLastVisit is { } maxDays)
        {
            list.Add((i?.DaysSinceLastVisit <= maxDays, $"last visit {i?.DaysSinceLastVisit} days ago (at most {maxDays})"));
        }
        if (MaxTenureDays is { } tenure)
        {
            list.Add((i?.TenureDays <= tenure, $"client for {i?.TenureDays} days (at most {tenure})"));
        }
        if (MinVisits12Months is { } visits)
        {
            list.Add((i?.Visits12Months >= visits, $"{i?.Visits12Months} visits in 12 months (at least {visits})"));
        }
        if (MaxRetailAttachRate is { } retail)
        {
            list.Add((i?.RetailAttachRate <= retail, $"buys retail on {Pct(i?.RetailAttachRate ?? 0)} of visits (at most {Pct(retail)})"));
        }
        if (MaxProbabilityAlive is { } alive)
        {
            list.Add((i?.ProbabilityAlive <= alive, $"probability still active {Pct(i?.ProbabilityAlive ?? 0)} (at most {Pct(alive)})"));
        }
        if (MinPredictedValueMinor is { } value)
        {
            list.Add((i?.PredictedValueMinor >= value, $"predicted 12-month value {Money(i?.PredictedValueMinor ?? 0)} (at least {Money(value)})"));
        }
        if (MustBeOverdue == true)
        {
            list.Add((i?.IsOverdue == true, "overdue for a visit by their own rhythm"));
        }
        if (MinPointsExpiring30Days is { } expiring)
        {
            list.Add((i?.PointsExpiring30Days >= expiring, $"{i?.PointsExpiring30Days} points expire within 30 days (at least {expiring})"));
        }
        if (MaxPointsToNextReward is { } toReward)
        {
            list.Add((i?.PointsToNextReward is { } p && p <= toReward, $"{i?.PointsToNextReward} points from the next reward (at most {toReward})"));
        }
        if (MustBeEligibleForTierUpgrade == true)
        {
            list.Add((i?.EligibleForTierUpgrade == true, "qualifies for a higher tier"));
        }
        return list;
    }
}
