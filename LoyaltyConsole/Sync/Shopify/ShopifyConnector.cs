using System.Globalization;
using System.Text.Json;
using LoyaltyConsole.Data;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Sync.Shopify;

/// <summary>
/// Reads a Shopify shop's customers, then its orders with their line items and refunds, over one fixed window: from
/// the watermark less the connection's overlap to the moment the run started (everything up to then on the first
/// sync). Each phase is read by cursor pages (<c>sortKey: UPDATED_AT</c>), or, on the first sync and whenever the
/// window holds more than pagination reaches, with a bulk operation whose JSONL file is read line by line. A page or
/// batch is read whole before any of it is written, written in one transaction, then committed as the resume state;
/// the watermark moves to the window's end only when the last phase has read to it. Records read again (the overlap,
/// a page after a crash) are found unchanged, and a refund already recorded is not asked for again.
/// </summary>
public sealed class ShopifyConnector(
    ShopifyApi api,
    IDbContextFactory<ApplicationDbContext> dbFactory,
    TimeProvider clock,
    IOptions<ShopifyOptions> options,
    ILogger<ShopifyConnector> logger) : ISourceConnector
{
    /// <summary>Line items or refund lines per call when the rest of an order's or a refund's are read on their own.</summary>
    private const int FollowUpPageSize = 50;

    private static readonly TimeSpan LeaseRenewal = TimeSpan.FromMinutes(1);

    public ConnectionKind Kind => ConnectionKind.Shopify;

    public async Task RunAsync(SyncContext context)
    {
        var ct = context.CancellationToken;
        var connection = context.Connection;
        if (connection.DefaultLocationId is null)
        {
            throw new SyncFailedException("Shopify customers belong to no location: choose the connection's default location (the home of new clients, and of orders placed online) on the Connections page.");
        }
        var resumed = ShopifyResumeState.Parse(connection.ResumeState);
        var state = resumed ?? Start(context);
        var run = new RunNotes(state, resumed is not null);
        if (resumed is not null)
        {
            logger.LogInformation("Shopify connection {ConnectionId} resumes at {Where}.", connection.Id, resumed.Describe());
        }
        var shop = await api.ConnectAsync(context.Settings, context.Credentials(), ct);
        while (state.Phase != ShopifyResumeState.Finished)
        {
            ct.ThrowIfCancellationRequested();
            state = state.Mode switch
            {
                null => await ChooseModeAsync(context, shop, state, run),
                ShopifyResumeState.Bulk => await BulkPhaseAsync(context, shop, state, run),
                _ when state.Phase == ShopifyResumeState.Customers => await CustomersPageAsync(context, shop, state, run),
                _ => await OrdersPageAsync(context, shop, state, run),
            };
            context.Describe(run.Summary(shop.Throttle));
            if (state.Phase != ShopifyResumeState.Finished)
            {
                await context.CheckpointAsync(null, state.ToJson(), Label(state), state.Done, state.Total);
            }
        }
        // Both phases have read to the window's end: only now does the watermark move, and nothing is left to resume.
        await context.CheckpointAsync(state.Until, null, "Read everything", context.Counts.Total);
        var customers = await api.QueryAsync<CountData>(shop, "ShopifyCustomersCount", ShopifyQueries.CustomersCount,
            new Dictionary<string, object?> { ["query"] = null }, "the count of customers", ct);
        await context.ReconcileAsync(customers.Count?.Count);
        context.Describe(run.Summary(shop.Throttle));
    }

    private ShopifyResumeState Start(SyncContext context)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        DateTime? since = context.Connection.Watermark is { } watermark
            ? DateTime.SpecifyKind(watermark, DateTimeKind.Utc).AddMinutes(-Math.Max(0, context.Settings.OverlapMinutes))
            : null;
        return new ShopifyResumeState(ShopifyResumeState.Customers, since, until);
    }

    /// <summary>
    /// Counts what the phase's window holds (uncapped), and reads it in bulk on the first sync or when pagination
    /// would stop short of it; otherwise by pages. An empty window is passed over without another call.
    /// </summary>
    private async Task<ShopifyResumeState> ChooseModeAsync(SyncContext context, ShopifyShop shop, ShopifyResumeState state, RunNotes run)
    {
        var customers = state.Phase == ShopifyResumeState.Customers;
        var count = await api.QueryAsync<CountData>(shop, customers ? "ShopifyCustomersCount" : "ShopifyOrdersCount",
            customers ? ShopifyQueries.CustomersCount : ShopifyQueries.OrdersCount,
            new Dictionary<string, object?> { ["query"] = state.Search }, $"the count of changed {state.Phase}", context.CancellationToken);
        var total = count.Count?.Count ?? 0;
        if (total == 0 && count.Count is not null)
        {
            return state.NextPhase();
        }
        var threshold = Math.Min(options.Value.BulkThreshold, ShopifyOptions.PaginationCap);
        var bulk = state.Since is null || total > threshold;
        run.Modes[state.Phase] = bulk ? $"in bulk ({total:N0})" : $"by pages ({total:N0})";
        return state with { Mode = bulk ? ShopifyResumeState.Bulk : ShopifyResumeState.Pages, Total = total };
    }

    private async Task<ShopifyResumeState> CustomersPageAsync(SyncContext context, ShopifyShop shop, ShopifyResumeState state, RunNotes run)
    {
        var page = await api.QueryAsync<CustomersData>(shop, "ShopifyCustomers", ShopifyQueries.Customers, new Dictionary<string, object?>
        {
            ["first"] = options.Value.CustomersPageSize,
            ["after"] = state.Cursor,
            ["query"] = state.Search,
            ["sortKey"] = "UPDATED_AT",
        }, state.Describe(), context.CancellationToken);
        var records = page.Customers.Items.Select(c => ShopifyRecords.Client(c)).ToList();
        context.Input = "customers";
        context.Count(await context.Writer.WriteClientsAsync(context.Connection, records, context.Issues, context.CancellationToken));
        run.CustomerPages++;
        context.Report(Label(state), state.Done + records.Count, state.Total);
        return page.Customers.NextCursor is { } cursor ? state.NextPage(cursor, records.Count) : state.NextPhase();
    }

    private async Task<ShopifyResumeState> OrdersPageAsync(SyncContext context, ShopifyShop shop, ShopifyResumeState state, RunNotes run)
    {
        var ct = context.CancellationToken;
        var page = await api.QueryAsync<OrdersData>(shop, "ShopifyOrders", ShopifyQueries.Orders, new Dictionary<string, object?>
        {
            ["first"] = options.Value.OrdersPageSize,
            ["after"] = state.Cursor,
            ["query"] = state.Search,
            ["sortKey"] = "UPDATED_AT",
            ["lines"] = options.Value.LineItemsPerOrder,
            ["refunds"] = options.Value.RefundsPerOrder,
        }, state.Describe(), ct);
        var orders = new List<(ShopifyOrder Order, IReadOnlyList<ShopifyLineItem> Lines)>();
        foreach (var order in page.Orders.Items)
        {
            orders.Add(await CompleteAsync(shop, order, ct));
        }
        await WriteOrdersAsync(context, shop, orders, run);
        run.OrderPages++;
        context.Report(Label(state), state.Done + orders.Count, state.Total);
        return page.Orders.NextCursor is { } cursor ? state.NextPage(cursor, orders.Count) : state.NextPhase();
    }

    /// <summary>An order of a page with all its line items and refunds: those beyond what was read with it are asked for.</summary>
    private async Task<(ShopifyOrder, IReadOnlyList<ShopifyLineItem>)> CompleteAsync(ShopifyShop shop, ShopifyOrder order, CancellationToken ct)
    {
        var lines = new List<ShopifyLineItem>(order.LineItems?.Items ?? []);
        var after = order.LineItems?.NextCursor;
        while (after is not null)
        {
            var more = await api.QueryAsync<NodeData<OrderLineItemsNode>>(shop, "ShopifyOrderLineItems", ShopifyQueries.OrderLineItems,
                new Dictionary<string, object?> { ["id"] = order.Id, ["first"] = FollowUpPageSize, ["after"] = after }, $"the line items of order {order.Name ?? order.Id}", ct);
            var items = more.Node?.LineItems ?? throw new SyncFailedException($"Shopify no longer finds order {order.Id} while reading its line items; the next run reads it again.");
            lines.AddRange(items.Items);
            after = items.NextCursor;
        }
        if ((order.Refunds?.Count ?? 0) >= options.Value.RefundsPerOrder)
        {
            var all = await api.QueryAsync<NodeData<OrderRefundsNode>>(shop, "ShopifyOrderRefunds", ShopifyQueries.OrderRefunds,
                new Dictionary<string, object?> { ["id"] = order.Id }, $"the refunds of order {order.Name ?? order.Id}", ct);
            order = order with { Refunds = all.Node?.Refunds ?? order.Refunds };
        }
        return (order, lines);
    }

    /// <summary>
    /// Writes a page's or batch's orders as sales and their refunds as returns, in one transaction. Orders without a
    /// customer (a walk-in sale) are counted as skipped; refunds already recorded are counted unchanged without
    /// asking for their lines; the others' lines are read first, so nothing is written until all of it is read.
    /// </summary>
    private async Task WriteOrdersAsync(SyncContext context, ShopifyShop shop, List<(ShopifyOrder Order, IReadOnlyList<ShopifyLineItem> Lines)> orders, RunNotes run)
    {
        var ct = context.CancellationToken;
        var visits = new List<SourceVisit>();
        var refunds = new List<(ShopifyOrder Order, ShopifyRefund Refund)>();
        long skipped = 0, failed = 0;
        foreach (var (order, lines) in orders)
        {
            if (order.Customer is null)
            {
                skipped++;
                run.WithoutCustomer++;
                continue;
            }
            try
            {
                if (ShopifyRecords.Sale(order, lines) is not { } sale)
                {
                    skipped++;
                    run.WithoutItems++;
                    continue;
                }
                visits.Add(sale);
                refunds.AddRange((order.Refunds ?? []).Select(r => (order, r)));
            }
            catch (FormatException ex)
            {
                failed++;
                context.Issues.Add(new SourceIssue(0, SourceIssueKind.Failed, ex.Message));
            }
        }
        var known = await KnownRefundsAsync(context.Connection.Source, refunds.Select(r => r.Refund.Id).ToList(), ct);
        var wanted = refunds.Where(r => !known.Contains(r.Refund.Id)).ToList();
        var refundLines = await RefundLinesAsync(shop, wanted.Select(r => r.Refund.Id).ToList(), ct);
        foreach (var (order, refund) in wanted)
        {
            try
            {
                if (ShopifyRecords.Return(order, refund, refundLines.GetValueOrDefault(refund.Id) ?? []) is { } refunded)
                {
                    visits.Add(refunded);
                    run.Refunds++;
                }
            }
            catch (FormatException ex)
            {
                failed++;
                context.Issues.Add(new SourceIssue(0, SourceIssueKind.Failed, ex.Message));
            }
        }
        context.Input = "orders";
        context.Count(new SyncCounts(0, 0, refunds.Count - wanted.Count, skipped, failed));
        context.Count(await context.Writer.WriteVisitsAsync(context.Connection, visits, context.Issues, ct));
    }

    private async Task<HashSet<string>> KnownRefundsAsync(string source, List<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.VisitReturns.AsNoTracking().Where(r => r.Source == source && ids.Contains(r.ExternalId)).Select(r => r.ExternalId).ToListAsync(ct);
        return found.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The lines of refunds, several refunds a call; a refund with more lines than one call reads has the rest read on their own.</summary>
    private async Task<Dictionary<string, List<ShopifyRefundLine>>> RefundLinesAsync(ShopifyShop shop, List<string> refundIds, CancellationToken ct)
    {
        var lines = new Dictionary<string, List<ShopifyRefundLine>>(StringComparer.Ordinal);
        foreach (var chunk in refundIds.Distinct(StringComparer.Ordinal).Chunk(options.Value.RefundsPerCall))
        {
            var read = await api.QueryAsync<NodesData<RefundLinesNode>>(shop, "ShopifyRefundLines", ShopifyQueries.RefundLines,
                new Dictionary<string, object?> { ["ids"] = chunk, ["first"] = options.Value.LinesPerRefund }, $"the lines of {chunk.Length} refunds", ct);
            foreach (var node in (read.Nodes ?? []).OfType<RefundLinesNode>().Where(n => n.Id is not null))
            {
                var refundLines = lines[node.Id!] = [.. node.RefundLineItems?.Items ?? []];
                var after = node.RefundLineItems?.NextCursor;
                while (after is not null)
                {
                    var more = await api.QueryAsync<NodeData<RefundLinesNode>>(shop, "ShopifyMoreRefundLines", ShopifyQueries.MoreRefundLines,
                        new Dictionary<string, object?> { ["id"] = node.Id, ["first"] = FollowUpPageSize, ["after"] = after }, $"the lines of refund {node.Id}", ct);
                    refundLines.AddRange(more.Node?.RefundLineItems?.Items ?? []);
                    after = more.Node?.RefundLineItems?.NextCursor;
                }
            }
        }
        return lines;
    }

    /// <summary>
    /// Reads the phase's window with a bulk operation: starts it (or finds the one an interrupted run started), waits
    /// for Shopify to finish it, downloads its file and writes it in batches from the line the last run got to.
    /// </summary>
    private async Task<ShopifyResumeState> BulkPhaseAsync(SyncContext context, ShopifyShop shop, ShopifyResumeState state, RunNotes run)
    {
        var query = state.Phase == ShopifyResumeState.Customers ? ShopifyQueries.BulkCustomers(state.Search) : ShopifyQueries.BulkOrders(state.Search);
        ShopifyBulkOperation? done = null;
        while (done is null)
        {
            if (state.BulkOperationId is null)
            {
                var started = await StartBulkAsync(context, shop, query, state);
                state = state with { BulkOperationId = started.Id, Line = 0, Done = 0, Abandoned = null };
                await context.CheckpointAsync(null, state.ToJson(), Label(state), state.Done, state.Total);
            }
            done = await WaitForBulkAsync(context, shop, state);
            if (done is null)
            {
                // Gone or expired (results are kept seven days): start again; what was written is found unchanged.
                state = state.Abandon();
            }
        }
        run.BulkOperations++;
        if (done.Url is null)
        {
            return state.NextPhase();
        }
        var path = Path.Combine(Path.GetTempPath(), $"loyaltyconsole-shopify-{Guid.NewGuid():N}.jsonl");
        try
        {
            context.Report($"Downloading Shopify {state.Phase}", state.Done, state.Total);
            await api.DownloadAsync(done.Url, path, context.CancellationToken);
            state = state.Phase == ShopifyResumeState.Customers
                ? await ReadBulkCustomersAsync(context, path, state, run)
                : await ReadBulkOrdersAsync(context, shop, path, state, run);
        }
        catch (UnreadableResultException ex)
        {
            // The same file would fail the same way: the next run asks for a new one (what was written is found unchanged).
            await context.CheckpointAsync(null, state.Abandon().ToJson(), Label(state), 0, state.Total);
            throw new SyncFailedException($"{ex.Message} The next run asks Shopify for a new result.", ex);
        }
        finally
        {
            File.Delete(path);
        }
        return state.NextPhase();
    }

    /// <summary>
    /// Starts the bulk query, unless the shop's current bulk operation is this very query (the window is in its text,
    /// to the second): a run that stopped after starting it but before recording it left it there, and a mutation is
    /// never sent again blindly.
    /// </summary>
    private async Task<ShopifyBulkOperation> StartBulkAsync(SyncContext context, ShopifyShop shop, string query, ShopifyResumeState state)
    {
        var ct = context.CancellationToken;
        var current = (await api.QueryAsync<CurrentBulkData>(shop, "ShopifyCurrentBulk", ShopifyQueries.CurrentBulk, null, "the current bulk operation", ct)).CurrentBulkOperation;
        if (current is { Status: "CREATED" or "RUNNING" or "COMPLETED" } && current.Id != state.Abandoned && SameQuery(current.Query, query))
        {
            logger.LogInformation("Shopify connection {ConnectionId} takes up bulk operation {Operation} that an earlier run started.", context.Connection.Id, current.Id);
            return current;
        }
        var started = await api.MutateAsync<BulkRunData>(shop, "ShopifyBulkRun", ShopifyQueries.BulkRun,
            new Dictionary<string, object?> { ["query"] = query }, $"the start of a bulk read of {state.Phase}", ct);
        if (started.BulkOperationRunQuery?.UserErrors is { Count: > 0 } errors)
        {
            var busy = errors.Any(e => e.Message.Contains("already in progress", StringComparison.OrdinalIgnoreCase) || e.Code == "OPERATION_IN_PROGRESS");
            throw new SyncFailedException($"Shopify refused to start a bulk read of {state.Phase}: {string.Join("; ", errors.Select(e => e.Message.Trim().TrimEnd('.')))}."
                + (busy ? " Another bulk query is running on this shop; the next run tries again." : ""));
        }
        var operation = started.BulkOperationRunQuery?.BulkOperation
            ?? throw new SyncFailedException($"Shopify did not say which bulk operation it started for {state.Phase}; the next run looks for it before starting another.");
        logger.LogInformation("Shopify connection {ConnectionId} started bulk operation {Operation} for {Phase}.", context.Connection.Id, operation.Id, state.Phase);
        return operation;
    }

    /// <summary>
    /// Polls the bulk operation until it completes, showing how many objects Shopify has gathered and renewing the
    /// run's lease as it waits. Null when it is gone or expired; a failed or cancelled one fails the run, and the next
    /// run starts a new one.
    /// </summary>
    private async Task<ShopifyBulkOperation?> WaitForBulkAsync(SyncContext context, ShopifyShop shop, ShopifyResumeState state)
    {
        var ct = context.CancellationToken;
        var started = clock.GetTimestamp();
        var renewed = clock.GetTimestamp();
        while (true)
        {
            var operation = (await api.QueryAsync<NodeData<ShopifyBulkOperation>>(shop, "ShopifyBulkStatus", ShopifyQueries.BulkStatus,
                new Dictionary<string, object?> { ["id"] = state.BulkOperationId }, $"the state of the bulk read of {state.Phase}", ct)).Node;
            switch (operation?.Status)
            {
                case "COMPLETED":
                    return operation;
                case null or "EXPIRED":
                    return null;
                case "FAILED" or "CANCELED" or "CANCELLED":
                    await context.CheckpointAsync(null, state.Abandon().ToJson(), Label(state), 0, state.Total);
                    var advice = operation.ErrorCode == "ACCESS_DENIED" ? " The app lacks a scope: it needs read_customers, read_orders, read_all_orders and read_locations." : "";
                    throw new SyncFailedException($"Shopify's bulk read of {state.Phase} ended {operation.Status}{(operation.ErrorCode is { } code ? $" ({code})" : "")}.{advice} The next run starts a new one.");
            }
            if (clock.GetElapsedTime(started) > TimeSpan.FromMinutes(options.Value.BulkMaxWaitMinutes))
            {
                throw new SyncFailedException($"Shopify's bulk read of {state.Phase} is still running after {options.Value.BulkMaxWaitMinutes} minutes; the next run picks it up where it is.");
            }
            context.Report($"Shopify is gathering {state.Phase} ({operation!.ObjectCount:N0} so far)", state.Done, state.Total);
            if (clock.GetElapsedTime(renewed) > LeaseRenewal)
            {
                await context.CheckpointAsync(null, state.ToJson(), Label(state), state.Done, state.Total);
                renewed = clock.GetTimestamp();
            }
            await Task.Delay(TimeSpan.FromMilliseconds(options.Value.BulkPollMilliseconds), clock, ct);
        }
    }

    private async Task<ShopifyResumeState> ReadBulkCustomersAsync(SyncContext context, string path, ShopifyResumeState state, RunNotes run)
    {
        var ct = context.CancellationToken;
        var batch = new List<SourceClient>();
        var number = 0L;
        await foreach (var line in ReadLinesAsync(path, ct))
        {
            number++;
            if (number <= state.Line || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            batch.Add(ShopifyRecords.Client(Deserialize<ShopifyCustomer>(line, number, state), number));
            if (batch.Count >= options.Value.BulkBatchSize)
            {
                state = await FlushCustomersAsync(context, batch, number, state, run);
            }
        }
        return await FlushCustomersAsync(context, batch, number, state, run);
    }

    private async Task<ShopifyResumeState> FlushCustomersAsync(SyncContext context, List<SourceClient> batch, long through, ShopifyResumeState state, RunNotes run)
    {
        context.Input = "customers";
        context.Count(await context.Writer.WriteClientsAsync(context.Connection, batch, context.Issues, context.CancellationToken));
        run.BulkLines += through - state.Line;
        state = state with { Line = through, Done = state.Done + batch.Count };
        batch.Clear();
        await CheckpointBulkAsync(context, state);
        return state;
    }

    /// <summary>
    /// Reads a bulk file of orders: each order's line is followed by its line items (asked for with
    /// <c>groupObjects: true</c>), so an order is complete when the next order's line comes. Batches end between orders.
    /// </summary>
    private async Task<ShopifyResumeState> ReadBulkOrdersAsync(SyncContext context, ShopifyShop shop, string path, ShopifyResumeState state, RunNotes run)
    {
        var ct = context.CancellationToken;
        var batch = new List<(ShopifyOrder Order, IReadOnlyList<ShopifyLineItem> Lines)>();
        ShopifyOrder? order = null;
        var lines = new List<ShopifyLineItem>();
        var number = 0L;
        await foreach (var line in ReadLinesAsync(path, ct))
        {
            number++;
            if (number <= state.Line || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var parent = ParentOf(line, number, state);
            if (parent is not null)
            {
                if (order is null || !string.Equals(parent, order.Id, StringComparison.Ordinal))
                {
                    // Not grouped as asked: stop before anything of this order is written.
                    throw new UnreadableResultException($"Line {number:N0} of Shopify's bulk result is a line item of {parent}, away from its order (the file is not grouped); {Written(state)}");
                }
                lines.Add(Deserialize<ShopifyLineItem>(line, number, state));
                continue;
            }
            if (order is not null)
            {
                batch.Add((order, lines));
                if (batch.Count >= options.Value.BulkBatchSize)
                {
                    state = await FlushOrdersAsync(context, shop, batch, number - 1, state, run);
                }
            }
            order = Deserialize<ShopifyOrder>(line, number, state);
            lines = [];
        }
        if (order is not null)
        {
            batch.Add((order, lines));
        }
        return await FlushOrdersAsync(context, shop, batch, number, state, run);
    }

    private async Task<ShopifyResumeState> FlushOrdersAsync(
        SyncContext context, ShopifyShop shop, List<(ShopifyOrder Order, IReadOnlyList<ShopifyLineItem> Lines)> batch, long through, ShopifyResumeState state, RunNotes run)
    {
        await WriteOrdersAsync(context, shop, batch, run);
        run.BulkLines += through - state.Line;
        state = state with { Line = through, Done = state.Done + batch.Count };
        batch.Clear();
        await CheckpointBulkAsync(context, state);
        return state;
    }

    private static async Task CheckpointBulkAsync(SyncContext context, ShopifyResumeState state)
    {
        // Shown before it is committed: a run stopped here reads the batch again and finds it unchanged.
        context.Report(Label(state), state.Done, state.Total);
        await context.CheckpointAsync(null, state.ToJson(), Label(state), state.Done, state.Total);
    }

    private static async IAsyncEnumerable<string> ReadLinesAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            yield return line;
        }
    }

    /// <summary>The <c>__parentId</c> of a line of a bulk file: set on a line item, absent on an order.</summary>
    private static string? ParentOf(string line, long number, ShopifyResumeState state)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("__parentId", out var parent) ? parent.GetString() : null;
        }
        catch (JsonException ex)
        {
            throw BadLine(number, state, ex);
        }
    }

    private static T Deserialize<T>(string line, long number, ShopifyResumeState state)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(line, ShopifyJson.Options) ?? throw new JsonException("The line is empty.");
        }
        catch (JsonException ex)
        {
            throw BadLine(number, state, ex);
        }
    }

    private static UnreadableResultException BadLine(long number, ShopifyResumeState state, JsonException ex) =>
        new($"Line {number:N0} of Shopify's bulk result for {state.Phase} is not readable ({ex.Message}); {Written(state)}", ex);

    private static string Written(ShopifyResumeState state) =>
        state.Line == 0 ? "nothing of the file was written." : $"the file's first {state.Line:N0} lines were written.";

    /// <summary>The same query text, spaces aside (Shopify may give it back laid out differently).</summary>
    private static bool SameQuery(string? a, string b) =>
        a is not null && string.Equals(Squeeze(a), Squeeze(b), StringComparison.Ordinal);

    private static string Squeeze(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private static string Label(ShopifyResumeState state) => (state.Phase, state.Mode) switch
    {
        (ShopifyResumeState.Customers, ShopifyResumeState.Bulk) => "Reading Shopify customers in bulk",
        (ShopifyResumeState.Customers, _) => "Reading Shopify customers",
        (ShopifyResumeState.Orders, ShopifyResumeState.Bulk) => "Reading Shopify orders in bulk",
        (ShopifyResumeState.Orders, _) => "Reading Shopify orders",
        _ => "Finishing",
    };

    /// <summary>A bulk result file this reader cannot go through (a line that is not JSON, a line item away from its order).</summary>
    private sealed class UnreadableResultException(string message, Exception? inner = null) : Exception(message, inner);

    /// <summary>What one run read, for its summary.</summary>
    private sealed class RunNotes(ShopifyResumeState start, bool resumed)
    {
        public Dictionary<string, string> Modes { get; } = new(StringComparer.Ordinal);
        public int CustomerPages { get; set; }
        public int OrderPages { get; set; }
        public int BulkOperations { get; set; }
        public long BulkLines { get; set; }
        public long Refunds { get; set; }
        public long WithoutCustomer { get; set; }
        public long WithoutItems { get; set; }

        public string Summary(ShopifyThrottle throttle)
        {
            var window = start.Since is { } since
                ? $"updates from {since:yyyy-MM-dd HH:mm:ss} to {start.Until:yyyy-MM-dd HH:mm:ss} UTC"
                : $"everything to {start.Until:yyyy-MM-dd HH:mm:ss} UTC";
            var from = resumed ? $" (resumed at {start.Describe()})" : "";
            var how = string.Join(", ", Modes.Select(m => $"{m.Key} {m.Value}"));
            var pacing = throttle.Waits > 0 || throttle.Throttled > 0
                ? string.Create(CultureInfo.InvariantCulture,
                    $" Paced by Shopify's rate limit: waited {throttle.Waits} times, {throttle.Waited.TotalSeconds:0.0##} s in all; {throttle.Throttled} THROTTLED answers sent again.")
                : "";
            return string.Create(CultureInfo.InvariantCulture,
                $"Shopify, {window}{from}: {(how.Length > 0 ? how + "; " : "")}{CustomerPages} pages of customers, {OrderPages} of orders, " +
                $"{BulkOperations} bulk operations ({BulkLines:N0} lines); {Refunds:N0} refunds read. " +
                $"Skipped: {WithoutCustomer:N0} orders without a customer, {WithoutItems:N0} without items.{pacing}");
        }
    }
}
