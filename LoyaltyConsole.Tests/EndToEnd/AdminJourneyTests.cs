using System.Text.RegularExpressions;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace LoyaltyConsole.Tests.EndToEnd;

/// <summary>An Admin in a real browser: invites a Manager, runs a job, and finds both in the verified audit log.</summary>
public sealed class AdminJourneyTests
{
    [Fact]
    public async Task Admin_invites_a_manager_runs_a_job_and_finds_both_in_the_audit_log()
    {
        await using var session = await BrowserSession.StartAsync(clients: 60);
        var page = session.Page;
        await session.LogInAsync(TestUsers.Admin.Email);

        await session.GotoAsync("/admin/users");
        await session.WaitForCircuitAsync();
        await page.Locator("#new-user").ClickAsync();
        await page.Locator("#user-name").FillAsync("Nina New");
        await page.Locator("#user-email").FillAsync("nina.new@demo.example");
        await page.Locator("#role-Manager").ClickAsync();
        await page.Locator("#save-user").ClickAsync();
        await Assertions.Expect(page.Locator("#user-error")).ToContainTextAsync("at least one location");

        await page.Locator("#user-editor").GetByText("SoHo").ClickAsync();
        await page.Locator("#save-user").ClickAsync();
        await Assertions.Expect(page.Locator("#invite-link")).ToHaveValueAsync(new Regex("/Account/ResetPassword\\?code="));
        await Assertions.Expect(page.Locator("#users-table")).ToContainTextAsync("nina.new@demo.example");
        await session.ScreenshotAsync("admin-users.png");

        await session.GotoAsync("/admin/jobs");
        await session.WaitForCircuitAsync();
        await page.Locator("#run-verify-audit-chain").ClickAsync();
        await Assertions.Expect(page.Locator("#jobs-table")).ToContainTextAsync("Audit log intact", new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
        await session.ScreenshotAsync("admin-jobs.png");

        await session.GotoAsync("/audit");
        await session.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#audit-grid")).ToContainTextAsync("user.created");
        await Assertions.Expect(page.Locator("#audit-grid")).ToContainTextAsync("nina.new@demo.example");
        await Assertions.Expect(page.Locator("#audit-grid")).ToContainTextAsync("job.run-requested");
        await page.Locator("#verify-audit").ClickAsync();
        await Assertions.Expect(page.Locator("#verify-result")).ToContainTextAsync("Audit log intact");
        await session.ScreenshotAsync("admin-audit.png");

        await using var db = await session.App.CreateDbContextAsync();
        var nina = await db.Users.SingleAsync(u => u.Email == "nina.new@demo.example", TestContext.Current.CancellationToken);
        Assert.Single(await db.UserLocations.Where(l => l.UserId == nina.Id).ToListAsync(TestContext.Current.CancellationToken));
    }
}
