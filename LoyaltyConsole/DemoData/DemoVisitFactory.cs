using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Locations;
using LoyaltyConsole.Domain.Loyalty;
using LoyaltyConsole.Domain.Visits;

namespace LoyaltyConsole.DemoData;

/// <summary>Builds realistic visits and applies the demo program's loyalty rules; shared by the seeder and the daily job.</summary>
internal sealed class DemoVisitFactory(IReadOnlyList<Location> locations, IReadOnlyList<Staff> staff, IReadOnlyList<TierDefinition> tiers)
{
    // Gamma(6, 1/6): mean 1, and two in three clients within 40% of it.
    private const double SpendLevelShape = 6.0;

    // Before the console, the platform re-evaluated a client's tier every three months from the day they joined.
    private const int TierReviewMonths = 3;

    private readonly Dictionary<int, Location> _locations = locations.ToDictionary(l => l.Id);
    private readonly IReadOnlyList<TierDefinition> _tiers = tiers;
    private readonly TierDefinition _entryTier = tiers.OrderBy(t => t.Rank).First();

    /// <summary>
    /// A client's stable habits, derived from their own random stream. SpendLevel is how much they spend per visit
    /// relative to the menu — hair length, the stylist's level, upgrades, add-ons, retail — and varies across clients
    /// as a gamma, the Gamma-Gamma spend model's story.
    /// </summary>
    public sealed record Habits(string FavouriteCategory, int FavouriteStaffIndex, double RetailPropensity, double SpendLevel);

    public static Habits HabitsFor(Random rng)
    {
        var favourite = Pick(rng, DemoCatalog.FavouriteCategoryWeights);
        var staffIndex = rng.Next(100);
        var spendLevel = rng.NextGamma(SpendLevelShape, 1.0 / SpendLevelShape);
        var retail = (favourite == ServiceCategory.Colour ? 0.35 : 0.18) * spendLevel;
        return new Habits(favourite, staffIndex, Math.Min(0.7, retail), spendLevel);
    }

    /// <summary>A visit at a local business hour of <paramref name="localDay"/>, with services and perhaps retail.</summary>
    public Visit CreateVisit(Random rng, Client client, Habits habits, int locationId, DateOnly localDay, string externalId)
    {
        var location = _locations[locationId];
        var localTime = localDay.ToDateTime(new TimeOnly(9, 0)).AddMinutes(15 * rng.Next(0, 40));
        var visit = new Visit(client.Id, locationId, location.ToUtc(localTime), location.Currency, Sources.Demo, externalId);

        var category = rng.NextDouble() < 0.8 ? habits.FavouriteCategory : ServiceCategory.Services[rng.Next(ServiceCategory.Services.Count)];
        AddService(rng, visit, habits, locationId, category);
        if (rng.NextDouble() < Math.Min(0.5, 0.22 * habits.SpendLevel))
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

    /// <summary>
    /// Expires idle points, enrols a first-time client or applies the tier reviews due since their last visit, earns
    /// points for the visit and perhaps redeems a reward. <paramref name="previousVisits"/> are the client's visits
    /// before this one, oldest first, going back at least a year before their last visit. <paramref name="visitId"/> is the
    /// visit's id when the caller assigns ids itself (the seeder's bulk copy) rather than reading them back from a save.
    /// </summary>
    public void ApplyLoyalty(Random rng, Client client, Visit visit, IReadOnlyList<(DateTime At, long TotalMinor)> previousVisits, long? visitId = null)
    {
        var id = visitId ?? visit.Id;
        ExpireIfIdle(client, client.LastVisitAt, visit.OccurredAt);
        if (client.TierId is null)
        {
            client.ChangeTier(_entryTier, visit.OccurredAt, "Joined the loyalty program.");
        }
        else
        {
            ReviewTier(client, previousVisits, visit.OccurredAt);
        }

        var points = (int)(visit.TotalMinor / 100) * DemoCatalog.PointsPerDollar;
        if (points > 0)
        {
            client.EarnPoints(points, points * DemoCatalog.PointValueCents, visit.OccurredAt, id, Sources.Demo, $"{visit.ExternalId}-earn");
        }
        if (client.PointsBalance >= DemoCatalog.RewardPoints && rng.NextDouble() < 0.45)
        {
            client.RedeemPoints(DemoCatalog.RewardPoints, DemoCatalog.RewardPoints * DemoCatalog.PointValueCents, visit.OccurredAt.AddMinutes(1),
                id, "$25 reward", Sources.Demo, $"{visit.ExternalId}-redeem");
        }
        client.NoteVisit(visit.OccurredAt);
    }

    /// <summary>
    /// The tier reviews due after the client's last visit up to <paramref name="until"/>, each on the 12 months before
    /// it. Between reviews a client's tier stands still, so clients who have earned a higher tier (or fallen below
    /// theirs) since their last review are what the console's tier-change workflow finds.
    /// </summary>
    public void ReviewTier(Client client, IReadOnlyList<(DateTime At, long TotalMinor)> history, DateTime until)
    {
        if (client.TierId is null || client.LastVisitAt is not { } lastVisit)
        {
            return;
        }
        var currency = _locations[client.HomeLocationId].Currency;
        for (var n = 1; ; n++)
        {
            var review = client.CreatedAt.AddMonths(n * TierReviewMonths);
            if (review > until)
            {
                return;
            }
            if (review <= lastVisit)
            {
                continue;
            }
            var windowStart = review.AddYears(-1);
            var visits12 = 0;
            var spend12 = 0L;
            foreach (var (at, total) in history)
            {
                if (at > windowStart && at <= review)
                {
                    visits12++;
                    spend12 += total;
                }
            }
            client.ChangeTier(TierDefinition.Eligible(_tiers, visits12, spend12), review,
                $"Quarterly review: {visits12} visit{(visits12 == 1 ? "" : "s")} and {Money.Format(spend12, currency)} in the last 12 months.");
        }
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
        // A menu price is the middle of a range: what a client pays follows their spend level (hair length, the
        // stylist's level, the finish), to the nearest $5, and drifts a little between visits. Clamped so that nobody
        // pays far below the menu or several times over it.
        var level = Math.Clamp(habits.SpendLevel, 0.75, 1.6);
        var price = (500L * (long)Math.Round(item.PriceCents * level / 500.0)) + (500L * rng.Next(-1, 2));
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
