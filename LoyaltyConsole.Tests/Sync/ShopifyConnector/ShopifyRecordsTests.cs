using LoyaltyConsole.Sync.Shopify;

namespace LoyaltyConsole.Tests.Sync.ShopifyConnector;

/// <summary>How Shopify's customers, orders and refunds read into the records the writer takes: pure, no server.</summary>
public sealed class ShopifyRecordsTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 14, 30, 0, TimeSpan.Zero);

    private static ShopifyMoneyBag Bag(string amount, string currency = "USD") => new(new ShopifyMoney(amount, currency));

    [Theory]
    [InlineData("12.50", "USD", 1_250)]
    [InlineData("12.5", "EUR", 1_250)]
    [InlineData("0.005", "USD", 1)]
    [InlineData("1200", "JPY", 1_200)]
    [InlineData("1200.00", "JPY", 1_200)]
    [InlineData("1.250", "KWD", 1_250)]
    [InlineData("3.5", "BHD", 3_500)]
    [InlineData("-4.20", "GBP", -420)]
    public void Decimal_amounts_become_minor_units_by_the_currency_exponent(string amount, string currency, long minor) =>
        Assert.Equal(minor, ShopifyRecords.MinorUnits(new ShopifyMoney(amount, currency), "test"));

    [Fact]
    public void An_amount_that_is_not_a_number_names_its_record() =>
        Assert.Contains("gid://shopify/Order/1", Assert.Throws<FormatException>(() => ShopifyRecords.MinorUnits(new ShopifyMoney("12,50", "USD"), "gid://shopify/Order/1")).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("SUBSCRIBED", true)]
    [InlineData("UNSUBSCRIBED", false)]
    [InlineData("NOT_SUBSCRIBED", null)]
    [InlineData("PENDING", null)]
    [InlineData("REDACTED", null)]
    [InlineData("INVALID", null)]
    [InlineData(null, null)]
    public void Only_subscribed_and_unsubscribed_say_anything_about_consent(string? state, bool? consent) =>
        Assert.Equal(consent, ShopifyRecords.Consent(state));

    [Fact]
    public void A_customer_takes_its_contact_and_consent_from_the_default_email_and_phone_or_the_older_fields()
    {
        var current = ShopifyRecords.Client(new ShopifyCustomer("gid://shopify/Customer/1", " Ada ", "Lovelace", At, At,
            new ShopifyEmailAddress("ada@example.com", "SUBSCRIBED"), new ShopifyPhoneNumber("+12125550101", "UNSUBSCRIBED")));
        var older = ShopifyRecords.Client(new ShopifyCustomer("gid://shopify/Customer/2", "Grace", "", At, At,
            Email: "grace@example.com", Phone: "+12125550102",
            EmailMarketingConsent: new ShopifyMarketingConsent("UNSUBSCRIBED"), SmsMarketingConsent: new ShopifyMarketingConsent("SUBSCRIBED")));

        Assert.Equal(("Ada", "ada@example.com", "+12125550101", (bool?)true, (bool?)false), (current.FirstName, current.Email, current.Phone, current.EmailConsent, current.SmsConsent));
        Assert.Equal((null, "grace@example.com", "+12125550102", (bool?)false, (bool?)true), (older.LastName, older.Email, older.Phone, older.EmailConsent, older.SmsConsent));
        Assert.Equal(At.UtcDateTime, current.UpdatedAt);
    }

    [Fact]
    public void An_order_is_a_sale_at_its_retail_location_with_its_lines_discounts_and_services()
    {
        var order = new ShopifyOrder("gid://shopify/Order/7", "#1007", At, At.AddMinutes(5), At.AddDays(1), "USD",
            new ShopifyRef("gid://shopify/Customer/1"), new ShopifyRef("gid://shopify/Location/9"));
        ShopifyLineItem[] lines =
        [
            new("gid://shopify/LineItem/1", "Cut and style", null, 1, new ShopifyProduct("Hair services"), Bag("80.00"), Bag("0.00")),
            new("gid://shopify/LineItem/2", null, "SHAMPOO-1", 2, new ShopifyProduct("Hair care"), Bag("12.50"), Bag("5.00")),
            new("gid://shopify/LineItem/3", "Removed", null, 0, null, Bag("9.00"), null),
        ];

        var sale = ShopifyRecords.Sale(order, lines)!;

        Assert.Equal(("gid://shopify/Order/7", "gid://shopify/Customer/1", "gid://shopify/Location/9", "USD"), (sale.ExternalId, sale.ClientExternalId, sale.SourceLocationId, sale.Currency));
        Assert.Equal(At.AddMinutes(5).UtcDateTime, sale.OccurredAt);
        Assert.Equal(10_000, sale.TotalMinor);
        Assert.Equal([("Cut and style", false, 8_000L), ("SHAMPOO-1", true, 2_000L)], sale.Lines.Select(l => (l.Item, l.IsProduct, l.AmountMinor)));
        Assert.Null(ShopifyRecords.Sale(order, [lines[2]]));
    }

    [Fact]
    public void A_refund_returns_its_lines_at_their_subtotal_or_its_amount_when_it_has_no_lines()
    {
        var order = new ShopifyOrder("gid://shopify/Order/7", "#1007", At, null, At, "USD", new ShopifyRef("gid://shopify/Customer/1"), null);
        var lines = new ShopifyRefund("gid://shopify/Refund/1", At.AddDays(2), Bag("21.65"));
        ShopifyRefundLine[] refunded =
        [
            new(2, Bag("12.50"), Bag("20.00"), new ShopifyRefundedItem("gid://shopify/LineItem/2", "Shampoo", new ShopifyProduct("Hair care"))),
            new(1, Bag("0.00"), Bag("0.00"), new ShopifyRefundedItem("gid://shopify/LineItem/4", "Free sample", null)),
        ];
        var amountOnly = new ShopifyRefund("gid://shopify/Refund/2", At.AddDays(3), Bag("15.00"));
        var restockOnly = new ShopifyRefund("gid://shopify/Refund/3", At.AddDays(3), Bag("0.00"));

        var returned = ShopifyRecords.Return(order, lines, refunded)!;
        var credited = ShopifyRecords.Return(order, amountOnly, [])!;

        Assert.True(returned.IsReturn);
        Assert.Equal(("gid://shopify/Refund/1", "gid://shopify/Order/7", 2_000L), (returned.ExternalId, returned.ReturnOfExternalId, returned.TotalMinor));
        Assert.Equal([(2, 1_250L, 500L)], returned.Lines.Select(l => (l.Quantity, l.UnitPriceMinor, l.DiscountMinor)));
        Assert.Equal(At.AddDays(2).UtcDateTime, returned.OccurredAt);
        Assert.Equal(("Refund", 1_500L), (credited.Lines.Single().Item, credited.TotalMinor));
        Assert.Null(ShopifyRecords.Return(order, restockOnly, []));
    }
}
