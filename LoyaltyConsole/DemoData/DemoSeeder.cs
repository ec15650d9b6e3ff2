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

    // Binary COPY streams rows without a round trip each; a larger batch saves commits, and memory stays that of one batch.
    private const int CopyBatchSize = 10_000;

    public const double MinVisitRate = 0.1;
    public const double MaxVisitRate = 10.0;

    /// <summary>A client's random stream, home location and visit days: the first draws of that stream, in the order the seeder makes them.</summary>
    internal sealed record ClientPlan(Random Rng, int HomeIndex, DemoVisitPattern Pattern, List<DateOnly> Days);

    private sealed record ClientDraft(Client Client, Random Rng, DemoVisitFactory.Habits Habits, int Home, List<DateOnly> Days);

    internal static ClientPlan Plan(int seed, int index, DateOnly today, double visitRate = 1.0)
    {
        // Not HashCode.Combine: it is randomised per process, and the demo must be the same on every run.
        var rng = new Random(unchecked((seed * 1_000_003) + index));
        var homeIndex = PickLocation(rng);
        var pattern = DemoVisitPattern.Draw(rng, today, visitRate);
        return new ClientPlan(rng, homeIndex, pattern, pattern.VisitDays(rng, today));
    }

    public async Task<bool> IsDatabaseEmptyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return !await db.Locations.AnyAsync(ct) && !await db.Clients.AnyAsync(ct);
    }

    private async Task<bool> UsesPostgreSqlAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return PostgreSqlDemoCopy.Supports(db);
    }

    /// <param name="visitRate">How many times as often as the default demo's every client comes, staying as long (<see cref="DemoVisitPattern.Draw"/>).</param>
    public async Task<DemoSeedResult> SeedAsync(
        int clientCount, int seed, DateOnly? asOf = null, IProgress<string>? progress = null, double visitRate = 1.0, CancellationToken ct = default)
    {
        if (clientCount is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(clientCount), clientCount, "The demo business needs between 1 and 1,000,000 clients.");
        }
        if (visitRate is not (>= MinVisitRate and <= MaxVisitRate))
        {
            throw new ArgumentOutOfRangeException(nameof(visitRate), visitRate, $"The visit rate is a factor from {MinVisitRate} to {MaxVisitRate}.");
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
        if (await UsesPostgreSqlAsync(ct))
        {
            (visits, ledger) = await CopyClientBatchesAsync(factory, locations, seed, visitRate, today, clientCount, progress, stopwatch, ct);
        }
        else
        {
            // SQLite writes the batches through EF Core as fast as it takes them; SQL Server does too, untuned for size.
            for (var start = 0; start < clientCount; start += BatchSize)
            {
                var (v, l) = await SeedClientBatchAsync(factory, locations, seed, visitRate, today, start, Math.Min(BatchSize, clientCount - start), ct);
                visits += v;
                ledger += l;
                progress?.Report($"{Math.Min(start + BatchSize, clientCount):N0} of {clientCount:N0} clients, {visits:N0} visits");
            }
        }

        await commands.RunAsync(AuditActor.System, policy: null, async command =>
        {
            await command.AuditAsync(AuditActions.DemoSeeded, "Business", null, null,
                new { Clients = clientCount, Seed = seed, VisitRate = visitRate, AsOf = today, Visits = visits, LedgerEntries = ledger });
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
        DemoVisitFactory factory, List<Location> locations, int seed, double visitRate, DateOnly today, int start, int count, CancellationToken ct)
    {
        var ledger = 0;
        List<List<Domain.Visits.Visit>> visitsByClient = [];
        var result = await commands.RunAsync(AuditActor.System, policy: null, async command =>
        {
            var db = command.Db;
            db.ChangeTracker.AutoDetectChangesEnabled = false;

            var drafts = DraftClients(locations, seed, visitRate, today, start, count);
            db.Clients.AddRange(drafts.Select(p => p.Client));
            await db.SaveChangesAsync(ct);

            visitsByClient = DraftVisits(factory, locations, drafts);
            foreach (var clientVisits in visitsByClient)
            {
                db.Visits.AddRange(clientVisits);
            }
            await db.SaveChangesAsync(ct);

            ledger = ApplyLoyalty(factory, drafts, visitsByClient, today, firstVisitId: null);
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

    /// <summary>
    /// The PostgreSQL path: each batch is generated in memory with the ids it will have, then written with binary COPY
    /// in its own command (transaction), instead of row by row through EF Core. The same draws in the same order as
    /// <see cref="SeedClientBatchAsync"/>, so the same business. The next batch is generated while the server takes
    /// this one: generating keeps one core busy and the server's COPY and index upkeep the other.
    /// </summary>
    private async Task<(int Visits, int Ledger)> CopyClientBatchesAsync(
        DemoVisitFactory factory, List<Location> locations, int seed, double visitRate, DateOnly today, int clientCount, IProgress<string>? progress,
        Stopwatch stopwatch, CancellationToken ct)
    {
        (PostgreSqlDemoCopy.Batch Batch, int Ledger) Generate(int start, PostgreSqlDemoCopy.Ids first)
        {
            var drafts = DraftClients(locations, seed, visitRate, today, start, Math.Min(CopyBatchSize, clientCount - start));
            var visitsByClient = DraftVisits(factory, locations, drafts);
            var ledger = ApplyLoyalty(factory, drafts, visitsByClient, today, first.Visit);
            return (new PostgreSqlDemoCopy.Batch(first, drafts.Select(d => d.Client).ToList(), visitsByClient), ledger);
        }

        var firstIds = await ReadNextIdsAsync(ct);
        var next = Task.Run(() => Generate(0, firstIds), ct);
        int visits = 0, ledger = 0;
        for (var start = 0; start < clientCount; start += CopyBatchSize)
        {
            var (batch, batchLedger) = await next;
            if (start + CopyBatchSize < clientCount)
            {
                var nextStart = start + CopyBatchSize;
                next = Task.Run(() => Generate(nextStart, batch.After), ct);
            }
            var result = await commands.RunAsync(AuditActor.System, policy: null, async command =>
            {
                await PostgreSqlDemoCopy.WriteAsync(command.Db, batch, ct);
                return "Seeded.";
            }, ct: ct);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"A batch of demo clients from #{start + 1} was not saved: {result.Message}");
            }
            visits += batch.VisitsByClient.Sum(v => v.Count);
            ledger += batchLedger;
            progress?.Report($"{start + batch.Clients.Count:N0} of {clientCount:N0} clients, {visits:N0} visits, {ledger:N0} ledger entries ({stopwatch.Elapsed.TotalSeconds:N0} s)");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await PostgreSqlDemoCopy.ResetIdentitiesAsync(db, ct);
        return (visits, ledger);
    }

    private async Task<PostgreSqlDemoCopy.Ids> ReadNextIdsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await PostgreSqlDemoCopy.NextIdsAsync(db, ct);
    }

    /// <summary>The batch's clients with their random streams, habits and visit days; the first draws of each stream.</summary>
    private static List<ClientDraft> DraftClients(List<Location> locations, int seed, double visitRate, DateOnly today, int start, int count)
    {
        var drafts = new List<ClientDraft>(count);
        for (var index = start; index < start + count; index++)
        {
            var (rng, homeIndex, _, days) = Plan(seed, index, today, visitRate);
            var home = locations[homeIndex];
            var client = CreateClient(rng, index, home, DemoCatalog.Locations[homeIndex].AreaCodes, days[0]);
            drafts.Add(new ClientDraft(client, rng, DemoVisitFactory.HabitsFor(rng), home.Id, days));
        }
        return drafts;
    }

    /// <summary>Each client's visits, the next draws of their streams. A visit's client id is the saved client's, or 0 before it is saved.</summary>
    private static List<List<Domain.Visits.Visit>> DraftVisits(DemoVisitFactory factory, List<Location> locations, List<ClientDraft> drafts)
    {
        var visitsByClient = new List<List<Domain.Visits.Visit>>(drafts.Count);
        foreach (var draft in drafts)
        {
            var clientVisits = new List<Domain.Visits.Visit>(draft.Days.Count);
            foreach (var (day, n) in draft.Days.Select((d, n) => (d, n)))
            {
                var locationId = draft.Rng.NextDouble() < 0.95 ? draft.Home : locations[draft.Rng.Next(locations.Count)].Id;
                clientVisits.Add(factory.CreateVisit(draft.Rng, draft.Client, draft.Habits, locationId, day, $"{draft.Client.ExternalId}-v{n + 1}"));
            }
            visitsByClient.Add(clientVisits);
        }
        return visitsByClient;
    }

    /// <summary>
    /// Points, redemptions, tiers and expiry over each client's visits; returns the ledger entries made. Visit ids are
    /// read from the saved visits, or counted from <paramref name="firstVisitId"/> in the batch's order when given.
    /// </summary>
    private static int ApplyLoyalty(DemoVisitFactory factory, List<ClientDraft> drafts, List<List<Domain.Visits.Visit>> visitsByClient, DateOnly today, long? firstVisitId)
    {
        var ledger = 0;
        var visitId = firstVisitId;
        var now = today.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        for (var i = 0; i < drafts.Count; i++)
        {
            var (client, rng, _, _, _) = drafts[i];
            var history = new List<(DateTime At, long TotalMinor)>();
            foreach (var visit in visitsByClient[i])
            {
                factory.ApplyLoyalty(rng, client, visit, history, visitId++);
                history.Add((visit.OccurredAt, visit.TotalMinor));
            }
            factory.ReviewTier(client, history, now);
            DemoVisitFactory.ExpireIfIdle(client, client.LastVisitAt, now);
            ledger += client.Ledger.Count;
        }
        return ledger;
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
