namespace LoyaltyConsole.Sync.Shopify;

/// <summary>
/// Section <c>Sync:Shopify</c>: how the Shopify connector pages, when it switches to a bulk operation, and how hard it
/// tries. The rate limit is not configured here: it is read from every response (<c>extensions.cost.throttleStatus</c>),
/// because the bucket and its restore rate depend on the shop's plan.
/// </summary>
public sealed class ShopifyOptions
{
    public const string SectionName = "Sync:Shopify";

    /// <summary>Shopify paginates no further than this many objects of one query; a larger window is read in bulk.</summary>
    public const int PaginationCap = 25_000;

    /// <summary>The Admin API version used when a connection names none.</summary>
    public string DefaultApiVersion { get; set; } = "2026-01";

    /// <summary>Customers per page (Shopify allows up to 250).</summary>
    public int CustomersPageSize { get; set; } = 100;

    /// <summary>
    /// Orders per page. Each order brings its first line items and refunds, so the query's cost is about this times
    /// their size; Shopify refuses a single query above 1,000 points, which the defaults stay under.
    /// </summary>
    public int OrdersPageSize { get; set; } = 10;

    /// <summary>Line items read with each order; an order with more has the rest read on their own.</summary>
    public int LineItemsPerOrder { get; set; } = 10;

    /// <summary>Refunds read with each order; an order with this many has all its refunds read on their own.</summary>
    public int RefundsPerOrder { get; set; } = 5;

    /// <summary>Refunds whose lines are read per call, and lines read with each.</summary>
    public int RefundsPerCall { get; set; } = 10;

    public int LinesPerRefund { get; set; } = 10;

    /// <summary>
    /// A window with more changed customers or orders than this is read with a bulk operation instead of pages
    /// (the first sync always is). At most the pagination cap.
    /// </summary>
    public int BulkThreshold { get; set; } = PaginationCap;

    /// <summary>Records written per transaction while reading a bulk operation's file.</summary>
    public int BulkBatchSize { get; set; } = 1000;

    /// <summary>How often a running bulk operation is asked how it is doing.</summary>
    public int BulkPollMilliseconds { get; set; } = 5000;

    /// <summary>How long a bulk operation may run before the run gives up on it (the next run picks it up again).</summary>
    public int BulkMaxWaitMinutes { get; set; } = 240;

    /// <summary>Times one call is sent again after Shopify answered THROTTLED, each after the wait its figures ask for.</summary>
    public int MaxThrottledRetries { get; set; } = 20;

    /// <summary>Retries of a read after a 429, a 5xx, a timeout or a dropped connection (never of a mutation).</summary>
    public int MaxRetries { get; set; } = 6;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter, unless Shopify says Retry-After.</summary>
    public int RetryDelayMilliseconds { get; set; } = 1000;

    /// <summary>One HTTP attempt's timeout.</summary>
    public int AttemptTimeoutSeconds { get; set; } = 30;

    /// <summary>One request's timeout, all its retries included.</summary>
    public int RequestTimeoutSeconds { get; set; } = 300;

    /// <summary>How long downloading a bulk operation's result file may take.</summary>
    public int DownloadTimeoutMinutes { get; set; } = 60;
}
