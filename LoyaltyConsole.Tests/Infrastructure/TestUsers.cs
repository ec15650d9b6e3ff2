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

    /// <summary>Locks the user the way an Admin does, without signing them out of anything the test holds.</summary>
    public static async Task LockAsync(this TestApp app, DemoUser demo)
    {
        await using var scope = app.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(demo.Email) ?? throw new InvalidOperationException($"{demo.Email} was not seeded.");
        await users.SetLockoutEnabledAsync(user, true);
        await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
    }

    /// <summary>Creates <paramref name="count"/> more users in <paramref name="role"/> (at <paramref name="locationIds"/>) and returns them as actors.</summary>
    public static async Task<IReadOnlyList<Auditing.AuditActor>> CreateUsersAsync(this TestApp app, int count, string role, params int[] locationIds)
    {
        var seeder = app.Get<IServiceScopeFactory>().CreateAsyncScope();
        await using (seeder)
        {
            var actors = new List<Auditing.AuditActor>();
            for (var i = 0; i < count; i++)
            {
                var email = $"{role.ToLowerInvariant()}{i}-{Guid.NewGuid():N}@test.example";
                var user = await seeder.ServiceProvider.GetRequiredService<IdentitySeeder>()
                    .CreateUserAsync(email, $"{role} {i}", TestApp.Password, [role], locationIds, Auditing.AuditActor.System);
                actors.Add(new Auditing.AuditActor(user.Id, email));
            }
            return actors;
        }
    }
}
