using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Locations;
using LoyaltyConsole.Domain.Loyalty;
using LoyaltyConsole.Domain.Visits;

namespace LoyaltyConsole.DemoData;

/// <summary>Builds realistic visits and applies the demo program's loyalty rules; shared by the seeder and the daily job.</summary>
internal sealed class DemoVisitFactory(IReadOnlyList<Location> locations, IReadOnlyList<Staff> staff, IReadOnlyList<TierDefinition> tiers)
{
    private readonly Dictionary<int, Location> _locations = locations.ToDictionary(l => l.Id);

    /// <summary>A client's stable habits, derived from their own random stream.</summary>
    public sealed record Habits(string FavouriteCategory, int FavouriteStaffIndex, double RetailPropensity);

    public static Habits HabitsFor(Random rng)
    {
        var favourite = Pick(rng, DemoCatalog.FavouriteCategoryWeights);
        return new Habits(favourite, rng.Next(100), favourite == ServiceCategory.Colour ? 0.35 : 0.18);
    }

    /// <summary>A visit at a local business hour of <paramref name="localDay"/>, with services and perhaps retail.</summary>
    public Visit CreateVisit(Random rng, Client client, Habits habits, int locationId, DateOnly localDay, string externalId)
    {
        var location = _locations[locationId];
        var localTime = localDay.ToDateTime(new TimeOnly(9, 0)).AddMinutes(15 * rng.Next(0, 40));
        var visit = new Visit(client.Id, locationId, location.ToUtc(localTime), location.Currency, Sources.Demo, externalId);

        var category = rng.NextDouble() < 0.8 ? habits.FavouriteCategory : ServiceCategory.Services[rng.Next(ServiceCategory.Services.Count)];
        AddService(rng, visit, habits, locationId, category);
        if (rng.NextDouble() < 0.22)
        {
            var extra = ServiceCategory.Services[rng.Next(ServiceCategory.Services.Count)];
            if (extra != category)
            {
                AddService(rng, visit, habits, locationId, extra);
            }
        }
        if (rng.NextDouble() < habits.RetailPropensity)
        {
            var product = DemoCatalog.Products[rng.Next(DemoCatalog.Products.Length)];
            var quantity = rng.NextDouble() < 0.15 ? 2 : 1;
            visit.AddLine(LineKind.Retail, product.Name, ServiceCategory.Retail, product.Brand, StaffFor(rng, habits, locationId, null)?.Id, quantity, product.PriceCents);
        }
        return visit;
    }

    /// <summary>Expires idle points, earns points for the visit, perhaps redeems a reward, and re-evaluates the tier.</summary>
    public void ApplyLoyalty(Random rng, Client client, Visit visit, IReadOnlyList<(DateTime At, long TotalMinor)> previousVisits)
    {
        ExpireIfIdle(client, previousVisits.Count == 0 ? null : previousVisits[^1].At, visit.OccurredAt);

        var points = (int)(visit.TotalMinor / 100) * DemoCatalog.PointsPerDollar;
        if (points > 0)
        {
            client.EarnPoints(points, points * DemoCatalog.PointValueCents, visit.OccurredAt, visit.Id, Sources.Demo, $"{visit.ExternalId}-earn");
        }
        if (client.PointsBalance >= DemoCatalog.RewardPoints && rng.NextDouble() < 0.45)
        {
            client.RedeemPoints(DemoCatalog.RewardPoints, DemoCatalog.RewardPoints * DemoCatalog.PointValueCents, visit.OccurredAt.AddMinutes(1),
                visit.Id, "$25 reward", Sources.Demo, $"{visit.ExternalId}-redeem");
        }

        var windowStart = visit.OccurredAt.AddYears(-1);
        var recent = previousVisits.Where(v => v.At > windowStart).ToList();
        var visits12 = recent.Count + 1;
        var spend12 = recent.Sum(v => v.TotalMinor) + visit.TotalMinor;
        var eligible = TierDefinition.Eligible(tiers, visits12, spend12);
        var reason = client.TierId is null
            ? "Joined the loyalty program."
            : $"{visits12} visits and {Money.Format(spend12, visit.Currency)} in the last 12 months.";
        client.ChangeTier(eligible, visit.OccurredAt, reason);
        client.NoteVisit(visit.OccurredAt);
    }

    /// <summary>Points expire after 12 months without a visit.</summary>
    public static void ExpireIfIdle(Client client, DateTime? lastVisit, DateTime now)
    {
        if (lastVisit is null || client.PointsBalance <= 0 || now - lastVisit.Value < TimeSpan.FromDays(365))
        {
            return;
        }
        var at = lastVisit.Value.AddDays(365);
        client.ExpirePoints(client.PointsBalance, client.PointsBalance * DemoCatalog.PointValueCents, at,
            "No visit in 12 months", Sources.Demo, $"{client.ExternalId}-expire-{at:yyyyMMdd}");
    }

    private void AddService(Random rng, Visit visit, Habits habits, int locationId, string category)
    {
        var items = DemoCatalog.Menu.Where(m => m.Category == category).ToArray();
        var item = items[rng.Next(items.Length)];
        // Prices drift a little between staff levels and over time.
        var price = item.PriceCents + 500L * rng.Next(-1, 2);
        visit.AddLine(LineKind.Service, item.Name, category, null, StaffFor(rng, habits, locationId, category)?.Id, 1, price);
    }

    private Staff? StaffFor(Random rng, Habits habits, int locationId, string? category)
    {
        var candidates = staff.Where(s => s.LocationId == locationId && (category is null || DemoCatalog.Performs(s.Role, category))).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }
        return rng.NextDouble() < 0.75 ? candidates[habits.FavouriteStaffIndex % candidates.Count] : candidates[rng.Next(candidates.Count)];
    }

    public static T Pick<T>(Random rng, IReadOnlyList<(T Value, double Weight)> weighted)
    {
        var roll = rng.NextDouble() * weighted.Sum(w => w.Weight);
        foreach (var (value, weight) in weighted)
        {
            roll -= weight;
            if (roll <= 0)
            {
                return value;
            }
        }
        return weighted[^1].Value;
    }
}
