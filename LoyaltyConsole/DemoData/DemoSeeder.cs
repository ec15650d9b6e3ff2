using System.Diagnostics;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Locations;
using LoyaltyConsole.Domain.Loyalty;

namespace LoyaltyConsole.DemoData;

public sealed record DemoSeedResult(int Locations, int Staff, int Clients, int Visits, int LedgerEntries, TimeSpan Elapsed);

/// <summary>
/// Generates the demo salon chain: 3 locations in different time zones, staff, tiers and clients with up to 24 months
/// of visits, and a points ledger consistent with those visits. Clients differ as in a real salon: each has their own
/// visit rate and chance of leaving (<see cref="DemoVisitPattern"/>) and their own spend level; the months have their
/// seasons. Deterministic for a seed and an as-of date: every client draws from its own random stream.
/// </summary>
public sealed class DemoSeeder(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    CommandRunner commands,
    TimeProvider clock,
    ILogger<DemoSeeder> logger)
{
    private const int BatchSize = 500;

    /// <summary>A client's random stream, home location and visit days: the first draws of that stream, in the order the seeder makes them.</summary>
    internal sealed record ClientPlan(Random Rng, int HomeIndex, DemoVisitPattern Pattern, List<DateOnly> Days);

    internal static ClientPlan Plan(int seed, int index, DateOnly today)
    {
        // Not HashCode.Combine: it is randomised per process, and the demo must be the same on every run.
        var rng = new Random(unchecked((seed * 1_000_003) + index));
        var homeIndex = PickLocation(rng);
        var pattern = DemoVisitPattern.Draw(rng, today);
        return new ClientPlan(rng, homeIndex, pattern, pattern.VisitDays(rng, today));
    }

    public async Task<bool> IsDatabaseEmptyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return !await db.Locations.AnyAsync(ct) && !await db.Clients.AnyAsync(ct);
    }

    public async Task<DemoSeedResult> SeedAsync(int clientCount, int seed, DateOnly? asOf = null, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        if (clientCount is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(clientCount), clientCount, "The demo business needs between 1 and 1,000,000 clients.");
        }
        if (!await IsDatabaseEmptyAsync(ct))
        {
            throw new InvalidOperationException("The database already holds locations or clients; the demo business is only generated into an empty database.");
        }
        var stopwatch = Stopwatch.StartNew();
        var today = asOf ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var (locations, staff, tiers) = await SeedReferenceDataAsync(ct);
        var factory = new DemoVisitFactory(locations, staff, tiers);

        int visits = 0, ledger = 0;
        for (var start = 0; start < clientCount; start += BatchSize)
        {
            var (v, l) = await SeedClientBatchAsync(factory, locations, seed, today, start, Math.Min(BatchSize, clientCount - start), ct);
            visits += v;
            ledger += l;
            progress?.Report($"{Math.Min(start + BatchSize, clientCount):N0} of {clientCount:N0} clients, {visits:N0} visits");
        }

        await commands.RunAsync(AuditActor.System, policy: null, async command =>
        {
            await command.AuditAsync(AuditActions.DemoSeeded, "Business", null, null,
                new { Clients = clientCount, Seed = seed, AsOf = today, Visits = visits, LedgerEntries = ledger });
            return "Recorded.";
        }, ct: ct);
        var result = new DemoSeedResult(locations.Count, staff.Count, clientCount, visits, ledger, stopwatch.Elapsed);
        logger.LogInformation("Demo business generated: {Clients} clients, {Visits} visits, {Ledger} ledger entries in {Elapsed}",
            clientCount, visits, ledger, stopwatch.Elapsed);
        return result;
    }

    private async Task<(List<Location>, List<Staff>, List<TierDefinition>)> SeedReferenceDataAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var locations = DemoCatalog.Locations
            .Select(l => new Location(l.Name, l.TimeZone, DemoCatalog.Currency, Sources.Demo, $"loc-{l.Key}"))
            .ToList();
        db.Locations.AddRange(locations);
        var tiers = new List<TierDefinition>
        {
            new("Member", 0, 0, 0, "#78909c"),
            new("Silver", 1, 6, 50_000, "#9e9e9e"),
            new("Gold", 2, 10, 100_000, "#c9a227"),
            new("Platinum", 3, 14, 200_000, "#5c6bc0"),
        };
        db.Tiers.AddRange(tiers);
        await db.SaveChangesAsync(ct);

        var staff = new List<Staff>();
        for (var i = 0; i < locations.Count; i++)
        {
            foreach (var (person, index) in DemoCatalog.Locations[i].Staff.Select((p, n) => (p, n)))
            {
                var (name, role) = (person.Split(':')[0], person.Split(':')[1]);
                staff.Add(new Staff(locations[i].Id, name.Split(' ')[0], name.Split(' ')[1], role, Sources.Demo, $"staff-{DemoCatalog.Locations[i].Key}-{index + 1}"));
            }
        }
        db.Staff.AddRange(staff);
        await db.SaveChangesAsync(ct);
        return (locations, staff, tiers);
    }

    private async Task<(int Visits, int Ledger)> SeedClientBatchAsync(
        DemoVisitFactory factory, List<Location> locations, int seed, DateOnly today, int start, int count, CancellationToken ct)
    {
        var ledger = 0;
        List<List<Domain.Visits.Visit>> visitsByClient = [];
        var result = await commands.RunAsync(AuditActor.System, policy: null, async command =>
        {
            var db = command.Db;
            db.ChangeTracker.AutoDetectChangesEnabled = false;

            var plans = new List<(Client Client, Random Rng, DemoVisitFactory.Habits Habits, int Home, List<DateOnly> Days)>(count);
            for (var index = start; index < start + count; index++)
            {
                var (rng, homeIndex, _, days) = Plan(seed, index, today);
                var home = locations[homeIndex];
                var client = CreateClient(rng, index, home, DemoCatalog.Locations[homeIndex].AreaCodes, days[0]);
                plans.Add((client, rng, DemoVisitFactory.HabitsFor(rng), home.Id, days));
            }
            db.Clients.AddRange(plans.Select(p => p.Client));
            await db.SaveChangesAsync(ct);

            visitsByClient = new List<List<Domain.Visits.Visit>>(count);
            foreach (var plan in plans)
            {
                var clientVisits = new List<Domain.Visits.Visit>(plan.Days.Count);
                foreach (var (day, n) in plan.Days.Select((d, n) => (d, n)))
                {
                    var locationId = plan.Rng.NextDouble() < 0.95 ? plan.Home : locations[plan.Rng.Next(locations.Count)].Id;
                    clientVisits.Add(factory.CreateVisit(plan.Rng, plan.Client, plan.Habits, locationId, day, $"{plan.Client.ExternalId}-v{n + 1}"));
                }
                visitsByClient.Add(clientVisits);
                db.Visits.AddRange(clientVisits);
            }
            await db.SaveChangesAsync(ct);

            ledger = 0;
            var now = today.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            for (var i = 0; i < plans.Count; i++)
            {
                var (client, rng, _, _, _) = plans[i];
                var history = new List<(DateTime At, long TotalMinor)>();
                foreach (var visit in visitsByClient[i])
                {
                    factory.ApplyLoyalty(rng, client, visit, history);
                    history.Add((visit.OccurredAt, visit.TotalMinor));
                }
                factory.ReviewTier(client, history, now);
                DemoVisitFactory.ExpireIfIdle(client, client.LastVisitAt, now);
                ledger += client.Ledger.Count;
            }
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(ct);
            return "Seeded.";
        }, ct: ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"A batch of demo clients from #{start + 1} was not saved: {result.Message}");
        }
        return (visitsByClient.Sum(v => v.Count), ledger);
    }

    private static int PickLocation(Random rng) =>
        DemoVisitFactory.Pick(rng, DemoCatalog.Locations.Select((l, i) => (i, l.Share)).ToList());

    private static Client CreateClient(Random rng, int index, Location home, string[] areaCodes, DateOnly firstVisit)
    {
        var first = DemoCatalog.FirstNames[rng.Next(DemoCatalog.FirstNames.Length)];
        var last = DemoCatalog.LastNames[rng.Next(DemoCatalog.LastNames.Length)];
        // 555-01XX numbers are reserved for fiction, so the demo can never text a real person.
        var phone = rng.NextDouble() < 0.9
            ? PhoneNumber.Parse($"({areaCodes[rng.Next(areaCodes.Length)]}) 555-01{rng.Next(0, 100):00}", "US")
            : null;
        var emailLocal = $"{Ascii(first)}.{Ascii(last)}{index + 1}".ToLowerInvariant();
        var email = rng.NextDouble() < 0.85 ? $"{emailLocal}@example.com" : null;
        DateOnly? birthday = rng.NextDouble() < 0.8 ? new DateOnly(rng.Next(1955, 2006), rng.Next(1, 13), rng.Next(1, 29)) : null;
        var created = home.ToUtc(firstVisit.ToDateTime(new TimeOnly(8, 0)));

        var client = new Client(first, last, email, phone, birthday, home.Id, created, Sources.Demo, $"c{index + 1}");
        if (phone is not null && rng.NextDouble() < 0.72)
        {
            client.SetSmsConsent(Consent.Grant(created, "Booking form"));
        }
        if (email is not null && rng.NextDouble() < 0.6)
        {
            client.SetEmailConsent(Consent.Grant(created, "Booking form"));
        }
        if (rng.NextDouble() < 0.08)
        {
            client.SetNotes(DemoCatalog.Notes[rng.Next(DemoCatalog.Notes.Length)]);
        }
        return client;
    }

    private static string Ascii(string name) =>
        new(name.Normalize(System.Text.NormalizationForm.FormD).Where(char.IsAsciiLetter).ToArray());
}
