using LoyaltyConsole.Domain.Visits;

namespace LoyaltyConsole.DemoData;

/// <summary>The menu, products, people and places of the demo salon chain.</summary>
internal static class DemoCatalog
{
    public const string Currency = "USD";
    public const string BusinessName = "Lumière Salon & Spa";

    /// <summary>Points earned per whole dollar spent, and what one point is worth to the client in cents.</summary>
    public const int PointsPerDollar = 1;
    public const long PointValueCents = 5;
    public const int RewardPoints = 500;

    public sealed record DemoLocation(string Key, string Name, string TimeZone, string[] AreaCodes, double Share, string[] Staff);

    public sealed record MenuItem(string Category, string Name, long PriceCents);

    public sealed record Product(string Brand, string Name, long PriceCents);

    public static readonly DemoLocation[] Locations =
    [
        new("soho", $"{BusinessName} — SoHo", "America/New_York", ["212", "646", "917", "718"], 0.40,
            ["Amara Okafor:Senior stylist", "Luca Bianchi:Stylist", "Priya Nair:Colourist", "Mei Tanaka:Nail technician", "Sofia Reyes:Esthetician", "Daniel Cohen:Massage therapist"]),
        new("wicker-park", $"{BusinessName} — Wicker Park", "America/Chicago", ["312", "773", "872"], 0.35,
            ["Hannah Novak:Senior stylist", "Marcus Bell:Stylist", "Elena Petrova:Colourist", "Grace Kim:Nail technician", "Olivia Walsh:Esthetician", "Tomás Herrera:Massage therapist"]),
        new("silver-lake", $"{BusinessName} — Silver Lake", "America/Los_Angeles", ["213", "323", "310", "818", "424"], 0.25,
            ["Jade Nguyen:Senior stylist", "Noah Fischer:Stylist", "Camila Torres:Colourist", "Aiko Sato:Nail technician", "Zoe Martin:Esthetician", "Ethan Brooks:Massage therapist"]),
    ];

    public static readonly MenuItem[] Menu =
    [
        new(ServiceCategory.Cut, "Women's cut & blow-dry", 8500),
        new(ServiceCategory.Cut, "Men's cut", 4500),
        new(ServiceCategory.Cut, "Blow-dry", 5000),
        new(ServiceCategory.Cut, "Kids' cut", 3000),
        new(ServiceCategory.Colour, "Full colour", 14000),
        new(ServiceCategory.Colour, "Balayage", 22000),
        new(ServiceCategory.Colour, "Root touch-up", 9500),
        new(ServiceCategory.Colour, "Gloss", 6000),
        new(ServiceCategory.Nails, "Gel manicure", 5000),
        new(ServiceCategory.Nails, "Classic pedicure", 5500),
        new(ServiceCategory.Nails, "Manicure", 3500),
        new(ServiceCategory.Facial, "Signature facial", 12000),
        new(ServiceCategory.Facial, "Express facial", 7500),
        new(ServiceCategory.Massage, "Swedish massage, 60 min", 11000),
        new(ServiceCategory.Massage, "Deep tissue massage, 60 min", 13000),
        new(ServiceCategory.Massage, "Hot stone massage, 90 min", 16500),
    ];

    public static readonly Product[] Products =
    [
        new("Olaplex", "No.3 Hair Perfector", 3000),
        new("Kérastase", "Elixir Ultime oil", 5500),
        new("Redken", "All Soft shampoo", 2800),
        new("Moroccanoil", "Treatment original", 4800),
        new("OPI", "Nail Envy strengthener", 2000),
        new("Dermalogica", "Daily Microfoliant", 6500),
        new("Aveda", "Shampure shampoo", 3200),
        new("Kérastase", "Bain Satin shampoo", 3900),
    ];

