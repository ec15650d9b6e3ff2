namespace LoyaltyConsole.Sync.Square;

/// <summary>
/// Section <c>Sync:Square</c>: how the Square connector pages and how hard it tries. Square publishes no rate limits,
/// so reads back off with jitter (honouring Retry-After) and a run that still fails resumes at its next start.
/// </summary>
public sealed class SquareOptions
{
    public const string SectionName = "Sync:Square";

    /// <summary>Square-Version sent when a connection names none.</summary>
    public string DefaultApiVersion { get; set; } = "2026-01-22";

    /// <summary>SearchCustomers page size: Square allows 1–100.</summary>
    public int CustomersPageSize { get; set; } = 100;

    /// <summary>SearchOrders page size: Square allows up to 1,000 (default 500).</summary>
    public int OrdersPageSize { get; set; } = 1000;

    /// <summary>SearchLoyaltyEvents page size: Square allows up to 30.</summary>
    public int LoyaltyEventsPageSize { get; set; } = 30;

    /// <summary>SearchLoyaltyAccounts page size: Square allows up to 200.</summary>
    public int LoyaltyAccountsPageSize { get; set; } = 200;

    /// <summary>Retries of a read after a 429, a 5xx, a timeout or a dropped connection.</summary>
    public int MaxRetries { get; set; } = 6;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter, unless Square says Retry-After.</summary>
    public int RetryDelayMilliseconds { get; set; } = 1000;

    /// <summary>One HTTP attempt's timeout.</summary>
    public int AttemptTimeoutSeconds { get; set; } = 30;

    /// <summary>One request's timeout, all its retries included.</summary>
    public int RequestTimeoutSeconds { get; set; } = 300;
}
