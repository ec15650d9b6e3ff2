using LoyaltyConsole.Review;
using LoyaltyConsole.Identity;

namespace LoyaltyConsole.Tests.Review;

public sealed class ReviewEvidencePresenterTests
{
    private static readonly Dictionary<int, string> TierNames = new() { [1] = "Bronze", [2] = "Silver", [3] = "Gold" };

    /// <summary>What ReviewQueue flattens from a proposal's EvidenceJson (System.Text.Json web defaults).</summary>
    private static Dictionary<string, string> Evidence(params (string Key, string Value)[] overrides)
    {
        var evidence = new Dictionary<string, string>
        {
            ["asOf"] = "2026-02-10",
            ["modelVersion"] = "bgnbd-gg/20260210",
            ["workflowVersion"] = "3",
            ["assignment"] = "Treatment",
            ["segments"] = "Lapsing regulars, Colour lovers",
            ["probabilityAlive"] = "0.30195927053312216",
            ["expectedVisits90Days"] = "1.4213",
            ["predictedValueMinor"] = "12963",
            ["daysSinceLastVisit"] = "41",
            ["visits12Months"] = "7",
            ["spend12MonthsMinor"] = "84500",
            ["rfmSegment"] = "CantLoseThem",
            ["meanIntervalDays"] = "34.6",
            // 03:30 UTC on the 24th is still the 23rd in Chicago.
            ["lapseAfter"] = "2026-02-24T03:30:00Z",
            ["favouriteCategory"] = "Colour",
            ["pointsBalance"] = "1250",
            ["pointsExpiring30Days"] = "300",
            ["eligibleTierId"] = "3",
            ["currentTierId"] = "2",
        };
        foreach (var (key, value) in overrides)
        {
            evidence[key] = value;
        }
        return evidence;
    }

    private static Dictionary<string, EvidenceLine> Present(Dictionary<string, string> evidence, string currency = "USD", string zone = "America/Chicago") =>
        ReviewEvidencePresenter.Present(evidence, currency, zone, "Win-back", TierNames).ToDictionary(l => l.Label);

    [Fact]
    public void Scores_money_and_dates_read_as_words_in_the_proposals_currency_and_the_locations_zone()
    {
        var lines = Present(Evidence());

        Assert.Equal("30% likely still active", lines["Activity"].Text);
        Assert.Equal("$129.63 predicted 12-month value", lines["Predicted value"].Text);
        Assert.Equal("1.4 in the next 90 days", lines["Expected visits"].Text);
        Assert.Equal("7 visits · $845.00 spent · last visit 41 days ago", lines["Last 12 months"].Text);
        Assert.Equal("comes every 35 days on average; due back by 23 Feb", lines["Rhythm"].Text);
        Assert.Equal("Can't lose them", lines["RFM segment"].Text);
        Assert.Equal("Lapsing regulars, Colour lovers", lines["Segments"].Text);
        Assert.Equal("1,250 points, 300 expiring within 30 days", lines["Points"].Text);
        Assert.DoesNotContain(lines.Values, l => l.Text.Contains("0.30195", StringComparison.Ordinal) || l.Text.Contains("12963", StringComparison.Ordinal));
    }

    [Fact]
    public void Money_takes_the_proposals_currency()
    {
        Assert.Equal("£129.63 predicted 12-month value", Present(Evidence(), currency: "GBP")["Predicted value"].Text);
    }

    [Fact]
    public void The_due_date_is_the_day_in_the_locations_time_zone()
    {
        Assert.Contains("due back by 24 Feb", Present(Evidence(), zone: "Europe/London")["Rhythm"].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_due_date_before_the_scoring_date_reads_as_overdue_and_another_year_shows_the_year()
    {
        Assert.EndsWith("overdue since 2 Feb", Present(Evidence(("lapseAfter", "2026-02-02T18:00:00Z")))["Rhythm"].Text, StringComparison.Ordinal);
        Assert.EndsWith("due back by 5 Jan 2027", Present(Evidence(("lapseAfter", "2027-01-05T18:00:00Z")))["Rhythm"].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Tiers_read_as_names_not_ids()
    {
        Assert.Equal("Silver, eligible for Gold", Present(Evidence())["Tier"].Text);
        Assert.Equal("Silver, and eligible to stay there", Present(Evidence(("eligibleTierId", "2")))["Tier"].Text);
        var noTier = Evidence();
        noTier.Remove("currentTierId");
        Assert.Equal("no tier, eligible for Gold", Present(noTier)["Tier"].Text);
        Assert.Equal("Silver, eligible for tier #9", Present(Evidence(("eligibleTierId", "9")))["Tier"].Text);
    }

    [Fact]
    public void Workflow_and_model_versions_link_to_the_program_and_the_model_for_whoever_may_open_them()
    {
        var lines = Present(Evidence());

        Assert.Equal(new EvidenceLine("Workflow", "Win-back, version 3", "program", Policies.ManageProgram), lines["Workflow"]);
        Assert.Equal(new EvidenceLine("Model", "bgnbd-gg/20260210, scores of 10 Feb 2026", "model", Policies.ViewModels), lines["Model"]);
    }

    [Theory]
    [InlineData(0.30195927053312216, "30%")]
    [InlineData(0.9996, "over 99%")]
    [InlineData(0.004, "under 1%")]
    [InlineData(0.0, "0%")]
    [InlineData(1.0, "100%")]
    public void Probabilities_round_to_whole_percent_without_claiming_certainty(double probability, string expected)
    {
        Assert.Equal(expected, ReviewEvidencePresenter.Percent(probability));
    }

    [Fact]
    public void Keys_the_proposal_does_not_carry_are_left_out()
    {
        var lines = ReviewEvidencePresenter.Present(new Dictionary<string, string> { ["probabilityAlive"] = "0.8" }, "USD", "America/Chicago", "Win-back", TierNames);

        Assert.Equal([new EvidenceLine("Activity", "80% likely still active")], lines);
    }
}
