using LoyaltyConsole.Data;
using LoyaltyConsole.DemoData;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Locations;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Integration;

public sealed class DemoBusinessTests
{
    private static async Task<string> FingerprintAsync(TestApp app)
    {
        await using var db = await app.CreateDbContextAsync();
        var clients = await db.Clients.OrderBy(c => c.ExternalId).Select(c => c.ExternalId + c.FirstName + c.LastName + c.PointsBalance + c.TierId).ToListAsync(TestContext.Current.CancellationToken);
        var visits = await db.Visits.CountAsync(TestContext.Current.CancellationToken);
        var revenue = await db.Visits.SumAsync(v => v.TotalMinor, TestContext.Current.CancellationToken);
        var lines = await db.VisitLines.CountAsync(TestContext.Current.CancellationToken);
        var ledger = await db.LedgerEntries.CountAsync(TestContext.Current.CancellationToken);
        var tierChanges = await db.TierChanges.CountAsync(TestContext.Current.CancellationToken);
        return $"{string.Join("|", clients).GetHashCode(StringComparison.Ordinal)}/{visits}/{revenue}/{lines}/{ledger}/{tierChanges}";
    }

    [Fact]
    public async Task The_demo_business_is_the_same_for_the_same_seed()
    {
        // Seeded explicitly with a fixed as-of date, so the comparison does not depend on the day the test runs.
        await using var first = new TestApp(seedDemo: false);
        await using var second = new TestApp(seedDemo: false);
        await using var other = new TestApp(seedDemo: false);
        var asOf = new DateOnly(2026, 6, 30);
        await first.Get<DemoSeeder>().SeedAsync(80, 11, asOf, ct: TestContext.Current.CancellationToken);
        await second.Get<DemoSeeder>().SeedAsync(80, 11, asOf, ct: TestContext.Current.CancellationToken);
        await other.Get<DemoSeeder>().SeedAsync(80, 12, asOf, ct: TestContext.Current.CancellationToken);

        Assert.Equal(await FingerprintAsync(first), await FingerprintAsync(second));
        Assert.NotEqual(await FingerprintAsync(first), await FingerprintAsync(other));
    }

    [Fact]
    public void A_higher_visit_rate_gives_each_client_more_visits_over_about_the_same_time()
    {
        var asOf = new DateOnly(2026, 6, 30);
        var plans = Enumerable.Range(0, 4000)
            .Select(i => (Default: DemoSeeder.Plan(11, i, asOf), Busier: DemoSeeder.Plan(11, i, asOf, visitRate: 4.0)))
            .ToList();

        Assert.All(plans, p => Assert.Equal((p.Default.HomeIndex, p.Default.Days[0]), (p.Busier.HomeIndex, p.Busier.Days[0])));
        var ratio = (double)plans.Sum(p => p.Busier.Days.Count) / plans.Sum(p => p.Default.Days.Count);
        Assert.InRange(ratio, 3.0, 4.0);
        // Leaving is as much less likely per visit as visits are more frequent: clients are seen about as long.
        static double MeanSpan(IEnumerable<List<DateOnly>> days) => days.Average(d => d[^1].DayNumber - d[0].DayNumber);
        var spans = MeanSpan(plans.Select(p => p.Busier.Days)) / MeanSpan(plans.Select(p => p.Default.Days));
        Assert.InRange(spans, 0.8, 1.3);
    }

    [Fact]
    public async Task Seeding_at_a_higher_visit_rate_keeps_each_clients_home_and_first_visit_and_multiplies_the_visits()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var usual = new TestApp(seedDemo: false);
        await using var busier = new TestApp(seedDemo: false);
        var asOf = new DateOnly(2026, 6, 30);
        await usual.Get<DemoSeeder>().SeedAsync(60, 11, asOf, ct: ct);
        await busier.Get<DemoSeeder>().SeedAsync(60, 11, asOf, visitRate: 3.0, ct: ct);

