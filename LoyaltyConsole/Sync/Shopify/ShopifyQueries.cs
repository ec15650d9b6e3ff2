using System.Globalization;

namespace LoyaltyConsole.Sync.Shopify;

/// <summary>
/// The GraphQL documents the connector sends. Each query is named, so a log line (and the tests' fake shop) can tell
/// them apart; its variables carry what changes from call to call (first, after, query, sortKey). The fields chosen
/// exist in API versions 2025-10 and 2026-01.
/// </summary>
internal static class ShopifyQueries
{
    private const string Money = "shopMoney { amount currencyCode }";

    private const string CustomerFields = """
        id firstName lastName createdAt updatedAt
        defaultEmailAddress { emailAddress marketingState }
        defaultPhoneNumber { phoneNumber marketingState }
        """;

    private const string LineItemFields = $$"""
        id name sku quantity product { productType }
        originalUnitPriceSet { {{Money}} }
        totalDiscountSet { {{Money}} }
        """;

    private const string RefundFields = $$"""id createdAt totalRefundedSet { {{Money}} }""";

    private const string RefundLineFields = $$"""
        quantity priceSet { {{Money}} } subtotalSet { {{Money}} }
        lineItem { id name product { productType } }
        """;

    private const string PageInfo = "pageInfo { hasNextPage endCursor }";

    public const string Customers = $$"""
        query ShopifyCustomers($first: Int!, $after: String, $query: String, $sortKey: CustomerSortKeys) {
          customers(first: $first, after: $after, query: $query, sortKey: $sortKey) {
            nodes { {{CustomerFields}} }
            {{PageInfo}}
          }
        }
        """;

    public const string Orders = $$"""
        query ShopifyOrders($first: Int!, $after: String, $query: String, $sortKey: OrderSortKeys, $lines: Int!, $refunds: Int!) {
          orders(first: $first, after: $after, query: $query, sortKey: $sortKey) {
            nodes {
              id name createdAt processedAt updatedAt currencyCode
              customer { id }
              retailLocation { id }
              lineItems(first: $lines) { nodes { {{LineItemFields}} } {{PageInfo}} }
              refunds(first: $refunds) { {{RefundFields}} }
            }
            {{PageInfo}}
          }
        }
        """;

    /// <summary>The rest of an order's line items, when it has more than were read with it.</summary>
    public const string OrderLineItems = $$"""
        query ShopifyOrderLineItems($id: ID!, $first: Int!, $after: String) {
          node(id: $id) { ... on Order { lineItems(first: $first, after: $after) { nodes { {{LineItemFields}} } {{PageInfo}} } } }
        }
        """;

    /// <summary>All of an order's refunds, when it has as many as were read with it.</summary>
    public const string OrderRefunds = $$"""
        query ShopifyOrderRefunds($id: ID!) {
          node(id: $id) { ... on Order { refunds { {{RefundFields}} } } }
        }
        """;

    /// <summary>The lines of several refunds (a refund's lines are a connection, which a bulk query cannot read inside the refunds list).</summary>
    public const string RefundLines = $$"""
        query ShopifyRefundLines($ids: [ID!]!, $first: Int!) {
          nodes(ids: $ids) { ... on Refund { id refundLineItems(first: $first) { nodes { {{RefundLineFields}} } {{PageInfo}} } } }
        }
        """;

    public const string MoreRefundLines = $$"""
        query ShopifyMoreRefundLines($id: ID!, $first: Int!, $after: String) {
          node(id: $id) { ... on Refund { id refundLineItems(first: $first, after: $after) { nodes { {{RefundLineFields}} } {{PageInfo}} } } }
        }
        """;

    /// <summary>How many customers or orders a window holds, uncapped (<c>limit: null</c>; the default stops at 10,000).</summary>
    public const string CustomersCount = """
        query ShopifyCustomersCount($query: String) { count: customersCount(query: $query, limit: null) { count precision } }
        """;

    public const string OrdersCount = """
        query ShopifyOrdersCount($query: String) { count: ordersCount(query: $query, limit: null) { count precision } }
        """;

    public const string Locations = """
        query ShopifyLocations($first: Int!, $after: String) {
          locations(first: $first, after: $after, includeInactive: true) { nodes { id name isActive } pageInfo { hasNextPage endCursor } }
        }
        """;

    /// <summary>
    /// Starts a bulk query. <c>groupObjects: true</c> puts each order's line items directly below it in the file (the
    /// default became false in 2026-01), so the file can be read one order at a time without holding it all.
    /// </summary>
    public const string BulkRun = """
        mutation ShopifyBulkRun($query: String!) {
          bulkOperationRunQuery(query: $query, groupObjects: true) {
            bulkOperation { id status createdAt }
            userErrors { field message code }
          }
        }
        """;

    private const string BulkFields = "id status errorCode objectCount url partialDataUrl query createdAt";

    public const string CurrentBulk = $$"""
        query ShopifyCurrentBulk { currentBulkOperation(type: QUERY) { {{BulkFields}} } }
        """;

    public const string BulkStatus = $$"""
        query ShopifyBulkStatus($id: ID!) { node(id: $id) { ... on BulkOperation { {{BulkFields}} } } }
        """;

    /// <summary>The bulk query for a window's customers: each line of the file is one customer.</summary>
    public static string BulkCustomers(string search) => $$"""
        {
          customers(query: {{Quote(search)}}) {
            edges { node { {{CustomerFields}} } }
          }
        }
        """;

    /// <summary>
    /// The bulk query for a window's orders: a line per order (its refunds inline, without their lines), followed by a
    /// line per line item carrying the order's id in <c>__parentId</c>.
    /// </summary>
    public static string BulkOrders(string search) => $$"""
        {
          orders(query: {{Quote(search)}}) {
            edges {
              node {
                id name createdAt processedAt updatedAt currencyCode
                customer { id }
                retailLocation { id }
                refunds { {{RefundFields}} }
                lineItems { edges { node { {{LineItemFields}} } } }
              }
            }
          }
        }
        """;

    /// <summary>
    /// Shopify's search syntax for records updated in the window: <c>updated_at:&gt;='…' AND updated_at:&lt;='…'</c>
    /// (only the upper bound on a first sync). Times are UTC to the second.
    /// </summary>
    public static string UpdatedBetween(DateTime? since, DateTime until) =>
        since is { } from
            ? $"updated_at:>='{Format(from)}' AND updated_at:<='{Format(until)}'"
            : $"updated_at:<='{Format(until)}'";

    private static string Format(DateTime at) =>
        DateTime.SpecifyKind(at, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
