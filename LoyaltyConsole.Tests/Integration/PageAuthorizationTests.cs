using System.Net;
using System.Reflection;
using LoyaltyConsole.Identity;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LoyaltyConsole.Tests.Integration;

public sealed class PageAuthorizationTests
{
    /// <summary>Every routable page and the policy it must require. Adding a page without adding it here fails the test.</summary>
    private static readonly Dictionary<string, string> ExpectedPolicies = new()
    {
        ["/"] = Policies.SignedIn,
        ["/clients"] = Policies.ViewClients,
        ["/clients/{ClientId:int}"] = Policies.ViewClients,
        ["/audit"] = Policies.ViewAudit,
        ["/segments"] = Policies.ViewClients,
        ["/model"] = Policies.ViewModels,
        ["/program"] = Policies.ManageProgram,
        ["/proposals"] = Policies.ViewClients,
        ["/review"] = Policies.ViewClients,
        ["/admin/users"] = Policies.ManageUsers,
        ["/admin/jobs"] = Policies.ManageJobs,
        ["/admin/connections"] = Policies.ManageConnections,
        ["/admin/data-quality"] = Policies.ManageConnections,
        ["/admin/connections/{ConnectionId:int}/import"] = Policies.ManageConnections,
        ["/admin/webhooks"] = Policies.ManageConnections,
        ["/admin/outbox"] = Policies.ViewOutbox,
        ["/forbidden"] = Policies.SignedIn,
        ["/Account/Manage"] = Policies.SignedIn,
        ["/Account/Manage/ChangePassword"] = Policies.SignedIn,
    };

    private static IEnumerable<(string Route, Type Page)> RoutablePages() =>
        typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t))
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => (r.Template, t)));

    /// <summary>Pages an anonymous visitor may see besides the account pages: they say only that something failed or is missing.</summary>
    private static readonly string[] PublicPages = ["/error", "/not-found"];

    [Fact]
    public void Every_page_requires_its_intended_policy_and_only_account_error_and_not_found_pages_are_public()
    {
        var pages = RoutablePages().ToList();
        Assert.True(pages.Count > 15, "the route scan found the pages");

        foreach (var (route, page) in pages)
        {
            var anonymous = page.GetCustomAttribute<AllowAnonymousAttribute>() is not null;
            var policies = page.GetCustomAttributes<AuthorizeAttribute>(inherit: true).Select(a => a.Policy).ToList();
            if (anonymous)
            {
                Assert.True(PublicPages.Contains(route) || (route.StartsWith("/Account/", StringComparison.Ordinal) && !route.StartsWith("/Account/Manage", StringComparison.Ordinal)),
                    $"{route} is public but is not an account, error or not-found page.");
                Assert.Empty(policies);
                continue;
            }
            Assert.True(ExpectedPolicies.TryGetValue(route, out var expected), $"{route} ({page.Name}) has no expected policy in this test.");
            Assert.Equal([expected], policies);
        }
        Assert.Equal(ExpectedPolicies.Keys.Order(), pages.Where(p => p.Page.GetCustomAttribute<AllowAnonymousAttribute>() is null).Select(p => p.Route).Order());
    }

    [Fact]
    public void Policies_grant_exactly_the_intended_roles()
    {
        Assert.Equal([Roles.Manager, Roles.MarketingLead, Roles.Owner], Policies.RolesByPolicy[Policies.ViewClients]);
        Assert.Equal([Roles.Admin], Policies.RolesByPolicy[Policies.ManageUsers]);
        Assert.Equal([Roles.Admin], Policies.RolesByPolicy[Policies.ManageJobs]);
        Assert.Equal([Roles.Admin], Policies.RolesByPolicy[Policies.ManageConnections]);
        Assert.Equal([Roles.Owner, Roles.Admin], Policies.RolesByPolicy[Policies.ViewAudit]);
        Assert.Equal([Roles.MarketingLead], Policies.RolesByPolicy[Policies.ManageSegments]);
        Assert.Equal([Roles.Owner, Roles.MarketingLead], Policies.RolesByPolicy[Policies.ViewModels]);
        Assert.Equal([Roles.MarketingLead], Policies.RolesByPolicy[Policies.ManageProgram]);
        Assert.Equal([Roles.MarketingLead, Roles.Admin], Policies.RolesByPolicy[Policies.ViewAlerts]);
        Assert.Equal([Roles.Manager, Roles.MarketingLead], Policies.RolesByPolicy[Policies.DecideProposals]);
        Assert.Equal([Roles.Admin, Roles.MarketingLead, Roles.Owner], Policies.RolesByPolicy[Policies.ViewOutbox]);
        Assert.Equal([Roles.Admin], Policies.RolesByPolicy[Policies.ManageOutbox]);
    }

    [Fact]
    public async Task Anonymous_requests_to_every_protected_page_are_sent_to_the_login_page()
    {
        await using var app = new TestApp(clients: 5);
        using var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        foreach (var route in ExpectedPolicies.Keys)
        {
            var path = route.Replace("{ClientId:int}", "1", StringComparison.Ordinal);
            var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{path} answered {response.StatusCode}");
            Assert.StartsWith("/Account/Login", response.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        }

        // The circuit's hub too: the public pages render statically for an anonymous visitor and never need it.
        var hub = await http.PostAsync("/_blazor/negotiate?negotiateVersion=1", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, hub.StatusCode);

        var login = await http.GetAsync("/Account/Login", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task Anonymous_visitors_get_the_public_pages_and_every_stylesheet_and_script_without_a_redirect()
    {
        await using var app = new TestApp(clients: 5);
        using var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        string[] paths =
        [
            .. PublicPages, "/Account/Login", "/Account/ForgotPassword",
            "/_framework/blazor.web.js", "/_content/MudBlazor/MudBlazor.min.css", "/_content/MudBlazor/MudBlazor.min.js",
            "/app.css", "/account.css", "/lib/bootstrap/dist/css/bootstrap.min.css", "/LoyaltyConsole.styles.css",
        ];

        foreach (var path in paths)
        {
            var response = await http.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {response.StatusCode} {response.Headers.Location}");
        }
    }
}
