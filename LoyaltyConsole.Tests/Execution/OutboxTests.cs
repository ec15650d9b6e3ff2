using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Execution;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Execution;
using LoyaltyConsole.Identity;
using LoyaltyConsole.Proposals;
using LoyaltyConsole.Review;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Tests.Execution;

public sealed class OutboxTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Approving_a_proposal_writes_its_actions_in_the_decisions_own_transaction()
    {
        await using var app = new TestApp(clients: 300);
        var proposal = (await app.ApproveSmsProposalsAsync(1)).Single();

        var actions = await app.ActionsOfAsync([proposal.Id]);
        Assert.Equal(ActionKind.Sms, actions[^1].Kind);
        Assert.True(actions.Count >= 2, "a message with a reward: the reward's write-back first, then the SMS");
        Assert.All(actions, a =>
        {
            Assert.Equal(ActionState.Pending, a.State);
            Assert.Equal(OutboxAction.KeyFor(proposal.Id, proposal.CreatedAt, a.Kind), a.IdempotencyKey);
            Assert.Equal(proposal.ClientId, a.ClientId);
        });
        await using var db = await app.CreateDbContextAsync();
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.ExecutionQueued && e.EntityId == proposal.Id.ToString(), Ct));

        // A second proposal whose SMS action cannot be written (one already exists and was carried out): the approval
        // fails with it, so decision and outbox are one unit.
        var other = await db.Proposals.AsNoTracking()
            .FirstAsync(p => p.Status == ProposalStatus.PendingReview && p.DraftText != null && !p.DraftFlagged && p.Id != proposal.Id, Ct);
        db.OutboxActions.Add(new OutboxAction(other.Id, other.ClientId, other.LocationId, ActionKind.Sms, 9, "{}",
            OutboxAction.KeyFor(other.Id, other.CreatedAt, ActionKind.Sms), DateTime.UtcNow, DateTime.UtcNow));
        await db.SaveChangesAsync(Ct);
        await db.OutboxActions.Where(a => a.ProposalId == other.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.State, ActionState.Done), Ct);

        var refused = await app.Get<ReviewService>().ApproveAsync(other.Id, AuditActor.From(await app.PrincipalAsync(TestUsers.Marketing)), Ct);

        Assert.False(refused.Succeeded);
        Assert.Equal(ProposalStatus.PendingReview, (await db.Proposals.AsNoTracking().SingleAsync(p => p.Id == other.Id, Ct)).Status);
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.ProposalApproved && e.EntityId == other.Id.ToString(), Ct));
        Assert.Equal(1, await db.OutboxActions.CountAsync(a => a.ProposalId == other.Id, Ct));
    }

    [Fact]
    public async Task An_automated_workflow_writes_the_actions_of_what_it_approves_in_the_same_run()
    {
        await using var app = new TestApp(clients: 300);
        await using var db = await app.CreateDbContextAsync();
        var winBack = await db.Workflows.AsNoTracking().SingleAsync(w => w.Kind == WorkflowKind.WinBack, Ct);
        await app.ClearQueueAsync();
        await app.ChangeWorkflowAsync(winBack.Id, w => w.Caps with { CooldownDays = 0 }, WorkflowPhase.Automated);
        var day = (await app.LatestScoredDayAsync()).AddDays(1);

        await app.Get<ProposalService>().RunAsync(day, AuditActor.System, Ct);

        var approved = await db.Proposals.AsNoTracking().Where(p => p.WorkflowId == winBack.Id && p.RunDate == day && p.Status == ProposalStatus.Approved).ToListAsync(Ct);
        Assert.NotEmpty(approved);
        var actions = await app.ActionsOfAsync(approved.Select(p => p.Id));
        Assert.All(approved, p => Assert.Contains(actions, a => a.ProposalId == p.Id && a.Kind == ActionKind.Sms));
        var notApproved = await db.Proposals.AsNoTracking().Where(p => p.WorkflowId == winBack.Id && p.RunDate == day && p.Status != ProposalStatus.Approved).Select(p => p.Id).ToListAsync(Ct);
        Assert.Empty(await app.ActionsOfAsync(notApproved));
    }

    [Fact]
    public async Task The_dispatcher_carries_out_each_action_exactly_once_and_marks_the_proposal_sent()
    {
        await using var app = new TestApp(clients: 300);
        var proposals = await app.ApproveSmsProposalsAsync(4);
        var actions = await app.ActionsOfAsync(proposals.Select(p => p.Id));
        var clock = new FixedClock(await app.InsideSendWindowAsync(actions.Max(a => a.DueAt), actions.Select(a => a.LocationId)));
        var sms = new CountingSmsSender();
        var platform = new CountingPlatformWriter(app.Get<ExecutorCatalog>().Platform);
        var dispatcher = app.Dispatcher(clock, sms, platform);

        var first = await dispatcher.DispatchDueAsync(Ct);
        var second = await dispatcher.DispatchDueAsync(Ct);

        Assert.Equal(actions.Count, first.Done);
        Assert.Equal(0, second.Total);
        var after = await app.ActionsOfAsync(proposals.Select(p => p.Id));
        Assert.All(after, a =>
        {
            Assert.Equal(ActionState.Done, a.State);
            Assert.Equal(1, a.AttemptCount);
            Assert.Equal(AttemptOutcome.Succeeded, Assert.Single(a.Attempts).Outcome);
        });
        Assert.All(after.Where(a => a.Kind == ActionKind.Sms), a => Assert.Equal(1, sms.Sends[a.Id]));
        Assert.All(after.Where(a => a.Kind != ActionKind.Sms), a => Assert.Equal(1, platform.Calls[a.Id]));
        await using var db = await app.CreateDbContextAsync();
        var ids = proposals.Select(p => p.Id).ToList();
        Assert.All(await db.Proposals.AsNoTracking().Where(p => ids.Contains(p.Id)).ToListAsync(Ct), p => Assert.Equal(ProposalStatus.Sent, p.Status));
        // The demo platform recorded one write per write-back action.
        var writeBacks = after.Where(a => a.Kind != ActionKind.Sms).Select(a => a.Id).ToList();
        Assert.Equal(writeBacks.Count, await db.ExecutionRecords.CountAsync(r => writeBacks.Contains(r.OutboxActionId), Ct));
        Assert.Equal(actions.Count, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.ExecutionSucceeded, Ct));
        Assert.Equal(actions.Count, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.ExecutionAttempted, Ct));
        Assert.True((await app.Get<AuditVerifier>().VerifyAsync(Ct)).IsIntact);
    }

    [Fact]
    public async Task The_default_log_provider_and_demo_platform_record_what_would_have_been_sent_with_the_clients_name_filled_in()
    {
        await using var app = new TestApp(clients: 300);
        var proposal = (await app.ApproveSmsProposalsAsync(1)).Single();
        var actions = await app.ActionsOfAsync([proposal.Id]);
        var clock = new FixedClock(await app.InsideSendWindowAsync(actions.Max(a => a.DueAt), [proposal.LocationId]));

        await app.Dispatcher(clock).DispatchDueAsync(Ct);

        await using var db = await app.CreateDbContextAsync();
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == proposal.ClientId, Ct);
        var smsAction = await db.OutboxActions.AsNoTracking().SingleAsync(a => a.ProposalId == proposal.Id && a.Kind == ActionKind.Sms, Ct);
        var record = await db.ExecutionRecords.AsNoTracking().SingleAsync(r => r.OutboxActionId == smsAction.Id, Ct);
        Assert.Equal(ExecutionOptions.LogProvider, record.Provider);
        Assert.Equal(client.PhoneE164, record.Recipient);
        Assert.Contains(client.FirstName, record.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("{first_name}", record.Content, StringComparison.Ordinal);
        Assert.Equal(ActionState.Done, smsAction.State);
        Assert.Equal("delivered", smsAction.DeliveryStatus);
        Assert.Equal(record.Reference, smsAction.ProviderReference);
    }

    [Fact]
    public async Task A_message_due_in_quiet_hours_waits_for_the_next_window_in_the_clients_location_time_zone()
    {
        await using var app = new TestApp(clients: 300);
        var proposal = (await app.ApproveSmsProposalsAsync(1)).Single();
        var actions = await app.ActionsOfAsync([proposal.Id]);
        var night = await app.NightAtAsync(actions.Max(a => a.DueAt), proposal.LocationId);
        var sms = new CountingSmsSender();
        var clock = new FixedClock(night);

        var result = await app.Dispatcher(clock, sms).DispatchDueAsync(Ct);

        Assert.Equal(1, result.Deferred);
        var smsAction = (await app.ActionsOfAsync([proposal.Id])).Single(a => a.Kind == ActionKind.Sms);
        await using var db = await app.CreateDbContextAsync();
        var zone = (await db.Locations.SingleAsync(l => l.Id == proposal.LocationId, Ct)).TimeZoneId;
        var window = app.Get<IOptions<Drafting.MessagingOptions>>().Value.QuietHours;
        Assert.Equal(ActionState.Pending, smsAction.State);
        Assert.Equal(window.NextAllowed(night, zone), smsAction.DueAt);
        Assert.Equal(new TimeOnly(9, 0), TimeOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(smsAction.DueAt, TimeZoneInfo.FindSystemTimeZoneById(zone))));
        Assert.Equal(0, smsAction.AttemptCount);
        Assert.Empty(sms.Sends);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.ExecutionDeferred && e.EntityId == smsAction.Id.ToString(), Ct));

        clock.UtcNow = smsAction.DueAt.AddMinutes(1);
        await app.Dispatcher(clock, sms).DispatchDueAsync(Ct);

        Assert.Equal(1, sms.Sends[smsAction.Id]);
    }

    [Fact]
    public async Task Consent_withdrawn_after_approval_cancels_the_proposals_actions_and_releases_its_reservation()
    {
        await using var app = new TestApp(clients: 300);
        var proposal = (await app.ApproveSmsProposalsAsync(1)).Single();
        var actions = await app.ActionsOfAsync([proposal.Id]);
        await using (var db = await app.CreateDbContextAsync())
        {
            var client = await db.Clients.AsTracking().SingleAsync(c => c.Id == proposal.ClientId, Ct);
            client.SetSmsConsent(Consent.Withdraw(DateTime.UtcNow, "front-desk"));
            await db.SaveChangesAsync(Ct);
        }
        var sms = new CountingSmsSender();
        var platform = new CountingPlatformWriter(app.Get<ExecutorCatalog>().Platform);
        var clock = new FixedClock(await app.InsideSendWindowAsync(actions.Max(a => a.DueAt), [proposal.LocationId]));

        var result = await app.Dispatcher(clock, sms, platform).DispatchDueAsync(Ct);

        Assert.Equal(1, result.Cancelled);
        var after = await app.ActionsOfAsync([proposal.Id]);
        Assert.All(after, a =>
        {
            Assert.Equal(ActionState.Cancelled, a.State);
            Assert.Contains("withdrew SMS consent", a.LastError, StringComparison.Ordinal);
        });
        Assert.Empty(sms.Sends);
        Assert.Empty(platform.Calls);
        await using var check = await app.CreateDbContextAsync();
        var cancelled = await check.Proposals.AsNoTracking().SingleAsync(p => p.Id == proposal.Id, Ct);
        Assert.Equal(ProposalStatus.Cancelled, cancelled.Status);
        Assert.DoesNotContain(cancelled.Status, Proposal.ReservingStatuses);
        Assert.True(await check.AuditEntries.AnyAsync(e => e.Action == AuditActions.ProposalCancelled && e.EntityId == proposal.Id.ToString(), Ct));
        Assert.Equal(after.Count, await check.AuditEntries.CountAsync(e => e.Action == AuditActions.ExecutionCancelled, Ct));
    }

    [Fact]
    public async Task An_sms_whose_outcome_is_unknown_is_never_sent_again_by_the_dispatcher()
    {
        await using var app = new TestApp(clients: 300);
        var proposal = (await app.ApproveSmsProposalsAsync(1)).Single();
        var actions = await app.ActionsOfAsync([proposal.Id]);
        // The request reached the provider, which acted, but the answer was lost: a gateway timeout.
        var sms = new CountingSmsSender(_ => throw new HttpRequestException("502 Bad Gateway after the request was sent"));
        var clock = new FixedClock(await app.InsideSendWindowAsync(actions.Max(a => a.DueAt), [proposal.LocationId]));

        var first = await app.Dispatcher(clock, sms).DispatchDueAsync(Ct);
        clock.UtcNow = await app.InsideSendWindowAsync(clock.UtcNow.AddDays(1), [proposal.LocationId]);
        var later = await app.Dispatcher(clock, sms).DispatchDueAsync(Ct);

        Assert.Equal(1, first.Unknown);
        Assert.Equal(0, later.Total);
        var smsAction = (await app.ActionsOfAsync([proposal.Id])).Single(a => a.Kind == ActionKind.Sms);
        Assert.Equal(ActionState.Unknown, smsAction.State);
        Assert.Equal(1, sms.Sends[smsAction.Id]);
        Assert.Equal(AttemptOutcome.Unknown, Assert.Single(smsAction.Attempts).Outcome);
        Assert.Contains("502", smsAction.LastError, StringComparison.Ordinal);
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(ProposalStatus.Approved, (await db.Proposals.AsNoTracking().SingleAsync(p => p.Id == proposal.Id, Ct)).Status);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.ExecutionUnknown && e.EntityId == smsAction.Id.ToString(), Ct));
    }

    [Fact]
    public async Task An_idempotent_write_back_with_an_unknown_outcome_is_retried_with_the_same_key_and_takes_effect_once()
    {
        await using var app = new TestApp(clients: 300);
        var proposal = (await app.ApproveSmsProposalsAsync(1)).Single();
        var actions = await app.ActionsOfAsync([proposal.Id]);
        var demo = app.Get<ExecutorCatalog>().Platform;
        var calls = 0;
        // The first call takes effect at the platform and then times out; the retry repeats the same key.
        var flaky = new LambdaWriter(demo.Name, async (request, ct) =>
        {
            var result = await demo.WriteAsync(request, ct);
            return Interlocked.Increment(ref calls) == 1 ? throw new TimeoutException("The platform did not answer in time.") : result;
        });
        var clock = new FixedClock(await app.InsideSendWindowAsync(actions.Max(a => a.DueAt), [proposal.LocationId]));

        var first = await app.Dispatcher(clock, platform: flaky).DispatchDueAsync(Ct);
        clock.UtcNow = await app.InsideSendWindowAsync(clock.UtcNow.AddHours(1), [proposal.LocationId]);
        await app.Dispatcher(clock, platform: flaky).DispatchDueAsync(Ct);

        Assert.Equal(1, first.Retrying);
        var writeBack = (await app.ActionsOfAsync([proposal.Id])).First(a => a.Kind != ActionKind.Sms);
        Assert.Equal(ActionState.Done, writeBack.State);
        Assert.Equal([AttemptOutcome.Unknown, AttemptOutcome.Succeeded], writeBack.Attempts.OrderBy(t => t.Number).Select(t => t.Outcome));
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(1, await db.ExecutionRecords.CountAsync(r => r.IdempotencyKey == writeBack.IdempotencyKey, Ct));
    }

    [Fact]
    public async Task An_approval_can_be_undone_before_its_actions_start_and_approved_again_with_the_same_keys()
    {
        await using var app = new TestApp(clients: 300);
        var proposal = (await app.ApproveSmsProposalsAsync(1)).Single();
        var keys = (await app.ActionsOfAsync([proposal.Id])).Select(a => a.IdempotencyKey).ToList();
        var lead = AuditActor.From(await app.PrincipalAsync(TestUsers.Marketing));
        var reviews = app.Get<ReviewService>();

        Assert.True((await reviews.UndoAsync(proposal.Id, lead, Ct)).Succeeded);
        Assert.All(await app.ActionsOfAsync([proposal.Id]), a => Assert.Equal(ActionState.Cancelled, a.State));
        Assert.True((await reviews.ApproveAsync(proposal.Id, lead, Ct)).Succeeded);
        var again = await app.ActionsOfAsync([proposal.Id]);
        Assert.All(again, a => Assert.Equal(ActionState.Pending, a.State));
        Assert.Equal(keys, again.Select(a => a.IdempotencyKey));

        // Once an action was attempted, the approval stands: undoing it could not take back what reached the platform.
        var clock = new FixedClock(await app.InsideSendWindowAsync(again.Max(a => a.DueAt), [proposal.LocationId]));
        await app.Dispatcher(clock, new CountingSmsSender(_ => throw new TimeoutException("lost"))).DispatchDueAsync(Ct);
        var refused = await reviews.UndoAsync(proposal.Id, lead, Ct);
        Assert.False(refused.Succeeded);
        Assert.Contains("already being carried out", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Actions_held_by_a_dispatcher_that_stopped_are_recovered_when_its_lease_lapses_and_a_started_sms_becomes_unknown()
    {
        await using var app = new TestApp(clients: 300);
        var proposal = (await app.ApproveSmsProposalsAsync(1)).Single();
        var actions = await app.ActionsOfAsync([proposal.Id]);
        var writeBackId = actions[0].Id;
        var smsId = actions[^1].Id;
        var claimedAt = await app.InsideSendWindowAsync(actions.Max(a => a.DueAt), [proposal.LocationId]);
        await using (var db = await app.CreateDbContextAsync())
        {
            // A dispatcher claimed both, started sending the SMS, and its process died before recording anything.
            await db.OutboxActions.Where(a => a.Id == writeBackId || a.Id == smsId).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.State, ActionState.InFlight).SetProperty(a => a.LeaseOwner, "dead-node")
                .SetProperty(a => a.LeaseUntil, claimedAt.AddMinutes(5)), Ct);
            var sms = await db.OutboxActions.AsTracking().Include(a => a.Attempts).SingleAsync(a => a.Id == smsId, Ct);
            sms.StartAttempt("dead-node", claimedAt);
            await db.SaveChangesAsync(Ct);
        }
        var sender = new CountingSmsSender();
        var clock = new FixedClock(claimedAt.AddMinutes(2));

        var early = await app.Dispatcher(clock, sender).DispatchDueAsync(Ct);
        clock.UtcNow = claimedAt.AddMinutes(6);
        var afterLapse = await app.Dispatcher(clock, sender).DispatchDueAsync(Ct);

        Assert.Equal(0, early.Recovered);
        Assert.Equal(2, afterLapse.Recovered);
        var after = await app.ActionsOfAsync([proposal.Id]);
        Assert.Equal(ActionState.Done, after.Single(a => a.Id == writeBackId).State);
        var smsAfter = after.Single(a => a.Id == smsId);
        Assert.Equal(ActionState.Unknown, smsAfter.State);
        Assert.Equal(AttemptOutcome.Unknown, Assert.Single(smsAfter.Attempts).Outcome);
        Assert.Empty(sender.Sends);
    }

    private sealed class LambdaWriter(string name, Func<ActionRequest, CancellationToken, Task<ExecutionResult>> write) : IPlatformWriter
    {
        public string Name => name;

        public Task<ExecutionResult> WriteAsync(ActionRequest request, CancellationToken ct) => write(request, ct);
    }
}

