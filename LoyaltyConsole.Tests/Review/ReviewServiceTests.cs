using System.Text.Json;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Drafting;
using LoyaltyConsole.Review;
using LoyaltyConsole.Identity;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Tests.Review;

public sealed class ReviewServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Proposal> OpenSmsProposalAsync(TestApp app, AccessScope scope, bool blocked = false)
    {
        await using var db = await app.CreateDbContextAsync();
        var ids = scope.LocationIds.ToList();
        var status = blocked ? ProposalStatus.Blocked : ProposalStatus.PendingReview;
        return await db.Proposals.AsNoTracking().FirstAsync(p => p.Status == status && p.DraftText != null && ids.Contains(p.LocationId), Ct);
    }

    [Fact]
    public async Task Of_many_reviewers_deciding_the_same_proposal_at_once_exactly_one_wins_and_the_others_learn_who()
    {
        await using var app = new TestApp(clients: 300);
        var scope = await app.ScopeAsync(TestUsers.ManagerSoho);
        var proposal = await OpenSmsProposalAsync(app, scope);
        var service = app.Get<ReviewService>();
        var reviewers = await app.CreateUsersAsync(16, Roles.MarketingLead);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => i % 2 == 0
            ? service.ApproveAsync(proposal.Id, reviewers[i], Ct)
            : service.RejectAsync(proposal.Id, "Not now", reviewers[i], Ct))));

        Assert.Single(outcomes, o => o.Succeeded);
        await using var db = await app.CreateDbContextAsync();
        var decided = await db.Proposals.SingleAsync(p => p.Id == proposal.Id, Ct);
        Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.StartsWith($"Already {decided.Status.ToString().ToLowerInvariant()} by {decided.DecidedBy} at ", o.Message, StringComparison.Ordinal));
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.EntityType == "Proposal" && e.EntityId == proposal.Id.ToString() &&
            (e.Action == AuditActions.ProposalApproved || e.Action == AuditActions.ProposalRejected), Ct));
        Assert.True((await app.Get<AuditVerifier>().VerifyAsync(Ct)).IsIntact);
    }

    [Fact]
    public async Task A_manager_cannot_decide_a_proposal_of_another_location()
    {
        await using var app = new TestApp(clients: 300);
        var soho = await app.ScopeAsync(TestUsers.ManagerSoho);
        var wickerPark = await app.ScopeAsync(TestUsers.ManagerWickerPark);
        var proposal = await OpenSmsProposalAsync(app, soho);
        var actor = AuditActor.From(await app.PrincipalAsync(TestUsers.ManagerWickerPark));

        var outcome = await app.Get<ReviewService>().ApproveAsync(proposal.Id, actor, Ct);

        Assert.False(outcome.Succeeded);
        Assert.Equal("This proposal does not exist or belongs to a location you are not assigned to.", outcome.Message);
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(ProposalStatus.PendingReview, (await db.Proposals.SingleAsync(p => p.Id == proposal.Id, Ct)).Status);
    }

    [Fact]
    public async Task A_proposal_that_breaks_a_guardrail_cannot_be_approved_and_says_why()
    {
        await using var app = new TestApp(clients: 300);
        var scope = await app.ScopeAsync(TestUsers.ManagerSoho);
        var proposal = await OpenSmsProposalAsync(app, scope, blocked: true);

        var outcome = await app.Get<ReviewService>().ApproveAsync(proposal.Id, AuditActor.From(await app.PrincipalAsync(TestUsers.ManagerSoho)), Ct);

        Assert.False(outcome.Succeeded);
        Assert.StartsWith("This proposal breaks a guardrail and cannot be approved:", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edited_message_is_rechecked_refused_when_it_breaks_a_rule_and_approved_with_before_and_after_in_the_audit()
    {
        await using var app = new TestApp(clients: 300);
        var scope = await app.ScopeAsync(TestUsers.ManagerSoho);
        var proposal = await OpenSmsProposalAsync(app, scope);
        var actor = AuditActor.From(await app.PrincipalAsync(TestUsers.ManagerSoho));
        var service = app.Get<ReviewService>();
        await using var db = await app.CreateDbContextAsync();
        var reward = await db.Rewards.SingleAsync(r => r.Id == proposal.RewardId, Ct);
        var offer = reward.OfferTokens[0];

        var refused = await service.EditAndApproveAsync(proposal.Id, $"Hi {{first_name}}, enjoy {offer} at Lumière!", actor, Ct);
        var approved = await service.EditAndApproveAsync(proposal.Id, $"Hi {{first_name}}, enjoy {offer} on your next visit at Lumière. Reply STOP to opt out.", actor, Ct);

        Assert.False(refused.Succeeded);
        Assert.Contains("breaks a rule and was not saved", refused.Message, StringComparison.Ordinal);
        Assert.True(approved.Succeeded, approved.Message);
        var saved = await db.Proposals.SingleAsync(p => p.Id == proposal.Id, Ct);
        Assert.Equal(ProposalStatus.Approved, saved.Status);
        Assert.Equal(proposal.DraftText, saved.OriginalDraftText);
        var entry = await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.ProposalEdited && e.EntityId == proposal.Id.ToString(), Ct);
        Assert.Contains("Reply STOP to opt out.", entry.AfterJson, StringComparison.Ordinal);
        Assert.Equal(proposal.DraftText, JsonDocument.Parse(entry.BeforeJson!).RootElement.GetProperty("draftText").GetString());
    }

    [Fact]
    public async Task Only_the_reviewer_who_decided_can_undo_and_only_within_the_window()
    {
        await using var app = new TestApp(clients: 300);
        var scope = await app.ScopeAsync(TestUsers.ManagerSoho);
        var proposal = await OpenSmsProposalAsync(app, scope);
        var sam = AuditActor.From(await app.PrincipalAsync(TestUsers.ManagerSoho));
        var maya = AuditActor.From(await app.PrincipalAsync(TestUsers.Marketing));
        var service = app.Get<ReviewService>();

        Assert.True((await service.RejectAsync(proposal.Id, "Client asked for no offers", sam, Ct)).Succeeded);
        var byOther = await service.UndoAsync(proposal.Id, maya, Ct);
        var bySam = await service.UndoAsync(proposal.Id, sam, Ct);

        Assert.False(byOther.Succeeded);
        Assert.Equal($"Only {sam.Name}, who decided, can undo this decision.", byOther.Message);
        Assert.True(bySam.Succeeded);
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(ProposalStatus.PendingReview, (await db.Proposals.SingleAsync(p => p.Id == proposal.Id, Ct)).Status);

        var later = app.ReviewServiceAt(new ShiftedClock(TimeSpan.FromMinutes(6)));
        Assert.True((await service.RejectAsync(proposal.Id, "Client asked for no offers", sam, Ct)).Succeeded);
        Assert.Equal("The undo window of 5 minutes has passed.", (await later.UndoAsync(proposal.Id, sam, Ct)).Message);
    }

    [Fact]
    public async Task Proposals_waiting_longer_than_the_review_window_expire_and_say_so()
    {
        await using var app = new TestApp(clients: 200);
        await using var db = await app.CreateDbContextAsync();
        var open = await db.Proposals.CountAsync(p => p.Status == ProposalStatus.PendingReview || p.Status == ProposalStatus.Blocked, Ct);
        var weekLater = app.ReviewServiceAt(new ShiftedClock(TimeSpan.FromDays(8)));

        Assert.Equal(0, await app.Get<ReviewService>().ExpireStaleAsync(Ct));
        Assert.Equal(open, await weekLater.ExpireStaleAsync(Ct));

        Assert.All(await db.Proposals.Where(p => p.Status == ProposalStatus.Expired).ToListAsync(Ct), p =>
        {
            Assert.Equal("System", p.DecidedBy);
            Assert.Equal("Waited longer than the review window.", p.DecisionReason);
        });
        Assert.Equal(open, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.ProposalExpired, Ct));
    }

    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}

