using System.Text.Json;

namespace LoyaltyConsole.Sync.Shopify;

/// <summary>
/// Where a Shopify run is, committed with every page or batch (the connection's resume state): the window it reads
/// (<see cref="Since"/> to <see cref="Until"/>, fixed when the run started), the phase (customers, then orders), how
/// the phase is read (pages or a bulk operation), and how far: the cursor after the last page written, or the bulk
/// operation's id and the last line of its file written. A run that stopped resumes here with the same window.
/// </summary>
internal sealed record ShopifyResumeState(
    string Phase,
    DateTime? Since,
    DateTime Until,
    string? Mode = null,
    long? Total = null,
    string? Cursor = null,
    int Page = 1,
    string? BulkOperationId = null,
    long Line = 0,
    long Done = 0,
    string? Abandoned = null)
{
    public const string Customers = "customers";
    public const string Orders = "orders";
    public const string Finished = "done";

    public const string Pages = "pages";
    public const string Bulk = "bulk";

    /// <summary>Marks the state as this connector's; a state it cannot read is not resumed but started afresh.</summary>
    public string Connector { get; init; } = "shopify/1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The search every query and count of this run uses.</summary>
    public string Search => ShopifyQueries.UpdatedBetween(Since, Until);

    public static ShopifyResumeState? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            var state = JsonSerializer.Deserialize<ShopifyResumeState>(json, Json);
            return state is { Connector: "shopify/1", Phase: Customers or Orders, Mode: null or Pages or Bulk } ? state : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The next page of the same search.</summary>
    public ShopifyResumeState NextPage(string cursor, int read) => this with { Cursor = cursor, Page = Page + 1, Done = Done + read };

    /// <summary>
    /// Gives up the bulk operation (its file cannot be read, or it failed): the next run starts a new one, and does not
    /// take this one up again although its query is the same.
    /// </summary>
    public ShopifyResumeState Abandon() => this with { Abandoned = BulkOperationId ?? Abandoned, BulkOperationId = null, Line = 0, Done = 0 };

    /// <summary>The phase has read everything in the window: the next one starts from nothing.</summary>
    public ShopifyResumeState NextPhase() => new(Phase == Customers ? Orders : Finished, Since, Until);

    public string Describe() => (Phase, Mode) switch
    {
        (Finished, _) => "done",
        (_, Bulk) => $"{Phase} in bulk, after line {Line:N0} of the result",
        (_, Pages) => $"{Phase}, page {Page}",
        _ => $"{Phase}, starting",
    };
}
