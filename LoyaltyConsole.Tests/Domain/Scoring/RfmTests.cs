using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Tests.Domain.Scoring;

public sealed class RfmTests
{
    [Fact]
    public void Quintiles_of_one_to_a_hundred_put_twenty_clients_in_each_score()
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

        var scores = Rfm.Score(values, values, values);

        for (var s = 1; s <= 5; s++)
        {
            Assert.Equal(20, scores.Count(x => x.Frequency == s));
            Assert.Equal(20, scores.Count(x => x.Monetary == s));
            Assert.Equal(20, scores.Count(x => x.Recency == s));
        }
        Assert.Equal(new RfmScore(5, 1, 1), scores[0]); // 1 day ago is the most recent, 1 purchase the fewest
        Assert.Equal(new RfmScore(1, 5, 5), scores[99]);
    }

    [Fact]
    public void Tied_values_get_the_same_score_whatever_their_order()
    {
        double[] frequency = [3, 1, 1, 1, 1, 1, 2, 1, 5, 4];

        var scores = Rfm.Score(new double[10], frequency, frequency);

        var ones = scores.Where((_, i) => frequency[i] == 1).Select(s => s.Frequency).Distinct().ToList();
        Assert.Equal([1], ones);
        Assert.All(scores, s => Assert.Equal(1, s.Recency)); // everyone tied on recency
        // Six tied at the bottom leave the four others ranked from position 6 of 10 upwards.
        Assert.Equal([4, 1, 1, 1, 1, 1, 4, 1, 5, 5], scores.Select(s => s.Frequency));
    }

    [Fact]
    public void Score_rejects_arrays_of_different_lengths() =>
        Assert.Throws<ArgumentException>(() => Rfm.Score(new double[2], new double[3], new double[2]));

    [Theory]
    [InlineData(5, 5, 5, RfmSegment.Champions)]
    [InlineData(1, 1, 1, RfmSegment.Lost)]
    [InlineData(5, 1, 1, RfmSegment.New)]
    [InlineData(1, 5, 5, RfmSegment.CantLoseThem)]
    [InlineData(4, 1, 1, RfmSegment.Promising)]
    [InlineData(3, 3, 2, RfmSegment.NeedAttention)]
    [InlineData(3, 1, 1, RfmSegment.AboutToSleep)]
    [InlineData(2, 1, 2, RfmSegment.Hibernating)]
    [InlineData(2, 5, 5, RfmSegment.AtRisk)]
    [InlineData(1, 3, 3, RfmSegment.AtRisk)]
    [InlineData(4, 3, 3, RfmSegment.Loyal)]
    [InlineData(3, 5, 4, RfmSegment.Loyal)]
    [InlineData(5, 2, 2, RfmSegment.PotentialLoyalist)]
    public void Classify_maps_scores_onto_the_standard_segments(int r, int f, int m, RfmSegment expected) =>
        Assert.Equal(expected, Rfm.Classify(new RfmScore(r, f, m)));

    [Fact]
    public void Every_score_has_a_segment_and_every_segment_is_reachable()
    {
        var reached = new HashSet<RfmSegment>();
        for (var r = 1; r <= 5; r++)
        {
            for (var f = 1; f <= 5; f++)
            {
                for (var m = 1; m <= 5; m++)
                {
                    reached.Add(Rfm.Classify(new RfmScore(r, f, m)));
                }
            }
        }

        Assert.Equal(Enum.GetValues<RfmSegment>().Length, reached.Count);
    }

    [Fact]
    public void Classify_rejects_scores_outside_one_to_five() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Rfm.Classify(new RfmScore(0, 3, 3)));

    [Fact]
    public void Display_names_are_the_familiar_labels()
    {
        Assert.Equal("Potential loyalist", Rfm.DisplayName(RfmSegment.PotentialLoyalist));
        Assert.Equal("Can't lose them", Rfm.DisplayName(RfmSegment.CantLoseThem));
        Assert.Equal("Need attention", Rfm.DisplayName(RfmSegment.NeedAttention));
        Assert.Equal(11, Enum.GetValues<RfmSegment>().Select(Rfm.DisplayName).Distinct().Count());
    }
}