public sealed class AutomatedPhaseTests
{
    [Fact]
    public async Task An_automated_workflow_approves_what_passes_every_guardrail_and_queues_the_rest()
    {
        await using var app = new TestApp(clients: 300);
        var catalog = app.Get<LoyaltyConsole.Proposals.ProgramCatalog>();
        await using var db = await app.CreateDbContextAsync();
        var w = await db.Workflows.SingleAsync(x => x.Kind == WorkflowKind.WinBack, TestContext.Current.CancellationToken);
        await app.ClearQueueAsync();
        Assert.Empty(await catalog.SaveWorkflowAsync(w.Id, new LoyaltyConsole.Proposals.WorkflowForm(w.Name, w.Kind, w.SegmentIds, w.RewardId, w.Channel,
            WorkflowPhase.Automated, w.Caps with { CooldownDays = 0 }, w.PilotPercent, w.ControlPercent, true), AuditActor.System, TestContext.Current.CancellationToken));
        var day = (await db.SegmentationRuns.MaxAsync(r => r.AsOf, TestContext.Current.CancellationToken)).AddDays(1);

        await app.Get<LoyaltyConsole.Proposals.ProposalService>().RunAsync(day, AuditActor.System, TestContext.Current.CancellationToken);

        var proposals = await db.Proposals.Where(p => p.WorkflowId == w.Id && p.RunDate == day).ToListAsync(TestContext.Current.CancellationToken);
        var approved = proposals.Where(p => p.Status == ProposalStatus.Approved).ToList();
        Assert.NotEmpty(approved);
        Assert.All(approved, p =>
        {
            Assert.Equal(LoyaltyConsole.Proposals.ProposalService.AutomatedReviewer, p.DecidedBy);
            Assert.All(p.Guardrails, g => Assert.True(g.Passed));
            Assert.False(p.RequiresReview);
        });
        Assert.DoesNotContain(proposals, p => p.Status == ProposalStatus.PendingReview && !p.RequiresReview);
        Assert.Contains(proposals, p => p.Status == ProposalStatus.Blocked);
        Assert.Equal(approved.Count, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.ProposalAutoApproved, TestContext.Current.CancellationToken));
    }
}