        static async Task<(List<string> Clients, int Visits)> ReadAsync(TestApp app, CancellationToken ct)
        {
            await using var db = await app.CreateDbContextAsync();
            // Names and contact details are drawn after the visit days, so only where and when a client first came stays.
            return (await db.Clients.OrderBy(c => c.ExternalId).Select(c => $"{c.ExternalId} {c.HomeLocationId} {c.CreatedAt:O}").ToListAsync(ct),
                await db.Visits.CountAsync(ct));
        }
        var (clients, visits) = await ReadAsync(usual, ct);
        var (busierClients, busierVisits) = await ReadAsync(busier, ct);
        Assert.Equal(clients, busierClients);
        Assert.InRange(busierVisits, 2 * visits, 3 * visits);
    }

    [Fact]
    public async Task PostgreSql_seeds_by_bulk_copy_the_same_business_as_Sqlite_and_goes_on_from_its_ids()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await ScratchPostgresDatabase.CreateAsync(ct);
        var sqliteFile = Path.Combine(Path.GetTempPath(), "loyaltyconsole-tests", Guid.NewGuid().ToString("N") + ".db");
        await using var sqlite = new TestApp(seedDemo: false, settings: new Dictionary<string, string>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:DefaultConnection"] = $"Data Source={sqliteFile};Pooling=False",
        });
        await using var postgres = new TestApp(seedDemo: false, settings: new Dictionary<string, string>
        {
            ["Database:Provider"] = "PostgreSql",
            ["ConnectionStrings:DefaultConnection"] = server.ConnectionString,
        });
        var asOf = new DateOnly(2026, 6, 30);
        await sqlite.Get<DemoSeeder>().SeedAsync(80, 11, asOf, ct: ct);
        await postgres.Get<DemoSeeder>().SeedAsync(80, 11, asOf, ct: ct);

        Assert.Equal(await FingerprintAsync(sqlite), await FingerprintAsync(postgres));
        await using (var db = await postgres.CreateDbContextAsync())
        {
            Assert.Equal(0, await db.Clients.CountAsync(c => c.PointsBalance != db.LedgerEntries.Where(e => e.ClientId == c.Id).Sum(e => e.Points), ct));
            Assert.Equal(0, await db.LedgerEntries.CountAsync(e => e.VisitId != null && !db.Visits.Any(v => v.Id == e.VisitId && v.ClientId == e.ClientId), ct));
        }
        // The app's own inserts after the copy take new ids: the identity sequences were moved past the copied rows.
        Assert.Equal(await sqlite.Get<DemoDailyVisits>().AppendDayAsync(asOf, ct), await postgres.Get<DemoDailyVisits>().AppendDayAsync(asOf, ct));
        Assert.Equal(await FingerprintAsync(sqlite), await FingerprintAsync(postgres));
    }

    [Fact]
    public async Task The_demo_business_is_a_chain_of_three_locations_with_consistent_points()
    {
        await using var app = new TestApp(clients: 150);
        await using var db = await app.CreateDbContextAsync();
        var ct = TestContext.Current.CancellationToken;

        var zones = await db.Locations.Select(l => l.TimeZoneId).ToListAsync(ct);
        Assert.Equal(3, zones.Distinct().Count());
        Assert.Equal(150, await db.Clients.CountAsync(ct));

        var mismatched = await db.Clients
            .Where(c => c.PointsBalance != db.LedgerEntries.Where(e => e.ClientId == c.Id).Sum(e => e.Points))
            .CountAsync(ct);
        Assert.Equal(0, mismatched);
        Assert.Equal(0, await db.Clients.CountAsync(c => c.PointsBalance < 0, ct));

        var categories = await db.VisitLines.Select(l => l.Category).Distinct().ToListAsync(ct);
        Assert.Superset(new HashSet<string> { "Cut", "Colour", "Retail" }, categories.ToHashSet());
        Assert.True(await db.VisitLines.AnyAsync(l => l.Brand != null, ct));

        var span = await db.Visits.MaxAsync(v => v.OccurredAt, ct) - await db.Visits.MinAsync(v => v.OccurredAt, ct);
        Assert.InRange(span.TotalDays, 500, 731);
        Assert.True(await db.TierChanges.AnyAsync(ct));
        Assert.Equal(0, await db.Clients.CountAsync(c => c.TierId == null && c.LastVisitAt != null, ct));
    }

    [Fact]
    public async Task Seeding_a_database_that_already_holds_a_business_is_refused()
    {
        await using var app = new TestApp(clients: 20);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.Get<DemoSeeder>().SeedAsync(20, 1, ct: TestContext.Current.CancellationToken));

        Assert.Contains("empty database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_record_with_the_same_source_and_external_id_is_rejected_by_the_database()
    {
        await using var app = new TestApp(clients: 5);
        await using var db = await app.CreateDbContextAsync();
        var existing = await db.Locations.FirstAsync(TestContext.Current.CancellationToken);

        db.Locations.Add(new Location("Duplicate", "America/New_York", "USD", existing.Source, existing.ExternalId));

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_daily_job_appends_visits_once_per_day()
    {
        await using var app = new TestApp(clients: 300);
        var daily = app.Get<DemoDailyVisits>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using var db = await app.CreateDbContextAsync();
        var before = await db.Visits.CountAsync(TestContext.Current.CancellationToken);

        var added = await daily.AppendDayAsync(today, TestContext.Current.CancellationToken);
        var again = await daily.AppendDayAsync(today, TestContext.Current.CancellationToken);

        Assert.True(added > 0, "300 clients with regular rhythms should include someone due today.");
        Assert.Equal(0, again);
        Assert.Equal(before + added, await db.Visits.CountAsync(TestContext.Current.CancellationToken));
        var mismatched = await db.Clients.CountAsync(c => c.PointsBalance != db.LedgerEntries.Where(e => e.ClientId == c.Id).Sum(e => e.Points), TestContext.Current.CancellationToken);
        Assert.Equal(0, mismatched);
        Assert.Equal(added, await db.Visits.CountAsync(v => v.Source == Sources.Demo && v.ExternalId.StartsWith($"daily-{today:yyyyMMdd}-"), TestContext.Current.CancellationToken));
    }
}
