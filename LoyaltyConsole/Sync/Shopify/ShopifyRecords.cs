using System.Globalization;

namespace LoyaltyConsole.Sync.Shopify;

/// <summary>
/// Reads Shopify's customers, orders and refunds into the records every source is written from. Pure: no HTTP, no
/// database. Amounts are the shop's (<c>shopMoney</c>), decimal strings turned into minor units by the currency's
/// exponent; phones and emails go as Shopify has them (the writer normalises them). A record it cannot read throws a
/// <see cref="FormatException"/> naming the record.
/// </summary>
internal static class ShopifyRecords
{
    public static SourceClient Client(ShopifyCustomer customer, long line = 0) => new(
        customer.Id,
        Text(customer.FirstName),
        Text(customer.LastName),
        Text(customer.DefaultEmailAddress?.EmailAddress ?? customer.Email),
        Text(customer.DefaultPhoneNumber?.PhoneNumber ?? customer.Phone),
        CreatedAt: customer.CreatedAt?.UtcDateTime,
        UpdatedAt: customer.UpdatedAt?.UtcDateTime,
        SmsConsent: Consent(customer.DefaultPhoneNumber?.MarketingState ?? customer.SmsMarketingConsent?.MarketingState),
        EmailConsent: Consent(customer.DefaultEmailAddress?.MarketingState ?? customer.EmailMarketingConsent?.MarketingState),
        Line: line);

    /// <summary>
    /// Marketing consent as Shopify states it: SUBSCRIBED is a yes, UNSUBSCRIBED a no; NOT_SUBSCRIBED (never asked),
    /// PENDING (double opt-in not confirmed), REDACTED and INVALID say nothing, so the consent we hold is kept.
    /// </summary>
    public static bool? Consent(string? marketingState) => marketingState switch
    {
        "SUBSCRIBED" => true,
        "UNSUBSCRIBED" => false,
        _ => null,
    };

    /// <summary>
    /// The sale an order records, with the lines it was placed with (a refund is a return of its own), or null when
    /// it has no line with a quantity. The order must have a customer.
    /// </summary>
    public static SourceVisit? Sale(ShopifyOrder order, IReadOnlyList<ShopifyLineItem> lineItems, long line = 0)
    {
        var customer = order.Customer?.Id ?? throw new InvalidOperationException("An order without a customer has no sale to record.");
        var lines = new List<SourceLine>();
        string? currency = order.CurrencyCode;
        foreach (var item in lineItems.Where(i => i.Quantity > 0))
        {
            var price = item.OriginalUnitPriceSet?.ShopMoney;
            var unit = MinorUnits(price, order.Id);
            var discount = Math.Clamp(MinorUnits(item.TotalDiscountSet?.ShopMoney, order.Id), 0, unit * item.Quantity);
            currency ??= price?.CurrencyCode;
            lines.Add(new SourceLine(ItemName(item.Name, item.Sku), Category(item.Product), item.Quantity, unit, discount, IsProduct: !IsService(item.Product)));
        }
        if (lines.Count == 0)
        {
            return null;
        }
        return new SourceVisit(order.Id, customer, order.LocationId, (order.ProcessedAt ?? order.CreatedAt).UtcDateTime, currency, lines,
            UpdatedAt: order.UpdatedAt?.UtcDateTime, Line: line);
    }

    /// <summary>
    /// A refund as a return of its order: the refunded lines at their refunded subtotal (before tax), or, for a refund
    /// of an amount without lines, that amount. Null when it takes nothing back (a restock without money).
    /// </summary>
    public static SourceVisit? Return(ShopifyOrder order, ShopifyRefund refund, IReadOnlyList<ShopifyRefundLine> refundLines, long line = 0)
    {
        var customer = order.Customer?.Id ?? throw new InvalidOperationException("An order without a customer has no return to record.");
        var lines = new List<SourceLine>();
        string? currency = order.CurrencyCode;
        foreach (var refunded in refundLines.Where(l => l.Quantity > 0))
        {
            var subtotal = MinorUnits(refunded.SubtotalSet?.ShopMoney, refund.Id);
            if (subtotal <= 0)
            {
                continue;
            }
            var unit = MinorUnits(refunded.PriceSet?.ShopMoney, refund.Id);
            currency ??= refunded.SubtotalSet?.ShopMoney?.CurrencyCode;
            var name = ItemName(refunded.LineItem?.Name, null);
            var category = Category(refunded.LineItem?.Product);
            var isProduct = !IsService(refunded.LineItem?.Product);
            // The line's amount is its subtotal exactly: the unit price times the quantity, less what was discounted.
            lines.Add(unit * refunded.Quantity >= subtotal
                ? new SourceLine(name, category, refunded.Quantity, unit, unit * refunded.Quantity - subtotal, isProduct)
                : new SourceLine(name, category, 1, subtotal, 0, isProduct));
        }
        if (lines.Count == 0)
        {
            var amount = MinorUnits(refund.TotalRefundedSet?.ShopMoney, refund.Id);
            if (amount <= 0)
            {
                return null;
            }
            currency ??= refund.TotalRefundedSet?.ShopMoney?.CurrencyCode;
            lines.Add(new SourceLine("Refund", null, 1, amount));
        }
        return new SourceVisit(refund.Id, customer, order.LocationId, refund.CreatedAt.UtcDateTime, currency, lines,
            IsReturn: true, ReturnOfExternalId: order.Id, UpdatedAt: refund.CreatedAt.UtcDateTime, Line: line);
    }

    /// <summary>
    /// An amount in minor units of its currency: "12.50" USD is 1250, "1200" JPY is 1200, "1.250" KWD is 1250. More
    /// decimals than the currency has are rounded half away from zero. A missing amount is zero.
    /// </summary>
    public static long MinorUnits(ShopifyMoney? money, string of)
    {
        if (money is null || string.IsNullOrWhiteSpace(money.Amount))
        {
            return 0;
        }
        if (!decimal.TryParse(money.Amount, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            throw new FormatException($"{of}: '{money.Amount}' is not an amount.");
        }
        var scaled = Math.Round(amount * Pow10(Exponent(money.CurrencyCode)), MidpointRounding.AwayFromZero);
        return scaled is > long.MaxValue / 4 or < long.MinValue / 4
            ? throw new FormatException($"{of}: {money.Amount} {money.CurrencyCode} is out of range.")
            : (long)scaled;
    }

    /// <summary>Digits after the decimal point in ISO 4217 (two unless listed).</summary>
    public static int Exponent(string? currency) => Domain.Common.Money.MinorDigits(currency);

    private static decimal Pow10(int exponent) => exponent switch
    {
        0 => 1m,
        3 => 1000m,
        4 => 10000m,
        _ => 100m,
    };

    private static string ItemName(string? name, string? sku) =>
        !string.IsNullOrWhiteSpace(name) ? name.Trim() : !string.IsNullOrWhiteSpace(sku) ? sku.Trim() : "Item";

    private static string? Category(ShopifyProduct? product) => Text(product?.ProductType);

    /// <summary>A line whose product type names a service (a salon's "Service", "Hair services") is a service; anything else is retail.</summary>
    private static bool IsService(ShopifyProduct? product) =>
        product?.ProductType is { } type && type.Contains("service", StringComparison.OrdinalIgnoreCase);

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
