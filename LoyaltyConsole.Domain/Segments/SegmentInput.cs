namespace LoyaltyConsole.Domain.Segments;

/// <summary>What segment rules can look at for one client on one day.</summary>
public sealed record SegmentInput(
    int DaysSinceLastVisit,
    int TenureDays,
    int Visits12Months,
    long Spend12MonthsMinor,
    double RetailAttachRate,
    double ProbabilityAlive,
    long PredictedValueMinor,
    bool IsOverdue,
    int PointsExpiring30Days,
    int? PointsToNextReward,
    bool EligibleForTierUpgrade,
    string Currency);
