using System.Net;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Tests.Integration;

/// <summary>The demo users' password is published, so the demo runs in Development and nowhere else.</summary>
public sealed class DemoEnvironmentTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task A_host_outside_Development_with_the_demo_enabled_refuses_to_start(string environment)
    {
        await using var app = new TestApp(clients: 5, environment: environment);

        var refused = Assert.Throws<OptionsValidationException>(() => app.Services);

        Assert.Contains($"Demo:Enabled is true in the '{environment}' environment", refused.Message, StringComparison.Ordinal);
        Assert.Contains("runs only in Development", refused.Message, StringComparison.Ordinal);
        // Refused before the start-up tasks ran: no database was created, so certainly no demo users.
        Assert.False(app.DatabaseExists);
    }

    [Fact]
    public async Task A_production_host_without_the_demo_starts_and_creates_no_demo_users()
    {
        await using var app = new TestApp(clients: 5, environment: "Production", settings: new Dictionary<string, string> { ["Demo:Enabled"] = "false" });
        using var http = app.CreateClient();

        var login = await http.GetAsync("/Account/Login", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        await using var scope = app.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Identity.ApplicationUser>>();
        Assert.Null(await users.FindByEmailAsync(TestUsers.Owner.Email));
    }
}
