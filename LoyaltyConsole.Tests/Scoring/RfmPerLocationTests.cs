using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Tests.Scoring;

public sealed class RfmPerLocationTests
{
    [Fact]
    public void Per_location_quintiles_make_a_small_locations_best_clients_its_champions()
    {
        // Location 1: ten big spenders; location 2: five small spenders, all below location 1.
        int[] locations = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2];
        double[] recency = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100];
        double[] frequency = [20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 5, 4, 3, 2, 1];
        double[] monetary = [2000, 1900, 1800, 1700, 1600, 1500, 1400, 1300, 1200, 1100, 500, 400, 300, 200, 100];

        var wide = Rfm.Score(recency, frequency, monetary);
        var quintiles = new RfmQuintiles();
        for (var i = 0; i < locations.Length; i++)
        {
            quintiles.Count(locations[i], recency[i], frequency[i], monetary[i]);
        }
        for (var i = 0; i < locations.Length; i++)
        {
            quintiles.Collect(locations[i], recency[i], frequency[i], monetary[i]);
        }
        var perLocation = Enumerable.Range(0, locations.Length).Select(i => quintiles.Score(locations[i], recency[i], frequency[i], monetary[i])).ToArray();

        Assert.Equal(new RfmScore(5, 5, 5), perLocation[10]);
        Assert.True(wide[10].Monetary < 5 && wide[10].Recency < 5);
        Assert.Equal(Rfm.Score(recency.AsSpan(0, 10), frequency.AsSpan(0, 10), monetary.AsSpan(0, 10)), perLocation[..10]);
        Assert.Equal(Rfm.Score(recency.AsSpan(10), frequency.AsSpan(10), monetary.AsSpan(10)), perLocation[10..]);
    }
}
