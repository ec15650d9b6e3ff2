using System.Text.Json;

namespace LoyaltyConsole.Sync.Square;

/// <summary>
/// Where a Square run is, committed with every page (the connection's resume state): the window it reads
/// (<see cref="Since"/> to <see cref="Until"/>), the phase, the location batches as they were when the run started and
/// the one being read, the exact query body of the current search and the cursor of the next page. A run that stopped
/// resumes here and sends the identical query with that cursor, as Square requires.
/// </summary>
internal sealed record SquareResumeState(
    string Phase,
    DateTime? Since,
    DateTime Until,
    IReadOnlyList<IReadOnlyList<string>> LocationBatches,
    int Batch = 0,
    string? Query = null,
    string? Cursor = null,
    int Page = 1)
{
    public const string Customers = "customers";
    public const string Orders = "orders";
    public const string Loyalty = "loyalty";
    public const string Done = "done";

    /// <summary>Marks the state as this connector's; a state it cannot read is not resumed but started afresh.</summary>
    public string Connector { get; init; } = "square/1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static SquareResumeState? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            var state = JsonSerializer.Deserialize<SquareResumeState>(json, Json);
            return state is { Connector: "square/1", Phase: Customers or Orders or Loyalty } && state.LocationBatches.Count > 0 ? state : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The next page of the same search.</summary>
    public SquareResumeState NextPage(string cursor) => this with { Cursor = cursor, Page = Page + 1 };

    /// <summary>The search ran out of pages: the next location batch, or the next phase.</summary>
    public SquareResumeState NextSearch(bool readLoyalty)
    {
        var start = this with { Query = null, Cursor = null, Page = 1 };
        return Phase switch
        {
            Customers => start with { Phase = Orders, Batch = 0 },
            Orders when Batch + 1 < LocationBatches.Count => start with { Batch = Batch + 1 },
            Orders when readLoyalty => start with { Phase = Loyalty },
            _ => start with { Phase = Done },
        };
    }

    public string Describe() => Phase switch
    {
        Customers => $"customers, page {Page}",
        Orders => $"orders of location batch {Batch + 1} of {LocationBatches.Count}, page {Page}",
        Loyalty => $"loyalty events, page {Page}",
        _ => "done",
    };
}
