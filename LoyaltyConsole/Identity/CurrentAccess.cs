using LoyaltyConsole.Data;

namespace LoyaltyConsole.Identity;

/// <summary>
/// What a user may do right now, read from the database rather than from their sign-in cookie: a lock, a removed
/// role or a removed location takes effect on the user's next action, not when their session is next revalidated.
/// </summary>
public sealed record CurrentAccess(string UserId, string Name, IReadOnlySet<string> Roles, AccessScope Scope, string? Refusal)
{
    public bool IsAllowed => Refusal is null;

    /// <summary>The system and command-line operators act with every permission; their actions are audited as such.</summary>
    public static CurrentAccess Unrestricted(string id, string name) =>
        new(id, name, Identity.Roles.All.ToHashSet(), new AccessScope(id, true, new HashSet<int>()), null);

    public bool Satisfies(string policy) =>
        Policies.RolesByPolicy.TryGetValue(policy, out var roles)
            ? roles.Any(Roles.Contains)
            : throw new ArgumentException($"Unknown policy '{policy}'.", nameof(policy));

    /// <summary>Reads the user's lockout, roles and locations in one go, on <paramref name="db"/> (inside the caller's transaction when it has one).</summary>
    public static async Task<CurrentAccess> ReadAsync(ApplicationDbContext db, string userId, DateTimeOffset now, CancellationToken ct = default)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Id, u.UserName, u.LockoutEnd }).SingleOrDefaultAsync(ct);
        if (user is null)
        {
            return new CurrentAccess(userId, "unknown", new HashSet<string>(), AccessScope.Nobody, "Your account no longer exists.");
        }
        var name = user.UserName ?? user.Id;
        // SQLite cannot compare DateTimeOffset in SQL, so the lockout end is compared here.
        if (user.LockoutEnd is { } end && end > now)
        {
            return new CurrentAccess(userId, name, new HashSet<string>(), AccessScope.Nobody with { UserId = userId }, "Your account is locked; ask an Admin.");
        }
        var roles = (await (from ur in db.UserRoles
                            join r in db.Roles on ur.RoleId equals r.Id
                            where ur.UserId == userId
                            select r.Name).ToListAsync(ct)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        AccessScope scope;
        if (roles.Contains(Identity.Roles.Owner) || roles.Contains(Identity.Roles.MarketingLead))
        {
            scope = new AccessScope(userId, true, new HashSet<int>());
        }
        else if (roles.Contains(Identity.Roles.Manager))
        {
            var locations = await db.UserLocations.Where(l => l.UserId == userId).Select(l => l.LocationId).ToListAsync(ct);
            scope = new AccessScope(userId, false, locations.ToHashSet());
        }
        else
        {
            scope = AccessScope.Nobody with { UserId = userId };
        }
        return new CurrentAccess(userId, name, roles, scope, null);
    }
}
