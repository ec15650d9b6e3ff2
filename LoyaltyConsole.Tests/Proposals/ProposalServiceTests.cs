using LoyaltyConsole.Auditing;
using LoyaltyConsole.Domain.Guardrails;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Drafting;
using LoyaltyConsole.Proposals;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Proposals;

public sealed class ProposalServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<DateOnly> LatestAsync(TestApp app)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.SegmentationRuns.MaxAsync(r => r.AsOf, Ct);
    }

    [Fact]
    public async Task The_demo_program_proposes_for_review_holds_out_a_control_group_and_records_guardrails_and_evidence()
    {
        await using var app = new TestApp(clients: 300);
        await using var db = await app.CreateDbContextAsync();
        var winBack = await db.Workflows.SingleAsync(w => w.Kind == WorkflowKind.WinBack, Ct);
        var proposals = await db.Proposals.Where(p => p.WorkflowId == winBack.Id).ToListAsync(Ct);

        Assert.NotEmpty(proposals);
        Assert.Contains(proposals, p => p.Status == ProposalStatus.Control);
        Assert.All(proposals.Where(p => p.Status == ProposalStatus.Control), p => Assert.Empty(p.Guardrails));
        var reviewable = proposals.Where(p => p.Status is ProposalStatus.PendingReview or ProposalStatus.Blocked).ToList();
        Assert.NotEmpty(reviewable);
        Assert.All(reviewable, p =>
        {
            Assert.Contains(p.Guardrails, g => g.Code == ConsentRule.Code);
            Assert.Contains(p.Guardrails, g => g.Code == SpendCaps.BudgetCode);
            Assert.Contains("{first_name}", p.DraftText, StringComparison.Ordinal);
            Assert.Equal(OfflineSmsDrafter.Provider, p.DraftProvider);
            Assert.Contains("modelVersion", p.EvidenceJson, StringComparison.Ordinal);
            Assert.Equal(p.Blocked, p.Status == ProposalStatus.Blocked);
        });
        Assert.Equal(proposals.Count, await db.AuditEntries.CountAsync(e => e.EntityType == "Proposal" && (e.Action == AuditActions.ProposalCreated || e.Action == AuditActions.ProposalBlocked) && e.AfterJson!.Contains($"\"workflowId\":{winBack.Id},"), Ct));
    }

    [Fact]
    public async Task Clients_without_SMS_consent_are_blocked_with_the_reason()
    {
        await using var app = new TestApp(clients: 300);
        await using var db = await app.CreateDbContextAsync();
        var noConsent = await (from p in db.Proposals
                               join c in db.Clients on p.ClientId equals c.Id
                               where p.Kind == WorkflowKind.WinBack && p.Status != ProposalStatus.Control && !c.SmsConsent.Granted
                               select p).ToListAsync(Ct);

        Assert.NotEmpty(noConsent);
        Assert.All(noConsent, p =>
        {
            Assert.Equal(ProposalStatus.Blocked, p.Status);
            Assert.Contains(p.Guardrails, g => g is { Code: ConsentRule.Code, Passed: false, Reason: "No SMS consent on record." });
        });
    }

    [Fact]
    public async Task A_second_run_on_the_same_day_adds_nothing()
    {
        await using var app = new TestApp(clients: 200);
        await using var db = await app.CreateDbContextAsync();
        var before = await db.Proposals.CountAsync(Ct);

        var summaries = await app.Get<ProposalService>().RunAsync(await LatestAsync(app), AuditActor.System, Ct);

        Assert.All(summaries, s => Assert.True(s.Skipped));
        Assert.Equal(before, await db.Proposals.CountAsync(Ct));
    }

    [Fact]
    public async Task Drafts_never_contain_the_clients_name_phone_email_or_notes()
    {
        await using var app = new TestApp(clients: 300);
        await using var db = await app.CreateDbContextAsync();
        var drafts = await (from p in db.Proposals
                            join c in db.Clients on p.ClientId equals c.Id
                            where p.DraftText != null
                            select new { p.DraftText, c.FirstName, c.LastName, c.Email, c.PhoneE164, c.Notes }).ToListAsync(Ct);

        Assert.NotEmpty(drafts);
        Assert.All(drafts, d =>
        {
            Assert.DoesNotContain(d.LastName, d.DraftText!, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain($"{d.FirstName} {d.LastName}", d.DraftText!, StringComparison.OrdinalIgnoreCase);
            Assert.True(d.Email is null || !d.DraftText.Contains(d.Email, StringComparison.OrdinalIgnoreCase));
            Assert.True(d.PhoneE164 is null || !d.DraftText.Contains(d.PhoneE164[2..], StringComparison.Ordinal));
            Assert.True(d.Notes is null || !d.DraftText.Contains(d.Notes, StringComparison.Ordinal));
        });
        // The drafter's whole input, field by field: adding one (a name, a phone, a note) must be a deliberate, reviewed change.
        Assert.Equal(
            ["BrandName", "BrandVoice", "FavouriteService", "Offer", "OfferTokens", "OptOutSentence", "Points", "StaffFirstName", "Variant", "Workflow"],
            typeof(SmsDraftContext).GetProperties().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task The_circuit_breaker_pauses_the_workflow_discards_the_run_and_alerts()
    {
        await using var app = new TestApp(clients: 300);
        var marketing = AuditActor.From(await app.PrincipalAsync(TestUsers.Marketing));
        var catalog = app.Get<ProgramCatalog>();
        await using var db = await app.CreateDbContextAsync();
        var lapsed = await db.Segments.SingleAsync(s => s.Key == "lapsed", Ct);
        var reward = await db.Rewards.FirstAsync(Ct);
        var errors = await catalog.SaveWorkflowAsync(null, new WorkflowForm("Over-eager", WorkflowKind.NextBestOffer, [lapsed.Id], reward.Id, Channel.Sms,
            WorkflowPhase.Review, new WorkflowCaps { BreakerMaxShareOfSegment = 0.05 }, 100, 0, false), marketing, Ct);
        Assert.Empty(errors);

        var summary = (await app.Get<ProposalService>().RunAsync(await LatestAsync(app), AuditActor.System, Ct)).Single(s => s.Workflow == "Over-eager");

        Assert.NotNull(summary.BreakerReason);
        Assert.Contains("The workflow is paused.", summary.BreakerReason, StringComparison.Ordinal);
        var workflow = await db.Workflows.SingleAsync(w => w.Name == "Over-eager", Ct);
        Assert.True(workflow.IsPaused);
        Assert.All(await db.Proposals.Where(p => p.WorkflowId == workflow.Id).ToListAsync(Ct), p => Assert.Equal(ProposalStatus.Discarded, p.Status));
        Assert.Single(await catalog.OpenAlertsAsync(Ct), a => a.WorkflowId == workflow.Id);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.WorkflowPaused && e.EntityId == workflow.Id.ToString(), Ct));
    }

    [Fact]
    public async Task Shadow_workflows_record_but_never_queue()
    {
        await using var app = new TestApp(clients: 300);
        var catalog = app.Get<ProgramCatalog>();
        await using var db = await app.CreateDbContextAsync();
        var expiring = await db.Segments.SingleAsync(s => s.Key == "new-client-engagers", Ct);
        var reward = await db.Rewards.SingleAsync(r => r.Kind == RewardKind.DoublePoints, Ct);
        Assert.Empty(await catalog.SaveWorkflowAsync(null, new WorkflowForm("Shadow test", WorkflowKind.SegmentDoublePoints, [expiring.Id], reward.Id, Channel.Sms,
            WorkflowPhase.Shadow, new WorkflowCaps(), 100, 20, false), AuditActor.System, Ct));

        await app.Get<ProposalService>().RunAsync(await LatestAsync(app), AuditActor.System, Ct);

        var id = (await db.Workflows.SingleAsync(w => w.Name == "Shadow test", Ct)).Id;
        var statuses = await db.Proposals.Where(p => p.WorkflowId == id).Select(p => p.Status).Distinct().ToListAsync(Ct);
        Assert.NotEmpty(statuses);
        Assert.Subset(new HashSet<ProposalStatus> { ProposalStatus.Shadow, ProposalStatus.Control }, statuses.ToHashSet());
    }

    [Fact]
    public async Task Workflow_and_reward_edits_are_validated_with_clear_messages()
    {
        await using var app = new TestApp(clients: 20);
        var catalog = app.Get<ProgramCatalog>();

        var workflowErrors = await catalog.SaveWorkflowAsync(null, new WorkflowForm("Bad", WorkflowKind.WinBack, [], null, Channel.Sms, WorkflowPhase.Review,
            new WorkflowCaps { CostPerClientMinor = -5 }, 150, 10, false), AuditActor.System, Ct);
        var rewardErrors = await catalog.SaveRewardAsync(null, new RewardForm("Too generous", RewardKind.PercentDiscount, null, 150, null, null, 10m, true), AuditActor.System, Ct);

        Assert.Contains("The pilot percentage must be between 0 and 100.", workflowErrors);
        Assert.Contains("Caps cannot be negative.", workflowErrors);
        Assert.Contains("Choose at least one target segment.", workflowErrors);
        Assert.Equal(["A percentage discount must be between 1% and 100%."], rewardErrors);
    }
}

