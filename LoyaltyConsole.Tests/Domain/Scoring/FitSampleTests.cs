using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Tests.Domain.Scoring;

public sealed class FitSampleTests
{
    private static CustomerSummary History(int id) => new(id % 7, id % 5, 10 + (id % 11));

    [Fact]
    public void A_stream_no_longer_than_the_capacity_is_kept_whole_and_in_its_order()
    {
        var sample = new FitSample(100);
        var ids = Enumerable.Range(0, 100).Select(i => 1000 - (i * 3)).ToArray();
        foreach (var id in ids)
        {
            sample.Add(id, History(id), id * 2.0);
        }

        var (histories, spends) = sample.ToArrays();

        Assert.True(sample.IsWhole);
        Assert.Equal(ids.Select(History), histories);
        Assert.Equal(ids.Select(id => id * 2.0), spends);
    }

    [Fact]
    public void A_longer_stream_keeps_the_capacity_the_same_customers_in_any_order_spread_over_all_of_them()
    {
        var ids = Enumerable.Range(1, 100_000).ToArray();
        var forward = new FitSample(5_000);
        foreach (var id in ids)
        {
            forward.Add(id, History(id), id);
        }
        var shuffled = new FitSample(5_000);
        foreach (var id in ids.OrderBy(id => (id * 7919L) % 100_003))
        {
            shuffled.Add(id, History(id), id);
        }

        var kept = forward.ToArrays().MeanSpends;

        Assert.False(forward.IsWhole);
        Assert.Equal((100_000, 5_000), (forward.Seen, forward.Count));
        Assert.Equal(kept.Order(), shuffled.ToArrays().MeanSpends.Order());
        Assert.Equal(kept.Order(), kept); // in the order they came
        // Uniform over the ids: each tenth of them holds about a tenth of the sample.
        Assert.All(Enumerable.Range(0, 10), tenth => Assert.InRange(kept.Count(id => (int)((id - 1) / 10_000) == tenth), 430, 570));
    }
}
