using Bunit;
using LoyaltyConsole.Domain.Guardrails;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Features.Program;
using LoyaltyConsole.Proposals;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using TestContext = Xunit.TestContext;

namespace LoyaltyConsole.Tests.Components;

public sealed class ProgramEditorTests : ConsoleTestContext
{
    [Fact]
    public async Task Reward_editor_shows_only_the_fields_of_the_chosen_kind_and_submits_them()
    {
        await SignInAsync(TestUsers.Marketing);
        RewardForm? saved = null;
        var cut = Render<RewardEditor>(p => p.Add(x => x.OnSave, (RewardForm f) => saved = f));

        Assert.NotEmpty(cut.FindAll("#reward-percent"));
        Assert.Empty(cut.FindAll("#reward-points"));
        cut.Find("#reward-name").Change("25% off");
        cut.Find("#reward-percent").Change("25");
        cut.Find("#reward-cost").Change("22.5");
        cut.Find("#save-reward").Click();

        Assert.Equal(new RewardForm("25% off", RewardKind.PercentDiscount, null, 25, null, null, 22.5m, true), saved);
    }

    [Fact]
    public async Task Reward_editor_lists_every_problem_it_is_given()
    {
        await SignInAsync(TestUsers.Marketing);

        var cut = Render<RewardEditor>(p => p.Add(x => x.OnSave, (RewardForm _) => { }).Add(x => x.Errors, ["A percentage discount must be between 1% and 100%."]));

        Assert.Equal("A percentage discount must be between 1% and 100%.", cut.Find(".reward-error").TextContent.Trim());
    }

    [Fact]
    public async Task Workflow_editor_loads_a_workflow_and_submits_the_changed_settings()
    {
        await SignInAsync(TestUsers.Marketing);
        await using var db = await App.CreateDbContextAsync();
        var workflow = await db.Workflows.AsNoTracking().SingleAsync(w => w.Kind == WorkflowKind.WinBack, TestContext.Current.CancellationToken);
        var segments = await db.Segments.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
        var rewards = await db.Rewards.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
        WorkflowForm? saved = null;

        var cut = Render<WorkflowEditor>(p => p.Add(x => x.Workflow, workflow).Add(x => x.Segments, segments).Add(x => x.Rewards, rewards)
            .Add(x => x.OnSave, (WorkflowForm f) => saved = f));
        cut.Find("#workflow-pilot").Change("30");
        cut.Find("#workflow-per-client").Change("12.5");
        cut.Find("#save-workflow").Click();

        Assert.NotNull(saved);
        Assert.Equal(workflow.Name, saved.Name);
        Assert.Equal(30, saved.PilotPercent);
        Assert.Equal(1_250, saved.Caps.CostPerClientMinor);
        Assert.Equal(workflow.SegmentIds, saved.SegmentIds.Order());
        Assert.Equal(Channel.Sms, saved.Channel);
    }

    [Fact]
    public async Task Program_page_refuses_an_invalid_workflow_with_the_reasons_and_saves_a_valid_one()
    {
        await SignInAsync(TestUsers.Marketing);
        var cut = Render<ProgramPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#workflows-table tbody tr")), TimeSpan.FromSeconds(10));

        await cut.ClickAsync("#workflows-table tbody tr");
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#workflow-editor")), TimeSpan.FromSeconds(5));
        cut.Find("#workflow-pilot").Change("150");
        cut.Find("#save-workflow").Click();
        cut.WaitForAssertion(() => Assert.Contains("The pilot percentage must be between 0 and 100.", cut.FindAll(".workflow-error").Select(e => e.TextContent.Trim())), TimeSpan.FromSeconds(5));

        cut.Find("#workflow-pilot").Change("40");
        cut.Find("#save-workflow").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#workflow-editor")), TimeSpan.FromSeconds(5));
        await using var db = await App.CreateDbContextAsync();
        Assert.Contains(40, await db.Workflows.Select(w => w.PilotPercent).ToListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Program_page_refuses_an_absurd_budget_and_cool_down_with_the_reasons_instead_of_failing()
    {
        await SignInAsync(TestUsers.Marketing);
        var cut = Render<ProgramPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#workflows-table tbody tr")), TimeSpan.FromSeconds(10));

        await cut.ClickAsync("#workflows-table tbody tr");
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#workflow-editor")), TimeSpan.FromSeconds(5));
        cut.Find("#workflow-per-client").Change("100000000000000000000");
        cut.Find("#workflow-cooldown").Change("400");
        cut.Find("#save-workflow").Click();

        cut.WaitForAssertion(() =>
        {
            var errors = cut.FindAll(".workflow-error").Select(e => e.TextContent.Trim()).ToList();
            Assert.Contains("Caps cannot exceed $1,000,000,000.00.", errors);
            Assert.Contains("The cool-down must be between 0 and 365 days.", errors);
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_marketing_lead_acknowledges_an_alert_with_a_note_on_the_home_page()
    {
        var catalog = App.Get<ProgramCatalog>();
        foreach (var existing in await catalog.OpenAlertsAsync(TestContext.Current.CancellationToken))
        {
            await catalog.AcknowledgeAlertAsync(existing.Id, null, LoyaltyConsole.Auditing.AuditActor.System, TestContext.Current.CancellationToken);
        }
        await using (var db = await App.CreateDbContextAsync())
        {
            db.Alerts.Add(new Alert { CreatedAt = DateTime.UtcNow, Title = "Win-back paused by its circuit breaker", Message = "Too many proposals." });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }
        await SignInAsync(TestUsers.Marketing);
        var cut = Render<LoyaltyConsole.Features.Home.HomePage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".program-alert")), TimeSpan.FromSeconds(10));

        cut.Find(".alert-note input").Change("Checked the segment; resumed.");
        cut.Find(".acknowledge-alert").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".program-alert")), TimeSpan.FromSeconds(5));
        await using var check = await App.CreateDbContextAsync();
        var alert = await check.Alerts.SingleAsync(a => a.Title == "Win-back paused by its circuit breaker", TestContext.Current.CancellationToken);
        Assert.Equal("Checked the segment; resumed.", alert.AcknowledgementNote);
        Assert.Equal(TestUsers.Marketing.Email, alert.AcknowledgedBy);
        Assert.True(await check.AuditEntries.AnyAsync(e => e.Action == LoyaltyConsole.Auditing.AuditActions.AlertAcknowledged, TestContext.Current.CancellationToken));
    }
}
