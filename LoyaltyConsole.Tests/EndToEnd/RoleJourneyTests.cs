using System.Net;
using LoyaltyConsole.Data;
using LoyaltyConsole.DemoData;
using LoyaltyConsole.Tests.Domain;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace LoyaltyConsole.Tests.EndToEnd;

/// <summary>A person in a real browser against the real app on a loopback port: log in, look around, get refused, log out.</summary>
public sealed class RoleJourneyTests
{
    private static readonly string Screenshots = Path.Combine(ArchitectureTests.RepositoryRoot(), "docs", "screenshots");

    public static TheoryData<string, string[], string[], string> Journeys => new()
    {
        // email, nav links shown, nav links hidden, a page this role must be refused
        { "owner@demo.example", ["Home", "Clients", "Audit log"], ["Users", "Jobs"], "/admin/users" },
        { "marketing@demo.example", ["Home", "Clients"], ["Audit log", "Users", "Jobs"], "/audit" },
        { "manager.soho@demo.example", ["Home", "Clients"], ["Audit log", "Users", "Jobs"], "/admin/jobs" },
        { "admin@demo.example", ["Home", "Audit log", "Users", "Jobs"], ["Clients"], "/clients" },
    };

    [Theory]
    [MemberData(nameof(Journeys))]
    public async Task Each_role_logs_in_sees_its_navigation_is_refused_a_forbidden_page_and_logs_out(
        string email, string[] visible, string[] hidden, string forbidden)
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        await using var app = new TestApp(clients: 150, kestrel: true);
        app.StartServer();
        var baseUrl = app.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        try
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
            await LogInAsync(page, baseUrl, email);

            var nav = page.Locator("#main-nav");
            foreach (var label in visible)
            {
                await Assertions.Expect(nav.GetByText(label, new LocatorGetByTextOptions { Exact = true })).ToBeVisibleAsync();
            }
            foreach (var label in hidden)
            {
                await Assertions.Expect(nav.GetByText(label, new LocatorGetByTextOptions { Exact = true })).ToHaveCountAsync(0);
            }
            var role = email.Split('@')[0].Split('.')[0];
            Directory.CreateDirectory(Screenshots);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, $"{role}-home.png") });

            var refused = await page.GotoAsync(baseUrl + forbidden);
            Assert.Equal((int)HttpStatusCode.Forbidden, refused!.Status);
            await Assertions.Expect(page.Locator("#forbidden")).ToContainTextAsync("403");

            await page.GotoAsync(baseUrl + "/");
            await WaitForCircuitAsync(page);
            await page.Locator("#user-menu-button").ClickAsync();
            await page.Locator("#logout").ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("/Account/Login", StringComparison.Ordinal));

            var afterLogout = await page.GotoAsync(baseUrl + "/");
            Assert.Contains("/Account/Login", afterLogout!.Url, StringComparison.Ordinal);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task Manager_browses_own_clients_and_cannot_open_a_client_of_another_location()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        await using var app = new TestApp(clients: 150, kestrel: true);
        app.StartServer();
        var baseUrl = app.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        try
        {
            var scope = await app.ScopeAsync(TestUsers.ManagerSoho);
            await using var db = await app.Get<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
            var otherClient = await db.Clients.FirstAsync(c => !scope.LocationIds.Contains(c.HomeLocationId), TestContext.Current.CancellationToken);

            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
            await LogInAsync(page, baseUrl, TestUsers.ManagerSoho.Email);

            await WaitForCircuitAsync(page);
            await page.Locator("#main-nav").GetByText("Clients", new LocatorGetByTextOptions { Exact = true }).ClickAsync();
            var rows = page.Locator("#clients-grid tbody tr.clickable");
            await Assertions.Expect(rows.First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
            await Assertions.Expect(page.Locator("#clients-grid")).Not.ToContainTextAsync("Wicker Park");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "manager-clients.png") });

            await rows.First.ClickAsync();
            await Assertions.Expect(page.Locator("#client-name")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#visits")).ToBeVisibleAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "manager-client-detail.png") });

            await page.GotoAsync($"{baseUrl}/clients/{otherClient.Id}");
            await Assertions.Expect(page.Locator("#forbidden")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync(otherClient.LastName);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    internal static Task WaitForCircuitAsync(IPage page) =>
        Assertions.Expect(page.Locator("#circuit-state")).ToHaveAttributeAsync("data-interactive", "true", new LocatorAssertionsToHaveAttributeOptions { Timeout = 20_000 });

    internal static async Task LogInAsync(IPage page, string baseUrl, string email)
    {
        await page.GotoAsync(baseUrl + "/Account/Login");
        await page.Locator("#Input\\.Email").FillAsync(email);
        await page.Locator("#Input\\.Password").FillAsync(TestApp.Password);
        await page.Locator("#login-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#main-nav")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 20_000 });
    }
}