public sealed class BulkReviewTests
{
    [Fact]
    public async Task Bulk_approval_decides_each_proposal_on_its_own_and_reports_the_ones_it_could_not()
    {
        await using var app = new TestApp(clients: 300);
        var scope = await app.ScopeAsync(TestUsers.ManagerSoho);
        var actor = AuditActor.From(await app.PrincipalAsync(TestUsers.ManagerSoho));
        await using var db = await app.CreateDbContextAsync();
        var ids = scope.LocationIds.ToList();
        var pending = await db.Proposals.Where(p => p.Status == ProposalStatus.PendingReview && ids.Contains(p.LocationId)).Select(p => p.Id).Take(3).ToListAsync(TestContext.Current.CancellationToken);
        var blocked = await db.Proposals.Where(p => p.Status == ProposalStatus.Blocked && ids.Contains(p.LocationId)).Select(p => p.Id).FirstAsync(TestContext.Current.CancellationToken);

        var outcome = await app.Get<ReviewService>().BulkAsync([.. pending, blocked], approve: true, reason: null, actor, TestContext.Current.CancellationToken);

        Assert.True(outcome.Succeeded);
        Assert.StartsWith($"3 approved; 1 not: #{blocked}: This proposal breaks a guardrail", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(3, await db.Proposals.CountAsync(p => pending.Contains(p.Id) && p.Status == ProposalStatus.Approved, TestContext.Current.CancellationToken));
        Assert.Equal(ProposalStatus.Blocked, (await db.Proposals.SingleAsync(p => p.Id == blocked, TestContext.Current.CancellationToken)).Status);
        Assert.Single(await db.AuditEntries.Where(e => e.Action == AuditActions.ProposalBulk).ToListAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Give a reason for rejecting.", (await app.Get<ReviewService>().BulkAsync(pending, false, " ", actor, TestContext.Current.CancellationToken)).Message);
    }
}

public sealed class ReviewQueueFilterTests
{
    [Fact]
    public async Task The_queue_filters_by_location_workflow_segment_and_age_within_the_reviewers_scope()
    {
        await using var app = new TestApp(clients: 300);
        var owner = await app.ScopeAsync(TestUsers.Owner);
        var queue = app.Get<ReviewQueue>();
        await using var db = await app.CreateDbContextAsync();
        var soho = await db.Locations.SingleAsync(l => l.ExternalId == "loc-soho", TestContext.Current.CancellationToken);
        var winBack = await db.Workflows.SingleAsync(w => w.Kind == WorkflowKind.WinBack, TestContext.Current.CancellationToken);
        var lapsed = await db.Segments.SingleAsync(s => s.Key == "lapsed", TestContext.Current.CancellationToken);

        var all = await queue.ListAsync(owner, ReviewTab.Sms, new ReviewFilter(), 0, 500, TestContext.Current.CancellationToken);
        var atSoho = await queue.ListAsync(owner, ReviewTab.Sms, new ReviewFilter(LocationId: soho.Id), 0, 500, TestContext.Current.CancellationToken);
        var ofWinBack = await queue.ListAsync(owner, ReviewTab.Sms, new ReviewFilter(WorkflowId: winBack.Id), 0, 500, TestContext.Current.CancellationToken);
        var inLapsed = await queue.ListAsync(owner, ReviewTab.Sms, new ReviewFilter(SegmentId: lapsed.Id), 0, 500, TestContext.Current.CancellationToken);
        var old = await queue.ListAsync(owner, ReviewTab.Sms, new ReviewFilter(MinAgeDays: 1), 0, 500, TestContext.Current.CancellationToken);

        Assert.True(atSoho.TotalCount > 0 && atSoho.TotalCount < all.TotalCount);
        Assert.All(atSoho.Items, i => Assert.Equal(soho.Id, i.Proposal.LocationId));
        Assert.All(ofWinBack.Items, i => Assert.Equal(winBack.Id, i.Proposal.WorkflowId));
        // Win-back targets the lapsed segment, so every win-back proposal's client is in it.
        Assert.Subset(inLapsed.Items.Select(i => i.Proposal.Id).ToHashSet(), ofWinBack.Items.Select(i => i.Proposal.Id).ToHashSet());
        Assert.Equal(0, old.TotalCount);
    }
}
