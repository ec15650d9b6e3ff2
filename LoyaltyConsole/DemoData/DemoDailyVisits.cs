using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Visits;

namespace LoyaltyConsole.DemoData;

/// <summary>
/// Appends one day of visits to the demo business: clients whose own rhythm says they are due come in.
/// Idempotent per day: visit ids are derived from the day and the client, so a second run adds nothing.
/// </summary>
public sealed class DemoDailyVisits(CommandRunner commands, ILogger<DemoDailyVisits> logger)
{
    public async Task<int> AppendDayAsync(DateOnly day, CancellationToken ct = default)
    {
        // Reads and writes in one command: a second run of the same day sees the first one's visits and adds nothing.
        var created = new List<(Domain.Clients.Client Client, Visit Visit, Random Rng)>();
        var result = await commands.RunAsync(Auditing.AuditActor.System, policy: null, async command =>
        {
            var db = command.Db;
            var locations = await db.Locations.Where(l => l.Source == Sources.Demo).ToListAsync(ct);
            if (locations.Count == 0)
            {
                logger.LogInformation("No demo locations; nothing to append.");
                return "Nothing to append.";
            }
            var staff = await db.Staff.ToListAsync(ct);
            var tiers = await db.Tiers.ToListAsync(ct);
            var factory = new DemoVisitFactory(locations, staff, tiers);
            var dayStart = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

            // Per-client rhythm computed in the database: number of visits, first and last visit.
            var rhythms = await db.Visits
                .Where(v => v.Source == Sources.Demo && v.OccurredAt < dayStart)
                .GroupBy(v => v.ClientId)
                .Select(g => new { ClientId = g.Key, Count = g.Count(), First = g.Min(v => v.OccurredAt), Last = g.Max(v => v.OccurredAt) })
                .Where(r => r.Count >= 2)
                .ToListAsync(ct);

            var dueIds = new List<int>();
            foreach (var r in rhythms)
            {
                var mean = (r.Last - r.First).TotalDays / (r.Count - 1);
                var since = (dayStart - r.Last).TotalDays;
                var rng = new Random(unchecked((day.DayNumber * 7_919) + r.ClientId));
                // Due (90% of their interval has passed) but not lapsed (under three intervals): about one in four comes in today.
                if (since >= mean * 0.9 && since < mean * 3 && rng.NextDouble() < 0.25)
                {
                    dueIds.Add(r.ClientId);
                }
            }

            var prefix = $"daily-{day:yyyyMMdd}-";
            var already = (await db.Visits.Where(v => v.Source == Sources.Demo && v.ExternalId.StartsWith(prefix)).Select(v => v.ClientId).ToListAsync(ct)).ToHashSet();
            var clients = await db.Clients.Where(c => dueIds.Contains(c.Id) && !already.Contains(c.Id)).ToListAsync(ct);
            if (clients.Count == 0)
            {
                return "Nothing to append.";
            }

            foreach (var client in clients)
            {
                var rng = new Random(unchecked((day.DayNumber * 104_729) + client.Id));
                var habits = DemoVisitFactory.HabitsFor(new Random(client.Id));
                var visit = factory.CreateVisit(rng, client, habits, client.HomeLocationId, day, $"{prefix}{client.ExternalId}");
                db.Visits.Add(visit);
                created.Add((client, visit, rng));
            }
            await db.SaveChangesAsync(ct);

            // All of their earlier visits, not just the last year's: a tier review due since a client's last visit looks
            // at the 12 months before the review, which can reach further back than a year from today.
            var ids = clients.Select(c => c.Id).ToList();
            var history = (await db.Visits.Where(v => ids.Contains(v.ClientId) && v.OccurredAt < dayStart)
                    .Select(v => new { v.ClientId, v.OccurredAt, v.TotalMinor })
                    .ToListAsync(ct))
                .ToLookup(v => v.ClientId, v => (v.OccurredAt, v.TotalMinor));
            foreach (var (client, visit, rng) in created)
            {
                var previous = history[client.Id].OrderBy(v => v.OccurredAt).ToList();
                factory.ApplyLoyalty(rng, client, visit, previous);
            }
            await db.SaveChangesAsync(ct);
            return $"{created.Count} visits appended.";
        }, ct: ct);
        return result.Succeeded ? created.Count : throw new InvalidOperationException($"The demo visits of {day:yyyy-MM-dd} were not saved: {result.Message}");
    }
}
