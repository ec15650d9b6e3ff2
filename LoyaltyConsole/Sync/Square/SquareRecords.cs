using System.Globalization;
using LoyaltyConsole.Domain.Loyalty;

namespace LoyaltyConsole.Sync.Square;

/// <summary>
/// Reads Square's customers, orders and loyalty events into the records every source is written from. Pure: no HTTP,
/// no database. Money is already in minor units; phones go as Square has them (the writer normalises them).
/// </summary>
internal static class SquareRecords
{
    /// <summary>Square's stand-in year for a birthday given without one.</summary>
    private const string NoYear = "0000";

    /// <summary>
    /// A leap year for a birthday without a year, so 29 February survives: birthday rewards need the day, and nothing
    /// here reads an age from it.
    /// </summary>
    private const int YearForNoYear = 1904;

    /// <summary>
    /// A customer. Square keeps no SMS marketing consent on the customer, so SMS consent is left unknown; email consent
    /// is <c>preferences.email_unsubscribed</c> turned round. Square customers belong to no location: new ones go to
    /// the connection's default location.
    /// </summary>
    public static SourceClient Client(SquareCustomer customer) => new(
        customer.Id,
        Blank(customer.GivenName) ? customer.CompanyName?.Trim() : customer.GivenName!.Trim(),
        customer.FamilyName?.Trim(),
        customer.EmailAddress?.Trim(),
        customer.PhoneNumber?.Trim(),
        Birthday(customer.Birthday),
        SourceLocationId: null,
        CreatedAt: customer.CreatedAt?.UtcDateTime,
        UpdatedAt: customer.UpdatedAt?.UtcDateTime,
        SmsConsent: null,
        EmailConsent: customer.Preferences?.EmailUnsubscribed is { } unsubscribed ? !unsubscribed : null);

