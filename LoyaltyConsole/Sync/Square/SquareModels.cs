using System.Text.Json;

namespace LoyaltyConsole.Sync.Square;

// Square's documented request and response shapes, as far as the connector reads them (snake_case on the wire). A
// parameter without a default is required: a response that lacks it is malformed and fails the run, rather than being
// written half-read.

internal static class SquareJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };
}

internal sealed record SquareError(string? Category = null, string? Code = null, string? Detail = null, string? Field = null);

internal sealed record SquareErrorResponse(IReadOnlyList<SquareError>? Errors = null);

internal sealed record SquareMoney(long Amount, string? Currency = null);

internal sealed record SquareLocation(string Id, string? Name = null, string? Status = null);

internal sealed record ListLocationsResponse(IReadOnlyList<SquareLocation>? Locations = null);

internal sealed record SquareCustomerPreferences(bool? EmailUnsubscribed = null);

internal sealed record SquareCustomer(
    string Id,
    string? GivenName = null,
    string? FamilyName = null,
    string? CompanyName = null,
    string? EmailAddress = null,
    string? PhoneNumber = null,
    string? Birthday = null,
    DateTimeOffset? CreatedAt = null,
    DateTimeOffset? UpdatedAt = null,
    SquareCustomerPreferences? Preferences = null);

internal sealed record SearchCustomersResponse(IReadOnlyList<SquareCustomer>? Customers = null, string? Cursor = null, long? Count = null);

/// <summary>A line of a sale (<c>line_items</c>) or of a return (<c>return_line_items</c>): the quantity is a decimal string.</summary>
internal sealed record SquareLineItem(
    string Quantity,
    string? Uid = null,
    string? Name = null,
    string? VariationName = null,
    string? ItemType = null,
    SquareMoney? BasePriceMoney = null,
    SquareMoney? TotalDiscountMoney = null,
    SquareMoney? GrossSalesMoney = null);

/// <summary>A return inside a return order: the lines taken back from the sale <c>source_order_id</c>.</summary>
internal sealed record SquareOrderReturn(string? Uid = null, string? SourceOrderId = null, IReadOnlyList<SquareLineItem>? ReturnLineItems = null);

internal sealed record SquareOrder(
    string Id,
    string LocationId,
    DateTimeOffset UpdatedAt,
    string? CustomerId = null,
    string? State = null,
    DateTimeOffset? CreatedAt = null,
    DateTimeOffset? ClosedAt = null,
    IReadOnlyList<SquareLineItem>? LineItems = null,
    IReadOnlyList<SquareOrderReturn>? Returns = null,
    SquareMoney? TotalMoney = null);

internal sealed record SearchOrdersResponse(IReadOnlyList<SquareOrder>? Orders = null, string? Cursor = null);

/// <summary>The detail of a loyalty event: which fields are set depends on its type.</summary>
internal sealed record SquareLoyaltyEventDetail(int? Points = null, string? OrderId = null, string? Reason = null, string? RewardId = null);

internal sealed record SquareLoyaltyEvent(
    string Id,
    string Type,
    DateTimeOffset CreatedAt,
    string LoyaltyAccountId,
    string? LocationId = null,
    string? Source = null,
    SquareLoyaltyEventDetail? AccumulatePoints = null,
    SquareLoyaltyEventDetail? AccumulatePromotionPoints = null,
    SquareLoyaltyEventDetail? CreateReward = null,
    SquareLoyaltyEventDetail? RedeemReward = null,
    SquareLoyaltyEventDetail? DeleteReward = null,
    SquareLoyaltyEventDetail? AdjustPoints = null,
    SquareLoyaltyEventDetail? ExpirePoints = null,
    SquareLoyaltyEventDetail? OtherEvent = null);

internal sealed record SearchLoyaltyEventsResponse(IReadOnlyList<SquareLoyaltyEvent>? Events = null, string? Cursor = null);

internal sealed record SquareLoyaltyAccount(string Id, string? CustomerId = null);

internal sealed record SearchLoyaltyAccountsResponse(IReadOnlyList<SquareLoyaltyAccount>? LoyaltyAccounts = null, string? Cursor = null);

internal sealed record RetrieveLoyaltyAccountResponse(SquareLoyaltyAccount LoyaltyAccount);
