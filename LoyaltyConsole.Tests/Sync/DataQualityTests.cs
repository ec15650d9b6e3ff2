using System.Globalization;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Features.Clients;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Sync;

public sealed class DataQualityTests
{
    private static readonly DateTime At = new(2026, 10, 5, 15, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_merge_moves_the_duplicates_visits_and_points_hides_it_from_the_client_list_is_audited_and_undone_whole()
    {
        await using var app = new TestApp(clients: 5);
        var fresha = await SyncWriterTests.AddConnectionAsync(app, "fresha");
        var square = await SyncWriterTests.AddConnectionAsync(app, "square");
        var writer = app.Get<SyncWriter>();
        var issues = new List<SourceIssue>();
        await writer.WriteClientsAsync(fresha, [new SourceClient("f-1", "Ada", "Lovelace", "ada@example.com", null)], issues, Ct);
        await writer.WriteClientsAsync(square, [new SourceClient("s-1", "Ada", "L.", "ada@example.com", null)], issues, Ct);
        await writer.WriteVisitsAsync(fresha, [new SourceVisit("v-1", "f-1", null, At, null, [new SourceLine("Cut", "Cut", 1, 6_000)])], issues, Ct);
        await writer.WriteVisitsAsync(square, [new SourceVisit("o-1", "s-1", null, At.AddDays(3), null, [new SourceLine("Colour", "Colour", 1, 9_000)])], issues, Ct);
        var quality = app.Get<DataQualityService>();
        var admin = AuditActor.From(await app.PrincipalAsync(TestUsers.Admin));
        var scope = await app.ScopeAsync(TestUsers.Owner);
        var directory = app.Get<ClientDirectory>();
        var suggestion = Assert.Single(await quality.SuggestionsAsync(openOnly: true, 10, Ct));
        var (kept, duplicate) = suggestion.First.Source == "fresha" ? (suggestion.First, suggestion.Second) : (suggestion.Second, suggestion.First);

        var merged = await quality.MergeAsync(suggestion.Id, suggestion.Version, kept.Id, admin, Ct);
        var listedMerged = await directory.SearchAsync(scope, new ClientQuery(Search: "Ada"), Ct);
        await using (var db = await app.CreateDbContextAsync())
        {
            Assert.True(merged.Succeeded, merged.Message);
            Assert.Equal(2, await db.Visits.CountAsync(v => v.ClientId == kept.Id, Ct));
            Assert.Equal(150, (await db.Clients.SingleAsync(c => c.Id == kept.Id, Ct)).PointsBalance);
            Assert.Equal((kept.Id, 0), (await db.Clients.SingleAsync(c => c.Id == duplicate.Id, Ct)) is var d ? (d.MergedIntoClientId, d.PointsBalance) : default);
            Assert.Equal([kept.Id], listedMerged.Items.Select(c => c.Id));
            var key = duplicate.Id.ToString(CultureInfo.InvariantCulture);
            Assert.Equal("client.merged", Assert.Single(await db.AuditEntries.Where(e => e.EntityType == "Client" && e.EntityId == key).ToListAsync(Ct)).Action);
        }

        var reopened = (await quality.SuggestionsAsync(openOnly: false, 10, Ct)).Single();
        var undone = await quality.UndoAsync(reopened.Id, reopened.Version, admin, Ct);
        var listedUndone = await directory.SearchAsync(scope, new ClientQuery(Search: "Ada"), Ct);
        var stale = await quality.UndoAsync(reopened.Id, reopened.Version, admin, Ct);

        Assert.True(undone.Succeeded, undone.Message);
        Assert.False(stale.Succeeded);
        await using var after = await app.CreateDbContextAsync();
        Assert.Equal(["v-1"], await after.Visits.Where(v => v.ClientId == kept.Id).Select(v => v.ExternalId).ToListAsync(Ct));
        Assert.Equal(["o-1"], await after.Visits.Where(v => v.ClientId == duplicate.Id).Select(v => v.ExternalId).ToListAsync(Ct));
        Assert.Equal((60, 90), (await after.Clients.SingleAsync(c => c.Id == kept.Id, Ct)).PointsBalance is var k
            ? (k, (await after.Clients.SingleAsync(c => c.Id == duplicate.Id, Ct)).PointsBalance) : default);
        Assert.Null((await after.Clients.SingleAsync(c => c.Id == duplicate.Id, Ct)).MergedIntoClientId);
        Assert.Equal(2, listedUndone.TotalCount);
    }
}
