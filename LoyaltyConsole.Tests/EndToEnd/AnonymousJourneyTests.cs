using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace LoyaltyConsole.Tests.EndToEnd;

/// <summary>
/// A visitor who has not signed in: the public pages arrive with every stylesheet and script, and look styled. The
/// assertions read computed styles, which hold only when the stylesheets really loaded.
/// </summary>
public sealed class AnonymousJourneyTests
{
    [Fact]
    public async Task An_anonymous_visitor_gets_styled_login_forgot_password_and_error_pages_with_every_asset()
    {
        await using var session = await BrowserSession.StartAsync(clients: 20);
        var page = session.Page;
        // Routing every request turns the browser's HTTP cache off, so each page fetches its own assets afresh.
        await page.RouteAsync("**/*", route => route.ContinueAsync());
        var assets = new ConcurrentQueue<IRequest>();
        page.Request += (_, request) =>
        {
            if (request.ResourceType is "stylesheet" or "script")
            {
                assets.Enqueue(request);
            }
        };

        await OpenAsync(session, "/Account/Login", assets, "lib/bootstrap/dist/css/bootstrap.min.", "account.", "_framework/blazor.web.");
        // account.css paints the button in the brand colour over bootstrap's blue; bootstrap alone would give rgb(13, 110, 253).
        Assert.Equal("rgb(91, 63, 140)", await StyleAsync(page, "#login-submit", "backgroundColor"));
        Assert.Equal("rgb(255, 255, 255)", await StyleAsync(page, "#login-submit", "color"));
        Assert.Equal("rgb(244, 241, 248)", await StyleAsync(page, "body", "backgroundColor"));
        Assert.Contains("Helvetica Neue", await StyleAsync(page, "body", "fontFamily"), StringComparison.Ordinal);
        Assert.NotEqual("none", await StyleAsync(page, ".account-card", "boxShadow"));
        await session.ScreenshotAsync("anonymous-login.png");

        // Following the link would be an enhanced navigation that keeps the login page's stylesheets; a fresh load fetches its own.
        await Assertions.Expect(page.Locator("a[href='Account/ForgotPassword']")).ToBeVisibleAsync();
        await OpenAsync(session, "/Account/ForgotPassword", assets, "lib/bootstrap/dist/css/bootstrap.min.", "account.");
        Assert.Equal("rgb(91, 63, 140)", await StyleAsync(page, "#forgot-submit", "backgroundColor"));
        Assert.Equal("block", await StyleAsync(page, "#Input\\.Email", "display"));
        // The email field fills the card instead of a narrow bootstrap column.
        var field = await page.Locator("#Input\\.Email").BoundingBoxAsync();
        var card = await page.Locator(".account-card").BoundingBoxAsync();
        Assert.True(field!.Width > card!.Width * 0.8, $"the email field is {field.Width}px wide in a {card.Width}px card");
        await session.ScreenshotAsync("anonymous-forgot-password.png");

        var error = await OpenAsync(session, "/error", assets, "_content/MudBlazor/MudBlazor.min.", "app.", "LoyaltyConsole.", "_framework/blazor.web.");
        Assert.Equal(200, error.Status);
        await Assertions.Expect(page.Locator(".mud-alert")).ToContainTextAsync("Something went wrong");
        // MudBlazor's stylesheet lays out the app bar in the theme's colour and sets the theme's font on the body.
        Assert.Equal("rgb(61, 42, 95)", await StyleAsync(page, ".mud-appbar", "backgroundColor"));
        Assert.Equal("flex", await StyleAsync(page, ".mud-appbar", "display"));
        Assert.Contains("Roboto", await StyleAsync(page, "body", "fontFamily"), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#login-link")).ToBeVisibleAsync();
        await session.ScreenshotAsync("anonymous-error.png");

        var notFound = await OpenAsync(session, "/not-found", assets, "_content/MudBlazor/MudBlazor.min.");
        Assert.Equal(200, notFound.Status);
        await Assertions.Expect(page.Locator("#not-found")).ToContainTextAsync("404");
        Assert.Equal("rgb(61, 42, 95)", await StyleAsync(page, ".mud-appbar", "backgroundColor"));
    }

    /// <summary>Opens a page, checks it was served rather than redirected to the login page, and checks its assets.</summary>
    private static async Task<IResponse> OpenAsync(BrowserSession session, string path, ConcurrentQueue<IRequest> assets, params string[] expected)
    {
        assets.Clear();
        var response = await session.GotoAsync(path);
        await session.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.NotNull(response);
        Assert.EndsWith(path, new Uri(session.Page.Url).AbsolutePath, StringComparison.Ordinal);
        await AssertEveryAssetAnswered200Async(assets, expected);
        return response;
    }

    private static async Task AssertEveryAssetAnswered200Async(ConcurrentQueue<IRequest> assets, params string[] expected)
    {
        var requests = assets.ToArray();
        assets.Clear();
        foreach (var part in expected)
        {
            Assert.True(requests.Any(r => r.Url.Contains(part, StringComparison.Ordinal)), $"no request for {part} among {string.Join(", ", requests.Select(r => r.Url))}");
        }
        foreach (var request in requests)
        {
            // A stylesheet sent to the login page shows up twice: a 302, then the login page's HTML under a redirected request.
            Assert.Null(request.RedirectedFrom);
            var status = request.Failure is null ? (await request.ResponseAsync())?.Status : null;
            Assert.True(status == 200, $"{request.Url} answered {status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? request.Failure ?? "nothing"}");
        }
    }

    private static Task<string> StyleAsync(IPage page, string selector, string property) =>
        page.Locator(selector).First.EvaluateAsync<string>($"e => getComputedStyle(e)['{property}']");
}
