using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Guardrails;

namespace LoyaltyConsole.Tests.Domain.Guardrails;

public sealed class SpendCapsTests
{
    [Fact]
    public void A_budget_reached_exactly_passes_and_one_cent_over_blocks()
    {
        var exactly = SpendCaps.Budget("Win-back, November", 100_000, 97_500, 2_500, "USD");
        var over = SpendCaps.Budget("Win-back, November", 100_000, 97_501, 2_500, "USD");

        Assert.True(exactly.Passed);
        Assert.False(over.Passed);
        Assert.Equal("Over budget by $0.01: $975.01 reserved + $25.00 proposed = $1,000.01 of the $1,000.00 budget for Win-back, November.", over.Reason);
        Assert.Equal(SpendCaps.BudgetCode, over.Code);
    }

    [Fact]
    public void The_per_client_cap_counts_what_the_client_already_received()
    {
        Assert.True(SpendCaps.ClientCost(5_000, 2_500, 2_500, "this month", "USD").Passed);
        var blocked = SpendCaps.ClientCost(5_000, 2_501, 2_500, "this month", "USD");
        Assert.False(blocked.Passed);
        Assert.Contains("$50.01 on this client this month (cap $50.00)", blocked.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_margin_guard_limits_reward_cost_to_a_share_of_predicted_value()
    {
        Assert.True(SpendCaps.Margin(2_000, 20_000, 0.10, "USD").Passed);
        var blocked = SpendCaps.Margin(2_001, 20_000, 0.10, "USD");
        Assert.False(blocked.Passed);
        Assert.Equal("Reward too costly for this client: reward costs $20.01; 10% of the predicted 12-month value $200.00 is $20.00.", blocked.Reason);
        Assert.False(SpendCaps.Margin(1, 0, 0.5, "USD").Passed);
    }

    [Fact]
    public void Negative_caps_and_shares_out_of_range_are_refused()
    {
        Assert.Throws<DomainException>(() => SpendCaps.Budget("x", -1, 0, 0, "USD"));
        Assert.Throws<DomainException>(() => SpendCaps.Margin(1, 1, 1.5, "USD"));
    }
}
