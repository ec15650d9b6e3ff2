using LoyaltyConsole.Auditing;
using LoyaltyConsole.DemoData;
using LoyaltyConsole.Domain.Scoring;
using LoyaltyConsole.Domain.Segments;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Proposals;
using LoyaltyConsole.Scoring;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Integration;

/// <summary>
/// One demo business, seeded, scored and run through the demo program once for the class: large enough for the model
/// fit to mean something, small enough to take seconds.
/// </summary>
public sealed class DemoScoringFixture : IAsyncLifetime
{
    public const int Clients = 2_000;
    public static readonly DateOnly AsOf = new(2026, 6, 30);

    public TestApp App { get; } = new(seedDemo: false);

    public IReadOnlyList<WorkflowRunSummary> Runs { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await App.Get<DemoSeeder>().SeedAsync(Clients, new DemoOptions().Seed, AsOf, ct: ct);
        await App.Get<SegmentationService>().RunAsync(AsOf, "test", ct);
        await App.Get<DemoProgram>().EnsureAsync(ct);
        Runs = await App.Get<ProposalService>().RunAsync(AsOf, AuditActor.System, ct);
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

public sealed class DemoScoringTests(DemoScoringFixture demo) : IClassFixture<DemoScoringFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_demo_fit_converges_strictly_inside_the_optimizer_bounds()
    {
        await using var db = await demo.App.CreateDbContextAsync();
        var fit = await db.ModelFits.SingleAsync(f => f.AsOf == DemoScoringFixture.AsOf, Ct);

        Assert.True(fit.BgNbdConverged);
        Assert.True(fit.GammaGammaConverged);
        // A parameter a hair inside its bound is still a fit that ran off to it; ask for two orders of magnitude of room.
        var room = Math.Log(100);
        Assert.All([fit.R, fit.Alpha, fit.A, fit.B], p => Assert.InRange(Math.Abs(Math.Log(p)), 0, BgNbdModel.MaxLogParameter - room));
        Assert.All([fit.P, fit.Q, fit.Gamma], p => Assert.InRange(Math.Abs(Math.Log(p)), 0, GammaGammaModel.MaxLogParameter - room));
        // Salon-like answers, in weeks: visit rates spread widely (r of about 1 to 2), a few weeks between visits for
        // the typical active client, and a population mean spend (pγ/(q-1)) that exists.
        Assert.InRange(fit.R, 0.8, 3);
        Assert.InRange(fit.Alpha / fit.R, 3, 10);
        Assert.True(fit.Q > 1);
    }

    [Fact]
    public async Task Every_default_segment_has_members_and_clients_wait_for_a_tier_upgrade()
    {
        await using var db = await demo.App.CreateDbContextAsync();
        var members = await (from m in db.SegmentMemberships
                             join s in db.Segments on m.SegmentId equals s.Id
                             where m.ExitedOn == null
                             group m by s.Key into g
                             select new { Key = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, Ct);

        Assert.All(SegmentDefinition.Defaults(DateTime.UtcNow), s => Assert.True(members.GetValueOrDefault(s.Key) > 0, $"Segment {s.Key} is empty."));
        Assert.True(members["ready-for-tier-upgrade"] > 0);
    }

    [Fact]
    public async Task Every_demo_workflow_proposes_and_each_managers_queue_holds_tens_not_hundreds()
    {
        Assert.All(demo.Runs, run =>
        {
            Assert.False(run.Skipped);
            Assert.Null(run.BreakerReason);
            Assert.True(run.Pending > 0, $"{run.Workflow} put nothing in front of a reviewer ({run.Targets} targets).");
        });
        await using var db = await demo.App.CreateDbContextAsync();
        var open = new[] { ProposalStatus.PendingReview, ProposalStatus.Blocked };
        var queues = await db.Proposals.Where(p => open.Contains(p.Status))
            .GroupBy(p => p.LocationId).Select(g => g.Count()).ToListAsync(Ct);

        Assert.Equal(await db.Locations.CountAsync(Ct), queues.Count);
        Assert.All(queues, size => Assert.InRange(size, 10, 99));
    }
}
