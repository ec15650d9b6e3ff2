using System.Diagnostics;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Features.Clients;
using LoyaltyConsole.Identity;
using LoyaltyConsole.Review;
using LoyaltyConsole.Scoring;

namespace LoyaltyConsole.Cli;

/// <summary>
/// <c>benchmark-pages [--propose true] [--runs N]</c>: times the queries the Clients, Segments and Review pages run for their
/// first render, as an owner (every location) and as a manager of the first location, against whatever database the
/// app is configured for. The first call of each is cold (a new process: EF Core compiles the query); the median of
/// the next runs is what a running app sees. With --propose true, the demo program's workflows and one proposal run are set
/// up first (as start-up does after seeding), so the review queue has content.
/// </summary>
public static class PageQueriesBenchmark
{
    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyDictionary<string, string> options, TextWriter output)
    {
        var runs = options.TryGetValue("runs", out var raw) && int.TryParse(raw, out var n) && n is >= 1 and <= 100 ? n : 5;
        if (options.TryGetValue("propose", out var propose) && propose == "true")
        {
            var stopwatch = Stopwatch.StartNew();
            await services.GetRequiredService<DemoData.DemoProgram>().EnsureAsync();
            var asOf = await services.GetRequiredService<ScoringQuery>().ModelFitsAsync(1) is [var fit] ? fit.AsOf
                : throw new InvalidOperationException("Run segment first: proposals need scores.");
            var proposed = await services.GetRequiredService<Proposals.ProposalService>().RunAsync(asOf, AuditActor.System);
            output.WriteLine($"Demo program and proposals: {proposed.Sum(p => p.Pending):N0} pending, {proposed.Sum(p => p.Blocked):N0} blocked, in {stopwatch.Elapsed.TotalSeconds:N1} s");
        }

        var directory = services.GetRequiredService<ClientDirectory>();
        var scoring = services.GetRequiredService<ScoringQuery>();
        var queue = services.GetRequiredService<ReviewQueue>();
        var locations = await directory.LocationsAsync(new AccessScope("benchmark", true, new HashSet<int>()));
        var scopes = new (string Name, AccessScope Scope)[]
        {
            ("owner", new AccessScope("benchmark", true, new HashSet<int>())),
            ("manager", new AccessScope("benchmark", false, new HashSet<int> { locations[0].Id })),
        };
        output.WriteLine($"{"query",-62} {"first ms",9} {"median ms",10} {"rows",10}");
        foreach (var (name, scope) in scopes)
        {
            await TimeAsync(output, $"{name}: Clients, first page, default sort", runs, async () => (await directory.SearchAsync(scope, new ClientQuery())).TotalCount);
            await TimeAsync(output, $"{name}: Clients, first page, search \"smith\"", runs, async () => (await directory.SearchAsync(scope, new ClientQuery("smith"))).TotalCount);
            await TimeAsync(output, $"{name}: Clients, first page, search \"555-0142\"", runs, async () => (await directory.SearchAsync(scope, new ClientQuery("555-0142"))).TotalCount);
            await TimeAsync(output, $"{name}: Clients, first page, by last visit", runs, async () => (await directory.SearchAsync(scope, new ClientQuery(SortBy: "LastVisit", Descending: true))).TotalCount);
            await TimeAsync(output, $"{name}: Segments (sizes and trends)", runs, async () => (await scoring.SegmentsAsync(scope)).Sum(s => s.Members));
            // The members grid and the review filters are a click away, not the first render; timed apart from the sizes.
            var segments = await scoring.SegmentsAsync(scope);
            var largest = segments.MaxBy(s => s.Members)!.Definition;
            var smallest = segments.MinBy(s => s.Members)!.Definition;
            await TimeAsync(output, $"{name}: Segment members, first page of {largest.Key}", runs, async () =>
                (await scoring.MembersAsync(scope, largest.Id, 0, 25)).TotalCount);
            await TimeAsync(output, $"{name}: Segment members, first page of {smallest.Key}", runs, async () =>
                (await scoring.MembersAsync(scope, smallest.Id, 0, 25)).TotalCount);
            await TimeAsync(output, $"{name}: Review, counts per tab", runs, async () => (await queue.CountsAsync(scope)).Values.Sum());
            await TimeAsync(output, $"{name}: Review, first page of tier changes", runs, async () =>
                (await queue.ListAsync(scope, ReviewTab.TierChanges, new ReviewFilter(), 0, 25)).TotalCount);
            await TimeAsync(output, $"{name}: Review, first page of SMS", runs, async () =>
                (await queue.ListAsync(scope, ReviewTab.Sms, new ReviewFilter(), 0, 25)).TotalCount);
            await TimeAsync(output, $"{name}: Review, SMS filtered by segment {largest.Key}", runs, async () =>
                (await queue.ListAsync(scope, ReviewTab.Sms, new ReviewFilter(SegmentId: largest.Id), 0, 25)).TotalCount);
        }
        return 0;
    }

    private static async Task TimeAsync(TextWriter output, string label, int runs, Func<Task<int>> query)
    {
        var stopwatch = Stopwatch.StartNew();
        var rows = await query();
        var first = stopwatch.Elapsed.TotalMilliseconds;
        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            stopwatch.Restart();
            await query();
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        output.WriteLine($"{label,-62} {first,9:N0} {times[times.Count / 2],10:N0} {rows,10:N0}");
    }
}
