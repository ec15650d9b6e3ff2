using System.Net;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace LoyaltyConsole.Tests.EndToEnd;

/// <summary>A person in a real browser against the real app on a loopback port: log in, look around, get refused, log out.</summary>
public sealed class RoleJourneyTests
{
    public static TheoryData<string, string[], string[], string> Journeys => new()
    {
        // email, nav links shown, nav links hidden, a page this role must be refused
        { "owner@demo.example", ["Home", "Clients", "Segments", "Review", "Proposals", "Model", "Audit log"], ["Users", "Jobs", "Program", "Connections", "Data quality", "Webhooks"], "/admin/users" },
        { "marketing@demo.example", ["Home", "Clients", "Segments", "Review", "Proposals", "Program", "Model"], ["Audit log", "Users", "Jobs", "Connections", "Data quality", "Webhooks"], "/audit" },
        { "manager.soho@demo.example", ["Home", "Clients", "Segments", "Review", "Proposals"], ["Audit log", "Users", "Jobs", "Model", "Program", "Connections", "Data quality", "Webhooks"], "/admin/connections" },
        { "admin@demo.example", ["Home", "Audit log", "Users", "Jobs", "Connections", "Data quality", "Webhooks"], ["Clients", "Segments", "Review", "Proposals", "Program", "Model"], "/clients" },
    };

    [Theory]
    [MemberData(nameof(Journeys))]
    public async Task Each_role_logs_in_sees_its_navigation_is_refused_a_forbidden_page_and_logs_out(
        string email, string[] visible, string[] hidden, string forbidden)
    {
        await using var session = await BrowserSession.StartAsync(clients: 150);
        var page = session.Page;
        await session.LogInAsync(email);

        var nav = page.Locator("#main-nav");
        foreach (var label in visible)
        {
            await Assertions.Expect(nav.GetByText(label, new LocatorGetByTextOptions { Exact = true })).ToBeVisibleAsync();
        }
        foreach (var label in hidden)
        {
            await Assertions.Expect(nav.GetByText(label, new LocatorGetByTextOptions { Exact = true })).ToHaveCountAsync(0);
        }
        await session.ScreenshotAsync($"{email.Split('@')[0].Split('.')[0]}-home.png");

        var refused = await session.GotoAsync(forbidden);
        Assert.Equal((int)HttpStatusCode.Forbidden, refused!.Status);
        await Assertions.Expect(page.Locator("#forbidden")).ToContainTextAsync("403");

        await session.GotoAsync("/");
        await session.WaitForCircuitAsync();
        await page.Locator("#user-menu-button").ClickAsync();
        await page.Locator("#logout").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/Account/Login", StringComparison.Ordinal));

        var afterLogout = await session.GotoAsync("/");
        Assert.Contains("/Account/Login", afterLogout!.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manager_browses_own_clients_and_cannot_open_a_client_of_another_location()
    {
        await using var session = await BrowserSession.StartAsync(clients: 150);
        var page = session.Page;
        var scope = await session.App.ScopeAsync(TestUsers.ManagerSoho);
        await using var db = await session.App.CreateDbContextAsync();
        var otherClient = await db.Clients.FirstAsync(c => !scope.LocationIds.Contains(c.HomeLocationId), TestContext.Current.CancellationToken);

        await session.LogInAsync(TestUsers.ManagerSoho.Email);
        await session.WaitForCircuitAsync();
        await page.Locator("#main-nav").GetByText("Clients", new LocatorGetByTextOptions { Exact = true }).ClickAsync();
        var rows = page.Locator("#clients-grid tbody tr.clickable");
        await Assertions.Expect(rows.First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#clients-grid")).Not.ToContainTextAsync("Wicker Park");
        await session.ScreenshotAsync("manager-clients.png");

        await rows.First.ClickAsync();
        await Assertions.Expect(page.Locator("#client-name")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#visits")).ToBeVisibleAsync();
        await session.ScreenshotAsync("manager-client-detail.png");

        await session.GotoAsync($"/clients/{otherClient.Id}");
        await Assertions.Expect(page.Locator("#forbidden")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync(otherClient.LastName);
    }
}
