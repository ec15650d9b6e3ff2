using System.Security.Claims;
using LoyaltyConsole.DemoData;
using LoyaltyConsole.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace LoyaltyConsole.Tests.Infrastructure;

public static class TestUsers
{
    public static DemoUser Owner => DemoUsers.All.Single(u => u.Role == Roles.Owner);
    public static DemoUser Admin => DemoUsers.All.Single(u => u.Role == Roles.Admin);
    public static DemoUser Marketing => DemoUsers.All.Single(u => u.Role == Roles.MarketingLead);
    public static DemoUser ManagerSoho => DemoUsers.All.Single(u => u.LocationKey == "soho");
    public static DemoUser ManagerWickerPark => DemoUsers.All.Single(u => u.LocationKey == "wicker-park");

    /// <summary>The principal the app would build for this user at sign-in (roles included).</summary>
    public static async Task<ClaimsPrincipal> PrincipalAsync(this TestApp app, DemoUser demo)
    {
        await using var scope = app.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>();
        var user = await users.FindByEmailAsync(demo.Email) ?? throw new InvalidOperationException($"{demo.Email} was not seeded.");
        return await factory.CreateAsync(user);
    }

    public static async Task<AccessScope> ScopeAsync(this TestApp app, DemoUser demo) =>
        await app.Get<AccessScopeResolver>().ResolveAsync(await app.PrincipalAsync(demo));
}
