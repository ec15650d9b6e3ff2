using LoyaltyConsole.Domain.Loyalty;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Sync.Square;

namespace LoyaltyConsole.Tests.Sync.SquareSync;

/// <summary>How Square's customers, orders and loyalty events read into the records the writer takes: no HTTP, no database.</summary>
public sealed class SquareRecordsTests
{
    private static readonly DateTimeOffset At = new(2025, 6, 1, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_customer_keeps_Squares_phone_as_given_its_email_consent_turned_round_and_no_SMS_consent()
    {
        var client = SquareRecords.Client(new SquareCustomer("C1", " Ada ", "Lovelace", null, "ada@example.com", "+1 (212) 555-0101", "0000-02-29",
            At, At.AddDays(1), new SquareCustomerPreferences(EmailUnsubscribed: true)));
        var company = SquareRecords.Client(new SquareCustomer("C2", null, null, "Analytical Engines Ltd"));

        Assert.Equal(("Ada", "Lovelace", "+1 (212) 555-0101", (bool?)false, (bool?)null), (client.FirstName, client.LastName, client.Phone, client.EmailConsent, client.SmsConsent));
        Assert.Equal(new DateOnly(1904, 2, 29), client.Birthday);
        Assert.Equal(At.AddDays(1).UtcDateTime, client.UpdatedAt);
        Assert.Null(client.SourceLocationId);
        Assert.Equal(("Analytical Engines Ltd", (bool?)null), (company.FirstName, company.EmailConsent));
        Assert.Equal(new DateOnly(1990, 5, 17), SquareRecords.Birthday("1990-05-17"));
        Assert.Null(SquareRecords.Birthday("05/17"));
    }

    [Fact]
    public void An_order_reads_string_quantities_and_minor_units_and_leaves_gift_cards_out()
    {
        var order = new SquareOrder("O1", "L1", At.AddMinutes(1), "C1", "COMPLETED", At.AddMinutes(-20), At,
        [
            Line("2", 1_250, discount: 500, name: "Shampoo", variation: "Large"),
            Line("1.5", 2_000, gross: 3_000, name: "Coffee beans"),
            Line("1", 5_000, name: "Gift card", type: "GIFT_CARD"),
        ]);

        var page = SquareRecords.Visits([order], new Dictionary<string, string>());

        var visit = Assert.Single(page.Visits);
        Assert.Equal(("O1", "C1", "L1", At.UtcDateTime, "USD", false), (visit.ExternalId, visit.ClientExternalId, visit.SourceLocationId, visit.OccurredAt, visit.Currency, visit.IsReturn));
        Assert.Equal([new SourceLine("Shampoo (Large)", null, 2, 1_250, 500), new SourceLine("Coffee beans", null, 1, 3_000)], visit.Lines);
        Assert.Equal(5_000, visit.TotalMinor);
    }

    [Fact]
    public void A_return_order_is_a_return_of_its_sale_and_one_without_a_customer_takes_the_sales_customer()
    {
        var refund = new SquareOrder("R1", "L1", At.AddDays(2), null, "COMPLETED", ClosedAt: At.AddDays(2),
            Returns: [new SquareOrderReturn("r", "O1", [Line("1", 1_250)])]);
        var walkIn = new SquareOrder("O2", "L1", At, null, "COMPLETED", LineItems: [Line("1", 900)]);
        var nothing = new SquareOrder("O3", "L1", At, "C2", "COMPLETED", LineItems: [Line("1", 5_000, type: "GIFT_CARD")]);

        var page = SquareRecords.Visits([refund, walkIn, nothing], new Dictionary<string, string> { ["O1"] = "C1" });

        var taken = Assert.Single(page.Visits);
        Assert.Equal(("R1", "C1", true, "O1", 1_250L), (taken.ExternalId, taken.ClientExternalId, taken.IsReturn, taken.ReturnOfExternalId, taken.TotalMinor));
        Assert.Equal((1L, 1L), (page.WithoutCustomer, page.WithoutItems));
    }

    [Fact]
    public void An_order_with_a_quantity_that_is_not_a_number_fails_alone()
    {
        var page = SquareRecords.Visits([new SquareOrder("O1", "L1", At, "C1", LineItems: [Line("two", 100)]), new SquareOrder("O2", "L1", At, "C1", LineItems: [Line("1", 100)])],
            new Dictionary<string, string>());

        Assert.Equal("O2", Assert.Single(page.Visits).ExternalId);
        Assert.Contains("'two'", Assert.Single(page.Failed).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ACCUMULATE_POINTS", 12, LedgerEntryKind.Earn, 12)]
    [InlineData("CREATE_REWARD", 10, LedgerEntryKind.Redeem, -10)]
    [InlineData("CREATE_REWARD", -10, LedgerEntryKind.Redeem, -10)]
    [InlineData("DELETE_REWARD", 10, LedgerEntryKind.Adjust, 10)]
    [InlineData("EXPIRE_POINTS", 15, LedgerEntryKind.Expire, -15)]
    [InlineData("ADJUST_POINTS", -4, LedgerEntryKind.Adjust, -4)]
    [InlineData("OTHER", -20, LedgerEntryKind.Adjust, -20)]
    public void A_loyalty_event_moves_points_in_the_direction_of_its_type(string type, int points, LedgerEntryKind kind, int expected)
    {
        var detail = new SquareLoyaltyEventDetail(points, OrderId: "O1");
        var e = new SquareLoyaltyEvent("E1", type, At, "A1", AccumulatePoints: detail, CreateReward: detail, DeleteReward: detail, ExpirePoints: detail,
            AdjustPoints: detail, OtherEvent: detail);

        var record = SquareRecords.LedgerEvent(e, "C1")!;

        Assert.Equal(("E1", "C1", kind, expected, At.UtcDateTime), (record.ExternalId, record.ClientExternalId, record.Kind, record.Points, record.OccurredAt));
    }

    [Fact]
    public void A_redeemed_reward_moves_no_points_and_an_unknown_event_type_is_refused()
    {
        Assert.Null(SquareRecords.LedgerEvent(new SquareLoyaltyEvent("E1", "REDEEM_REWARD", At, "A1", RedeemReward: new SquareLoyaltyEventDetail(RewardId: "W1")), "C1"));
        Assert.Throws<FormatException>(() => SquareRecords.LedgerEvent(new SquareLoyaltyEvent("E2", "TELEPORT", At, "A1"), "C1"));
    }

    private static SquareLineItem Line(string quantity, long price, long discount = 0, long? gross = null, string name = "Cut", string? variation = null, string type = "ITEM") =>
        new(quantity, null, name, variation, type, new SquareMoney(price, "USD"), new SquareMoney(discount, "USD"), gross is { } g ? new SquareMoney(g, "USD") : null);
}
