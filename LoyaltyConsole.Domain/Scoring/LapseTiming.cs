namespace LoyaltyConsole.Domain.Scoring;

/// <summary>Personal lapse timing from the client's own rhythm.</summary>
public static class LapseTiming
{
    // Perfectly regular clients would otherwise be flagged the moment they are a few hours late.
    private const double MinimumStdDevShare = 0.15;

    /// <summary>
    /// Given ascending visit times (UTC), returns the date after which the next visit is overdue:
    /// last + mean interval + 1 standard deviation of intervals (sample sd, floored at 15% of the mean), or null with fewer than 2 visits.
    /// With exactly two visits there is one interval, so the sd is the floor. Times out of order throw ArgumentException.
    /// </summary>
    public static LapseEstimate? Estimate(IReadOnlyList<DateTime> visitTimesUtc)
    {
        ArgumentNullException.ThrowIfNull(visitTimesUtc);
        if (visitTimesUtc.Count < 2)
        {
            return null;
        }

        var intervals = new double[visitTimesUtc.Count - 1];
        for (var i = 1; i < visitTimesUtc.Count; i++)
        {
            var interval = (visitTimesUtc[i] - visitTimesUtc[i - 1]).TotalDays;
            if (interval < 0)
            {
                throw new ArgumentException("Visit times must be in ascending order.", nameof(visitTimesUtc));
            }
            intervals[i - 1] = interval;
        }

        var mean = intervals.Average();
        var sd = 0.0;
        if (intervals.Length > 1)
        {
            var squares = intervals.Sum(d => (d - mean) * (d - mean));
            sd = Math.Sqrt(squares / (intervals.Length - 1));
        }
        sd = Math.Max(sd, MinimumStdDevShare * mean);

        var last = visitTimesUtc[^1];
        return new LapseEstimate(mean, sd, last, last.AddDays(mean + sd));
    }
}

public sealed record LapseEstimate(double MeanIntervalDays, double IntervalStdDevDays, DateTime LastVisitUtc, DateTime OverdueAfterUtc)
{
    public bool IsOverdue(DateTime nowUtc) => nowUtc > OverdueAfterUtc;
}
