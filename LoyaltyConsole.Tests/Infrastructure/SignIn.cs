using System.Net;
using System.Text.RegularExpressions;
using LoyaltyConsole.DemoData;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LoyaltyConsole.Tests.Infrastructure;

/// <summary>Signs in through the real login form, as a browser does, and hands back the identity cookie.</summary>
public static partial class SignIn
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The identity cookie (<c>name=value</c>) that signing in as <paramref name="email"/> issues.</summary>
    public static async Task<string> CookieAsync(HttpClient http, string email)
    {
        var form = await http.GetStringAsync("/Account/Login", Ct);
        var input = AntiforgeryInput().Match(form).Value;
        var token = WebUtility.HtmlDecode(InputValue().Match(input).Groups[1].Value);
        Assert.False(string.IsNullOrEmpty(token), "the sign-in form carries an antiforgery token");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login",
                ["__RequestVerificationToken"] = token,
                ["Input.Email"] = email,
                ["Input.Password"] = TestApp.Password,
            }),
        };
        var response = await http.SendAsync(post, Ct);
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.OK, $"sign-in answered {response.StatusCode}");
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];
        var identity = cookies.FirstOrDefault(c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal));
        Assert.NotNull(identity);
        return identity.Split(';')[0];
    }

    /// <summary>A client of the test app signed in as <paramref name="user"/> (redirects not followed).</summary>
    public static async Task<HttpClient> SignedInClientAsync(this TestApp app, DemoUser user)
    {
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var cookie = await CookieAsync(http, user.Email);
        http.DefaultRequestHeaders.Add("Cookie", cookie);
        return http;
    }

    [GeneratedRegex("<input[^>]*__RequestVerificationToken[^>]*>")]
    private static partial Regex AntiforgeryInput();

    [GeneratedRegex("value=\"([^\"]+)\"")]
    private static partial Regex InputValue();
}
