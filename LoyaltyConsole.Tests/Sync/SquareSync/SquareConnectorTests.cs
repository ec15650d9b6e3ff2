using System.Globalization;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Sync.Square;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Sync.SquareSync;

/// <summary>
/// The Square connector against a fake Square that speaks the documented shapes and enforces its paging rules: every
/// record once, nothing new the second time, reads that survive 429s, 500s and timeouts, a malformed page that fails the
/// run without writing any of it, and a crash or failure that the next run resumes without losing or duplicating a
/// record. Runs on SQLite and, with TEST_DATABASE=PostgreSql, on PostgreSQL.
/// </summary>
public sealed class SquareConnectorTests
{
    public const string ApiVersion = "2026-01-22";

    /// <summary>Pages of 500 orders (several per location batch), short retry delays and a short attempt timeout.</summary>
    internal static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Sync:Square:OrdersPageSize"] = "500",
        ["Sync:Square:RetryDelayMilliseconds"] = "20",
        ["Sync:Square:AttemptTimeoutSeconds"] = "5",
        ["Sync:Square:RequestTimeoutSeconds"] = "60",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_full_sync_reads_every_customer_order_return_and_points_event_once_and_a_second_sync_finds_nothing_new()
    {
        await using var sync = await SquareSync.StartAsync(FakeSquareData.Generate(customers: 2_500, orders: 6_000));
        var (data, square, app, connection) = sync;
        var expected = Expected.Of(data);

        var first = await RunAsync(app, connection.Id);
        var firstRequests = square.Requests;
        var watermark = (await ConnectionAsync(app, connection.Id)).Watermark!.Value;
        var second = await RunAsync(app, connection.Id);

        Assert.Equal(SyncRunStatus.Succeeded, first.Status);
        Assert.Equal((expected.New, 0L, expected.Skipped, 0L), (first.New, first.Updated, first.Skipped, first.Failed));
        Assert.Equal(SyncRunStatus.Succeeded, second.Status);
        Assert.Equal((0L, 0L, 0L), (second.New, second.Updated, second.Failed));
        await AssertStoredOnceAsync(app, "square", expected);

        // Two location batches (10 + 2), several pages in the first, every search by Square's rules.
        var orders = firstRequests.Where(r => r.Path == "v2/orders/search").ToList();
        var batches = orders.Select(r => string.Join(",", r.Json!["location_ids"]!.AsArray().Select(n => n!.GetValue<string>()))).Distinct().ToList();
        Assert.Equal([10, 2], batches.Select(b => b.Split(',').Length));
        Assert.Equal(12, batches.SelectMany(b => b.Split(',')).Distinct().Count());
        Assert.True(orders.Count(r => r.Json!["location_ids"]!.AsArray().Count == 10) >= 5);
        Assert.True(firstRequests.Count(r => r.Path == "v2/customers/search") >= 25);
        Assert.True(firstRequests.Count(r => r.Path == "v2/loyalty/events/search") >= 10);
        AssertSearchesFollowSquaresRules(firstRequests);
        AssertEveryCursorWentWithTheQueryItWasIssuedFor(square.Requests);
        Assert.All(square.Requests, r => Assert.Equal(($"Bearer {FakeSquareServer.Token}", ApiVersion, 200), (r.Authorization, r.SquareVersion, r.Status)));

        // The second run read from the watermark less the overlap, to the moment it started.
        var secondSearches = square.Requests.Skip(firstRequests.Count).Where(r => r.Path == "v2/customers/search" && r.Json!["query"] is not null).ToList();
        Assert.All(secondSearches, r => Assert.Equal(Rfc3339(watermark.AddMinutes(-10)), r.Json!["query"]!["filter"]!["updated_at"]!["start_at"]!.GetValue<string>()));

        // The source's own count of customers beside ours: the reconciliation line.
        var reconciled = await ConnectionAsync(app, connection.Id);
        Assert.Equal((2_500L, 2_500L), (reconciled.SourceClientCount, reconciled.OurClientCount));
    }

