namespace LoyaltyConsole.Scoring;

public sealed class ScoringOptions
{
    public const string SectionName = "Scoring";

    /// <summary>Horizon of the predicted client value, in months.</summary>
    public int ValueHorizonMonths { get; set; } = 12;

    /// <summary>Yearly discount rate applied to future spend (0.10 = 10%).</summary>
    public double AnnualDiscountRate { get; set; } = 0.10;

    /// <summary>Days of "expected visits" shown to reviewers.</summary>
    public int ExpectedVisitsDays { get; set; } = 90;

    /// <summary>Points needed for a reward, and how long points last without a visit (the program's rules).</summary>
    public int RewardThresholdPoints { get; set; } = 500;

    public int PointsExpireAfterDaysIdle { get; set; } = 365;

    /// <summary>Predicted 12-month value (minor units) that lifts a client one tier; null turns the boost off.</summary>
    public long? TierClvBoostMinor { get; set; }

    /// <summary>RFM quintiles within each location rather than across the whole business.</summary>
    public bool RfmPerLocation { get; set; }

    /// <summary>
    /// Clients scored, written and matched against the segments per range of client ids, so that what a run holds per
    /// visit, line, score and membership does not grow with the business.
    /// </summary>
    public int ClientsPerRange { get; set; } = 50_000;

    /// <summary>Local hour after which the nightly run may score a day, in every location's own time zone.</summary>
    public int NightlyLocalHour { get; set; } = 2;
}
