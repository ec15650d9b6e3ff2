using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Loyalty;

namespace LoyaltyConsole.Tests.Domain;

public sealed class ClientLedgerTests
{
    private static readonly DateTime At = new(2026, 3, 1, 15, 0, 0, DateTimeKind.Utc);

    private static Client NewClient() =>
        new("Ada", "Lovelace", "Ada@Example.com", PhoneNumber.Parse("(212) 555-0142"), null, 1, At, Sources.Demo, "c1");

    [Fact]
    public void Balance_always_equals_the_sum_of_the_ledger()
    {
        var client = NewClient();
        client.EarnPoints(120, 600, At, 1, Sources.Demo, "e1");
        client.EarnPoints(400, 2000, At.AddDays(30), 2, Sources.Demo, "e2");
        client.RedeemPoints(500, 2500, At.AddDays(30), 2, "$25 reward", Sources.Demo, "r1");
        client.AdjustPoints(-10, 50, At.AddDays(31), "Goodwill correction", Sources.Console, "a1");
        client.ExpirePoints(10, 50, At.AddDays(400), "No visit in 12 months", Sources.Demo, "x1");

        Assert.Equal(0, client.PointsBalance);
        Assert.Equal(client.Ledger.Sum(e => e.Points), client.PointsBalance);
        Assert.Equal([LedgerEntryKind.Earn, LedgerEntryKind.Earn, LedgerEntryKind.Redeem, LedgerEntryKind.Adjust, LedgerEntryKind.Expire], client.Ledger.Select(e => e.Kind));
    }

    [Fact]
    public void Redeeming_more_than_the_balance_is_refused_and_changes_nothing()
    {
        var client = NewClient();
        client.EarnPoints(100, 500, At, null, Sources.Demo, "e1");

        var error = Assert.Throws<DomainException>(() => client.RedeemPoints(500, 2500, At, null, "reward", Sources.Demo, "r1"));

        Assert.Contains("balance is 100", error.Message, StringComparison.Ordinal);
        Assert.Equal(100, client.PointsBalance);
        Assert.Single(client.Ledger);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Earned_points_must_be_positive(int points) =>
        Assert.Throws<DomainException>(() => NewClient().EarnPoints(points, 0, At, null, Sources.Demo, "e"));

    [Fact]
    public void Local_times_are_refused_because_everything_is_stored_in_UTC() =>
        Assert.Throws<DomainException>(() => NewClient().EarnPoints(10, 50, new DateTime(2026, 1, 1, 9, 0, 0, DateTimeKind.Local), null, Sources.Demo, "e"));

    [Fact]
    public void Email_is_normalised_and_phone_is_stored_in_E164()
    {
        var client = NewClient();

        Assert.Equal("ada@example.com", client.Email);
        Assert.Equal("+12125550142", client.PhoneE164);
    }

    [Fact]
    public void Changing_tier_records_history_and_ignores_a_move_to_the_same_tier()
    {
        var client = NewClient();
        var silver = WithId(new TierDefinition("Silver", 1, 6, 50_000, "#999"), 2);
        var gold = WithId(new TierDefinition("Gold", 2, 10, 100_000, "#c90"), 3);

        Assert.NotNull(client.ChangeTier(silver, At, "Joined"));
        Assert.Null(client.ChangeTier(silver, At.AddDays(1), "Again"));
        var change = client.ChangeTier(gold, At.AddDays(2), "10 visits");

        Assert.Equal(2, change!.FromTierId);
        Assert.Equal(3, client.TierId);
        Assert.Equal(2, client.TierHistory.Count);
    }

    [Fact]
    public void Eligible_tier_is_the_best_one_whose_visits_and_spend_are_both_met()
    {
        TierDefinition[] tiers =
        [
            new("Member", 0, 0, 0, "#000"), new("Silver", 1, 6, 50_000, "#999"), new("Gold", 2, 10, 100_000, "#c90"),
        ];

        Assert.Equal("Member", TierDefinition.Eligible(tiers, 12, 40_000).Name);
        Assert.Equal("Silver", TierDefinition.Eligible(tiers, 9, 150_000).Name);
        Assert.Equal("Gold", TierDefinition.Eligible(tiers, 10, 100_000).Name);
    }

    internal static TierDefinition WithId(TierDefinition tier, int id)
    {
        typeof(TierDefinition).GetProperty(nameof(TierDefinition.Id))!.SetValue(tier, id);
        return tier;
    }
}
