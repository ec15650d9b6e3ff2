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

/// <summary>Builds the <see cref="AccessScope"/> of a signed-in user from their roles and assigned locations.</summary>
public sealed class AccessScopeResolver(IDbContextFactory<Data.ApplicationDbContext> dbFactory)
{
    public async Task<AccessScope> ResolveAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (user.Identity?.IsAuthenticated != true || userId is null)
        {
            return AccessScope.Nobody;
        }
        if (user.IsInRole(Roles.Owner) || user.IsInRole(Roles.MarketingLead))
        {
            return new AccessScope(userId, true, new HashSet<int>());
        }
        if (!user.IsInRole(Roles.Manager))
        {
            return AccessScope.Nobody with { UserId = userId };
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var locations = await db.UserLocations.Where(l => l.UserId == userId).Select(l => l.LocationId).ToListAsync(ct);
        return new AccessScope(userId, false, locations.ToHashSet());
    }
}
