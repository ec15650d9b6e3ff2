using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Tests.Domain.Scoring;

public sealed class RfmQuintilesTests
{
    private static RfmScore[] Streamed(double[] recency, double[] frequency, double[] monetary, int[]? groups = null)
    {
        var quintiles = new RfmQuintiles();
        int Group(int i) => groups?[i] ?? 0;
        for (var i = 0; i < recency.Length; i++)
        {
            quintiles.Count(Group(i), recency[i], frequency[i], monetary[i]);
        }
        // The second pass in another order: the cut points do not depend on it.
        for (var i = recency.Length - 1; i >= 0; i--)
        {
            quintiles.Collect(Group(i), recency[i], frequency[i], monetary[i]);
        }
        return Enumerable.Range(0, recency.Length).Select(i => quintiles.Score(Group(i), recency[i], frequency[i], monetary[i])).ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(20_000)]
    public void Streamed_scores_are_those_of_sorting_every_client(int clients)
    {
        var rng = new Random(clients);
        // Recency in fractions of a day (many distinct, a few tied at 0), visits with heavy ties, spends over five
        // orders of magnitude and a few at zero and below (refunds).
        var recency = Enumerable.Range(0, clients).Select(_ => rng.NextDouble() < 0.02 ? 0.0 : rng.NextDouble() * rng.Next(1, 800)).ToArray();
        var frequency = Enumerable.Range(0, clients).Select(_ => (double)(1 + (int)(-Math.Log(1 - rng.NextDouble()) * 4))).ToArray();
        var monetary = Enumerable.Range(0, clients).Select(_ => rng.NextDouble() < 0.01 ? -rng.Next(0, 5000) : Math.Round(Math.Exp(rng.NextDouble() * 12))).ToArray();

        Assert.Equal(Rfm.Score(recency, frequency, monetary), Streamed(recency, frequency, monetary));
    }

    [Fact]
    public void Values_that_share_a_bucket_are_told_apart_in_the_second_pass()
    {
        // 1,000 spends within one 1/256-wide bucket around 10,000, ranked by their last digits.
        var monetary = Enumerable.Range(0, 1000).Select(i => 10_000 + (i % 37 * 0.01)).ToArray();
        var same = new double[1000];

        Assert.Equal(Rfm.Score(same, same, monetary), Streamed(same, same, monetary));
    }

    [Fact]
    public void Groups_are_scored_each_against_their_own_clients()
    {
        var rng = new Random(5);
        var groups = Enumerable.Range(0, 3000).Select(_ => rng.Next(3)).ToArray();
        var recency = groups.Select(g => rng.NextDouble() * 100 * (g + 1)).ToArray();
        var frequency = groups.Select(g => (double)rng.Next(1, 10 + (10 * g))).ToArray();
        var monetary = groups.Select(g => (double)rng.Next(1000, 50_000 * (g + 1))).ToArray();

        var streamed = Streamed(recency, frequency, monetary, groups);

        for (var g = 0; g < 3; g++)
        {
            var members = Enumerable.Range(0, groups.Length).Where(i => groups[i] == g).ToArray();
            Assert.Equal(
                Rfm.Score(members.Select(i => recency[i]).ToArray(), members.Select(i => frequency[i]).ToArray(), members.Select(i => monetary[i]).ToArray()),
                members.Select(i => streamed[i]));
        }
    }

    [Fact]
    public void A_second_pass_over_other_data_is_refused()
    {
        var quintiles = new RfmQuintiles();
        quintiles.Count(0, 1, 1, 1);
        quintiles.Count(0, 2, 2, 2);
        quintiles.Collect(0, 1, 1, 1);
        quintiles.Collect(0, 2, 2, 2);
        quintiles.Collect(0, 2, 2, 2);

        Assert.Throws<InvalidOperationException>(() => quintiles.Score(0, 1, 1, 1));
    }

    [Fact]
    public void NaN_is_rejected_as_by_Rfm_Score() =>
        Assert.Throws<ArgumentException>(() => new RfmQuintiles().Count(0, double.NaN, 1, 1));
}
