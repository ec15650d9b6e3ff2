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
