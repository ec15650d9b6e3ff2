using System.Globalization;
using System.Text.Json.Nodes;
using LoyaltyConsole.Data;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Sync.Square;

/// <summary>
/// Reads a Square seller's customers, orders (sales and returns) and, where the seller runs Square Loyalty, its points
/// events, in that order, each by cursor over one fixed window: from the watermark less the connection's overlap to the
/// moment the run started. Every page is parsed whole before any of it is written, written in one transaction, then
/// committed as the resume state (phase, location batch, exact query, next cursor). The watermark moves to the window's
/// end only when every phase has read to it; records read again (the overlap, a page after a crash) are found unchanged.
/// </summary>
public sealed class SquareConnector(
    SquareApi api,
    IDbContextFactory<ApplicationDbContext> dbFactory,
    TimeProvider clock,
    IOptions<SquareOptions> options,
    ILogger<SquareConnector> logger) : ISourceConnector
{
    /// <summary>SearchOrders takes at most this many location ids.</summary>
    public const int LocationsPerOrderSearch = 10;

    private const string CustomersPath = "v2/customers/search";
    private const string OrdersPath = "v2/orders/search";
    private const string LoyaltyEventsPath = "v2/loyalty/events/search";
    private const string LoyaltyAccountsPath = "v2/loyalty/accounts/search";

    public ConnectionKind Kind => ConnectionKind.Square;

    public async Task RunAsync(SyncContext context)
    {
        var connection = context.Connection;
        if (connection.DefaultLocationId is null)
        {
            throw new SyncFailedException("Square customers belong to no location: choose the connection's default location (the home of new clients) on the Connections page.");
        }
        var batches = connection.Locations.Select(l => l.SourceLocationId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Chunk(LocationsPerOrderSearch).Select(IReadOnlyList<string> (b) => b).ToList();
        if (batches.Count == 0)
        {
            throw new SyncFailedException("No Square location is mapped to one of ours: map them on the Connections page (orders are read only for mapped locations).");
        }
        var resumed = SquareResumeState.Parse(connection.ResumeState);
        var state = resumed ?? Start(context, batches);
        var run = new RunNotes(state, resumed is not null);
        if (resumed is not null)
        {
            logger.LogInformation("Square connection {ConnectionId} resumes at {Where}.", connection.Id, resumed.Describe());
        }
        var endpoint = api.Endpoint(context.Settings, context.Credentials());
        while (state.Phase != SquareResumeState.Done)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            state = state.Phase switch
            {
                SquareResumeState.Customers => await CustomersPageAsync(context, endpoint, state, run),
                SquareResumeState.Orders => await OrdersPageAsync(context, endpoint, state, run),
                // Square Loyalty turned off since the run stopped: its events must not be mirrored beside points earned here.
                _ when !context.Settings.SourceKeepsLedger => state.NextSearch(readLoyalty: false),
                _ => await LoyaltyPageAsync(context, endpoint, state, run),
            };
            context.Describe(run.Summary());
            if (state.Phase != SquareResumeState.Done)
            {
                await context.CheckpointAsync(null, state.ToJson(), Label(state), context.Counts.Total);
            }
        }
        // Every phase has read to the window's end: only now does the watermark move, and nothing is left to resume.
        await context.CheckpointAsync(state.Until, null, "Read everything", context.Counts.Total);
        await context.ReconcileAsync(await CountCustomersAsync(endpoint, context.CancellationToken));
    }

    private SquareResumeState Start(SyncContext context, List<IReadOnlyList<string>> batches)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        DateTime? since = context.Connection.Watermark is { } watermark
            ? DateTime.SpecifyKind(watermark, DateTimeKind.Utc).AddMinutes(-Math.Max(0, context.Settings.OverlapMinutes))
            : null;
        return new SquareResumeState(SquareResumeState.Customers, since, until, batches);
    }

    private async Task<SquareResumeState> CustomersPageAsync(SyncContext context, SquareEndpoint endpoint, SquareResumeState state, RunNotes run)
    {
        // Square sorts customers only by name or by created_at, not by updated_at: the window's fixed end keeps the
        // result set still while it is paged, and an update during the run falls into the next run's window.
        var query = state.Query ?? new JsonObject
        {
            ["limit"] = options.Value.CustomersPageSize,
            ["query"] = new JsonObject
            {
                ["filter"] = new JsonObject { ["updated_at"] = TimeRange(state) },
                ["sort"] = new JsonObject { ["field"] = "CREATED_AT", ["order"] = "ASC" },
            },
        }.ToJsonString();
        var page = await api.SearchAsync<SearchCustomersResponse>(endpoint, CustomersPath, WithCursor(query, state.Cursor), state.Describe(), context.CancellationToken);
        var records = (page.Customers ?? []).Select(SquareRecords.Client).ToList();
        context.Input = "customers";
        context.Count(await context.Writer.WriteClientsAsync(context.Connection, records, context.Issues, context.CancellationToken));
        run.CustomerPages++;
        return Next(context, state with { Query = query }, page.Cursor);
    }

    private async Task<SquareResumeState> OrdersPageAsync(SyncContext context, SquareEndpoint endpoint, SquareResumeState state, RunNotes run)
    {
        var query = state.Query ?? new JsonObject
        {
            ["location_ids"] = new JsonArray([.. state.LocationBatches[state.Batch].Select(id => (JsonNode?)JsonValue.Create(id))]),
            ["query"] = new JsonObject
            {
                ["filter"] = new JsonObject
                {
                    ["date_time_filter"] = new JsonObject { ["updated_at"] = TimeRange(state) },
                    ["state_filter"] = new JsonObject { ["states"] = new JsonArray("COMPLETED") },
                },
                // Square requires the sort field to be the one the time filter uses.
                ["sort"] = new JsonObject { ["sort_field"] = "UPDATED_AT", ["sort_order"] = "ASC" },
            },
            ["limit"] = options.Value.OrdersPageSize,
            ["return_entries"] = false,
        }.ToJsonString();
        var page = await api.SearchAsync<SearchOrdersResponse>(endpoint, OrdersPath, WithCursor(query, state.Cursor), state.Describe(), context.CancellationToken);
        var orders = page.Orders ?? [];
        var read = SquareRecords.Visits(orders, await CustomersOfSalesAsync(context.Connection, orders, context.CancellationToken));
        context.Input = "orders";
        foreach (var issue in read.Failed)
        {
            context.Issues.Add(issue);
        }
        context.Count(new SyncCounts(0, 0, 0, read.WithoutCustomer + read.WithoutItems, read.Failed.Count));
        context.Count(await context.Writer.WriteVisitsAsync(context.Connection, read.Visits, context.Issues, context.CancellationToken));
        run.OrderPages++;
        run.WithoutCustomer += read.WithoutCustomer;
        run.WithoutItems += read.WithoutItems;
        return Next(context, state with { Query = query }, page.Cursor);
    }

    private async Task<SquareResumeState> LoyaltyPageAsync(SyncContext context, SquareEndpoint endpoint, SquareResumeState state, RunNotes run)
    {
        // Square lists events newest first and offers no other order; the fixed window keeps the pages still.
        var query = state.Query ?? new JsonObject
        {
            ["query"] = new JsonObject
            {
                ["filter"] = new JsonObject { ["date_time_filter"] = new JsonObject { ["created_at"] = TimeRange(state) } },
            },
            ["limit"] = options.Value.LoyaltyEventsPageSize,
        }.ToJsonString();
        var page = await api.SearchAsync<SearchLoyaltyEventsResponse>(endpoint, LoyaltyEventsPath, WithCursor(query, state.Cursor), state.Describe(), context.CancellationToken);
        var events = page.Events ?? [];
        await KnowAccountsAsync(endpoint, state, run, events.Select(e => e.LoyaltyAccountId), context.CancellationToken);
        context.Input = "loyalty events";
        var records = new List<SourceLedgerEvent>();
        long skipped = 0, failed = 0;
        foreach (var e in events)
        {
            if (run.CustomerOfAccount.GetValueOrDefault(e.LoyaltyAccountId) is not { } customerId)
            {
                skipped++;
                context.Issues.Add(new SourceIssue(0, SourceIssueKind.Skipped, $"Loyalty event {e.Id}: loyalty account {e.LoyaltyAccountId} has no customer profile."));
                continue;
            }
            try
            {
                if (SquareRecords.LedgerEvent(e, customerId) is { } record)
                {
                    records.Add(record);
                }
            }
            catch (FormatException ex)
            {
                failed++;
                context.Issues.Add(new SourceIssue(0, SourceIssueKind.Failed, ex.Message));
            }
        }
        context.Count(new SyncCounts(0, 0, 0, skipped, failed));
        context.Count(await context.Writer.WriteLedgerEventsAsync(context.Connection, records, context.Issues, context.CancellationToken));
        run.LoyaltyPages++;
        return Next(context, state with { Query = query }, page.Cursor);
    }

    private static SquareResumeState Next(SyncContext context, SquareResumeState state, string? cursor) =>
        string.IsNullOrEmpty(cursor) ? state.NextSearch(readLoyalty: context.Settings.SourceKeepsLedger) : state.NextPage(cursor);

    /// <summary>
    /// Which customer each loyalty account belongs to. A full sync lists every account (200 a call); an incremental
    /// one asks only for the accounts its events name that it does not know yet.
    /// </summary>
    private async Task KnowAccountsAsync(SquareEndpoint endpoint, SquareResumeState state, RunNotes run, IEnumerable<string> accountIds, CancellationToken ct)
    {
        if (state.Since is null && !run.AccountsListed)
        {
            var query = new JsonObject { ["limit"] = options.Value.LoyaltyAccountsPageSize }.ToJsonString();
            string? cursor = null;
            do
            {
                var page = await api.SearchAsync<SearchLoyaltyAccountsResponse>(endpoint, LoyaltyAccountsPath, WithCursor(query, cursor), "loyalty accounts", ct);
                foreach (var account in page.LoyaltyAccounts ?? [])
                {
                    run.CustomerOfAccount[account.Id] = account.CustomerId;
                }
                cursor = page.Cursor;
            }
            while (!string.IsNullOrEmpty(cursor));
            run.AccountsListed = true;
        }
        foreach (var id in accountIds.Distinct(StringComparer.Ordinal).Where(id => !run.CustomerOfAccount.ContainsKey(id)).ToList())
        {
            var found = await api.GetAsync<RetrieveLoyaltyAccountResponse>(endpoint, $"v2/loyalty/accounts/{Uri.EscapeDataString(id)}", "a loyalty account", ct);
            run.CustomerOfAccount[id] = found.LoyaltyAccount.CustomerId;
        }
    }

    /// <summary>The customers of the sales that this page's return orders name without naming a customer themselves.</summary>
    private async Task<IReadOnlyDictionary<string, string>> CustomersOfSalesAsync(Connection connection, IReadOnlyList<SquareOrder> orders, CancellationToken ct)
    {
        var wanted = orders.Where(o => string.IsNullOrWhiteSpace(o.CustomerId))
            .SelectMany(o => o.Returns ?? []).Select(r => r.SourceOrderId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return new Dictionary<string, string>();
        }
        var known = orders.Where(o => wanted.Contains(o.Id) && !string.IsNullOrWhiteSpace(o.CustomerId))
            .ToDictionary(o => o.Id, o => o.CustomerId!, StringComparer.Ordinal);
        var missing = wanted.Except(known.Keys).ToList();
        if (missing.Count > 0)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var source = connection.Source;
            var found = await db.Visits.AsNoTracking()
                .Where(v => v.Source == source && missing.Contains(v.ExternalId))
                .Join(db.Clients.Where(c => c.Source == source), v => v.ClientId, c => c.Id, (v, c) => new { Sale = v.ExternalId, Customer = c.ExternalId })
                .ToListAsync(ct);
            foreach (var f in found)
            {
                known[f.Sale] = f.Customer;
            }
        }
        return known;
    }

    /// <summary>
    /// The reconciliation line's source side: SearchCustomers counts its matches when asked (<c>count: true</c>), so one
    /// call with a limit of one counts the seller's customers. Null when Square does not say.
    /// </summary>
    private async Task<long?> CountCustomersAsync(SquareEndpoint endpoint, CancellationToken ct)
    {
        var body = new JsonObject { ["limit"] = 1, ["count"] = true }.ToJsonString();
        return (await api.SearchAsync<SearchCustomersResponse>(endpoint, CustomersPath, body, "the count of customers", ct)).Count;
    }

    private static JsonObject TimeRange(SquareResumeState state)
    {
        var range = new JsonObject();
        if (state.Since is { } since)
        {
            range["start_at"] = Rfc3339(since);
        }
        range["end_at"] = Rfc3339(state.Until);
        return range;
    }

    private static string Rfc3339(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The stored query, byte for byte, with the cursor of the page wanted.</summary>
    private static string WithCursor(string query, string? cursor)
    {
        if (cursor is null)
        {
            return query;
        }
        var body = JsonNode.Parse(query)!.AsObject();
        body["cursor"] = cursor;
        return body.ToJsonString();
    }

    private static string Label(SquareResumeState state) => state.Phase switch
    {
        SquareResumeState.Customers => "Reading Square customers",
        SquareResumeState.Orders => $"Reading Square orders (location batch {state.Batch + 1} of {state.LocationBatches.Count})",
        _ => "Reading Square Loyalty events",
    };

    /// <summary>What one run read, for its summary, and the loyalty accounts it has looked up.</summary>
    private sealed class RunNotes(SquareResumeState start, bool resumed)
    {
        public int CustomerPages { get; set; }
        public int OrderPages { get; set; }
        public int LoyaltyPages { get; set; }
        public long WithoutCustomer { get; set; }
        public long WithoutItems { get; set; }
        public bool AccountsListed { get; set; }
        public Dictionary<string, string?> CustomerOfAccount { get; } = new(StringComparer.Ordinal);

        public string Summary()
        {
            var window = start.Since is { } since ? $"updates from {since:yyyy-MM-dd HH:mm} to {start.Until:yyyy-MM-dd HH:mm} UTC" : $"everything to {start.Until:yyyy-MM-dd HH:mm} UTC";
            var from = resumed ? $" (resumed at {start.Describe()})" : "";
            return string.Create(CultureInfo.InvariantCulture,
                $"Square, {window}{from}: {CustomerPages} pages of customers, {OrderPages} of orders over {start.LocationBatches.Count} location batches, " +
                $"{LoyaltyPages} of loyalty events. Skipped: {WithoutCustomer:N0} orders without a customer, {WithoutItems:N0} without items.");
        }
    }
}
