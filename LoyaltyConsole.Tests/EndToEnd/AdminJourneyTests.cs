using LoyaltyConsole.Data;
using LoyaltyConsole.Tests.Domain;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace LoyaltyConsole.Tests.EndToEnd;

/// <summary>An Admin in a real browser: invites a Manager, runs a job now, and finds both in the verified audit log.</summary>
public sealed class AdminJourneyTests
{
    private static readonly string Screenshots = Path.Combine(ArchitectureTests.RepositoryRoot(), "docs", "screenshots");

    [Fact]
    public async Task Admin_invites_a_manager_runs_a_job_and_finds_both_in_the_audit_log()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        await using var app = new TestApp(clients: 60, kestrel: true);
        app.StartServer();
        var baseUrl = app.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        try
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
            await RoleJourneyTests.LogInAsync(page, baseUrl, TestUsers.Admin.Email);

            await page.GotoAsync(baseUrl + "/admin/users");
            await RoleJourneyTests.WaitForCircuitAsync(page);
            await page.Locator("#new-user").ClickAsync();
            await page.Locator("#user-name").FillAsync("Nina New");
            await page.Locator("#user-email").FillAsync("nina.new@demo.example");
            await page.Locator("#role-Manager").ClickAsync();
            await page.Locator("#save-user").ClickAsync();
            await Assertions.Expect(page.Locator("#user-error")).ToContainTextAsync("at least one location");

            await page.Locator("#user-editor").GetByText("SoHo").ClickAsync();
            await page.Locator("#save-user").ClickAsync();
            await Assertions.Expect(page.Locator("#invite-link")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/Account/ResetPassword\\?code="));
            await Assertions.Expect(page.Locator("#users-table")).ToContainTextAsync("nina.new@demo.example");
            Directory.CreateDirectory(Screenshots);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "admin-users.png") });

            await page.GotoAsync(baseUrl + "/admin/jobs");
            await RoleJourneyTests.WaitForCircuitAsync(page);
            await page.Locator("#run-verify-audit-chain").ClickAsync();
            await Assertions.Expect(page.Locator("#jobs-table")).ToContainTextAsync("Audit log intact", new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "admin-jobs.png") });

            await page.GotoAsync(baseUrl + "/audit");
            await RoleJourneyTests.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("#audit-grid")).ToContainTextAsync("user.created");
            await Assertions.Expect(page.Locator("#audit-grid")).ToContainTextAsync("nina.new@demo.example");
            await Assertions.Expect(page.Locator("#audit-grid")).ToContainTextAsync("job.run-requested");
            await page.Locator("#verify-audit").ClickAsync();
            await Assertions.Expect(page.Locator("#verify-result")).ToContainTextAsync("Audit log intact");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "admin-audit.png") });

            await using var db = await app.Get<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
            var nina = await db.Users.SingleAsync(u => u.Email == "nina.new@demo.example", TestContext.Current.CancellationToken);
            Assert.Single(await db.UserLocations.Where(l => l.UserId == nina.Id).ToListAsync(TestContext.Current.CancellationToken));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
