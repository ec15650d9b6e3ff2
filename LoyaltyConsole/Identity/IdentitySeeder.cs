using System.Security.Cryptography;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using Microsoft.AspNetCore.Identity;

namespace LoyaltyConsole.Identity;

/// <summary>Creates the roles, the first Admin (CLI or configuration) and, in Development, one demo user per role.</summary>
public sealed class IdentitySeeder(
    UserManager<ApplicationUser> users,
    RoleManager<IdentityRole> roles,
    ApplicationDbContext db,
    AuditLog audit,
    TimeProvider clock)
{
    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"create role {role}");
            }
        }
    }

    /// <summary>Creates an Admin. Returns the password actually set (generated when none is given).</summary>
    public async Task<string> CreateAdminAsync(string email, string? password, AuditActor actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{email}' is not an email address.", nameof(email));
        }
        if (await users.FindByEmailAsync(email) is not null)
        {
            throw new InvalidOperationException($"A user with email {email} already exists.");
        }
        await EnsureRolesAsync();
        password ??= GeneratePassword();
        await CreateUserAsync(email, "Administrator", password, [Roles.Admin], [], actor, ct);
        return password;
    }

    public async Task<ApplicationUser> CreateUserAsync(
        string email, string displayName, string? password, IReadOnlyCollection<string> userRoles,
        IReadOnlyCollection<int> locationIds, AuditActor actor, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = new ApplicationUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = displayName,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        Check(password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password), $"create {email}");
        Check(await users.AddToRolesAsync(user, userRoles), $"assign roles to {email}");
        foreach (var locationId in locationIds)
        {
            db.UserLocations.Add(new UserLocation(user.Id, locationId));
        }
        await audit.AppendAsync(db, actor, AuditActions.UserCreated, "User", user.Id, null,
            new { user.Email, user.DisplayName, Roles = userRoles.Order().ToArray(), Locations = locationIds.Order().ToArray() }, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return user;
    }

    public static string GeneratePassword()
    {
        // Upper, lower and digit are guaranteed; the rest is 16 random URL-safe characters.
        return "Aa1-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
