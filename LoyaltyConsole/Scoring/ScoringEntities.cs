namespace LoyaltyConsole.Scoring;

/// <summary>BG/NBD and Gamma-Gamma parameters fitted on one day's data, with their diagnostics.</summary>
public sealed class ModelFit
{
    public long Id { get; set; }

    /// <summary>Stored with every score and, later, every proposal, so a decision can be traced to the model behind it.</summary>
    public string Version { get; set; } = "";

    public DateOnly AsOf { get; set; }
    public DateTime FittedAt { get; set; }
    public int Customers { get; set; }
    public double R { get; set; }
    public double Alpha { get; set; }
    public double A { get; set; }
    public double B { get; set; }
    public double BgNbdLogLikelihood { get; set; }
    public bool BgNbdConverged { get; set; }
    public int SpendCustomers { get; set; }
    public double P { get; set; }
    public double Q { get; set; }
    public double Gamma { get; set; }
    public double GammaGammaLogLikelihood { get; set; }
    public bool GammaGammaConverged { get; set; }
}

/// <summary>One client's features and scores on one day. Unique per (client, day): re-running a day replaces it.</summary>
public sealed class ClientScore
{
    public long Id { get; set; }
    public int ClientId { get; set; }
    public DateOnly AsOf { get; set; }
    public long ModelFitId { get; set; }
    public int HomeLocationId { get; set; }

    public int Visits { get; set; }
    public int DaysSinceLastVisit { get; set; }
    public int TenureDays { get; set; }
    public long AverageSpendMinor { get; set; }
    public int Visits12Months { get; set; }
    public long Spend12MonthsMinor { get; set; }
    public double? MeanIntervalDays { get; set; }
    public double? IntervalStdDevDays { get; set; }
    public DateTime? LapseAfter { get; set; }
    public bool IsOverdue { get; set; }
    public string? FavouriteCategory { get; set; }
    public int? FavouriteStaffId { get; set; }
    public double RetailAttachRate { get; set; }
    public string? TopBrand { get; set; }
    public int PointsBalance { get; set; }
    public int PointsExpiring30Days { get; set; }
    public int? PointsToNextReward { get; set; }

    public double ProbabilityAlive { get; set; }
    public double ExpectedVisits90Days { get; set; }
    public long PredictedValueMinor { get; set; }
    public int RfmRecency { get; set; }
    public int RfmFrequency { get; set; }
    public int RfmMonetary { get; set; }
    public string RfmSegment { get; set; } = "";

    public int? EligibleTierId { get; set; }
    public int? NextTierId { get; set; }
    public bool EligibleForTierUpgrade { get; set; }
    public string TierRationale { get; set; } = "";
}

/// <summary>A client's time in a segment: open while <see cref="ExitedOn"/> is null.</summary>
public sealed class SegmentMembership
{
    public long Id { get; set; }
    public int SegmentId { get; set; }
    public int ClientId { get; set; }
    public DateOnly EnteredOn { get; set; }
    public DateOnly? ExitedOn { get; set; }
}

/// <summary>One run of the segmentation job: what it scored and how each segment moved.</summary>
public sealed class SegmentationRun
{
    public long Id { get; set; }
    public DateOnly AsOf { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime FinishedAt { get; set; }
    public int ClientsScored { get; set; }
    public long ModelFitId { get; set; }
    public string TriggeredBy { get; set; } = "";
    public List<SegmentRunCount> Segments { get; set; } = [];

    /// <summary>Members per segment and home location, so a page scoped to some locations need not count memberships.</summary>
    public List<SegmentRunLocationCount> LocationCounts { get; set; } = [];

    /// <summary>How many of each segment's most valuable members per home location the run kept in <see cref="TopMembers"/>; 0 before it kept any.</summary>
    public int TopMembersKept { get; set; }

    /// <summary>The first pages of each segment's members grid, per home location; only the latest run's are kept.</summary>
    public List<SegmentRunTopMember> TopMembers { get; set; } = [];
}

public sealed class SegmentRunCount
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public int SegmentId { get; set; }
    public int Members { get; set; }
    public int Entered { get; set; }
    public int Exited { get; set; }
}

/// <summary>How many clients of one home location a run found in one segment.</summary>
public sealed class SegmentRunLocationCount
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public int SegmentId { get; set; }
    public int LocationId { get; set; }
    public int Members { get; set; }
}

/// <summary>
/// One of the most valuable members a run found in a segment at one home location. The members grid lists a segment's
/// members by value; for a segment of low-value clients (Lapsed) the database had to walk the day's scores past every
/// more valuable non-member to find its first page, two seconds at a million clients.
/// </summary>
public sealed class SegmentRunTopMember
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public int SegmentId { get; set; }
    public int LocationId { get; set; }
    public int ClientId { get; set; }
    public long PredictedValueMinor { get; set; }
}