public sealed class ProposalConcurrencyTests
{
    [Fact]
    public async Task Runs_started_at_the_same_moment_propose_each_client_once_and_keep_the_audit_chain_intact()
    {
        await using var app = new TestApp(clients: 300);
        var service = app.Get<ProposalService>();
        await using var db = await app.CreateDbContextAsync();
        var workflow = await db.Workflows.SingleAsync(w => w.Kind == WorkflowKind.WinBack, TestContext.Current.CancellationToken);
        await app.ClearQueueAsync();
        // Four runs for a day nobody has proposed for yet, all at once.
        var day = (await db.SegmentationRuns.MaxAsync(r => r.AsOf, TestContext.Current.CancellationToken)).AddDays(1);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => service.RunAsync(day, AuditActor.System, TestContext.Current.CancellationToken))));

        var forWorkflow = runs.SelectMany(r => r).Where(s => s.WorkflowId == workflow.Id).ToList();
        Assert.Single(forWorkflow, s => !s.Skipped);
        Assert.Equal(3, forWorkflow.Count(s => s.Skipped));
        var proposals = await db.Proposals.Where(p => p.WorkflowId == workflow.Id && p.RunDate == day).ToListAsync(TestContext.Current.CancellationToken);
        Assert.NotEmpty(proposals);
        Assert.Equal(proposals.Count, proposals.Select(p => p.ClientId).Distinct().Count());
        Assert.True((await app.Get<LoyaltyConsole.Auditing.AuditVerifier>().VerifyAsync(TestContext.Current.CancellationToken)).IsIntact);
    }
}

