namespace LoyaltyConsole.Domain.Scoring;

/// <summary>RFM quintile scores and standard named segments.</summary>
public enum RfmSegment
{
    Champions,
    Loyal,
    PotentialLoyalist,
    New,
    Promising,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    CantLoseThem,
    Hibernating,
    Lost,
}

/// <summary>1..5 each, 5 best (recency 5 = most recent).</summary>
public readonly record struct RfmScore(int Recency, int Frequency, int Monetary);

public static class Rfm
{
    private const int Quintiles = 5;

    /// <summary>
    /// Quintile scores for each client: recencyDays (smaller is better), frequency, monetary (bigger is better).
    /// A client's score is 1 + floor(5 * share of clients strictly worse than it), so ties share a score, the result does not
    /// depend on input order, and distinct values split into five equal groups. NaN is rejected.
    /// </summary>
    public static RfmScore[] Score(ReadOnlySpan<double> recencyDays, ReadOnlySpan<double> frequency, ReadOnlySpan<double> monetary)
    {
        if (recencyDays.Length != frequency.Length || recencyDays.Length != monetary.Length)
        {
            throw new ArgumentException("Recency, frequency and monetary must have the same length.", nameof(recencyDays));
        }

        var recency = QuintileScores(recencyDays, smallerIsBetter: true, nameof(recencyDays));
        var f = QuintileScores(frequency, smallerIsBetter: false, nameof(frequency));
        var m = QuintileScores(monetary, smallerIsBetter: false, nameof(monetary));
        var scores = new RfmScore[recency.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = new RfmScore(recency[i], f[i], m[i]);
        }
        return scores;
    }

    /// <summary>
    /// Maps R and FM = (F + M) / 2 onto the 11-segment RFM map. The published ranges overlap, so the first matching rule wins:
    /// <list type="number">
    /// <item>Champions: R 4-5, FM &gt;= 4</item>
    /// <item>Can't lose them: R 1, FM &gt;= 4</item>
    /// <item>Lost: R 1, FM = 1</item>
    /// <item>New: R 5, FM = 1</item>
    /// <item>Promising: R 4, FM = 1</item>
    /// <item>Need attention: R 3, FM 2-3</item>
    /// <item>Hibernating: R 1-2, FM &lt;= 2</item>
    /// <item>About to sleep: R 2-3, FM &lt;= 2</item>
    /// <item>At risk: R 1-2, FM &gt;= 2 (so a lapsing big spender at R 2 is at risk rather than loyal)</item>
    /// <item>Loyal: R 2-5, FM &gt;= 3</item>
    /// <item>Potential loyalist: R 3-5, FM &lt;= 3</item>
    /// </list>
    /// Every score reaches exactly one rule; all eleven segments are reachable.
    /// </summary>
    public static RfmSegment Classify(RfmScore score)
    {
        CheckRange(score.Recency, nameof(score));
        CheckRange(score.Frequency, nameof(score));
        CheckRange(score.Monetary, nameof(score));

        var r = score.Recency;
        var fm = (score.Frequency + score.Monetary) / 2.0;
        return (r, fm) switch
        {
            ( >= 4, >= 4) => RfmSegment.Champions,
            (1, >= 4) => RfmSegment.CantLoseThem,
            (1, 1) => RfmSegment.Lost,
            (5, 1) => RfmSegment.New,
            (4, 1) => RfmSegment.Promising,
            (3, >= 2 and <= 3) => RfmSegment.NeedAttention,
            ( <= 2, <= 2) => RfmSegment.Hibernating,
            ( <= 3, <= 2) => RfmSegment.AboutToSleep,
            ( <= 2, _) => RfmSegment.AtRisk,
            (_, >= 3) => RfmSegment.Loyal,
            _ => RfmSegment.PotentialLoyalist,
        };
    }

    public static string DisplayName(RfmSegment segment) => segment switch
    {
        RfmSegment.Champions => "Champions",
        RfmSegment.Loyal => "Loyal",
        RfmSegment.PotentialLoyalist => "Potential loyalist",
        RfmSegment.New => "New",
        RfmSegment.Promising => "Promising",
        RfmSegment.NeedAttention => "Need attention",
        RfmSegment.AboutToSleep => "About to sleep",
        RfmSegment.AtRisk => "At risk",
        RfmSegment.CantLoseThem => "Can't lose them",
        RfmSegment.Hibernating => "Hibernating",
        RfmSegment.Lost => "Lost",
        _ => throw new ArgumentOutOfRangeException(nameof(segment), segment, "Unknown RFM segment."),
    };

    private static int[] QuintileScores(ReadOnlySpan<double> values, bool smallerIsBetter, string parameterName)
    {
        var n = values.Length;
        var order = new int[n];
        // Negating makes "worse first" an ascending sort for both directions.
        var keys = new double[n];
        for (var i = 0; i < n; i++)
        {
            if (double.IsNaN(values[i]))
            {
                throw new ArgumentException($"Value {i} is NaN.", parameterName);
            }
            order[i] = i;
            keys[i] = smallerIsBetter ? -values[i] : values[i];
        }
        Array.Sort(keys, order);

        var scores = new int[n];
        var groupStart = 0;
        for (var i = 0; i < n; i++)
        {
            if (keys[i] != keys[groupStart])
            {
                groupStart = i;
            }
            // groupStart = number of clients strictly worse; long arithmetic avoids overflow for huge inputs.
            scores[order[i]] = 1 + (int)((long)Quintiles * groupStart / n);
        }
        return scores;
    }

    private static void CheckRange(int value, string parameterName)
    {
        if (value is < 1 or > Quintiles)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "RFM scores run from 1 to 5.");
        }
    }
}
