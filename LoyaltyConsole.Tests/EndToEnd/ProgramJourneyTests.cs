using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LoyaltyConsole.Tests.EndToEnd;

/// <summary>The program in a real browser: a marketing lead reads workflows and the proposals with their guardrail flags.</summary>
public sealed class ProgramJourneyTests
{
    [Fact]
    public async Task Marketing_lead_sees_the_program_and_the_proposals_with_guardrail_flags()
    {
        await using var session = await BrowserSession.StartAsync(clients: 300);
        var page = session.Page;
        await session.LogInAsync(TestUsers.Marketing.Email);

        await session.GotoAsync("/program");
        await session.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#workflows-table tbody tr")).ToHaveCountAsync(3);
        await page.Locator("#workflows-table").GetByText("Win-back lapsed clients").ClickAsync();
        await Assertions.Expect(page.Locator("#workflow-editor")).ToBeVisibleAsync();
        await session.ScreenshotAsync("marketing-program.png");

        await session.GotoAsync("/proposals");
        await session.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#proposals-table tbody tr").First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
        await Assertions.Expect(page.Locator(".guardrail-flag").First).ToBeVisibleAsync();
        await session.ScreenshotAsync("marketing-proposals.png");
    }
}
