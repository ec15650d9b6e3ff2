namespace LoyaltyConsole.Domain.Scoring;

/// <summary>
/// What the model fits see of a stream of customers too large to hold: at most <c>capacity</c> of them, those with the
/// smallest hash of their id (bottom-k sampling), so the sample is uniform, the same for the same customers in any
/// order, and costs the same memory for a million customers as for its capacity. A stream no longer than the
/// capacity is kept whole and in its order, so that the fits are the ones on every customer.
/// </summary>
public sealed class FitSample(int capacity)
{
    private readonly record struct Kept(CustomerSummary History, double MeanSpend, int Order);

    // The largest hash on top, the first to make room.
    private readonly PriorityQueue<Kept, ulong> _kept = new(Comparer<ulong>.Create(static (a, b) => b.CompareTo(a)));

    /// <summary>Customers offered so far.</summary>
    public int Seen { get; private set; }

    public int Count => _kept.Count;

    /// <summary>Every customer offered is in the sample.</summary>
    public bool IsWhole => _kept.Count == Seen;

    public void Add(long id, CustomerSummary history, double meanSpend)
    {
        var kept = new Kept(history, meanSpend, Seen++);
        var hash = Mix((ulong)id);
        if (_kept.Count < capacity)
        {
            _kept.Enqueue(kept, hash);
        }
        else if (_kept.TryPeek(out _, out var largest) && hash < largest)
        {
            _kept.DequeueEnqueue(kept, hash);
        }
    }

    /// <summary>The sample's histories and mean spends, in the order the customers came.</summary>
    public (CustomerSummary[] Histories, double[] MeanSpends) ToArrays()
    {
        var kept = _kept.UnorderedItems.Select(k => k.Element).OrderBy(k => k.Order).ToArray();
        return (kept.Select(k => k.History).ToArray(), kept.Select(k => k.MeanSpend).ToArray());
    }

    // SplitMix64's finaliser: a bijection, so distinct ids never tie, and consecutive ids land far apart.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