    [Fact]
    public async Task An_incremental_sync_reads_only_what_changed_since_the_watermark_and_the_overlap_before_it()
    {
        await using var sync = await SquareSync.StartAsync(FakeSquareData.Generate(customers: 200, orders: 400));
        var (data, square, app, connection) = sync;
        await RunAsync(app, connection.Id);
        var watermark = DateTime.SpecifyKind((await ConnectionAsync(app, connection.Id)).Watermark!.Value, DateTimeKind.Utc);
        var now = DateTime.UtcNow;
        data.Change(d =>
        {
            // A new customer and her first sale; a change just now; and one that Square's search index showed late,
            // stamped before the watermark but inside the overlap.
            d.Customers.Add(new FakeCustomer("CUST-NEW", "Nia", "New", "nia@example.com", "+1 212-555-7000", null, now, now, null));
            d.Orders.Add(new FakeOrder("ORD-NEW", "L03", "CUST-NEW", "COMPLETED", now, now, now,
                [new FakeLineItem("n-1", "Colour", "1", new(9_000), new(0), new(9_000))], null, new(9_000)));
            d.Customers[0] = d.Customers[0] with { FamilyName = "Changed", UpdatedAt = now };
            d.Customers[1] = d.Customers[1] with { FamilyName = "Late", UpdatedAt = watermark.AddMinutes(-5) };
        });

        var run = await RunAsync(app, connection.Id);

        Assert.Equal((2L, 2L, 0L), (run.New, run.Updated, run.Failed));
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(["Changed", "Late"], await db.Clients.Where(c => c.Source == "square" && (c.ExternalId == "CUST00001" || c.ExternalId == "CUST00002"))
            .OrderBy(c => c.ExternalId).Select(c => c.LastName).ToListAsync(Ct));
        Assert.True(await db.Visits.AnyAsync(v => v.Source == "square" && v.ExternalId == "ORD-NEW", Ct));
    }

    [Fact]
    public async Task Reads_survive_429_500_and_a_timeout_and_a_malformed_page_fails_the_run_unwritten_until_the_next_run_resumes_it()
    {
        await using var sync = await SquareSync.StartAsync(FakeSquareData.Generate(customers: 300, orders: 1_200));
        var (data, square, app, connection) = sync;
        var expected = Expected.Of(data);
        static bool FirstBatch(FakeRequest r) => r.Path == "v2/orders/search" && r.LocationIds.Contains("L01");
        square.Arm(r => r.Path == "v2/customers/search" && r.Offset == 100, FaultKind.RateLimited);
        square.Arm(r => r.Path == "v2/customers/search" && r.Offset == 200, FaultKind.ServerError, times: 2);
        square.Arm(r => FirstBatch(r) && r.Offset == 0, FaultKind.Hang);
        square.Arm(r => r.Path == "v2/loyalty/events/search" && r.Offset == 60, FaultKind.RateLimited);
        var malformed = square.Arm(r => FirstBatch(r) && r.Offset == 500, FaultKind.Malformed);

        var failed = await RunAsync(app, connection.Id);

        Assert.Equal(SyncRunStatus.Failed, failed.Status);
        Assert.Contains("malformed response to POST /v2/orders/search (orders of location batch 1 of 2, page 2)", failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSquareServer.Token, failed.Error, StringComparison.Ordinal);
        var stopped = await ConnectionAsync(app, connection.Id);
        Assert.Null(stopped.Watermark);
        Assert.Contains("\"phase\":\"orders\"", stopped.ResumeState, StringComparison.Ordinal);
        await using (var db = await app.CreateDbContextAsync())
        {
            // Page 1 of the batch is in; nothing of the malformed page 2 is.
            var spoiled = malformed.SpoiledIds;
            Assert.Equal(500, spoiled.Count);
            Assert.False(await db.Visits.AnyAsync(v => v.Source == "square" && spoiled.Contains(v.ExternalId), Ct));
            Assert.False(await db.VisitReturns.AnyAsync(v => v.Source == "square" && spoiled.Contains(v.ExternalId), Ct));
            Assert.True(await db.Visits.CountAsync(v => v.Source == "square", Ct) > 300);
        }
        var seen = square.Requests;
        // 429: retried after the Retry-After second; 500: retried twice; the hang: given up on and asked again.
        var limited = seen.Single(r => r.Status == 429 && r.Path == "v2/customers/search");
        var retried = seen.First(r => r.Number > limited.Number && r.Path == "v2/customers/search");
        Assert.Equal((limited.Body, 200), (retried.Body, retried.Status));
        Assert.True(retried.At - limited.At >= TimeSpan.FromMilliseconds(900), $"retried after {(retried.At - limited.At).TotalMilliseconds} ms");
        Assert.Equal([500, 500, 200], seen.Where(r => r.Path == "v2/customers/search" && r.Offset == 200).Select(r => r.Status));
        Assert.Equal([499, 200], seen.Where(r => r.Path == "v2/orders/search" && r.Offset == 0 && r.Body!.Contains("L01", StringComparison.Ordinal)).Select(r => r.Status));
        var spoiledRequest = seen.Last(r => r.Path == "v2/orders/search");

        var resumed = await RunAsync(app, connection.Id);

        Assert.Equal(SyncRunStatus.Succeeded, resumed.Status);
        var resumedRequests = square.Requests.Skip(seen.Count).ToList();
        // The resumed run asks for the very page that was malformed: the identical query with the identical cursor.
        Assert.Equal((spoiledRequest.Path, spoiledRequest.Body), (resumedRequests[0].Path, resumedRequests[0].Body));
        Assert.Contains(square.Requests, r => r.Path == "v2/loyalty/events/search" && r.Status == 429);
        Assert.Equal(expected.New, failed.New + resumed.New);
        await AssertStoredOnceAsync(app, "square", expected);
        AssertSearchesFollowSquaresRules(square.Requests.Where(r => r.Status == 200).ToList());
        AssertEveryCursorWentWithTheQueryItWasIssuedFor(square.Requests);
    }

