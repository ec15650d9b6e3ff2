using System.Diagnostics;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Domain.Guardrails;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Drafting;
using LoyaltyConsole.Identity;
using LoyaltyConsole.Proposals;
using LoyaltyConsole.Review;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Tests.Proposals;

/// <summary>A drafter that, once armed, holds every message until released (at most 10 s) or marks its drafts flagged.</summary>
public sealed class ControlledDrafter : ISmsDrafter
{
    private readonly OfflineSmsDrafter _inner = new();
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public bool Slow { get; set; }
    public bool Flag { get; set; }

    public void Release() => _release.TrySetResult();

    public async Task<SmsDraft> DraftAsync(SmsDraftContext context, CancellationToken ct)
    {
        if (Slow)
        {
            Entered.TrySetResult();
            await Task.WhenAny(_release.Task, Task.Delay(TimeSpan.FromSeconds(10), ct));
        }
        var draft = await _inner.DraftAsync(context, ct);
        return Flag ? draft with { Flagged = true } : draft;
    }
}

public sealed class GovernanceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Workflow> WinBackAsync(TestApp app)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.Workflows.AsNoTracking().SingleAsync(w => w.Kind == WorkflowKind.WinBack, Ct);
    }

    [Fact]
    public async Task A_workflow_does_not_propose_a_client_again_while_one_is_open_nor_within_its_cool_down()
    {
        await using var app = new TestApp(clients: 300);
        var winBack = await WinBackAsync(app);
        var day = await app.LatestScoredDayAsync();
        await using var db = await app.CreateDbContextAsync();
        var open = await db.Proposals.Where(p => p.WorkflowId == winBack.Id && (p.Status == ProposalStatus.PendingReview || p.Status == ProposalStatus.Blocked))
            .Select(p => p.Id).ToListAsync(Ct);
        Assert.NotEmpty(open);

        // Next day: every targeted client still has an open proposal, so nothing new.
        var nextDay = (await app.Get<ProposalService>().RunAsync(day.AddDays(1), AuditActor.System, Ct)).Single(s => s.WorkflowId == winBack.Id);
        Assert.Equal(0, nextDay.Pending + nextDay.Blocked + nextDay.Control);

        // Decided today: the default 30-day cool-down keeps them out of tomorrow's run as well.
        Assert.True((await app.Get<ReviewService>().BulkAsync(open, false, "Not now", AuditActor.System, Ct)).Succeeded);
        var afterDecision = (await app.Get<ProposalService>().RunAsync(day.AddDays(2), AuditActor.System, Ct)).Single(s => s.WorkflowId == winBack.Id);
        Assert.Equal(0, afterDecision.Pending + afterDecision.Blocked);

        // Without a cool-down the same clients are proposed again.
        await app.ChangeWorkflowAsync(winBack.Id, w => w.Caps with { CooldownDays = 0 });
        var noCooldown = (await app.Get<ProposalService>().RunAsync(day.AddDays(3), AuditActor.System, Ct)).Single(s => s.WorkflowId == winBack.Id);
        Assert.True(noCooldown.Pending + noCooldown.Blocked > 0);
        var openNow = await db.Proposals.Where(p => p.WorkflowId == winBack.Id && (p.Status == ProposalStatus.PendingReview || p.Status == ProposalStatus.Blocked))
            .Select(p => p.ClientId).ToListAsync(Ct);
        Assert.Equal(openNow.Count, openNow.Distinct().Count());
    }

    [Fact]
    public async Task A_week_of_daily_runs_and_approvals_never_exceeds_the_budget_by_a_cent()
    {
        await using var app = new TestApp(clients: 300);
        var winBack = await WinBackAsync(app);
        await app.ClearQueueAsync();
        // $100 over 30 days: five $18 rewards fit, a sixth does not. Daily messages allowed, so only money limits the week.
        await app.ChangeWorkflowAsync(winBack.Id, w => w.Caps with { BudgetPerPeriodMinor = 10_000, BudgetPeriodDays = 30, CostPerClientMinor = null, MessageWindowDays = 1 });
        var marketing = AuditActor.From(await app.PrincipalAsync(TestUsers.Marketing));
        var day = await app.LatestScoredDayAsync();
        await using var db = await app.CreateDbContextAsync();

        for (var i = 1; i <= 7; i++)
        {
            await app.Get<ProposalService>().RunAsync(day.AddDays(i), AuditActor.System, Ct);
            var pending = await db.Proposals.Where(p => p.WorkflowId == winBack.Id && p.Status == ProposalStatus.PendingReview).Select(p => p.Id).ToListAsync(Ct);
            if (pending.Count > 0)
            {
                await app.Get<ReviewService>().BulkAsync(pending, true, null, marketing, Ct);
            }
        }

        var approved = await db.Proposals.Where(p => p.WorkflowId == winBack.Id && p.Status == ProposalStatus.Approved && p.RunDate > day).ToListAsync(Ct);
        Assert.NotEmpty(approved);
        Assert.True(approved.Sum(p => p.CostMinor) <= 10_000, $"Approved {approved.Sum(p => p.CostMinor)} cents against a 10000-cent budget.");
        Assert.True(await db.Proposals.AnyAsync(p => p.WorkflowId == winBack.Id && p.RunDate > day && p.Status == ProposalStatus.Blocked, Ct));
        var overBudget = (await db.Proposals.Where(p => p.WorkflowId == winBack.Id && p.RunDate > day && p.Status == ProposalStatus.Blocked).ToListAsync(Ct))
            .SelectMany(p => p.Guardrails).Where(g => g is { Code: SpendCaps.BudgetCode, Passed: false }).ToList();
        Assert.NotEmpty(overBudget);
        Assert.All(overBudget, g => Assert.StartsWith("Over budget by $", g.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Approvals_at_the_same_moment_at_a_caps_edge_approve_only_what_fits()
    {
        // Every offline draft names the brand; with the brand a banned word, every new draft waits blocked for an edit,
        // reserving nothing, so each edit-and-approve must find room in the budget itself.
        await using var app = new TestApp(clients: 300, settings: new Dictionary<string, string> { ["Messaging:BrandName"] = "Cash Salon" });
        var winBack = await WinBackAsync(app);
        await app.ClearQueueAsync();
        await app.ChangeWorkflowAsync(winBack.Id, w => w.Caps with { BudgetPerPeriodMinor = 3_600, CostPerClientMinor = null });
        await app.Get<ProposalService>().RunAsync((await app.LatestScoredDayAsync()).AddDays(1), AuditActor.System, Ct);
        await using var db = await app.CreateDbContextAsync();
        // Drafts from templates without the brand passed and hold the budget; turning them down frees it for the edits.
        var queued = await db.Proposals.Where(p => p.WorkflowId == winBack.Id && p.Status == ProposalStatus.PendingReview).Select(p => p.Id).ToListAsync(Ct);
        if (queued.Count > 0)
        {
            Assert.True((await app.Get<ReviewService>().BulkAsync(queued, false, "Freeing the budget", AuditActor.System, Ct)).Succeeded);
        }
        var blocked = (await db.Proposals.Where(p => p.WorkflowId == winBack.Id && p.Status == ProposalStatus.Blocked).ToListAsync(Ct))
            .Where(p => p.Guardrails.Where(g => !g.Passed).All(g => g.Code == SmsContentRules.BannedWordsCode)).Take(6).ToList();
        Assert.Equal(6, blocked.Count);
        var reviewers = await app.CreateUsersAsync(blocked.Count, Roles.MarketingLead);
        var service = app.Get<ReviewService>();

        var outcomes = await Task.WhenAll(blocked.Select((p, i) => Task.Run(() => service.EditAndApproveAsync(p.Id,
            "Hi {first_name}, we miss you at the salon: 20% off your next visit. Reply STOP to opt out.", reviewers[i], Ct))));

        Assert.Equal(2, outcomes.Count(o => o.Succeeded));
        Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.StartsWith("Not approved: Over budget by $18.00", o.Message, StringComparison.Ordinal));
        Assert.Equal(3_600, await db.Proposals.Where(p => p.WorkflowId == winBack.Id && p.Status == ProposalStatus.Approved).SumAsync(p => p.CostMinor, Ct));
    }

    [Fact]
    public async Task Expired_proposals_release_their_reservations()
    {
        var drafter = new ControlledDrafter();
        await using var app = new TestApp(clients: 300);
        var winBack = await WinBackAsync(app);
        await app.ClearQueueAsync();
        await app.ChangeWorkflowAsync(winBack.Id, w => w.Caps with { BudgetPerPeriodMinor = 3_600, CostPerClientMinor = null });
        var day = await app.LatestScoredDayAsync();
        await app.Get<ProposalService>().RunAsync(day.AddDays(1), AuditActor.System, Ct);
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(2, await db.Proposals.CountAsync(p => p.WorkflowId == winBack.Id && p.Status == ProposalStatus.PendingReview, Ct));

        var later = new Shifted(TimeSpan.FromDays(9));
        Assert.True(await app.ReviewServiceAt(later).ExpireStaleAsync(Ct) > 0);
        var laterRuns = new ProposalService(app.Get<IDbContextFactory<LoyaltyConsole.Data.ApplicationDbContext>>(), app.CommandsAt(later), drafter,
            app.Get<IOptions<MessagingOptions>>(), later, NullLogger<ProposalService>.Instance);
        await laterRuns.RunAsync(day.AddDays(2), AuditActor.System, Ct);

        var fresh = await db.Proposals.Where(p => p.WorkflowId == winBack.Id && p.RunDate == day.AddDays(2) && p.Status == ProposalStatus.PendingReview).ToListAsync(Ct);
        Assert.Equal(2, fresh.Count);
        Assert.Contains(fresh, p => p.Guardrails.Any(g => g.Code == SpendCaps.BudgetCode && g.Reason.StartsWith("Within budget: $0.00 reserved", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Drafting_happens_outside_any_transaction_so_a_reviewer_approves_meanwhile_and_a_second_run_adds_nothing()
    {
        var drafter = new ControlledDrafter();
        await using var app = new TestApp(clients: 300, services: s => s.AddSingleton<ISmsDrafter>(drafter));
        var manager = AuditActor.From(await app.PrincipalAsync(TestUsers.ManagerSoho));
        var soho = await app.ScopeAsync(TestUsers.ManagerSoho);
        await using var db = await app.CreateDbContextAsync();
        var ids = soho.LocationIds.ToList();
        var pending = await db.Proposals.Where(p => p.Status == ProposalStatus.PendingReview && ids.Contains(p.LocationId)).Select(p => p.Id).FirstAsync(Ct);
        var engagers = await db.Segments.SingleAsync(s => s.Key == "new-client-engagers", Ct);
        var reward = await db.Rewards.SingleAsync(r => r.Kind == RewardKind.DoublePoints, Ct);
        Assert.Empty(await app.Get<ProgramCatalog>().SaveWorkflowAsync(null, new WorkflowForm("Welcome back", WorkflowKind.SegmentDoublePoints, [engagers.Id], reward.Id,
            Channel.Sms, WorkflowPhase.Review, new WorkflowCaps { BreakerMaxShareOfSegment = 1 }, 100, 0, false), AuditActor.System, Ct));
        var day = (await app.LatestScoredDayAsync()).AddDays(1);
        drafter.Slow = true;

        var first = Task.Run(() => app.Get<ProposalService>().RunAsync(day, AuditActor.System, Ct), Ct);
        await drafter.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var second = Task.Run(() => app.Get<ProposalService>().RunAsync(day, AuditActor.System, Ct), Ct);
        var stopwatch = Stopwatch.StartNew();
        var approval = await app.Get<ReviewService>().ApproveAsync(pending, manager, Ct);
        stopwatch.Stop();
        drafter.Release();
        var runs = await Task.WhenAll(first, second);

        Assert.True(approval.Succeeded, approval.Message);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"The approval took {stopwatch.Elapsed.TotalMilliseconds:N0} ms while the model drafted.");
        var welcome = await db.Workflows.SingleAsync(w => w.Name == "Welcome back", Ct);
        var summaries = runs.SelectMany(r => r).Where(s => s.WorkflowId == welcome.Id).ToList();
        Assert.Single(summaries, s => !s.Skipped);
        var proposals = await db.Proposals.Where(p => p.WorkflowId == welcome.Id && p.RunDate == day).ToListAsync(Ct);
        Assert.NotEmpty(proposals);
        Assert.Equal(proposals.Count, proposals.Select(p => p.ClientId).Distinct().Count());
        Assert.True((await app.Get<AuditVerifier>().VerifyAsync(Ct)).IsIntact);
    }

    [Fact]
    public async Task Flagged_drafts_always_wait_for_a_person_even_in_the_automated_phase()
    {
        var drafter = new ControlledDrafter();
        await using var app = new TestApp(clients: 300, services: s => s.AddSingleton<ISmsDrafter>(drafter));
        var winBack = await WinBackAsync(app);
        await app.ClearQueueAsync();
        await app.ChangeWorkflowAsync(winBack.Id, w => w.Caps, WorkflowPhase.Automated);
        drafter.Flag = true;

        var summary = (await app.Get<ProposalService>().RunAsync((await app.LatestScoredDayAsync()).AddDays(1), AuditActor.System, Ct)).Single(s => s.WorkflowId == winBack.Id);

        Assert.Equal(0, summary.AutoApproved);
        Assert.True(summary.Pending > 0);
        await using var db = await app.CreateDbContextAsync();
        Assert.All(await db.Proposals.Where(p => p.WorkflowId == winBack.Id && p.Status == ProposalStatus.PendingReview).ToListAsync(Ct), p => Assert.True(p.DraftFlagged));
    }

    [Fact]
    public async Task A_retired_reward_stops_being_offered_and_raises_one_alert_that_can_be_acknowledged()
    {
        await using var app = new TestApp(clients: 200);
        var winBack = await WinBackAsync(app);
        var catalog = app.Get<ProgramCatalog>();
        await using var db = await app.CreateDbContextAsync();
        var reward = await db.Rewards.AsNoTracking().SingleAsync(r => r.Id == winBack.RewardId, Ct);
        Assert.Empty(await catalog.SaveRewardAsync(reward.Id, new RewardForm(reward.Name, reward.Kind, reward.Points, reward.Percent, reward.Item, reward.DurationDays,
            reward.EstimatedCostMinor / 100m, false), AuditActor.System, Ct));
        var day = await app.LatestScoredDayAsync();

        var first = (await app.Get<ProposalService>().RunAsync(day.AddDays(1), AuditActor.System, Ct)).Single(s => s.WorkflowId == winBack.Id);
        await app.Get<ProposalService>().RunAsync(day.AddDays(2), AuditActor.System, Ct);

        Assert.True(first.Skipped);
        Assert.Equal($"its reward {reward.Name} is retired", first.SkipReason);
        Assert.False(await db.Proposals.AnyAsync(p => p.WorkflowId == winBack.Id && p.RunDate > day, Ct));
        var alert = Assert.Single(await catalog.OpenAlertsAsync(Ct), a => a.WorkflowId == winBack.Id);

        var owner = AuditActor.From(await app.PrincipalAsync(TestUsers.Owner));
        var marketing = AuditActor.From(await app.PrincipalAsync(TestUsers.Marketing));
        Assert.Equal("Your role does not allow this.", (await catalog.AcknowledgeAlertAsync(alert.Id, "ok", owner, Ct)).Message);
        Assert.True((await catalog.AcknowledgeAlertAsync(alert.Id, "Switched the workflow to the new reward next week.", marketing, Ct)).Succeeded);
        Assert.StartsWith("Already acknowledged by", (await catalog.AcknowledgeAlertAsync(alert.Id, null, marketing, Ct)).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(await catalog.OpenAlertsAsync(Ct), a => a.Id == alert.Id);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.AlertAcknowledged && e.EntityId == alert.Id.ToString() && e.ActorId == marketing.Id, Ct));
    }

    [Fact]
    public async Task Settings_out_of_any_sensible_range_are_refused_with_a_clear_message_and_change_nothing()
    {
        await using var app = new TestApp(clients: 20);
        var catalog = app.Get<ProgramCatalog>();
        var winBack = await WinBackAsync(app);
        await using var db = await app.CreateDbContextAsync();
        var soho = await db.Locations.SingleAsync(l => l.ExternalId == "loc-soho", Ct);
        var entries = await db.AuditEntries.CountAsync(Ct);
        WorkflowForm With(WorkflowCaps caps) => new(winBack.Name, winBack.Kind, winBack.SegmentIds, winBack.RewardId, winBack.Channel, winBack.Phase, caps,
            winBack.PilotPercent, winBack.ControlPercent, false);

        Assert.Equal(["Cap periods must be between 1 and 366 days."], await catalog.SaveWorkflowAsync(winBack.Id, With(winBack.Caps with { BudgetPeriodDays = 1_000_000 }), AuditActor.System, Ct));
        Assert.Equal(["Caps cannot exceed $1,000,000,000.00."], await catalog.SaveWorkflowAsync(winBack.Id, With(winBack.Caps with { BudgetPerPeriodMinor = long.MaxValue }), AuditActor.System, Ct));
        Assert.Equal(["The cool-down must be between 0 and 365 days."], await catalog.SaveWorkflowAsync(winBack.Id, With(winBack.Caps with { CooldownDays = -1 }), AuditActor.System, Ct));
        Assert.Equal(["The estimated cost cannot exceed $1,000,000,000.00."],
            await catalog.SaveRewardAsync(null, new RewardForm("Huge", RewardKind.PointsBonus, 100, null, null, null, 1e20m, true), AuditActor.System, Ct));
        Assert.Equal(["A location budget cannot exceed $1,000,000,000.00."], await catalog.SaveLocationBudgetAsync(soho.Id, 1e20m, 30, AuditActor.System, Ct));

        Assert.Equal(entries, await db.AuditEntries.CountAsync(Ct));
        Assert.Equal(winBack.Version, (await db.Workflows.AsNoTracking().SingleAsync(w => w.Id == winBack.Id, Ct)).Version);
    }

    [Fact]
    public async Task A_cap_lowered_to_no_messages_after_queueing_refuses_the_approval_and_a_retired_reward_too()
    {
        await using var app = new TestApp(clients: 300);
        var winBack = await WinBackAsync(app);
        var marketing = AuditActor.From(await app.PrincipalAsync(TestUsers.Marketing));
        await using var db = await app.CreateDbContextAsync();
        var queued = await db.Proposals.Where(p => p.WorkflowId == winBack.Id && p.Status == ProposalStatus.PendingReview).Select(p => p.Id).Take(2).ToListAsync(Ct);
        Assert.Equal(2, queued.Count);
        await app.ChangeWorkflowAsync(winBack.Id, w => w.Caps with { MaxMessagesPerClient = 0 });

        var noMessages = await app.Get<ReviewService>().ApproveAsync(queued[0], marketing, Ct);

        Assert.Equal("Not approved: The cap allows no SMS messages to a client.", noMessages.Message);
        await app.ChangeWorkflowAsync(winBack.Id, w => w.Caps with { MaxMessagesPerClient = 1 });
        var reward = await db.Rewards.AsNoTracking().SingleAsync(r => r.Id == winBack.RewardId, Ct);
        Assert.Empty(await app.Get<ProgramCatalog>().SaveRewardAsync(reward.Id, new RewardForm(reward.Name, reward.Kind, reward.Points, reward.Percent, reward.Item,
            reward.DurationDays, reward.EstimatedCostMinor / 100m, false), AuditActor.System, Ct));
        Assert.StartsWith("Not approved: its reward has been retired", (await app.Get<ReviewService>().ApproveAsync(queued[1], marketing, Ct)).Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.Proposals.CountAsync(p => queued.Contains(p.Id) && p.Status == ProposalStatus.Approved, Ct));
    }

    private sealed class Shifted(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}

public sealed class AccessGovernanceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<long> OpenProposalAtAsync(TestApp app, string locationKey)
    {
        await using var db = await app.CreateDbContextAsync();
        var location = await db.Locations.SingleAsync(l => l.ExternalId == "loc-" + locationKey, Ct);
        return await db.Proposals.Where(p => p.Status == ProposalStatus.PendingReview && p.LocationId == location.Id).Select(p => p.Id).FirstAsync(Ct);
    }

    [Fact]
    public async Task An_owner_reads_the_queue_but_the_service_refuses_their_decisions()
    {
        await using var app = new TestApp(clients: 300);
        var owner = AuditActor.From(await app.PrincipalAsync(TestUsers.Owner));
        var proposal = await OpenProposalAtAsync(app, "soho");
        var reviews = app.Get<ReviewService>();

        Assert.True((await app.Get<LoyaltyConsole.Review.ReviewQueue>().CountsAsync(await app.ScopeAsync(TestUsers.Owner), Ct)).Values.Sum() > 0);
        Assert.Equal("Your role does not allow this.", (await reviews.ApproveAsync(proposal, owner, Ct)).Message);
        Assert.Equal("Your role does not allow this.", (await reviews.RejectAsync(proposal, "No", owner, Ct)).Message);
        Assert.EndsWith("Your role does not allow this.", (await reviews.BulkAsync([proposal], true, null, owner, Ct)).Message, StringComparison.Ordinal);
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(ProposalStatus.PendingReview, (await db.Proposals.SingleAsync(p => p.Id == proposal, Ct)).Status);
    }

    [Fact]
    public async Task A_manager_removed_from_a_location_cannot_decide_its_proposals_on_their_very_next_action()
    {
        await using var app = new TestApp(clients: 300);
        var manager = AuditActor.From(await app.PrincipalAsync(TestUsers.ManagerSoho));
        var admin = AuditActor.From(await app.PrincipalAsync(TestUsers.Admin));
        var proposal = await OpenProposalAtAsync(app, "soho");
        await using var db = await app.CreateDbContextAsync();
        var wickerPark = await db.Locations.SingleAsync(l => l.ExternalId == "loc-wicker-park", Ct);
        var users = app.Get<LoyaltyConsole.Features.Users.UserAdministration>();

        Assert.True((await users.UpdateAccessAsync(manager.Id, [Roles.Manager], [wickerPark.Id], admin, Ct)).Succeeded);
        var outcome = await app.Get<ReviewService>().ApproveAsync(proposal, manager, Ct);

        Assert.Equal(ReviewService.NotFound, outcome.Message);
    }

    [Fact]
    public async Task An_admin_locked_in_one_session_can_do_nothing_in_another_that_is_still_open()
    {
        await using var app = new TestApp(clients: 20);
        var users = app.Get<LoyaltyConsole.Features.Users.UserAdministration>();
        var locked = AuditActor.From(await app.PrincipalAsync(TestUsers.Admin));
        var other = (await app.CreateUsersAsync(1, Roles.Admin))[0];
        var owner = await app.PrincipalAsync(TestUsers.Owner);

        Assert.True((await users.SetLockedAsync(locked.Id, true, other, Ct)).Succeeded);

        Assert.Equal("Your account is locked; ask an Admin.", (await users.SetLockedAsync(locked.Id, false, locked, Ct)).Message);
        Assert.Equal("Your account is locked; ask an Admin.", (await users.SetLockedAsync(other.Id, true, locked, Ct)).Message);
        Assert.Equal("Your account is locked; ask an Admin.", (await users.IssueInviteAsync(owner.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value, locked, "http://localhost", Ct)).Message);
        var created = await users.CreateAsync(new LoyaltyConsole.Features.Users.NewUserForm { Email = "new@demo.example", DisplayName = "New", Roles = [Roles.Owner] }, locked, "http://localhost", Ct);
        Assert.False(created.Succeeded);
        Assert.Null(created.InviteLink);
        Assert.Equal(AccessScope.Nobody with { UserId = locked.Id }, await app.Get<AccessScopeResolver>().ResolveAsync(await app.PrincipalAsync(TestUsers.Admin), Ct));
    }

    [Fact]
    public async Task Two_admins_locking_each_other_at_once_leave_one_active_admin()
    {
        await using var app = new TestApp(clients: 20);
        var users = app.Get<LoyaltyConsole.Features.Users.UserAdministration>();
        var first = AuditActor.From(await app.PrincipalAsync(TestUsers.Admin));
        var second = (await app.CreateUsersAsync(1, Roles.Admin))[0];

        var outcomes = await Task.WhenAll(
            Task.Run(() => users.SetLockedAsync(second.Id, true, first, Ct)),
            Task.Run(() => users.SetLockedAsync(first.Id, true, second, Ct)));

        Assert.Single(outcomes, o => o.Succeeded);
        Assert.Single(outcomes, o => !o.Succeeded && (o.Message == "Your account is locked; ask an Admin." || o.Message.Contains("last active Admin", StringComparison.Ordinal)));
        var rows = await users.ListAsync(Ct);
        Assert.Single(rows, r => r.Roles.Contains(Roles.Admin) && !r.IsLocked);
    }

    [Fact]
    public async Task The_last_active_admin_cannot_be_demoted_and_no_admin_changes_their_own_roles()
    {
        await using var app = new TestApp(clients: 20);
        var users = app.Get<LoyaltyConsole.Features.Users.UserAdministration>();
        var admin = AuditActor.From(await app.PrincipalAsync(TestUsers.Admin));
        var second = (await app.CreateUsersAsync(1, Roles.Admin))[0];

        Assert.Equal("You cannot change your own roles; ask another Admin.", (await users.UpdateAccessAsync(admin.Id, [Roles.Admin, Roles.Owner], [], admin, Ct)).Message);
        Assert.True((await users.SetLockedAsync(second.Id, true, admin, Ct)).Succeeded);
        // The system (a CLI operator) is not an Admin itself, so it may not demote the only Admin left who can sign in.
        var refused = await users.UpdateAccessAsync(admin.Id, [Roles.Owner], [], AuditActor.Cli("ops"), Ct);
        Assert.Equal($"Cannot remove the Admin role from {TestUsers.Admin.Email}: they are the last active Admin. Make someone else an Admin first.", refused.Message);
        Assert.Contains(Roles.Admin, (await users.ListAsync(Ct)).Single(r => r.Id == admin.Id).Roles);
    }
}
