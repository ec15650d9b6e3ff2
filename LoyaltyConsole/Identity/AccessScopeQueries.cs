using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Locations;
using LoyaltyConsole.Domain.Visits;

namespace LoyaltyConsole.Identity;

/// <summary>The one place where a query is narrowed to the locations an <see cref="AccessScope"/> may see.</summary>
public static class AccessScopeQueries
{
    public static IQueryable<Client> VisibleTo(this IQueryable<Client> clients, AccessScope scope)
    {
        if (scope.AllLocations)
        {
            return clients;
        }
        var ids = scope.LocationIds.ToList();
        return clients.Where(c => ids.Contains(c.HomeLocationId));
    }

    public static IQueryable<Location> VisibleTo(this IQueryable<Location> locations, AccessScope scope)
    {
        if (scope.AllLocations)
        {
            return locations;
        }
        var ids = scope.LocationIds.ToList();
        return locations.Where(l => ids.Contains(l.Id));
    }

    public static IQueryable<Visit> VisibleTo(this IQueryable<Visit> visits, AccessScope scope)
    {
        if (scope.AllLocations)
        {
            return visits;
        }
        var ids = scope.LocationIds.ToList();
        return visits.Where(v => ids.Contains(v.LocationId));
    }
}
