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

/// <summary>The outcome of a user command: done or refused, and the invite link when one was made.</summary>
public sealed record UserCommandResult(bool Succeeded, string Message, string? InviteLink = null)
{
    public static UserCommandResult From(CommandResult result, string? inviteLink = null) => new(result.Succeeded, result.Message, result.Succeeded ? inviteLink : null);

    public static UserCommandResult Refused(string message) => new(false, message);
}

/// <summary>
/// Admin operations on users, each a command: the acting Admin's current roles and lockout are re-read first (a locked
/// Admin with the page still open can do nothing), and the change and its audit entry commit together. At least one
/// active Admin always remains, and no Admin changes their own roles or locks themselves.
/// </summary>
public sealed class UserAdministration(IServiceScopeFactory scopes, CommandRunner commands, TimeProvider clock)
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
        string? link = null;
        var result = await commands.RunAsync(actor, Policies.ManageUsers, async command =>
        {
            var users = command.Services.GetRequiredService<UserManager<ApplicationUser>>();
            if (await users.FindByEmailAsync(form.Email.Trim()) is not null)
            {
                throw CommandContext.Refuse($"A user with email {form.Email.Trim()} already exists.");
            }
            await EnsureLocationsExistAsync(command.Db, form.LocationIds, ct);
            var user = await IdentitySeeder.CreateUserAsync(command, form.Email.Trim(), form.DisplayName.Trim(), null, form.Roles, form.LocationIds);
            link = await InviteLinkAsync(users, user, baseUri);
            return $"{user.Email} created. Send them the invite link so they can choose a password.";
        }, ct: ct);
        return UserCommandResult.From(result, link);
    }

    public async Task<UserCommandResult> IssueInviteAsync(string userId, AuditActor actor, string baseUri, CancellationToken ct = default)
    {
        string? link = null;
        var result = await OnUserAsync(userId, actor, async (command, users, user) =>
        {
            if (user.PasswordHash is not null)
            {
                throw CommandContext.Refuse($"{user.Email} already has a password; they can use “Forgot your password?”.");
            }
            link = await InviteLinkAsync(users, user, baseUri);
            await command.AuditAsync(AuditActions.UserInvited, "User", user.Id, null, new { user.Email });
            return $"New invite link for {user.Email}.";
        }, ct);
        return UserCommandResult.From(result, link);
    }

    public async Task<UserCommandResult> UpdateAccessAsync(string userId, IReadOnlyCollection<string> roles, IReadOnlyCollection<int> locationIds, AuditActor actor, CancellationToken ct = default)
    {
        var problem = Validate(roles, locationIds);
        if (problem is not null)
        {
            return UserCommandResult.Refused(problem);
        }
        var result = await OnUserAsync(userId, actor, async (command, users, user) =>
        {
            var db = command.Db;
            var currentRoles = (await users.GetRolesAsync(user)).Order().ToList();
            var wantedRoles = roles.Order().ToList();
            if (user.Id == actor.Id && !currentRoles.SequenceEqual(wantedRoles))
            {
                throw CommandContext.Refuse("You cannot change your own roles; ask another Admin.");
            }
            if (currentRoles.Contains(Roles.Admin) && !wantedRoles.Contains(Roles.Admin))
            {
                await EnsureAnotherActiveAdminAsync(db, user, "remove the Admin role from", ct);
            }
            await EnsureLocationsExistAsync(db, locationIds, ct);

            var changed = false;
            if (!currentRoles.SequenceEqual(wantedRoles))
            {
                Check(await users.RemoveFromRolesAsync(user, currentRoles.Except(wantedRoles)));
                Check(await users.AddToRolesAsync(user, wantedRoles.Except(currentRoles)));
                await command.AuditAsync(AuditActions.UserRolesChanged, "User", user.Id, new { user.Email, Roles = currentRoles }, new { user.Email, Roles = wantedRoles });
                changed = true;
            }

            var currentLocations = await db.UserLocations.Where(l => l.UserId == user.Id).ToListAsync(ct);
            var currentIds = currentLocations.Select(l => l.LocationId).Order().ToList();
            var wantedIds = locationIds.Order().ToList();
            if (!currentIds.SequenceEqual(wantedIds))
            {
                db.UserLocations.RemoveRange(currentLocations.Where(l => !wantedIds.Contains(l.LocationId)));
                db.UserLocations.AddRange(wantedIds.Except(currentIds).Select(id => new UserLocation(user.Id, id)));
                await command.AuditAsync(AuditActions.UserLocationsChanged, "User", user.Id, new { user.Email, Locations = currentIds }, new { user.Email, Locations = wantedIds });
                changed = true;
            }
            if (!changed)
            {
                return "Nothing changed.";
            }
            // A new security stamp signs the user's open sessions out at their next revalidation; their commands already see the change.
            Check(await users.UpdateSecurityStampAsync(user));
            return $"Access of {user.Email} updated.";
        }, ct);
        return UserCommandResult.From(result);
    }

    public async Task<UserCommandResult> SetLockedAsync(string userId, bool locked, AuditActor actor, CancellationToken ct = default)
    {
        if (locked && userId == actor.Id)
        {
            return UserCommandResult.Refused("You cannot lock your own account.");
        }
        var result = await OnUserAsync(userId, actor, async (command, users, user) =>
        {
            var before = new { user.Email, user.LockoutEnd };
            if (locked)
            {
                if (await users.IsInRoleAsync(user, Roles.Admin))
                {
                    await EnsureAnotherActiveAdminAsync(command.Db, user, "lock", ct);
                }
                Check(await users.SetLockoutEnabledAsync(user, true));
                Check(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue));
                Check(await users.UpdateSecurityStampAsync(user));
            }
            else
            {
                Check(await users.SetLockoutEndDateAsync(user, null));
                Check(await users.ResetAccessFailedCountAsync(user));
            }
            await command.AuditAsync(locked ? AuditActions.UserLocked : AuditActions.UserUnlocked, "User", user.Id, before, new { user.Email, user.LockoutEnd });
            return locked ? $"{user.Email} is locked and signed out." : $"{user.Email} is unlocked.";
        }, ct);
        return UserCommandResult.From(result);
    }

    /// <summary>Refuses a change that would leave no Admin who can sign in.</summary>
    private async Task EnsureAnotherActiveAdminAsync(ApplicationDbContext db, ApplicationUser target, string verb, CancellationToken ct)
    {
        // Held to the end of the transaction: two admins locking each other at once are counted one after the other.
        await db.AcquireAsync(DatabaseLock.Access, ct);
        var adminRoleId = await db.Roles.Where(r => r.Name == Roles.Admin).Select(r => r.Id).SingleAsync(ct);
        var otherAdmins = await (from ur in db.UserRoles
                                 join u in db.Users on ur.UserId equals u.Id
                                 where ur.RoleId == adminRoleId && u.Id != target.Id
                                 select u.LockoutEnd).ToListAsync(ct);
        var now = clock.GetUtcNow();
        if (!otherAdmins.Any(end => end is null || end <= now))
        {
            throw CommandContext.Refuse($"Cannot {verb} {target.Email}: they are the last active Admin. Make someone else an Admin first.");
        }
    }

    private Task<CommandResult> OnUserAsync(
        string userId, AuditActor actor, Func<CommandContext, UserManager<ApplicationUser>, ApplicationUser, Task<string>> work, CancellationToken ct) =>
        commands.RunAsync(actor, Policies.ManageUsers, async command =>
        {
            var users = command.Services.GetRequiredService<UserManager<ApplicationUser>>();
            var user = await users.FindByIdAsync(userId) ?? throw CommandContext.Refuse("That user no longer exists.");
            return await work(command, users, user);
        }, ct: ct);

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

    private static async Task EnsureLocationsExistAsync(ApplicationDbContext db, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        var list = ids.ToList();
        if (await db.Locations.CountAsync(l => list.Contains(l.Id), ct) != list.Count)
        {
            throw CommandContext.Refuse("One of the chosen locations no longer exists.");
        }
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
            throw CommandContext.Refuse(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
