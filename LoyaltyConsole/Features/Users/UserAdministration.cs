using System.Text;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace LoyaltyConsole.Features.Users;

public sealed record UserRow(
    string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<int> LocationIds,
    bool IsLocked, DateTimeOffset? LockoutEnd, bool HasPassword, DateTime CreatedAt);

public sealed class NewUserForm
{
    public string Email { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public HashSet<string> Roles { get; set; } = [];
    public HashSet<int> LocationIds { get; set; } = [];
}

/// <summary>The outcome of a user command: either done, or refused with a message for the Admin.</summary>
public sealed record UserCommandResult(bool Succeeded, string Message, string? InviteLink = null)
{
    public static UserCommandResult Ok(string message, string? inviteLink = null) => new(true, message, inviteLink);

    public static UserCommandResult Refused(string message) => new(false, message);
}

/// <summary>
/// Admin operations on users. Each runs in its own scope and transaction, and writes its audit entry in that same
/// transaction: the change and its record commit together or not at all.
/// </summary>
public sealed class UserAdministration(IServiceScopeFactory scopes, AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(ct);
        var roleNames = await db.Roles.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Name!, ct);
        var userRoles = (await db.UserRoles.AsNoTracking().ToListAsync(ct)).ToLookup(r => r.UserId, r => roleNames[r.RoleId]);
        var locations = (await db.UserLocations.AsNoTracking().ToListAsync(ct)).ToLookup(l => l.UserId, l => l.LocationId);
        var now = clock.GetUtcNow();
        return users.Select(u => new UserRow(
            u.Id, u.Email ?? "", u.DisplayName, userRoles[u.Id].Order().ToList(), locations[u.Id].Order().ToList(),
            u.LockoutEnd is { } end && end > now, u.LockoutEnd, u.PasswordHash is not null, u.CreatedAt)).ToList();
    }

    /// <summary>Creates a user without a password and returns an invite link with which they choose one.</summary>
    public async Task<UserCommandResult> CreateAsync(NewUserForm form, AuditActor actor, string baseUri, CancellationToken ct = default)
    {
        var problem = Validate(form.Roles, form.LocationIds);
        if (string.IsNullOrWhiteSpace(form.DisplayName))
        {
            problem ??= "Enter the person's name.";
        }
        if (string.IsNullOrWhiteSpace(form.Email) || !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(form.Email))
        {
            problem = "Enter a valid email address.";
        }
        if (problem is not null)
        {
            return UserCommandResult.Refused(problem);
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (await users.FindByEmailAsync(form.Email.Trim()) is not null)
        {
            return UserCommandResult.Refused($"A user with email {form.Email.Trim()} already exists.");
        }
        var locationProblem = await UnknownLocationsAsync(scope.ServiceProvider.GetRequiredService<ApplicationDbContext>(), form.LocationIds, ct);
        if (locationProblem is not null)
        {
            return UserCommandResult.Refused(locationProblem);
        }
        var seeder = scope.ServiceProvider.GetRequiredService<IdentitySeeder>();
        ApplicationUser user;
        try
        {
            user = await seeder.CreateUserAsync(form.Email.Trim(), form.DisplayName.Trim(), null, form.Roles, form.LocationIds, actor, ct);
        }
        catch (InvalidOperationException ex)
        {
            return UserCommandResult.Refused(ex.Message);
        }
        var link = await InviteLinkAsync(users, user, baseUri);
        return UserCommandResult.Ok($"{user.Email} created. Send them the invite link so they can choose a password.", link);
    }

    public async Task<UserCommandResult> IssueInviteAsync(string userId, AuditActor actor, string baseUri, CancellationToken ct = default)
    {
        return await InTransactionAsync(userId, async (users, db, user) =>
        {
            if (user.PasswordHash is not null)
            {
                return UserCommandResult.Refused($"{user.Email} already has a password; they can use “Forgot your password?”.");
            }
            var link = await InviteLinkAsync(users, user, baseUri);
            await audit.AppendAsync(db, actor, AuditActions.UserInvited, "User", user.Id, null, new { user.Email }, ct);
            return UserCommandResult.Ok($"New invite link for {user.Email}.", link);
        }, ct);
    }

    public async Task<UserCommandResult> UpdateAccessAsync(string userId, IReadOnlyCollection<string> roles, IReadOnlyCollection<int> locationIds, AuditActor actor, CancellationToken ct = default)
    {
        var problem = Validate(roles, locationIds);
        if (problem is not null)
        {
            return UserCommandResult.Refused(problem);
        }
        return await InTransactionAsync(userId, async (users, db, user) =>
        {
            var currentRoles = (await users.GetRolesAsync(user)).Order().ToList();
            var wantedRoles = roles.Order().ToList();
            if (user.Id == actor.Id && currentRoles.Contains(Roles.Admin) && !wantedRoles.Contains(Roles.Admin))
            {
                return UserCommandResult.Refused("You cannot remove your own Admin role; ask another Admin.");
            }
            var unknown = await UnknownLocationsAsync(db, locationIds, ct);
            if (unknown is not null)
            {
                return UserCommandResult.Refused(unknown);
            }

            var changed = false;
            if (!currentRoles.SequenceEqual(wantedRoles))
            {
                Check(await users.RemoveFromRolesAsync(user, currentRoles.Except(wantedRoles)));
                Check(await users.AddToRolesAsync(user, wantedRoles.Except(currentRoles)));
                await audit.AppendAsync(db, actor, AuditActions.UserRolesChanged, "User", user.Id,
                    new { user.Email, Roles = currentRoles }, new { user.Email, Roles = wantedRoles }, ct);
                changed = true;
            }

            var currentLocations = await db.UserLocations.Where(l => l.UserId == user.Id).ToListAsync(ct);
            var currentIds = currentLocations.Select(l => l.LocationId).Order().ToList();
            var wantedIds = locationIds.Order().ToList();
            if (!currentIds.SequenceEqual(wantedIds))
            {
                db.UserLocations.RemoveRange(currentLocations.Where(l => !wantedIds.Contains(l.LocationId)));
                db.UserLocations.AddRange(wantedIds.Except(currentIds).Select(id => new UserLocation(user.Id, id)));
                await audit.AppendAsync(db, actor, AuditActions.UserLocationsChanged, "User", user.Id,
                    new { user.Email, Locations = currentIds }, new { user.Email, Locations = wantedIds }, ct);
                changed = true;
            }
            if (!changed)
            {
                return UserCommandResult.Ok("Nothing changed.");
            }
            // A new security stamp signs the user's open sessions out, so removed access ends now, not at cookie expiry.
            Check(await users.UpdateSecurityStampAsync(user));
            return UserCommandResult.Ok($"Access of {user.Email} updated.");
        }, ct);
    }

    public async Task<UserCommandResult> SetLockedAsync(string userId, bool locked, AuditActor actor, CancellationToken ct = default)
    {
        if (locked && userId == actor.Id)
        {
            return UserCommandResult.Refused("You cannot lock your own account.");
        }
        return await InTransactionAsync(userId, async (users, db, user) =>
        {
            var before = new { user.Email, user.LockoutEnd };
            if (locked)
            {
                Check(await users.SetLockoutEnabledAsync(user, true));
                Check(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue));
                Check(await users.UpdateSecurityStampAsync(user));
            }
            else
            {
                Check(await users.SetLockoutEndDateAsync(user, null));
                Check(await users.ResetAccessFailedCountAsync(user));
            }
            await audit.AppendAsync(db, actor, locked ? AuditActions.UserLocked : AuditActions.UserUnlocked, "User", user.Id,
                before, new { user.Email, user.LockoutEnd }, ct);
            return UserCommandResult.Ok(locked ? $"{user.Email} is locked and signed out." : $"{user.Email} is unlocked.");
        }, ct);
    }

    private async Task<UserCommandResult> InTransactionAsync(
        string userId, Func<UserManager<ApplicationUser>, ApplicationDbContext, ApplicationUser, Task<UserCommandResult>> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return UserCommandResult.Refused("That user no longer exists.");
        }
        UserCommandResult result;
        try
        {
            result = await work(users, db, user);
        }
        catch (InvalidOperationException ex)
        {
            return UserCommandResult.Refused(ex.Message);
        }
        if (!result.Succeeded)
        {
            return result;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return result;
    }

    private static string? Validate(IReadOnlyCollection<string> roles, IReadOnlyCollection<int> locationIds)
    {
        if (roles.Count == 0)
        {
            return "Choose at least one role.";
        }
        var unknown = roles.Except(Roles.All).ToList();
        if (unknown.Count > 0)
        {
            return $"Unknown role(s): {string.Join(", ", unknown)}.";
        }
        if (roles.Contains(Roles.Manager) && locationIds.Count == 0)
        {
            return "A Manager must be assigned to at least one location.";
        }
        return null;
    }

    private static async Task<string?> UnknownLocationsAsync(ApplicationDbContext db, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        var list = ids.ToList();
        var known = await db.Locations.CountAsync(l => list.Contains(l.Id), ct);
        return known == list.Count ? null : "One of the chosen locations no longer exists.";
    }

    private static async Task<string> InviteLinkAsync(UserManager<ApplicationUser> users, ApplicationUser user, string baseUri)
    {
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        return $"{baseUri.TrimEnd('/')}/Account/ResetPassword?code={code}";
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