public sealed class ProgramScheduleAndLocationBudgetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_location_budget_blocks_that_locations_proposals_once_reached_and_spares_the_others()
    {
        await using var app = new TestApp(clients: 300);
        var catalog = app.Get<ProgramCatalog>();
        await using var db = await app.CreateDbContextAsync();
        var soho = await db.Locations.SingleAsync(l => l.ExternalId == "loc-soho", Ct);
        await app.ClearQueueAsync();
        Assert.Equal(["A budget period must be between 1 and 366 days."], await catalog.SaveLocationBudgetAsync(soho.Id, 10m, 0, AuditActor.System, Ct));
        Assert.Empty(await catalog.SaveLocationBudgetAsync(soho.Id, 20m, 30, AuditActor.System, Ct));
        var day = (await db.SegmentationRuns.MaxAsync(r => r.AsOf, Ct)).AddDays(1);

        await app.Get<ProposalService>().RunAsync(day, AuditActor.System, Ct);

        var priced = await db.Proposals.Where(p => p.RunDate == day && p.CostMinor > 0 && p.Status != ProposalStatus.Control).ToListAsync(Ct);
        var sohoChecks = priced.Where(p => p.LocationId == soho.Id).Select(p => p.Guardrails.Single(g => g.Reason.Contains("SoHo, last 30 days", StringComparison.Ordinal))).ToList();
        Assert.True(sohoChecks.Count >= 2);
        Assert.Contains(sohoChecks, g => g.Passed);
        Assert.Contains(sohoChecks, g => !g.Passed && g.Reason.StartsWith("Over budget by ", StringComparison.Ordinal));
        Assert.All(priced.Where(p => p.LocationId != soho.Id), p => Assert.DoesNotContain(p.Guardrails, g => g.Reason.Contains("SoHo", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_scheduled_workflow_proposes_only_on_its_days_and_a_bad_schedule_is_refused()
    {
        await using var app = new TestApp(clients: 100);
        var catalog = app.Get<ProgramCatalog>();
        await using var db = await app.CreateDbContextAsync();
        var winBack = await db.Workflows.SingleAsync(w => w.Kind == WorkflowKind.WinBack, Ct);
        // Resume as well: on a small demo business the first run may already have tripped the breaker.
        WorkflowForm Form(string? cron) => new(winBack.Name, winBack.Kind, winBack.SegmentIds, winBack.RewardId, winBack.Channel, winBack.Phase, winBack.Caps,
            winBack.PilotPercent, winBack.ControlPercent, true, cron);

        Assert.Contains("is not a schedule", (await catalog.SaveWorkflowAsync(winBack.Id, Form("every monday"), AuditActor.System, Ct)).Single(), StringComparison.Ordinal);
        Assert.Empty(await catalog.SaveWorkflowAsync(winBack.Id, Form("0 0 9 ? * MON"), AuditActor.System, Ct));
        var monday = new DateOnly(2030, 1, 7);

        var tuesday = (await app.Get<ProposalService>().RunAsync(monday.AddDays(1), AuditActor.System, Ct)).Single(s => s.WorkflowId == winBack.Id);
        var onMonday = (await app.Get<ProposalService>().RunAsync(monday, AuditActor.System, Ct)).Single(s => s.WorkflowId == winBack.Id);

        Assert.True(tuesday.Skipped);
        Assert.False(onMonday.Skipped);
        Assert.False(await db.Proposals.AnyAsync(p => p.WorkflowId == winBack.Id && p.RunDate == monday.AddDays(1), Ct));
    }
}
