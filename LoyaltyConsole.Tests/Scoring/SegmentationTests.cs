using LoyaltyConsole.Auditing;
using LoyaltyConsole.Domain.Segments;
using LoyaltyConsole.Scoring;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Scoring;

public sealed class SegmentationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_client_with_visits_is_scored_with_a_stored_model_fit_and_segment_memberships()
    {
        await using var app = new TestApp(clients: 300);
        var asOf = DateOnly.FromDateTime(DateTime.UtcNow);

        await using var db = await app.CreateDbContextAsync();
        var withVisits = await db.Clients.CountAsync(c => c.LastVisitAt != null, Ct);
        var fit = await db.ModelFits.SingleAsync(f => f.AsOf == asOf, Ct);
        var scores = await db.ClientScores.Where(s => s.AsOf == asOf).ToListAsync(Ct);

        Assert.Equal(withVisits, scores.Count);
        Assert.Equal(withVisits, fit.Customers);
        Assert.All([fit.BgNbdLogLikelihood, fit.GammaGammaLogLikelihood], ll => Assert.True(double.IsFinite(ll) && ll < 0));
        Assert.All([fit.R, fit.Alpha, fit.A, fit.B, fit.P, fit.Q, fit.Gamma], p => Assert.True(p > 0));
        Assert.All(scores, s =>
        {
            Assert.InRange(s.ProbabilityAlive, 0, 1);
            Assert.True(s.ExpectedVisits90Days >= 0);
            Assert.True(s.PredictedValueMinor >= 0);
            Assert.InRange(s.RfmRecency, 1, 5);
            Assert.False(string.IsNullOrEmpty(s.TierRationale));
        });
        Assert.True(await db.SegmentMemberships.AnyAsync(Ct));
        var run = await db.SegmentationRuns.Include(r => r.Segments).SingleAsync(Ct);
        Assert.Equal(await db.Segments.CountAsync(Ct), run.Segments.Count);
        Assert.Equal(await db.SegmentMemberships.CountAsync(m => m.ExitedOn == null, Ct), run.Segments.Sum(s => s.Members));
    }

    [Fact]
    public async Task Scores_and_memberships_are_the_same_whatever_the_range_size()
    {
        // 300 clients in one range of 50,000, and in ranges of 7: every range boundary falls inside the business, and a
        // range's features, favourites and memberships must not leak into the next one.
        await using var whole = new TestApp(clients: 300);
        await using var ranged = new TestApp(clients: 300, settings: new Dictionary<string, string> { ["Scoring:ClientsPerRange"] = "7" });

        var (wholeScores, wholeMembers) = await ScoresAndMembershipsAsync(whole);
        var (rangedScores, rangedMembers) = await ScoresAndMembershipsAsync(ranged);

        Assert.NotEmpty(wholeScores);
        Assert.Contains(wholeScores, s => s.Contains("\"FavouriteCategory\":\"", StringComparison.Ordinal));
        Assert.Contains(wholeScores, s => s.Contains("\"TopBrand\":\"", StringComparison.Ordinal));
        Assert.Equal(wholeScores, rangedScores);
        Assert.NotEmpty(wholeMembers);
        Assert.Equal(wholeMembers, rangedMembers);
    }

    // Each score as JSON without its row and fit ids, each membership as (segment, client, entered, exited), in client order.
    private static async Task<(List<string> Scores, List<(int, int, DateOnly, DateOnly?)> Members)> ScoresAndMembershipsAsync(TestApp app)
    {
        await using var db = await app.CreateDbContextAsync();
        var scores = await db.ClientScores.AsNoTracking().OrderBy(s => s.ClientId).ToListAsync(Ct);
        var members = await db.SegmentMemberships.AsNoTracking().OrderBy(m => m.SegmentId).ThenBy(m => m.ClientId)
            .Select(m => new { m.SegmentId, m.ClientId, m.EnteredOn, m.ExitedOn }).ToListAsync(Ct);
        return (
            scores.Select(s =>
            {
                (s.Id, s.ModelFitId) = (0, 0);
                return System.Text.Json.JsonSerializer.Serialize(s);
            }).ToList(),
            members.Select(m => (m.SegmentId, m.ClientId, m.EnteredOn, m.ExitedOn)).ToList());
    }

    [Fact]
    public async Task A_second_run_on_the_same_day_changes_nothing()
    {
        await using var app = new TestApp(clients: 200);
        var asOf = DateOnly.FromDateTime(DateTime.UtcNow);
        await using var db = await app.CreateDbContextAsync();
        var scoresBefore = await Snapshot(db, asOf);
        var membershipsBefore = await db.SegmentMemberships.OrderBy(m => m.Id).Select(m => new { m.Id, m.SegmentId, m.ClientId, m.EnteredOn, m.ExitedOn }).ToListAsync(Ct);

        var second = await app.Get<SegmentationService>().RunAsync(asOf, "test", Ct);

        Assert.All(second.Segments, s => Assert.Equal((0, 0), (s.Entered, s.Exited)));
        Assert.Equal(scoresBefore, await Snapshot(db, asOf));
        Assert.Equal(membershipsBefore, await db.SegmentMemberships.OrderBy(m => m.Id).Select(m => new { m.Id, m.SegmentId, m.ClientId, m.EnteredOn, m.ExitedOn }).ToListAsync(Ct));
        Assert.Single(await db.ModelFits.ToListAsync(Ct));
    }

    [Fact]
    public async Task Scoring_an_earlier_day_than_the_last_run_is_refused()
    {
        await using var app = new TestApp(clients: 30);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            app.Get<SegmentationService>().RunAsync(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3), "test", Ct));

        Assert.Contains("only move forward", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Editing_a_segment_is_validated_and_audited_and_moves_membership_at_the_next_run()
    {
        await using var app = new TestApp(clients: 200);
        var marketing = AuditActor.From(await app.PrincipalAsync(TestUsers.Marketing));
        var query = app.Get<SegmentCatalog>();
        await using var db = await app.CreateDbContextAsync();
        var lapsed = await db.Segments.SingleAsync(s => s.Key == "lapsed", Ct);

        var refused = await query.UpdateSegmentAsync(lapsed.Id, new SegmentForm("Lapsed", "", true, new SegmentRule { MinDaysSinceLastVisit = 90, MaxDaysSinceLastVisit = 10 }), marketing, Ct);
        Assert.Equal(["The minimum days since the last visit is above the maximum."], refused);

        var accepted = await query.UpdateSegmentAsync(lapsed.Id, new SegmentForm("Long gone", "Not seen for 200 days", true, new SegmentRule { MinDaysSinceLastVisit = 200 }), marketing, Ct);
        Assert.Empty(accepted);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.SegmentChanged && e.EntityId == "lapsed" && e.ActorId == marketing.Id, Ct));

        var run = await app.Get<SegmentationService>().RunAsync(DateOnly.FromDateTime(DateTime.UtcNow), "test", Ct);
        var expected = await db.ClientScores.CountAsync(s => s.AsOf == run.AsOf && s.DaysSinceLastVisit >= 200, Ct);
        Assert.Equal(expected, run.Segments.Single(s => s.SegmentId == lapsed.Id).Members);
    }

    [Fact]
    public async Task Manager_cannot_read_scores_or_segment_members_of_another_location()
    {
        await using var app = new TestApp(clients: 200);
        var soho = await app.ScopeAsync(TestUsers.ManagerSoho);
        var query = app.Get<ScoringQuery>();
        await using var db = await app.CreateDbContextAsync();
        var other = await db.ClientScores.FirstAsync(s => !soho.LocationIds.Contains(s.HomeLocationId), Ct);
        var own = await db.ClientScores.FirstAsync(s => soho.LocationIds.Contains(s.HomeLocationId), Ct);

        Assert.Null(await query.ClientAsync(soho, other.ClientId, Ct));
        Assert.NotNull(await query.ClientAsync(soho, own.ClientId, Ct));
        foreach (var segment in await query.SegmentsAsync(soho, Ct))
        {
            var members = await query.MembersAsync(soho, segment.Definition.Id, 0, 500, Ct);
            Assert.Equal(segment.Members, members.TotalCount);
            Assert.All(members.Items, m => Assert.Equal("Lumière Salon & Spa — SoHo", m.LocationName));
        }
    }

    [Fact]
    public async Task Segment_sizes_and_member_totals_are_the_open_memberships_the_caller_may_see_also_after_a_run_without_location_counts()
    {
        await using var app = new TestApp(clients: 200);
        var query = app.Get<ScoringQuery>();
        await using var db = await app.CreateDbContextAsync();
        var scopes = new[] { await app.ScopeAsync(TestUsers.Owner), await app.ScopeAsync(TestUsers.ManagerSoho) };
        async Task<Dictionary<int, int>> LiveAsync(LoyaltyConsole.Identity.AccessScope scope) =>
            await (from m in db.SegmentMemberships
                   join c in db.Clients on m.ClientId equals c.Id
                   where m.ExitedOn == null && (scope.AllLocations || scope.LocationIds.Contains(c.HomeLocationId))
                   group m by m.SegmentId into g
                   select new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, Ct);

        var latest = await db.ClientScores.MaxAsync(s => s.AsOf, Ct);
        async Task<List<int>> LivePageAsync(LoyaltyConsole.Identity.AccessScope scope, int segmentId, int page, int pageSize) =>
            await (from m in db.SegmentMemberships
                   join c in db.Clients on m.ClientId equals c.Id
                   join s in db.ClientScores on m.ClientId equals s.ClientId
                   where m.SegmentId == segmentId && m.ExitedOn == null && s.AsOf == latest && (scope.AllLocations || scope.LocationIds.Contains(c.HomeLocationId))
                   orderby s.PredictedValueMinor descending, s.ClientId
                   select c.Id).Skip(page * pageSize).Take(pageSize).ToListAsync(Ct);
        async Task AssertLiveAsync()
        {
            foreach (var scope in scopes)
            {
                var live = await LiveAsync(scope);
                foreach (var segment in await query.SegmentsAsync(scope, Ct))
                {
                    Assert.Equal(live.GetValueOrDefault(segment.Definition.Id), segment.Members);
                    // Pages within the members the run kept and, past them (page 25 of 25 rows), read live.
                    foreach (var (page, pageSize) in new[] { (0, 25), (1, 10), (25, 25) })
                    {
                        var members = await query.MembersAsync(scope, segment.Definition.Id, page, pageSize, Ct);
                        Assert.Equal(live.GetValueOrDefault(segment.Definition.Id), members.TotalCount);
                        Assert.Equal(await LivePageAsync(scope, segment.Definition.Id, page, pageSize), members.Items.Select(m => m.ClientId));
                    }
                }
            }
        }

        Assert.True(await db.Set<SegmentRunLocationCount>().AnyAsync(Ct), "The run records its members per segment and location.");
        Assert.True((await LiveAsync(scopes[1])).Values.Sum() < (await LiveAsync(scopes[0])).Values.Sum(), "The manager sees fewer members than the owner.");
        await AssertLiveAsync();

        // A run recorded before the per-location counts existed: the sizes and totals are counted from the memberships.
        await db.Set<SegmentRunLocationCount>().ExecuteDeleteAsync(Ct);
        await AssertLiveAsync();
    }

    private static async Task<List<string>> Snapshot(LoyaltyConsole.Data.ApplicationDbContext db, DateOnly asOf) =>
        (await db.ClientScores.AsNoTracking().Where(s => s.AsOf == asOf).OrderBy(s => s.ClientId).ToListAsync(TestContext.Current.CancellationToken))
            .Select(s => $"{s.ClientId}:{s.ProbabilityAlive:R}:{s.ExpectedVisits90Days:R}:{s.PredictedValueMinor}:{s.RfmSegment}:{s.EligibleTierId}:{s.IsOverdue}:{s.FavouriteCategory}:{s.TierRationale}")
            .ToList();
}
