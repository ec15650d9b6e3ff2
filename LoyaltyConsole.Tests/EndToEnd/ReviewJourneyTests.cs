using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace LoyaltyConsole.Tests.EndToEnd;

/// <summary>
/// A manager reads the evidence, edits an SMS draft and approves it; the manager of another location never sees it; the
/// owner reads the queue without a way to decide and finds the decision in the audit log.
/// </summary>
public sealed class ReviewJourneyTests
{
    [Fact]
    public async Task Manager_edits_and_approves_an_SMS_and_the_owner_reads_the_queue_and_finds_the_decision_in_the_audit_log()
    {
        await using var session = await BrowserSession.StartAsync(clients: 300);
        var page = session.Page;
        var scope = await session.App.ScopeAsync(TestUsers.ManagerSoho);

        await session.LogInAsync(TestUsers.ManagerSoho.Email);
        await session.GotoAsync("/review");
        await session.WaitForCircuitAsync();
        await page.Locator("#tab-Sms").ClickAsync();
        var rows = page.Locator("#review-grid tbody tr.clickable");
        await Assertions.Expect(rows.First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#review-grid")).Not.ToContainTextAsync("Wicker Park");

        // Pick, from the first page of the SMS tab, a proposal that passes every guardrail and whose client's first name is unique there.
        string firstName;
        await using (var db = await session.App.CreateDbContextAsync())
        {
            var firstPage = await (from p in db.Proposals
                                   join c in db.Clients on p.ClientId equals c.Id
                                   where (p.Status == ProposalStatus.PendingReview || p.Status == ProposalStatus.Blocked) && p.DraftText != null
                                         && !p.RequiresReview && p.Kind != WorkflowKind.TierChange && scope.LocationIds.Contains(p.LocationId)
                                   orderby p.Id descending
                                   select new { p.Status, c.FirstName }).Take(25).ToListAsync(TestContext.Current.CancellationToken);
            firstName = firstPage.Where(x => x.Status == ProposalStatus.PendingReview).Select(x => x.FirstName)
                .First(name => firstPage.Count(x => x.FirstName == name) == 1);
        }
        await rows.Filter(new LocatorFilterOptions { HasTextRegex = new System.Text.RegularExpressions.Regex($"^\\s*{firstName}(?![a-z])") }).First.ClickAsync();
        await Assertions.Expect(page.Locator("#review-detail")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#evidence")).ToContainTextAsync("likely still active");
        await Assertions.Expect(page.Locator("#evidence")).ToContainTextAsync("predicted 12-month value");
        await session.ScreenshotAsync("manager-review-evidence.png");
        var original = await page.Locator("#sms-edit").InputValueAsync();
        await page.Locator("#sms-edit").FillAsync(original.Replace("Reply STOP to opt out.", "See you soon! Reply STOP to opt out.", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#edit-approve")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#sms-preview")).ToContainTextAsync("See you soon!");
        await session.ScreenshotAsync("manager-review.png");
        await page.Locator("#edit-approve").ClickAsync();
        await Assertions.Expect(page.Locator("#undo")).ToBeVisibleAsync();

        long decided;
        await using (var db = await session.App.CreateDbContextAsync())
        {
            var proposal = await db.Proposals.SingleAsync(p => p.Status == ProposalStatus.Approved, TestContext.Current.CancellationToken);
            Assert.Contains("See you soon!", proposal.DraftText, StringComparison.Ordinal);
            Assert.Equal(TestUsers.ManagerSoho.Email, proposal.DecidedBy);
            decided = proposal.Id;
        }

        await page.Locator("#user-menu-button").ClickAsync();
        await page.Locator("#logout").ClickAsync();
        await session.LogInAsync(TestUsers.ManagerWickerPark.Email);
        await session.GotoAsync("/review");
        await session.WaitForCircuitAsync();
        await page.Locator("#tab-Sms").ClickAsync();
        await Assertions.Expect(page.Locator("#review-grid")).Not.ToContainTextAsync("SoHo");

        await page.Locator("#user-menu-button").ClickAsync();
        await page.Locator("#logout").ClickAsync();
        await session.LogInAsync(TestUsers.Owner.Email);
        await session.GotoAsync("/review");
        await session.WaitForCircuitAsync();
        await page.Locator("#review-grid tbody tr.clickable").First.ClickAsync();
        await Assertions.Expect(page.Locator("#review-detail")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#read-only")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#approve, #reject, #sms-edit, .row-check")).ToHaveCountAsync(0);
        await session.ScreenshotAsync("owner-review.png");

        await session.GotoAsync("/audit");
        await session.WaitForCircuitAsync();
        await page.Locator("#filter-actor").FillAsync(TestUsers.ManagerSoho.Email);
        await Assertions.Expect(page.Locator("#audit-grid")).ToContainTextAsync("proposal.edited-approved", new LocatorAssertionsToContainTextOptions { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#audit-grid")).ToContainTextAsync($"Proposal {decided}");
        await session.ScreenshotAsync("owner-audit-decision.png");
    }
}
