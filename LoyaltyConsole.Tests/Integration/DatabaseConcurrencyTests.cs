using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Identity;
using LoyaltyConsole.Proposals;
using LoyaltyConsole.Review;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Integration;

/// <summary>
/// The correctness arguments that must not rest on SQLite's single writer. They run on every provider; with
/// TEST_DATABASE=PostgreSql (as CI runs them) the writers really overlap.
/// </summary>
public sealed class DatabaseConcurrencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Many_writers_at_once_extend_the_audit_chain_without_a_gap_or_a_broken_link()
    {
        await using var app = new TestApp(clients: 10);
        var commands = app.Get<CommandRunner>();
        await using var db = await app.CreateDbContextAsync();
        var before = await db.AuditEntries.MaxAsync(e => e.Sequence, Ct);

        var writes = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() => commands.RunAsync(AuditActor.System, null, async command =>
        {
            for (var n = 0; n < 3; n++)
            {
                await command.AuditAsync("test.write", "Test", $"{i}-{n}", null, new { i, n });
            }
            return "written";
        }, ct: Ct))));

        Assert.All(writes, w => Assert.True(w.Succeeded, w.Message));
        var sequences = await db.AuditEntries.Where(e => e.Sequence > before).Select(e => e.Sequence).OrderBy(s => s).ToListAsync(Ct);
        Assert.Equal(Enumerable.Range(1, 72).Select(k => before + k), sequences);
        // Each writer's three entries are consecutive: the chain was extended by one writer at a time.
        var byWriter = await db.AuditEntries.Where(e => e.Action == "test.write").Select(e => new { e.EntityId, e.Sequence }).ToListAsync(Ct);
        Assert.All(byWriter.GroupBy(e => e.EntityId!.Split('-')[0]), g => Assert.Equal(2, g.Max(e => e.Sequence) - g.Min(e => e.Sequence)));
        Assert.True((await app.Get<AuditVerifier>().VerifyAsync(Ct)).IsIntact);
    }

    [Fact]
    public async Task Reviewers_who_read_the_same_revision_are_refused_by_its_concurrency_token_and_one_decision_stands()
    {
        if (TestApp.Database.Provider == DatabaseProvider.Sqlite)
        {
            Assert.Skip("SQLite lets one transaction write at a time, so deciding reviewers never hold the same revision; this runs with TEST_DATABASE=PostgreSql, as CI does.");
        }
        await using var app = new TestApp(clients: 300);
        await using var db = await app.CreateDbContextAsync();
        var proposal = await db.Proposals.AsNoTracking().OrderBy(p => p.Id)
            .FirstAsync(p => p.Status == ProposalStatus.PendingReview && p.DraftText != null, Ct);
        var reviewers = await app.CreateUsersAsync(8, Roles.MarketingLead);
        var service = app.Get<ReviewService>();

        // Hold the ledger lock: every reviewer reads the proposal's revision, then queues behind the lock.
        await using var holder = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await holder.OpenAsync(Ct);
        var held = await holder.BeginTransactionAsync(Ct);
        await using (var take = new Npgsql.NpgsqlCommand("""UPDATE "Locks" SET "Version" = "Version" + 1 WHERE "Name" = 'ledger'""", holder, held))
        {
            Assert.Equal(1, await take.ExecuteNonQueryAsync(Ct));
        }
        var decisions = reviewers.Select((r, i) => Task.Run(() => i % 2 == 0
            ? service.ApproveAsync(proposal.Id, r, Ct)
            : service.RejectAsync(proposal.Id, "Not now", r, Ct))).ToList();
        await WaitUntilWaitingForLocksAsync(holder, held, reviewers.Count, decisions);
        await held.CommitAsync(Ct);
        var outcomes = await Task.WhenAll(decisions);

        // All eight read an open proposal, so only the token can have refused the seven.
        Assert.Single(outcomes, o => o.Succeeded);
        var decided = await db.Proposals.AsNoTracking().SingleAsync(p => p.Id == proposal.Id, Ct);
        Assert.All(outcomes.Where(o => !o.Succeeded), o =>
            Assert.StartsWith($"Already {decided.Status.ToString().ToLowerInvariant()} by {decided.DecidedBy} at ", o.Message, StringComparison.Ordinal));
        Assert.Equal(proposal.Revision + 1, decided.Revision);
        Assert.True((await app.Get<AuditVerifier>().VerifyAsync(Ct)).IsIntact);
    }

    [Fact]
    public async Task Two_people_creating_the_same_reward_at_once_get_one_reward_and_a_clear_message()
    {
        await using var app = new TestApp(clients: 10);
        var catalog = app.Get<ProgramCatalog>();
        var leads = await app.CreateUsersAsync(6, Roles.MarketingLead);
        var form = new RewardForm("Birthday facial", RewardKind.FreeAddOn, null, null, "Mini facial", null, 12m, true);

        var outcomes = await Task.WhenAll(leads.Select(lead => Task.Run(() => catalog.SaveRewardAsync(null, form, lead, Ct))));

        Assert.Single(outcomes, errors => errors.Count == 0);
        Assert.All(outcomes.Where(errors => errors.Count > 0), errors => Assert.Matches(
            "^(A reward called Birthday facial already exists\\.|This would duplicate a record that already exists; reload to see it\\.)$", Assert.Single(errors)));
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(1, await db.Rewards.CountAsync(r => r.Name == "Birthday facial", Ct));
    }

    private static async Task WaitUntilWaitingForLocksAsync(
        Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction, int waiters, IEnumerable<Task<CommandResult>> decisions)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        await using var count = new Npgsql.NpgsqlCommand(
            // A transaction sees one snapshot of pg_stat_activity unless it clears it before each look.
            "SELECT pg_stat_clear_snapshot(); SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
            connection, transaction);
        while (true)
        {
            int waiting;
            await using (var reader = await count.ExecuteReaderAsync(Ct))
            {
                await reader.NextResultAsync(Ct);
                await reader.ReadAsync(Ct);
                waiting = reader.GetInt32(0);
            }
            if (waiting >= waiters)
            {
                return;
            }
            var finished = decisions.Where(d => d.IsCompleted).Select(d => d.IsCompletedSuccessfully ? d.Result.Message : d.Exception!.Message);
            Assert.True(DateTime.UtcNow < deadline, $"Only {waiting} of {waiters} reviewers reached the lock within 30 s; finished: {string.Join(" | ", finished)}");
            await Task.Delay(50, Ct);
        }
    }
}
