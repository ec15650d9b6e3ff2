using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoyaltyConsole.Sync.Shopify;

// The parts of the GraphQL Admin API's answers the connector reads (no Shopify SDK is served here). Field names are
// Shopify's; whatever else a response holds is ignored. UnsignedInt64 values (objectCount) arrive as strings.

internal static class ShopifyJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

/// <summary>A page of a connection, read through <c>nodes</c> and <c>pageInfo</c>.</summary>
internal sealed record ShopifyPage<T>(IReadOnlyList<T>? Nodes, ShopifyPageInfo? PageInfo)
{
    public IReadOnlyList<T> Items => Nodes ?? [];
    public string? NextCursor => PageInfo is { HasNextPage: true, EndCursor: { Length: > 0 } cursor } ? cursor : null;
}

internal sealed record ShopifyPageInfo(bool HasNextPage, string? EndCursor);

internal sealed record ShopifyRef(string Id);

internal sealed record ShopifyCount(long Count, string? Precision);

/// <summary>
/// A customer. Contact details and marketing consent come from <c>defaultEmailAddress</c> and <c>defaultPhoneNumber</c>
/// (API 2025-04 and later); the older <c>email</c>, <c>phone</c>, <c>emailMarketingConsent</c> and
/// <c>smsMarketingConsent</c> are read too when a response carries them (a webhook body, an older file).
/// </summary>
internal sealed record ShopifyCustomer(
    string Id,
    string? FirstName,
    string? LastName,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    ShopifyEmailAddress? DefaultEmailAddress = null,
    ShopifyPhoneNumber? DefaultPhoneNumber = null,
    string? Email = null,
    string? Phone = null,
    ShopifyMarketingConsent? EmailMarketingConsent = null,
    ShopifyMarketingConsent? SmsMarketingConsent = null);

internal sealed record ShopifyEmailAddress(string? EmailAddress, string? MarketingState);

internal sealed record ShopifyPhoneNumber(string? PhoneNumber, string? MarketingState);

internal sealed record ShopifyMarketingConsent(string? MarketingState);

/// <summary>
/// An order with its first line items and refunds. In a bulk operation's file the line items are lines of their own
/// (linked by <c>__parentId</c>) and <see cref="LineItems"/> is absent.
/// </summary>
internal sealed record ShopifyOrder(
    string Id,
    string? Name,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ProcessedAt,
    DateTimeOffset? UpdatedAt,
    string? CurrencyCode,
    ShopifyRef? Customer,
    ShopifyRef? RetailLocation,
    ShopifyRef? PhysicalLocation = null,
    ShopifyPage<ShopifyLineItem>? LineItems = null,
    IReadOnlyList<ShopifyRefund>? Refunds = null)
{
    /// <summary>Where the sale happened: the POS location (<c>retailLocation</c>; <c>physicalLocation</c> in older versions).</summary>
    public string? LocationId => RetailLocation?.Id ?? PhysicalLocation?.Id;
}

internal sealed record ShopifyLineItem(
    string? Id,
    string? Name,
    string? Sku,
    int Quantity,
    ShopifyProduct? Product,
    ShopifyMoneyBag? OriginalUnitPriceSet,
    ShopifyMoneyBag? TotalDiscountSet);

internal sealed record ShopifyProduct(string? ProductType);

/// <summary>An amount in the shop's currency and in the customer's; only the shop's is read.</summary>
internal sealed record ShopifyMoneyBag(ShopifyMoney? ShopMoney);

/// <summary>A decimal amount as a string, exactly as Shopify sends it (e.g. "12.50"), and its ISO 4217 currency.</summary>
internal sealed record ShopifyMoney(string Amount, string CurrencyCode);

internal sealed record ShopifyRefund(
    string Id,
    DateTimeOffset CreatedAt,
    ShopifyMoneyBag? TotalRefundedSet,
    ShopifyPage<ShopifyRefundLine>? RefundLineItems = null);

internal sealed record ShopifyRefundLine(int Quantity, ShopifyMoneyBag? PriceSet, ShopifyMoneyBag? SubtotalSet, ShopifyRefundedItem? LineItem);

internal sealed record ShopifyRefundedItem(string? Id, string? Name, ShopifyProduct? Product);

internal sealed record ShopifyLocation(string Id, string? Name, bool IsActive = true);

internal sealed record ShopifyBulkOperation(
    string Id,
    string Status,
    string? ErrorCode = null,
    long ObjectCount = 0,
    string? Url = null,
    string? PartialDataUrl = null,
    string? Query = null,
    DateTimeOffset? CreatedAt = null);

internal sealed record ShopifyUserError(IReadOnlyList<string>? Field, string Message, string? Code);

// The data of each query, as its root fields are named (or aliased) there.

internal sealed record CustomersData(ShopifyPage<ShopifyCustomer> Customers);

internal sealed record OrdersData(ShopifyPage<ShopifyOrder> Orders);

internal sealed record CountData(ShopifyCount? Count);

internal sealed record LocationsData(ShopifyPage<ShopifyLocation> Locations);

internal sealed record NodeData<T>(T? Node);

internal sealed record NodesData<T>(IReadOnlyList<T?>? Nodes);

internal sealed record OrderLineItemsNode(ShopifyPage<ShopifyLineItem>? LineItems);

internal sealed record OrderRefundsNode(IReadOnlyList<ShopifyRefund>? Refunds);

internal sealed record RefundLinesNode(string? Id, ShopifyPage<ShopifyRefundLine>? RefundLineItems);

internal sealed record BulkRunData(BulkRunPayload? BulkOperationRunQuery);

internal sealed record BulkRunPayload(ShopifyBulkOperation? BulkOperation, IReadOnlyList<ShopifyUserError>? UserErrors);

internal sealed record CurrentBulkData(ShopifyBulkOperation? CurrentBulkOperation);

/// <summary><c>extensions.cost</c>: what a call cost and what is left in the shop's bucket.</summary>
internal sealed record ShopifyCost(double? RequestedQueryCost, double? ActualQueryCost, ShopifyThrottleStatus? ThrottleStatus);

internal sealed record ShopifyThrottleStatus(double MaximumAvailable, double CurrentlyAvailable, double RestoreRate);

/// <summary>The client credentials grant's answer (Dev Dashboard apps).</summary>
internal sealed record ShopifyAccessTokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("scope")] string? Scope,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn);
