using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LoyaltyConsole.Tests.EndToEnd;

/// <summary>Scores in a real browser: a marketing lead edits a segment; the owner backtests the model.</summary>
public sealed class ScoringJourneyTests
{
    [Fact]
    public async Task Marketing_lead_sees_segment_members_and_gets_a_clear_message_for_a_contradictory_rule()
    {
        await using var session = await BrowserSession.StartAsync(clients: 200);
        var page = session.Page;
        await session.LogInAsync(TestUsers.Marketing.Email);

        await session.GotoAsync("/segments");
        await session.WaitForCircuitAsync();
        await page.Locator("#segments-table").GetByText("Lapsed", new LocatorGetByTextOptions { Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#members-grid tbody tr.clickable").First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
        await session.ScreenshotAsync("marketing-segments.png");

        await page.Locator("#rule-max-days").FillAsync("10");
        await page.Locator("#rule-max-days").PressAsync("Tab");
        await page.Locator("#save-segment").ClickAsync();
        await Assertions.Expect(page.Locator(".segment-error")).ToContainTextAsync("above the maximum");
    }

    [Fact]
    public async Task Owner_reads_the_model_fit_and_runs_a_backtest_on_the_business_history()
    {
        await using var session = await BrowserSession.StartAsync(clients: 300);
        var page = session.Page;
        await session.LogInAsync(TestUsers.Owner.Email);

        await session.GotoAsync("/model");
        await session.WaitForCircuitAsync();
        await Assertions.Expect(page.Locator("#model-fit")).ToContainTextAsync("bgnbd-gg/");
        await page.Locator("#run-backtest").ClickAsync();
        await Assertions.Expect(page.Locator("#backtest-table tbody tr")).ToHaveCountAsync(8, new LocatorAssertionsToHaveCountOptions { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("svg.grouped-bar-chart")).ToBeVisibleAsync();
        await session.ScreenshotAsync("owner-model.png");
    }
}
