using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.DemoData;

public sealed record DemoUser(string Email, string DisplayName, string Role, string? LocationKey);

/// <summary>One demo user per role, plus a second Manager at another location. Development only.</summary>
public sealed class DemoUsers(
    IdentitySeeder seeder,
    UserManager<ApplicationUser> users,
    ApplicationDbContext db,
    IOptions<DemoOptions> options)
{
    public static readonly IReadOnlyList<DemoUser> All =
    [
        new("owner@demo.example", "Olivia Owner", Roles.Owner, null),
        new("marketing@demo.example", "Maya Marketing", Roles.MarketingLead, null),
        new("manager.soho@demo.example", "Sam Manager (SoHo)", Roles.Manager, "soho"),
        new("manager.wickerpark@demo.example", "Wes Manager (Wicker Park)", Roles.Manager, "wicker-park"),
        new("admin@demo.example", "Ada Admin", Roles.Admin, null),
    ];

    /// <summary>Creates the demo users that do not exist yet; returns the ones created.</summary>
    public async Task<IReadOnlyList<DemoUser>> EnsureAsync(CancellationToken ct = default)
    {
        await seeder.EnsureRolesAsync();
        var created = new List<DemoUser>();
        foreach (var demo in All)
        {
            if (await users.FindByEmailAsync(demo.Email) is not null)
            {
                continue;
            }
            var locationIds = demo.LocationKey is null
                ? []
                : await db.Locations.Where(l => l.ExternalId == $"loc-{demo.LocationKey}").Select(l => l.Id).ToListAsync(ct);
            await seeder.CreateUserAsync(demo.Email, demo.DisplayName, options.Value.UserPassword, [demo.Role], locationIds, AuditActor.System, ct);
            created.Add(demo);
        }
        return created;
    }
}