    [Fact]
    public async Task A_run_that_crashes_between_pages_is_resumed_from_its_last_committed_page_without_losing_or_repeating_a_record()
    {
        await using var sync = await SquareSync.StartAsync(FakeSquareData.Generate(customers: 300, orders: 1_200));
        var (data, square, app, connection) = sync;
        var expected = Expected.Of(data);
        using var crash = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        square.Arm(r => r.Path == "v2/orders/search" && r.LocationIds.Contains("L01") && r.Offset == 500, FaultKind.Callback, then: crash.Cancel);

        var (crashed, _) = await app.Get<SyncRunner>().RunConnectorAsync(connection.Id, "Manual", AuditActor.System, crash.Token);
        var before = square.Requests.Count;
        var stopped = await ConnectionAsync(app, connection.Id);
        var resumed = await RunAsync(app, connection.Id);

        Assert.Equal(SyncRunStatus.Cancelled, crashed!.Status);
        Assert.Null(stopped.Watermark);
        Assert.Contains("\"phase\":\"orders\"", stopped.ResumeState, StringComparison.Ordinal);
        Assert.Equal(SyncRunStatus.Succeeded, resumed.Status);
        var first = square.Requests[before];
        // Not from the start: from the first location batch's last committed page, with its query unchanged.
        Assert.Equal("v2/orders/search", first.Path);
        Assert.True(first.Offset >= 500);
        Assert.Equal(square.Requests.First(r => r.Path == "v2/orders/search").Query, first.Query);
        Assert.DoesNotContain(square.Requests.Skip(before), r => r.Path == "v2/customers/search" && r.Json!["query"] is not null);
        Assert.Equal(expected.New, crashed.New + resumed.New);
        await AssertStoredOnceAsync(app, "square", expected);
    }

