using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Loyalty;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Sync;

/// <summary>
/// The writer every source goes through: idempotent on (source, external id), points earned once and reversed
/// once, unknown clients kept rather than dropped, duplicates offered for merging. Runs on SQLite and, with
/// TEST_DATABASE=PostgreSql, on PostgreSQL, where the concurrent writers really overlap.
/// </summary>
public sealed class SyncWriterTests
{
    private static readonly DateTime At = new(2026, 10, 5, 15, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Clients_are_created_once_updated_when_they_change_and_bad_details_are_dropped_with_a_warning()
    {
        await using var app = new TestApp(clients: 5);
        var connection = await AddConnectionAsync(app, "fresha");
        var writer = app.Get<SyncWriter>();
        var issues = new List<SourceIssue>();
        SourceClient[] batch =
        [
            new("c-1", "Ada", "Lovelace", " Ada@Example.COM ", "(212) 555-0101", Line: 2),
            new("c-2", "Grace", null, "not-an-email", "12", Line: 3),
            new("c-3", "Alan", "Turing", null, null, SourceLocationId: "nowhere", Line: 4),
        ];

        var first = await writer.WriteClientsAsync(connection, batch, issues, Ct);
        var again = await writer.WriteClientsAsync(connection, batch, issues, Ct);
        var changed = await writer.WriteClientsAsync(connection, [batch[0] with { LastName = "King" }], issues, Ct);

        Assert.Equal(new SyncCounts(2, 0, 0, 0, 1), first);
        Assert.Equal(new SyncCounts(0, 0, 2, 0, 1), again);
        Assert.Equal(new SyncCounts(0, 1, 0, 0, 0), changed);
        await using var db = await app.CreateDbContextAsync();
        var ada = await db.Clients.SingleAsync(c => c.Source == "fresha" && c.ExternalId == "c-1", Ct);
        Assert.Equal(("Ada", "King", "ada@example.com", "+12125550101"), (ada.FirstName, ada.LastName, ada.Email, ada.PhoneE164));
        var grace = await db.Clients.SingleAsync(c => c.Source == "fresha" && c.ExternalId == "c-2", Ct);
        Assert.Equal(("", null, null), (grace.LastName, grace.Email, grace.PhoneE164));
        Assert.Contains(issues, i => i is { Line: 3, Kind: SourceIssueKind.Warning } && i.Reason.Contains("not an email", StringComparison.Ordinal));
        Assert.Contains(issues, i => i is { Line: 3, Kind: SourceIssueKind.Warning } && i.Reason.Contains("phone", StringComparison.Ordinal));
        Assert.Contains(issues, i => i is { Line: 4, Kind: SourceIssueKind.Failed } && i.Reason.Contains("'nowhere' is not mapped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sale_earns_its_points_once_and_its_return_takes_them_back_once()
    {
        await using var app = new TestApp(clients: 5);
        var connection = await AddConnectionAsync(app, "shop");
        var writer = app.Get<SyncWriter>();
        var issues = new List<SourceIssue>();
        await writer.WriteClientsAsync(connection, [new SourceClient("c-1", "Ada", "Lovelace", null, null)], issues, Ct);
        var sale = new SourceVisit("o-1", "c-1", null, At, "USD", [new SourceLine("Cut", "Cut", 1, 8_000), new SourceLine("Shampoo", null, 2, 1_250, 500, IsProduct: true)]);
        var partReturn = new SourceVisit("r-1", "c-1", null, At.AddDays(2), "USD", [new SourceLine("Shampoo", null, 1, 1_250)], IsReturn: true, ReturnOfExternalId: "o-1");

        var written = await writer.WriteVisitsAsync(connection, [sale], issues, Ct);
        var replayed = await writer.WriteVisitsAsync(connection, [sale, sale], issues, Ct);
        var returned = await writer.WriteVisitsAsync(connection, [partReturn], issues, Ct);
        var returnedAgain = await writer.WriteVisitsAsync(connection, [partReturn], issues, Ct);

        Assert.Equal((1, 0, 1, 0), (written.New, replayed.New, replayed.Unchanged, returnedAgain.New));
        Assert.Equal(1, returned.New);
        await using var db = await app.CreateDbContextAsync();
        var client = await db.Clients.Include(c => c.Ledger).SingleAsync(c => c.Source == "shop" && c.ExternalId == "c-1", Ct);
        var visit = await db.Visits.SingleAsync(v => v.Source == "shop", Ct);
        Assert.Equal(10_000, visit.TotalMinor);
        // 100 points for $100.00; the return of $12.50 takes back 12.
        Assert.Equal([100, -12], client.Ledger.OrderBy(e => e.Id).Select(e => e.Points));
        Assert.Equal(88, client.PointsBalance);
        var refund = await db.VisitReturns.SingleAsync(Ct);
        Assert.Equal((visit.Id, 1_250L, 12), (refund.VisitId!.Value, refund.AmountMinor, refund.PointsReversed));
        Assert.Empty(issues);
    }

    [Fact]
    public async Task A_visit_for_an_unknown_client_waits_in_the_unmatched_list_and_is_applied_when_the_client_arrives()
    {
        await using var app = new TestApp(clients: 5);
        var connection = await AddConnectionAsync(app, "shop");
        var writer = app.Get<SyncWriter>();
        var issues = new List<SourceIssue>();
        var early = new SourceVisit("o-9", "c-late", null, At, null, [new SourceLine("Colour", "Colour", 1, 12_000)], Line: 7);
        var unmatchedReturn = new SourceVisit("r-9", "c-late", null, At, null, [new SourceLine("Colour", "Colour", 1, 2_000)], IsReturn: true, ReturnOfExternalId: "gone");

        var first = await writer.WriteVisitsAsync(connection, [early], issues, Ct);
        await writer.WriteClientsAsync(connection, [new SourceClient("c-late", "Late", "Comer", null, null)], issues, Ct);
        var applied = await writer.ReapplyUnmatchedAsync(connection, issues, Ct);
        var unlinked = await writer.WriteVisitsAsync(connection, [unmatchedReturn], issues, Ct);

        Assert.Equal(1, first.Skipped);
        Assert.Contains(issues, i => i is { Line: 7, Kind: SourceIssueKind.Skipped });
        Assert.Equal(1, applied.New);
        Assert.Equal(1, unlinked.New);
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(1, await db.Visits.CountAsync(v => v.Source == "shop", Ct));
        Assert.NotNull((await db.UnmatchedRecords.SingleAsync(Ct)).ResolvedAt);
        var client = await db.Clients.SingleAsync(c => c.Source == "shop", Ct);
        // The return's sale is not here: recorded for the client, and the sale's own points stay.
        Assert.Null((await db.VisitReturns.SingleAsync(Ct)).VisitId);
        Assert.Equal(120, client.PointsBalance);
        Assert.Equal(0, await writer.ReapplyUnmatchedAsync(connection, issues, Ct) is { New: var n } ? n : -1);
    }

    [Fact]
    public async Task The_same_person_from_a_second_source_is_offered_for_merging_once_and_never_merged()
    {
        await using var app = new TestApp(clients: 5);
        var fresha = await AddConnectionAsync(app, "fresha");
        var square = await AddConnectionAsync(app, "square");
        var writer = app.Get<SyncWriter>();
        var issues = new List<SourceIssue>();

        await writer.WriteClientsAsync(fresha, [new SourceClient("f-1", "Ada", "Lovelace", "ada@example.com", null)], issues, Ct);
        await writer.WriteClientsAsync(square, [new SourceClient("s-1", "Ada", "L.", "ADA@example.com", null)], issues, Ct);
        await writer.WriteClientsAsync(square, [new SourceClient("s-1", "Ada", "Lovelace", "ada@example.com", null)], issues, Ct);

        await using var db = await app.CreateDbContextAsync();
        var suggestion = await db.MergeSuggestions.SingleAsync(Ct);
        Assert.Equal(MergeStatus.Open, suggestion.Status);
        Assert.Equal("Same email ada@example.com", suggestion.Reason);
        Assert.Equal(2, await db.Clients.CountAsync(c => c.Email == "ada@example.com" && c.MergedIntoClientId == null, Ct));
    }

    [Fact]
    public async Task A_source_that_keeps_its_own_ledger_earns_nothing_here_and_its_points_events_are_mirrored_once()
    {
        await using var app = new TestApp(clients: 5);
        var connection = await AddConnectionAsync(app, "square", new ConnectionSettings { SourceKeepsLedger = true });
        var writer = app.Get<SyncWriter>();
        var issues = new List<SourceIssue>();
        await writer.WriteClientsAsync(connection, [new SourceClient("sq-1", "Ada", "Lovelace", null, null)], issues, Ct);
        await writer.WriteVisitsAsync(connection, [new SourceVisit("o-1", "sq-1", null, At, null, [new SourceLine("Cut", "Cut", 1, 8_000)])], issues, Ct);
        SourceLedgerEvent[] events = [new("ev-1", "sq-1", LedgerEntryKind.Earn, 80, At, "Square Loyalty", "o-1"), new("ev-2", "sq-1", LedgerEntryKind.Adjust, -30, At.AddDays(1))];

        var first = await writer.WriteLedgerEventsAsync(connection, events, issues, Ct);
        var again = await writer.WriteLedgerEventsAsync(connection, events, issues, Ct);

        Assert.Equal((2L, 0L, 2L), (first.New, again.New, again.Unchanged));
        await using var db = await app.CreateDbContextAsync();
        var client = await db.Clients.Include(c => c.Ledger).SingleAsync(c => c.Source == "square", Ct);
        Assert.Equal([80, -30], client.Ledger.OrderBy(e => e.Id).Select(e => e.Points));
        Assert.Equal(50, client.PointsBalance);
    }

    [Fact]
    public async Task Writers_delivering_the_same_sale_at_once_store_it_once_and_earn_its_points_once()
    {
        await using var app = new TestApp(clients: 5);
        var connection = await AddConnectionAsync(app, "shop");
        var writer = app.Get<SyncWriter>();
        await writer.WriteClientsAsync(connection, [new SourceClient("c-1", "Ada", "Lovelace", null, null)], [], Ct);
        var sales = Enumerable.Range(0, 20).Select(i => new SourceVisit($"o-{i}", "c-1", null, At.AddHours(i), null, [new SourceLine("Cut", "Cut", 1, 5_000)])).ToList();

        // Eight writers deliver overlapping halves of the same sales at once (a sync page and webhooks, say).
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() =>
            writer.WriteVisitsAsync(connection, w % 2 == 0 ? sales[..12] : sales[8..], new List<SourceIssue>(), Ct))));

        Assert.Equal(20, results.Sum(r => r.New));
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(20, await db.Visits.CountAsync(v => v.Source == "shop", Ct));
        var client = await db.Clients.Include(c => c.Ledger).SingleAsync(c => c.Source == "shop", Ct);
        Assert.Equal(20, client.Ledger.Count);
        Assert.Equal(20 * 50, client.PointsBalance);
    }

    [Fact]
    public async Task Points_are_earned_per_whole_unit_of_the_sales_currency_so_a_yen_sale_earns_no_more_than_its_yen()
    {
        await using var app = new TestApp(clients: 5);
        var connection = await AddConnectionAsync(app, "till");
        var writer = app.Get<SyncWriter>();
        var issues = new List<SourceIssue>();
        await writer.WriteClientsAsync(connection, [new SourceClient("c-1", "Ada", "Lovelace", null, null), new SourceClient("c-2", "Grace", "Hopper", null, null)], issues, Ct);

        await writer.WriteVisitsAsync(connection,
            [
                new SourceVisit("o-yen", "c-1", null, At, "JPY", [new SourceLine("Cut", "Cut", 1, 1_200)]),
                new SourceVisit("o-dollar", "c-2", null, At, "USD", [new SourceLine("Cut", "Cut", 1, 1_200)]),
            ], issues, Ct);
        await writer.WriteVisitsAsync(connection, [new SourceVisit("r-yen", "c-1", null, At.AddDays(1), "JPY", [new SourceLine("Cut", "Cut", 1, 300)], IsReturn: true, ReturnOfExternalId: "o-yen")], issues, Ct);

        await using var db = await app.CreateDbContextAsync();
        var yen = await db.Clients.SingleAsync(c => c.Source == "till" && c.ExternalId == "c-1", Ct);
        var dollar = await db.Clients.SingleAsync(c => c.Source == "till" && c.ExternalId == "c-2", Ct);
        Assert.Equal(1_200 - 300, yen.PointsBalance);
        Assert.Equal(12, dollar.PointsBalance);
        Assert.Equal("JPY 1,200", LoyaltyConsole.Domain.Common.Money.Format(1_200, "JPY"));
    }

    [Fact]
    public async Task A_points_event_for_a_client_not_known_yet_waits_in_the_unmatched_list_and_is_applied_once_the_client_comes()
    {
        await using var app = new TestApp(clients: 5);
        var connection = await AddConnectionAsync(app, "square", new ConnectionSettings { SourceKeepsLedger = true });
        var writer = app.Get<SyncWriter>();
        var issues = new List<SourceIssue>();
        SourceLedgerEvent[] events = [new("ev-1", "sq-late", LedgerEntryKind.Earn, 40, At, "Square Loyalty")];

        var early = await writer.WriteLedgerEventsAsync(connection, events, issues, Ct);
        await writer.WriteClientsAsync(connection, [new SourceClient("sq-late", "Ada", "Lovelace", null, null)], issues, Ct);
        var applied = await writer.ReapplyUnmatchedAsync(connection, issues, Ct);
        var again = await writer.ReapplyUnmatchedAsync(connection, issues, Ct);
        var replayed = await writer.WriteLedgerEventsAsync(connection, events, issues, Ct);

        Assert.Equal((0L, 1L), (early.New, early.Skipped));
        Assert.Equal(1L, applied.New);
        Assert.Equal(SyncCounts.Zero, again);
        Assert.Equal(1L, replayed.Unchanged);
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(40, (await db.Clients.SingleAsync(c => c.Source == "square", Ct)).PointsBalance);
        var waited = await db.UnmatchedRecords.SingleAsync(Ct);
        Assert.Equal((UnmatchedKind.LedgerEvent, "ev-1"), (waited.Kind, waited.ExternalId));
        Assert.NotNull(waited.ResolvedAt);
    }

    internal static async Task<Connection> AddConnectionAsync(TestApp app, string source, ConnectionSettings? settings = null)
    {
        await using var db = await app.CreateDbContextAsync();
        var location = await db.Locations.OrderBy(l => l.Id).FirstAsync(Ct);
        var connection = new Connection($"Test {source}", ConnectionKind.CsvImport, source, At);
        connection.SetDefaultLocation(location.Id);
        connection.SetSettings((settings ?? new ConnectionSettings()).ToJson());
        db.Connections.Add(connection);
        await db.SaveChangesAsync(Ct);
        return connection;
    }
}
