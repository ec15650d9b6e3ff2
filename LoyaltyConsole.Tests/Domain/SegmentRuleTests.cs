using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Loyalty;
using LoyaltyConsole.Domain.Segments;

namespace LoyaltyConsole.Tests.Domain;

public sealed class SegmentRuleTests
{
    private static SegmentInput Input(int daysSince = 90, bool overdue = true, double alive = 0.3, long value = 80_000) =>
        new(daysSince, 400, 4, 40_000, 0, alive, value, overdue, 0, 250, false, "USD");

    [Fact]
    public void A_client_matches_only_when_every_condition_holds()
    {
        var lapsed = new SegmentRule { MustBeOverdue = true, MinDaysSinceLastVisit = 60 };

        Assert.True(lapsed.Matches(Input(daysSince: 90, overdue: true)));
        Assert.False(lapsed.Matches(Input(daysSince: 30, overdue: true)));
        Assert.False(lapsed.Matches(Input(daysSince: 90, overdue: false)));
    }

    [Fact]
    public void The_explanation_states_each_condition_with_the_clients_own_figure()
    {
        var rule = new SegmentRule { MinPredictedValueMinor = 50_000, MaxProbabilityAlive = 0.6 };

        var reasons = rule.Explain(Input(alive: 0.3, value: 80_000));

        Assert.Equal(["probability still active 30% (at most 60%)", "predicted 12-month value $800.00 (at least $500.00)"], reasons);
    }

    [Fact]
    public void Invalid_rules_are_refused_with_messages_for_the_editor()
    {
        var problems = new SegmentRule { MinDaysSinceLastVisit = 90, MaxDaysSinceLastVisit = 30, MaxProbabilityAlive = 1.5, MinVisits12Months = -1 }.Validate();

        Assert.Contains("The minimum days since the last visit is above the maximum.", problems);
        Assert.Contains("Maximum probability active must be between 0% and 100%.", problems);
        Assert.Contains("Minimum visits cannot be negative.", problems);
        Assert.Contains("Set at least one condition; an empty rule would match every client.", new SegmentRule().Validate());
        Assert.Throws<DomainException>(() => new SegmentDefinition("x", "X", "", new SegmentRule(), DateTime.UtcNow, "me"));
    }

    [Fact]
    public void Every_default_segment_is_valid_and_has_a_unique_key()
    {
        var defaults = SegmentDefinition.Defaults(DateTime.UtcNow);

        Assert.Equal(7, defaults.Count);
        Assert.Equal(defaults.Count, defaults.Select(d => d.Key).Distinct().Count());
        Assert.All(defaults, d => Assert.Empty(d.Rule.Validate()));
    }

    [Fact]
    public void Tier_eligibility_explains_the_tier_in_words()
    {
        TierDefinition[] tiers =
        [
            ClientLedgerTests.WithId(new TierDefinition("Member", 0, 0, 0, "#000"), 1),
            ClientLedgerTests.WithId(new TierDefinition("Silver", 1, 6, 50_000, "#999"), 2),
            ClientLedgerTests.WithId(new TierDefinition("Gold", 2, 12, 90_000, "#c90"), 3),
        ];

        var gold = TierEligibility.Evaluate(tiers, 15, 127_500, "USD");
        var silver = TierEligibility.Evaluate(tiers, 8, 60_000, "USD");
        var boosted = TierEligibility.Evaluate(tiers, 8, 60_000, "USD", predictedValueMinor: 200_000, clvBoostMinor: 150_000);

        Assert.Equal("Gold", gold.Target.Name);
        Assert.Equal("15 visits in the last 12 months, average spend $85.00: meets Gold, 12 visits and $900.00.", gold.Rationale);
        Assert.Equal("8 visits in the last 12 months, average spend $75.00: meets Silver, 6 visits and $500.00; 4 more visits and $300.00 more spend for Gold.", silver.Rationale);
        Assert.Equal("Gold", boosted.Target.Name);
        Assert.True(boosted.MetByClvBoost);
    }
}
