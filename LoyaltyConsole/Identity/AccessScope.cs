using System.Security.Claims;

namespace LoyaltyConsole.Identity;

/// <summary>
/// Which locations' data a user may read. Every query over clients, visits or review items filters by it,
/// so a Manager's view is limited at the data layer rather than by hidden buttons.
/// </summary>
public sealed record AccessScope(string UserId, bool AllLocations, IReadOnlySet<int> LocationIds)
{
    public static readonly AccessScope Nobody = new("", false, new HashSet<int>());

    public bool CanSee(int locationId) => AllLocations || LocationIds.Contains(locationId);
}

/// <summary>
/// Builds the <see cref="AccessScope"/> of a signed-in user from their current roles, lockout and assigned locations in
/// the database (not the claims in their cookie), so a page reads with the access the user has now.
/// </summary>
public sealed class AccessScopeResolver(IDbContextFactory<Data.ApplicationDbContext> dbFactory, TimeProvider clock)
{
    public async Task<AccessScope> ResolveAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (user.Identity?.IsAuthenticated != true || userId is null)
        {
            return AccessScope.Nobody;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await CurrentAccess.ReadAsync(db, userId, clock.GetUtcNow(), ct)).Scope;
    }
}
