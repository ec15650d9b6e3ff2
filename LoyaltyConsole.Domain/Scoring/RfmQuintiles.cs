namespace LoyaltyConsole.Domain.Scoring;

/// <summary>
/// <see cref="Rfm.Score"/> for clients streamed past rather than held, scored within groups (e.g. home locations). A
/// client's score in a dimension is 1 + floor(5 W / n), W the number of clients of its group strictly worse, so four
/// cut points fix it: the values with ceil(k n / 5) clients at or below them in worse-first order, k = 1..4. Every
/// client is passed to <see cref="Count"/>, then every client again to <see cref="Collect"/>; after that
/// <see cref="Score"/> gives exactly Rfm.Score's scores, and what is held follows the spread of the values, not the
/// number of clients.
/// </summary>
public sealed class RfmQuintiles
{
    private readonly Dictionary<int, (QuintileCutPoints Recency, QuintileCutPoints Frequency, QuintileCutPoints Monetary)> _groups = [];

    /// <summary>First pass: every client once, recencyDays smaller is better, frequency and monetary bigger.</summary>
    public void Count(int group, double recencyDays, double frequency, double monetary)
    {
        if (!_groups.TryGetValue(group, out var cuts))
        {
            cuts = (new QuintileCutPoints(), new QuintileCutPoints(), new QuintileCutPoints());
            _groups[group] = cuts;
        }
        cuts.Recency.Count(-recencyDays);
        cuts.Frequency.Count(frequency);
        cuts.Monetary.Count(monetary);
    }

    /// <summary>Second pass: the same clients with the same values, in any order.</summary>
    public void Collect(int group, double recencyDays, double frequency, double monetary)
    {
        var cuts = Group(group);
        cuts.Recency.Collect(-recencyDays);
        cuts.Frequency.Collect(frequency);
        cuts.Monetary.Collect(monetary);
    }

    /// <summary>The client's quintile scores within its group, after both passes.</summary>
    public RfmScore Score(int group, double recencyDays, double frequency, double monetary)
    {
        var cuts = Group(group);
        return new RfmScore(cuts.Recency.Score(-recencyDays), cuts.Frequency.Score(frequency), cuts.Monetary.Score(monetary));
    }

    private (QuintileCutPoints Recency, QuintileCutPoints Frequency, QuintileCutPoints Monetary) Group(int group) =>
        _groups.TryGetValue(group, out var cuts) ? cuts : throw new InvalidOperationException($"Group {group} was not counted in the first pass.");
}

/// <summary>
/// One dimension of <see cref="RfmQuintiles"/>, keys bigger-is-better. The first pass counts keys per bucket (a key's
/// sign, exponent and top mantissa bits: 1/256 of its magnitude wide, in key order); the second keeps the keys of the
/// at most four buckets that hold a cut point, whose ranks within their bucket the counts give.
/// </summary>
internal sealed class QuintileCutPoints
{
    private const int Quintiles = 5;
    private const int MantissaBitsKept = 8;

    private readonly Dictionary<long, int> _counts = [];
    private long _n;
    // Per cut point k = 1..4: its bucket and its 0-based rank among that bucket's keys; then the keys of those buckets.
    private (long Bucket, int Rank)[]? _targets;
    private Dictionary<long, List<double>>? _collected;
    private double[]? _cuts;

    public void Count(double key)
    {
        if (_targets is not null)
        {
            throw new InvalidOperationException("Every key is counted before any is collected.");
        }
        var bucket = Bucket(key);
        _counts[bucket] = _counts.GetValueOrDefault(bucket) + 1;
        _n++;
    }

    public void Collect(double key)
    {
        if (_cuts is not null)
        {
            throw new InvalidOperationException("Every key is collected before any is scored.");
        }
        if (_targets is null)
        {
            FindTargets();
        }
        if (_collected!.TryGetValue(Bucket(key), out var keys))
        {
            keys.Add(Normalize(key));
        }
    }

    /// <summary>1 + the number of cut points strictly below the key: 1 + floor(5 W / n).</summary>
    public int Score(double key)
    {
        _cuts ??= FindCuts();
        key = Normalize(key);
        var score = 1;
        foreach (var cut in _cuts)
        {
            if (cut < key)
            {
                score++;
            }
        }
        return score;
    }

    private void FindTargets()
    {
        var buckets = _counts.Keys.Order().ToList();
        _targets = new (long, int)[Quintiles - 1];
        var bucket = 0;
        var before = 0L;
        for (var k = 1; k < Quintiles; k++)
        {
            // floor(5 W / n) >= k  <=>  W >= ceil(k n / 5) = m  <=>  the m-th smallest key (position m - 1) is below the key.
            var position = ((k * _n) + Quintiles - 1) / Quintiles - 1;
            while (before + _counts[buckets[bucket]] <= position)
            {
                before += _counts[buckets[bucket]];
                bucket++;
            }
            _targets[k - 1] = (buckets[bucket], (int)(position - before));
        }
        _collected = _targets.Select(t => t.Bucket).Distinct().ToDictionary(b => b, _ => new List<double>());
    }

    private double[] FindCuts()
    {
        if (_n == 0)
        {
            return [];
        }
        if (_targets is null)
        {
            throw new InvalidOperationException("The keys are collected in a second pass before scoring.");
        }
        foreach (var (bucket, keys) in _collected!)
        {
            if (keys.Count != _counts[bucket])
            {
                throw new InvalidOperationException(
                    $"The second pass saw {keys.Count} keys where the first counted {_counts[bucket]}: the data changed between the passes.");
            }
            keys.Sort();
        }
        var cuts = _targets.Select(t => _collected[t.Bucket][t.Rank]).ToArray();
        _collected = null;
        return cuts;
    }

    // Buckets in key order: a double's bits, negatives flipped so that they sort as signed integers, shifted down to the
    // sign, the exponent and the top mantissa bits.
    private static long Bucket(double key)
    {
        key = Normalize(key);
        var bits = BitConverter.DoubleToInt64Bits(key);
        var ordered = bits >= 0 ? bits : bits ^ long.MaxValue;
        return ordered >> (52 - MantissaBitsKept);
    }

    // -0 and 0 are one value, as Rfm.Score compares them; NaN has no place in an order.
    private static double Normalize(double key) =>
        double.IsNaN(key) ? throw new ArgumentException("RFM values cannot be NaN.", nameof(key)) : key + 0.0;
}