    /// <summary>Which staff roles perform which category.</summary>
    public static bool Performs(string role, string category) => category switch
    {
        ServiceCategory.Cut => role.Contains("stylist", StringComparison.OrdinalIgnoreCase),
        ServiceCategory.Colour => role.Contains("stylist", StringComparison.OrdinalIgnoreCase) || role == "Colourist",
        ServiceCategory.Nails => role == "Nail technician",
        ServiceCategory.Facial => role == "Esthetician",
        ServiceCategory.Massage => role == "Massage therapist",
        _ => false,
    };

    /// <summary>
    /// The seasons, January first, each averaging 1. New clients come in waves — gift vouchers at Christmas, weddings
    /// and holidays before summer — while regulars keep close to their own rhythm, a little busier in December and
    /// quieter in January. The split matters to the models: BG/NBD starts each client's clock at their first visit, so
    /// waves of newcomers cost it nothing, but it knows no seasons, and a peak in visits just before a backtest's
    /// calibration end makes clients who have left look recent. A 15% December peak in visits had the half-year after
    /// it over-predicted by about 8%; this 6% peak, by about 4% (docs/backtest.md).
    /// </summary>
    public static readonly double[] MonthlyNewClients = [0.80, 0.85, 0.95, 1.00, 1.20, 1.20, 0.90, 0.85, 0.95, 1.00, 1.05, 1.25];

    public static readonly double[] MonthlyVisitDemand = [0.96, 0.97, 0.99, 1.00, 1.02, 1.03, 0.99, 0.98, 0.99, 1.00, 1.01, 1.06];

    public static readonly (string Category, double Weight)[] FavouriteCategoryWeights =
    [
        (ServiceCategory.Cut, 0.40), (ServiceCategory.Colour, 0.20), (ServiceCategory.Nails, 0.15),
        (ServiceCategory.Facial, 0.12), (ServiceCategory.Massage, 0.13),
    ];

    public static readonly string[] FirstNames =
    [
        "Emma", "Olivia", "Ava", "Sophia", "Isabella", "Mia", "Charlotte", "Amelia", "Harper", "Evelyn", "Abigail", "Emily",
        "Ella", "Elizabeth", "Camila", "Luna", "Sofia", "Avery", "Mila", "Aria", "Scarlett", "Penelope", "Layla", "Chloe",
        "Victoria", "Madison", "Eleanor", "Grace", "Nora", "Riley", "Zoey", "Hannah", "Hazel", "Lily", "Ellie", "Violet",
        "Lillian", "Zoe", "Stella", "Aurora", "Natalie", "Emilia", "Everly", "Leah", "Aubrey", "Willow", "Addison", "Lucy",
        "Liam", "Noah", "Oliver", "Elijah", "James", "William", "Benjamin", "Lucas", "Henry", "Theodore", "Jack", "Levi",
        "Alexander", "Jackson", "Mateo", "Daniel", "Michael", "Mason", "Sebastian", "Ethan", "Logan", "Owen", "Samuel",
        "Jacob", "Asher", "Aiden", "John", "Joseph", "Wyatt", "David", "Leo", "Luke", "Julian", "Hudson", "Grayson",
        "Priya", "Aisha", "Fatima", "Yuki", "Mei", "Ana", "Lucía", "Chidi", "Kwame", "Ravi", "Sanjay", "Hiro", "Diego",
    ];

    public static readonly string[] LastNames =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez",
        "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez",
        "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen",
        "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
        "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Shah", "Kim", "Park", "Chen", "Wang", "Singh",
        "O'Brien", "Murphy", "Kowalski", "Nowak", "Rossi", "Ferrari", "Müller", "Schmidt", "Dubois", "Okafor", "Mensah",
    ];

    public static readonly string[] Notes =
    [
        "Prefers morning appointments.",
        "Sensitive scalp: patch test before any colour service.",
        "Likes a quiet treatment room; no small talk during massage.",
        "Allergic to latex gloves.",
        "Always books with a friend; ask about a joint appointment.",
        "Bring her the sample of the new Olaplex line next visit.",
    ];
}