    [Fact]
    public async Task When_Square_Loyalty_keeps_the_ledger_a_refund_takes_its_points_back_once_by_Squares_own_event_and_not_again_here()
    {
        var at = new DateTime(2025, 6, 1, 15, 0, 0, DateTimeKind.Utc);
        var data = new FakeSquareData();
        data.Locations.Add(new FakeLocation("L01", "Store 1"));
        data.Customers.Add(new FakeCustomer("C1", "Ada", "Lovelace", "ada@example.com", "+1 212-555-0101", null, at, at, new FakePreferences(false)));
        data.Accounts.Add(new FakeLoyaltyAccount("A1", "C1", at));
        data.Orders.Add(new FakeOrder("S1", "L01", "C1", "COMPLETED", at, at, at, [new FakeLineItem("s", "Colour", "1", new(8_000), new(0), new(8_000))], null, new(8_000)));
        data.Orders.Add(new FakeOrder("R1", "L01", "C1", "COMPLETED", at.AddDays(1), at.AddDays(1), at.AddDays(1), [],
            [new FakeReturn("r", "S1", [new FakeLineItem("r", "Colour", "1", new(2_000), new(0), new(2_000))])], new(0)));
        data.Events.Add(new FakeLoyaltyEvent("E1", "ACCUMULATE_POINTS", at, "A1", "L01", AccumulatePoints: new FakeEventDetail(80, OrderId: "S1")));
        data.Events.Add(new FakeLoyaltyEvent("E2", "OTHER", at.AddDays(1), "A1", "L01", OtherEvent: new FakeEventDetail(-20)));
        await using var square = await FakeSquareServer.StartAsync(data);
        await using var app = new TestApp(clients: 5, settings: Settings);
        var keeps = await AddConnectionAsync(app, square, "square", keepsLedger: true);
        var ours = await AddConnectionAsync(app, square, "square-ours", keepsLedger: false);

        await RunAsync(app, keeps.Id);
        var again = await RunAsync(app, keeps.Id);
        var before = square.Requests.Count;
        await RunAsync(app, ours.Id);

        await using var db = await app.CreateDbContextAsync();
        var mirrored = await db.Clients.Include(c => c.Ledger).SingleAsync(c => c.Source == "square", Ct);
        Assert.Equal([80, -20], mirrored.Ledger.OrderBy(e => e.OccurredAt).Select(e => e.Points));
        Assert.Equal(["E1", "E2"], mirrored.Ledger.OrderBy(e => e.OccurredAt).Select(e => e.ExternalId));
        Assert.Equal(60, mirrored.PointsBalance);
        var refund = await db.VisitReturns.SingleAsync(r => r.Source == "square", Ct);
        Assert.Equal((2_000L, 0), (refund.AmountMinor, refund.PointsReversed));
        Assert.Equal((await db.Visits.SingleAsync(v => v.Source == "square", Ct)).Id, refund.VisitId);
        Assert.Equal((0L, 0L), (again.New, again.Updated));
        // Without Square Loyalty the console keeps the points: earned by its rules and reversed once on the refund,
        // and Square's loyalty endpoints are not read at all.
        var own = await db.Clients.Include(c => c.Ledger).SingleAsync(c => c.Source == "square-ours", Ct);
        Assert.Equal([80, -20], own.Ledger.OrderBy(e => e.OccurredAt).Select(e => e.Points));
        Assert.Equal(20, (await db.VisitReturns.SingleAsync(r => r.Source == "square-ours", Ct)).PointsReversed);
        Assert.DoesNotContain(square.Requests.Skip(before), r => r.Path.StartsWith("v2/loyalty/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Square_locations_are_listed_for_mapping_and_a_refused_token_is_reported_plainly_without_retrying_or_showing_it()
    {
        await using var sync = await SquareSync.StartAsync(FakeSquareData.Generate(customers: 1, orders: 0, locations: 12));
        var (_, square, app, connection) = sync;
        var api = app.Get<SquareApi>();

        var locations = await api.ListLocationsAsync(connection, Ct);
        connection.SetCredentials(app.Get<ConnectionSecrets>().Protect("sq0atp-revoked"));
        var refused = await Assert.ThrowsAsync<SyncFailedException>(() => api.ListLocationsAsync(connection, Ct));

        Assert.Equal(13, locations.Count);
        Assert.Equal(("L01", "Store 1"), locations[0]);
        Assert.Equal(("L99", "Closed store (inactive)"), locations[^1]);
        Assert.Contains("401 UNAUTHORIZED", refused.Message, StringComparison.Ordinal);
        Assert.Contains("an Admin enters a new one", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("revoked", refused.Message, StringComparison.Ordinal);
        Assert.Equal([200, 401], square.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task The_connections_page_lists_Square_locations_with_their_mapping_or_our_location_of_the_same_name()
    {
        await using var sync = await SquareSync.StartAsync(FakeSquareData.Generate(customers: 1, orders: 0, locations: 2));
        var (data, _, app, connection) = sync;
        await using var db = await app.CreateDbContextAsync();
        var ours = await db.Locations.OrderBy(l => l.Id).ToListAsync(Ct);
        data.Locations.Add(new FakeLocation("L77", " " + ours[^1].Name.ToUpperInvariant()));
        data.Locations.Add(new FakeLocation("L78", "Pop-up stand"));
        var admin = app.Get<ConnectionAdministration>();

        var listed = await admin.SourceLocationsAsync(connection.Id, Ct);
        var csv = new Connection("Fresha exports", ConnectionKind.CsvImport, "fresha", DateTime.UtcNow);
        db.Connections.Add(csv);
        await db.SaveChangesAsync(Ct);
        var forCsv = await admin.SourceLocationsAsync(csv.Id, Ct);

        Assert.True(listed.Succeeded, listed.Message);
        var byId = listed.Locations.ToDictionary(l => l.Id);
        Assert.Equal(connection.Locations.Single(l => l.SourceLocationId == "L01").LocationId, byId["L01"].MappedTo);
        Assert.Equal((null, ours[^1].Id), (byId["L77"].MappedTo, byId["L77"].SameName));
        Assert.Equal((null, null), (byId["L78"].MappedTo, byId["L78"].SameName));
        Assert.Null(byId["L99"].MappedTo);
        Assert.False(forCsv.Succeeded);
        Assert.Contains("names its locations in a column", forCsv.Message, StringComparison.Ordinal);
    }

    /// <summary>What a seller's data should come to: every record once.</summary>
    private sealed record Expected(long Clients, long Sales, long Returns, long LedgerEntries, long LedgerSum, long Skipped)
    {
        public long New => Clients + Sales + Returns + LedgerEntries;

        public static Expected Of(FakeSquareData data)
        {
            var returns = data.Orders.Count(o => o.IsReturn);
            var sales = data.Orders.Count(o => !o.IsReturn && o.CustomerId is not null);
            var moving = data.Events.Where(e => e.Type != "REDEEM_REWARD").ToList();
            var sum = moving.Sum(e => e.Type switch
            {
                "ACCUMULATE_POINTS" => e.AccumulatePoints!.Points!.Value,
                "CREATE_REWARD" => -Math.Abs(e.CreateReward!.Points!.Value),
                "ADJUST_POINTS" => e.AdjustPoints!.Points!.Value,
                _ => e.OtherEvent!.Points!.Value,
            });
            return new(data.Customers.Count, sales, returns, moving.Count, sum, data.Orders.Count(o => !o.IsReturn && o.CustomerId is null));
        }
    }

    private static async Task AssertStoredOnceAsync(TestApp app, string source, Expected expected)
    {
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(expected.Clients, await db.Clients.CountAsync(c => c.Source == source, Ct));
        Assert.Equal(expected.Sales, await db.Visits.CountAsync(v => v.Source == source, Ct));
        Assert.Equal(expected.Returns, await db.VisitReturns.CountAsync(r => r.Source == source, Ct));
        // Every return is linked to its sale; Square Loyalty took the points back, so nothing was reversed here.
        Assert.Equal(0, await db.VisitReturns.CountAsync(r => r.Source == source && (r.VisitId == null || r.PointsReversed != 0), Ct));
        Assert.Equal(expected.LedgerEntries, await db.LedgerEntries.CountAsync(e => e.Source == source, Ct));
        Assert.Equal(expected.LedgerSum, await db.LedgerEntries.Where(e => e.Source == source).SumAsync(e => (long)e.Points, Ct));
        Assert.Equal(expected.LedgerSum, await db.Clients.Where(c => c.Source == source).SumAsync(c => (long)c.PointsBalance, Ct));
        Assert.Equal(0, await db.UnmatchedRecords.CountAsync(u => u.ResolvedAt == null, Ct));
        // Consent as Square has it: email from preferences.email_unsubscribed, SMS unknown (Square keeps none).
        var unsubscribed = await db.Clients.SingleAsync(c => c.Source == source && c.ExternalId == "CUST00007", Ct);
        var subscribed = await db.Clients.SingleAsync(c => c.Source == source && c.ExternalId == "CUST00001", Ct);
        Assert.False(unsubscribed.EmailConsent.Granted);
        Assert.Equal((true, source), (subscribed.EmailConsent.Granted, subscribed.EmailConsent.Source));
        Assert.Equal(0, await db.Clients.CountAsync(c => c.Source == source && c.SmsConsent.Source == source, Ct));
        // A birthday without a year keeps its day.
        Assert.Equal(new DateOnly(1904, 12, 12), (await db.Clients.SingleAsync(c => c.Source == source && c.ExternalId == "CUST00011", Ct)).Birthday);
    }

    /// <summary>SearchOrders: at most ten location ids and the sort field that the time filter uses; customers sorted as Square allows.</summary>
    private static void AssertSearchesFollowSquaresRules(IReadOnlyList<SeenRequest> requests)
    {
        foreach (var order in requests.Where(r => r.Path == "v2/orders/search"))
        {
            var body = order.Json!;
            Assert.InRange(body["location_ids"]!.AsArray().Count, 1, SquareConnector.LocationsPerOrderSearch);
            Assert.InRange(body["limit"]!.GetValue<int>(), 1, 1000);
            Assert.Equal(["updated_at"], body["query"]!["filter"]!["date_time_filter"]!.AsObject().Select(p => p.Key));
            Assert.Equal("UPDATED_AT", body["query"]!["sort"]!["sort_field"]!.GetValue<string>());
        }
        foreach (var customers in requests.Where(r => r.Path == "v2/customers/search" && r.Json!["query"] is not null))
        {
            var query = customers.Json!["query"]!;
            Assert.NotNull(query["filter"]!["updated_at"]!["end_at"]);
            Assert.Equal("CREATED_AT", query["sort"]!["field"]!.GetValue<string>());
            Assert.InRange(customers.Json!["limit"]!.GetValue<int>(), 1, 100);
        }
        Assert.All(requests.Where(r => r.Path == "v2/loyalty/events/search"), r => Assert.InRange(r.Json!["limit"]!.GetValue<int>(), 1, 30));
    }

    /// <summary>Each cursor came back with exactly the query (body less cursor) whose answer issued it.</summary>
    private static void AssertEveryCursorWentWithTheQueryItWasIssuedFor(IReadOnlyList<SeenRequest> requests)
    {
        var issuedFor = requests.Where(r => r.IssuedCursor is not null).GroupBy(r => r.IssuedCursor!).ToDictionary(g => g.Key, g => g.First().Query);
        var paged = requests.Where(r => r.Cursor is not null).ToList();
        Assert.NotEmpty(paged);
        Assert.All(paged, r => Assert.Equal(issuedFor[r.Cursor!], r.Query));
    }

    /// <summary>A fake Square holding <c>data</c>, an app, and a Square connection (Square Loyalty keeps the ledger) from one to the other.</summary>
    private sealed class SquareSync(FakeSquareData data, FakeSquareServer square, TestApp app, Connection connection) : IAsyncDisposable
    {
        public static async Task<SquareSync> StartAsync(FakeSquareData data)
        {
            var square = await FakeSquareServer.StartAsync(data);
            var app = new TestApp(clients: 5, settings: Settings);
            return new SquareSync(data, square, app, await AddConnectionAsync(app, square, "square", keepsLedger: true));
        }

        public void Deconstruct(out FakeSquareData d, out FakeSquareServer s, out TestApp a, out Connection c) => (d, s, a, c) = (data, square, app, connection);

        public async ValueTask DisposeAsync()
        {
            await app.DisposeAsync();
            await square.DisposeAsync();
        }
    }

    internal static async Task<Connection> AddConnectionAsync(TestApp app, FakeSquareServer square, string source, bool keepsLedger)
    {
        await using var db = await app.CreateDbContextAsync();
        var ours = await db.Locations.OrderBy(l => l.Id).Select(l => l.Id).ToListAsync(Ct);
        var connection = new Connection($"Square {source}", ConnectionKind.Square, source, DateTime.UtcNow);
        connection.SetDefaultLocation(ours[0]);
        connection.SetSettings(new ConnectionSettings { BaseUrl = square.BaseUrl, ApiVersion = ApiVersion, SourceKeepsLedger = keepsLedger }.ToJson());
        connection.SetCredentials(app.Get<ConnectionSecrets>().Protect(FakeSquareServer.Token));
        var squareLocations = square.Data.Locations.Where(l => l.Status == "ACTIVE").Select(l => l.Id).ToList();
        connection.MapLocations(squareLocations.Select((id, i) => (id, ours[i % ours.Count])));
        connection.SetEnabled(true);
        db.Connections.Add(connection);
        await db.SaveChangesAsync(Ct);
        return await db.Connections.Include(c => c.Locations).AsNoTracking().SingleAsync(c => c.Id == connection.Id, Ct);
    }

    private static async Task<SyncRun> RunAsync(TestApp app, int connectionId)
    {
        var (run, message) = await app.Get<SyncRunner>().RunConnectorAsync(connectionId, "Manual", AuditActor.System, Ct);
        return run ?? throw new InvalidOperationException(message);
    }

    private static async Task<Connection> ConnectionAsync(TestApp app, int id)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.Connections.AsNoTracking().SingleAsync(c => c.Id == id, Ct);
    }

    private static string Rfc3339(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
