using System.Security.Cryptography;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using Microsoft.AspNetCore.Identity;

namespace LoyaltyConsole.Identity;

/// <summary>Creates the roles, the first Admin (CLI or configuration) and, in Development, one demo user per role.</summary>
public sealed class IdentitySeeder(
    UserManager<ApplicationUser> users,
    RoleManager<IdentityRole> roles,
    CommandRunner commands)
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
        ApplicationUser? created = null;
        var result = await commands.RunAsync(actor, policy: null, async command =>
        {
            created = await CreateUserAsync(command, email, displayName, password, userRoles, locationIds);
            return $"{email} created.";
        }, ct: ct);
        return result.Succeeded ? created! : throw new InvalidOperationException(result.Message);
    }

    /// <summary>Creates a user inside <paramref name="command"/>'s transaction, with their roles, locations and the audit entry.</summary>
    public static async Task<ApplicationUser> CreateUserAsync(
        CommandContext command, string email, string displayName, string? password, IReadOnlyCollection<string> userRoles, IReadOnlyCollection<int> locationIds)
    {
        var users = command.Services.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = displayName,
            CreatedAt = command.Now,
        };
        Check(password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password), $"create {email}");
        Check(await users.AddToRolesAsync(user, userRoles), $"assign roles to {email}");
        foreach (var locationId in locationIds)
        {
            command.Db.UserLocations.Add(new UserLocation(user.Id, locationId));
        }
        await command.AuditAsync(AuditActions.UserCreated, "User", user.Id, null,
            new { user.Email, user.DisplayName, Roles = userRoles.Order().ToArray(), Locations = locationIds.Order().ToArray() });
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
            throw new CommandRefusedException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