/// <summary>Two dispatchers on one PostgreSQL database: the claim must hand each action to exactly one of them.</summary>
public sealed class OutboxRaceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_dispatchers_racing_on_the_same_database_take_disjoint_actions_and_carry_out_each_once()
    {
        Assert.SkipUnless(TestApp.Database.Provider == DatabaseProvider.PostgreSql,
            "Needs PostgreSQL (TEST_DATABASE=PostgreSql): SQLite's single writer serialises the claims, so a race there proves nothing.");
        await using var app = new TestApp(clients: 600);
        // Enough approvals for a real race: the demo's budgets would stop them after a handful.
        await using (var db = await app.CreateDbContextAsync())
        {
            foreach (var workflow in await db.Workflows.AsNoTracking().ToListAsync(Ct))
            {
                await app.ChangeWorkflowAsync(workflow.Id, w => w.Caps with { BudgetPerPeriodMinor = null, CostPerClientMinor = null });
            }
            await db.LocationBudgets.ExecuteDeleteAsync(Ct);
        }
        var proposals = await app.ApproveSmsProposalsAsync(40, smsOnly: false);
        Assert.Contains(proposals, p => p.DraftText != null);
        var actions = await app.ActionsOfAsync(proposals.Select(p => p.Id));
        var clock = new FixedClock(await app.InsideSendWindowAsync(actions.Max(a => a.DueAt), actions.Select(a => a.LocationId)));
        var sms = new CountingSmsSender(delay: TimeSpan.FromMilliseconds(15));
        var platform = new CountingPlatformWriter(app.Get<ExecutorCatalog>().Platform, TimeSpan.FromMilliseconds(15));
        var one = app.Dispatcher(clock, sms, platform, batchSize: 3);
        var two = app.Dispatcher(clock, sms, platform, batchSize: 3);

        // Each keeps dispatching until nothing is due: an SMS becomes due only once its proposal's write-back is done.
        var results = await Task.WhenAll(Task.Run(() => DrainAsync(one)), Task.Run(() => DrainAsync(two)));

        var after = await app.ActionsOfAsync(proposals.Select(p => p.Id));
        Assert.All(after, a =>
        {
            Assert.Equal(ActionState.Done, a.State);
            Assert.Equal(1, Assert.Single(a.Attempts).Number);
        });
        Assert.All(after.Where(a => a.Kind == ActionKind.Sms), a => Assert.Equal(1, sms.Sends[a.Id]));
        Assert.All(after.Where(a => a.Kind != ActionKind.Sms), a => Assert.Equal(1, platform.Calls[a.Id]));
        var byOne = after.Where(a => a.Attempts.Single().Dispatcher == one.Name).Select(a => a.Id).ToHashSet();
        var byTwo = after.Where(a => a.Attempts.Single().Dispatcher == two.Name).Select(a => a.Id).ToHashSet();
        Assert.Empty(byOne.Intersect(byTwo));
        Assert.Equal(after.Count, byOne.Count + byTwo.Count);
        Assert.True(byOne.Count > 0 && byTwo.Count > 0, $"both dispatchers took work ({byOne.Count} and {byTwo.Count})");
        Assert.Equal(after.Count, results.Sum());
    }

    [Fact]
    public async Task Claimers_racing_for_the_same_due_actions_each_get_their_own_and_together_get_all()
    {
        Assert.SkipUnless(TestApp.Database.Provider == DatabaseProvider.PostgreSql,
            "Needs PostgreSQL (TEST_DATABASE=PostgreSql): SQLite's single writer serialises the claims, so a race there proves nothing.");
        await using var app = new TestApp(clients: 600);
        await using (var db = await app.CreateDbContextAsync())
        {
            foreach (var workflow in await db.Workflows.AsNoTracking().ToListAsync(Ct))
            {
                await app.ChangeWorkflowAsync(workflow.Id, w => w.Caps with { BudgetPerPeriodMinor = null, CostPerClientMinor = null });
            }
            await db.LocationBudgets.ExecuteDeleteAsync(Ct);
        }
        var proposals = await app.ApproveSmsProposalsAsync(40, smsOnly: false);
        var due = (await app.ActionsOfAsync(proposals.Select(p => p.Id))).Where(a => a.Sequence == 1).Select(a => a.Id).ToHashSet();
        var now = (await app.ActionsOfAsync(proposals.Select(p => p.Id))).Max(a => a.DueAt).AddMinutes(1);
        var factory = app.Get<IDbContextFactory<ApplicationDbContext>>();
        using var start = new Barrier(8);

        // Eight claimers on eight connections, released at once, each claiming small batches until nothing is left.
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var mine = new List<long>();
            start.SignalAndWait(Ct);
            while (true)
            {
                await using var db = await factory.CreateDbContextAsync(Ct);
                var got = await OutboxClaims.ClaimAsync(db, $"claimer-{i}", now, now.AddMinutes(5), 2, Ct);
                if (got.Count == 0)
                {
                    return mine;
                }
                mine.AddRange(got);
            }
        })));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(due.Order(), all.Order());
        Assert.True(claims.Count(c => c.Count > 0) > 1, "more than one claimer got actions: " + string.Join(", ", claims.Select(c => c.Count)));
        await using var check = await app.CreateDbContextAsync();
        var owners = await check.OutboxActions.AsNoTracking().Where(a => due.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.LeaseOwner, Ct);
        for (var i = 0; i < claims.Length; i++)
        {
            Assert.All(claims[i], id => Assert.Equal($"claimer-{i}", owners[id]));
        }
    }

    private static async Task<int> DrainAsync(OutboxDispatcher dispatcher)
    {
        var done = 0;
        for (var idle = 0; idle < 3;)
        {
            var result = await dispatcher.DispatchDueAsync(Ct);
            done += result.Done;
            idle = result.Total == 0 ? idle + 1 : 0;
            await Task.Delay(20, Ct);
        }
        return done;
    }
}
