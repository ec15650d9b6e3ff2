using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LoyaltyConsole.Tests.EndToEnd;

/// <summary>Debian's Chromium driven by Playwright; Playwright cannot download its own browser here.</summary>
public static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
    ];

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            var message = $"Chromium is not installed at {ChromiumPath}; run 'apt-get install -y chromium' (.ci/run does this).";
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail(message);
            }
            Assert.Skip(message);
        }
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = Flags,
        });
        return (playwright, browser);
    }
}

/// <summary>
/// One browser journey: the app on a real loopback port (fresh database) and a Chromium page sized for screenshots.
/// Disposing closes the browser and stops the app.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BrowserSession(IPlaywright playwright, IBrowser browser, TestApp app, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        App = app;
        Page = page;
        BaseUrl = app.ClientOptions.BaseAddress.ToString().TrimEnd('/');
    }

    public TestApp App { get; }
    public IPage Page { get; }
    public string BaseUrl { get; }

    public static async Task<BrowserSession> StartAsync(int clients)
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        var app = new TestApp(clients: clients, kestrel: true);
        app.StartServer();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        return new BrowserSession(playwright, browser, app, page);
    }

    public Task<IResponse?> GotoAsync(string path) => Page.GotoAsync(BaseUrl + path);

    /// <summary>Waits until the Blazor circuit is live, so clicks are handled rather than lost on prerendered HTML.</summary>
    public Task WaitForCircuitAsync() =>
        Assertions.Expect(Page.Locator("#circuit-state")).ToHaveAttributeAsync("data-interactive", "true", new LocatorAssertionsToHaveAttributeOptions { Timeout = 20_000 });

    public async Task LogInAsync(string email)
    {
        await GotoAsync("/Account/Login");
        await Page.Locator("#Input\\.Email").FillAsync(email);
        await Page.Locator("#Input\\.Password").FillAsync(TestApp.Password);
        await Page.Locator("#login-submit").ClickAsync();
        await Assertions.Expect(Page.Locator("#main-nav")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 20_000 });
    }

    public Task ScreenshotAsync(string name)
    {
        var directory = Path.Combine(Domain.ArchitectureTests.RepositoryRoot(), "docs", "screenshots");
        Directory.CreateDirectory(directory);
        return Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name) });
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await App.DisposeAsync();
    }
}