    public static DateOnly? Birthday(string? text)
    {
        if (text is not { Length: >= 10 })
        {
            return null;
        }
        var date = text.StartsWith(NoYear, StringComparison.Ordinal) ? YearForNoYear.ToString(CultureInfo.InvariantCulture) + text[4..10] : text[..10];
        return DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birthday) ? birthday : null;
    }

    /// <summary>What a page of orders holds for the writer, and what it had to leave out.</summary>
    public sealed record OrderPage(List<SourceVisit> Visits, long WithoutCustomer, long WithoutItems, List<SourceIssue> Failed);

    /// <summary>
    /// A page of orders: each sale as a visit, each return (<c>returns</c>, in a return order) as a return of the sale
    /// it names in <c>source_order_id</c>; an exchange gives both. Orders without a customer cannot be anyone's visit:
    /// they are skipped and counted. A return order that names no customer is the customer's of its sale, when we know it.
    /// Gift card sales are not spend, and are left out.
    /// </summary>
    public static OrderPage Visits(IReadOnlyList<SquareOrder> orders, IReadOnlyDictionary<string, string> customerOfSale)
    {
        var visits = new List<SourceVisit>();
        var failed = new List<SourceIssue>();
        long withoutCustomer = 0, withoutItems = 0;
        foreach (var order in orders)
        {
            var customerId = !Blank(order.CustomerId)
                ? order.CustomerId!
                : order.Returns?.Select(r => r.SourceOrderId is { } sale ? customerOfSale.GetValueOrDefault(sale) : null).FirstOrDefault(c => c is not null);
            if (customerId is null)
            {
                withoutCustomer++;
                continue;
            }
            var occurredAt = (order.ClosedAt ?? order.CreatedAt ?? order.UpdatedAt).UtcDateTime;
            var updatedAt = order.UpdatedAt.UtcDateTime;
            try
            {
                var sale = Lines(order.LineItems);
                var returns = order.Returns ?? [];
                if (sale.Lines.Count > 0)
                {
                    visits.Add(new SourceVisit(order.Id, customerId, order.LocationId, occurredAt, sale.Currency ?? order.TotalMoney?.Currency, sale.Lines, UpdatedAt: updatedAt));
                }
                var written = sale.Lines.Count > 0;
                for (var i = 0; i < returns.Count; i++)
                {
                    var taken = Lines(returns[i].ReturnLineItems);
                    if (taken.Lines.Count == 0)
                    {
                        continue;
                    }
                    // One return per return order is the rule; should an order carry several, each keeps a key of its own.
                    var id = returns.Count == 1 ? order.Id : $"{order.Id}:{returns[i].Uid ?? i.ToString(CultureInfo.InvariantCulture)}";
                    visits.Add(new SourceVisit(id, customerId, order.LocationId, occurredAt, taken.Currency ?? order.TotalMoney?.Currency, taken.Lines,
                        IsReturn: true, ReturnOfExternalId: returns[i].SourceOrderId, UpdatedAt: updatedAt));
                    written = true;
                }
                if (!written)
                {
                    withoutItems++;
                }
            }
            catch (FormatException ex)
            {
                failed.Add(new SourceIssue(0, SourceIssueKind.Failed, $"Order {order.Id}: {ex.Message}"));
            }
        }
        return new(visits, withoutCustomer, withoutItems, failed);
    }

    private static (List<SourceLine> Lines, string? Currency) Lines(IReadOnlyList<SquareLineItem>? items)
    {
        var lines = new List<SourceLine>();
        string? currency = null;
        foreach (var item in items ?? [])
        {
            if (string.Equals(item.ItemType, "GIFT_CARD", StringComparison.Ordinal))
            {
                continue;
            }
            if (!decimal.TryParse(item.Quantity, NumberStyles.Number, CultureInfo.InvariantCulture, out var quantity) || quantity < 0)
            {
                throw new FormatException($"line '{item.Name}' has quantity '{item.Quantity}', which is not a number.");
            }
            if (quantity == 0)
            {
                continue;
            }
            var unit = item.BasePriceMoney?.Amount ?? 0;
            var discount = item.TotalDiscountMoney?.Amount ?? 0;
            currency ??= item.BasePriceMoney?.Currency ?? item.TotalDiscountMoney?.Currency;
            var name = string.IsNullOrWhiteSpace(item.Name) ? "Purchase" : item.Name.Trim();
            if (!Blank(item.VariationName) && !string.Equals(item.VariationName, "Regular", StringComparison.OrdinalIgnoreCase))
            {
                name = $"{name} ({item.VariationName!.Trim()})";
            }
            // A weighed or measured item (1.5 kg) is one line of its whole price: our quantities are whole units.
            var (count, price) = quantity == decimal.Truncate(quantity)
                ? ((int)quantity, unit)
                : (1, item.GrossSalesMoney?.Amount ?? (long)decimal.Round(unit * quantity, MidpointRounding.AwayFromZero));
            lines.Add(new SourceLine(name, null, count, price, Math.Clamp(discount, 0, price * count)));
        }
        return (lines, currency);
    }

    /// <summary>
    /// A loyalty event as a movement of points, or null for one that moves none (a reward redeemed: its points went
    /// when the reward was created). The sign follows the event's type, whatever sign Square's field carries; Square's
    /// own refund handling arrives as its OTHER or ADJUST_POINTS events and is mirrored as it is, never reversed again here.
    /// </summary>
    public static SourceLedgerEvent? LedgerEvent(SquareLoyaltyEvent e, string customerId)
    {
        var (kind, detail, sign, reason) = e.Type switch
        {
            "ACCUMULATE_POINTS" => (LedgerEntryKind.Earn, e.AccumulatePoints, 1, "Square Loyalty: points for a purchase"),
            "ACCUMULATE_PROMOTION_POINTS" => (LedgerEntryKind.Earn, e.AccumulatePromotionPoints, 1, "Square Loyalty: promotion points"),
            "CREATE_REWARD" => (LedgerEntryKind.Redeem, e.CreateReward, -1, "Square Loyalty: reward created"),
            "DELETE_REWARD" => (LedgerEntryKind.Adjust, e.DeleteReward, 1, "Square Loyalty: reward deleted, points returned"),
            "EXPIRE_POINTS" => (LedgerEntryKind.Expire, e.ExpirePoints, -1, "Square Loyalty: points expired"),
            "ADJUST_POINTS" => (LedgerEntryKind.Adjust, e.AdjustPoints, 0, "Square Loyalty: adjusted"),
            "OTHER" => (LedgerEntryKind.Adjust, e.OtherEvent, 0, "Square Loyalty: changed by Square (e.g. a refund)"),
            "REDEEM_REWARD" => (LedgerEntryKind.Redeem, null, 0, ""),
            _ => throw new FormatException($"Loyalty event {e.Id} has type '{e.Type}', which this connector does not know."),
        };
        if (detail?.Points is not { } points || points == 0)
        {
            return null;
        }
        var signed = sign == 0 ? points : sign * Math.Abs(points);
        if (!Blank(detail.Reason))
        {
            reason = $"{reason}: {detail.Reason!.Trim()}";
        }
        return new SourceLedgerEvent(e.Id, customerId, kind, signed, e.CreatedAt.UtcDateTime,
            reason.Length > LedgerEntry.ReasonMaxLength ? reason[..LedgerEntry.ReasonMaxLength] : reason, detail.OrderId);
    }

    private static bool Blank(string? text) => string.IsNullOrWhiteSpace(text);
}
