namespace LoyaltyConsole.Tests.Sync.SquareSync;

// A seller's data as Square holds it, in Square's documented shapes (serialised snake_case by the fake server).

public sealed record FakeMoney(long Amount, string Currency = "USD");

public sealed record FakeLocation(string Id, string Name, string Status = "ACTIVE");

public sealed record FakePreferences(bool EmailUnsubscribed);

public sealed record FakeCustomer(
    string Id, string? GivenName, string? FamilyName, string? EmailAddress, string? PhoneNumber, string? Birthday,
    DateTime CreatedAt, DateTime UpdatedAt, FakePreferences? Preferences);

public sealed record FakeLineItem(string Uid, string Name, string Quantity, FakeMoney BasePriceMoney, FakeMoney TotalDiscountMoney, FakeMoney GrossSalesMoney,
    string ItemType = "ITEM", string? VariationName = null);

public sealed record FakeReturn(string Uid, string SourceOrderId, IReadOnlyList<FakeLineItem> ReturnLineItems);

public sealed record FakeOrder(
    string Id, string LocationId, string? CustomerId, string State, DateTime CreatedAt, DateTime UpdatedAt, DateTime ClosedAt,
    IReadOnlyList<FakeLineItem> LineItems, IReadOnlyList<FakeReturn>? Returns, FakeMoney TotalMoney)
{
    public bool IsReturn => Returns is { Count: > 0 };
}

public sealed record FakeEventDetail(int? Points, string LoyaltyProgramId = FakeSquareData.ProgramId, string? OrderId = null, string? Reason = null);

public sealed record FakeLoyaltyEvent(
    string Id, string Type, DateTime CreatedAt, string LoyaltyAccountId, string? LocationId,
    FakeEventDetail? AccumulatePoints = null, FakeEventDetail? CreateReward = null, FakeEventDetail? RedeemReward = null,
    FakeEventDetail? AdjustPoints = null, FakeEventDetail? ExpirePoints = null, FakeEventDetail? OtherEvent = null, string Source = "SQUARE");

public sealed record FakeLoyaltyAccount(string Id, string? CustomerId, DateTime CreatedAt, string ProgramId = FakeSquareData.ProgramId);

/// <summary>
/// A seller: locations, customers, completed orders (a share of them without a customer, some returned in a return
/// order linked to the sale) and, for a third of the customers, Square Loyalty accounts with their events — points for
/// each sale, Square's own removal of points when a sale is returned, rewards, adjustments. Deterministic by seed.
/// </summary>
public sealed class FakeSquareData
{
    public const string ProgramId = "program-main";
    public static readonly DateTime Start = new(2025, 3, 1, 9, 0, 0, DateTimeKind.Utc);

    private readonly object _gate = new();

    public List<FakeLocation> Locations { get; } = [];
    public List<FakeCustomer> Customers { get; } = [];
    public List<FakeOrder> Orders { get; } = [];
    public List<FakeLoyaltyAccount> Accounts { get; } = [];
    public List<FakeLoyaltyEvent> Events { get; } = [];

    /// <summary>Runs <paramref name="change"/> under the lock the server reads under.</summary>
    public void Change(Action<FakeSquareData> change)
    {
        lock (_gate)
        {
            change(this);
        }
    }

    public T Read<T>(Func<FakeSquareData, T> read)
    {
        lock (_gate)
        {
            return read(this);
        }
    }

    public static FakeSquareData Generate(int customers, int orders, int locations = 12, int seed = 11)
    {
        var random = new Random(seed);
        var data = new FakeSquareData();
        for (var l = 1; l <= locations; l++)
        {
            data.Locations.Add(new FakeLocation($"L{l:00}", $"Store {l}"));
        }
        data.Locations.Add(new FakeLocation("L99", "Closed store", "INACTIVE"));
        string[] given = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Frances", "Niklaus"];
        string[] family = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Allen", "Wirth"];
        for (var i = 1; i <= customers; i++)
        {
            var created = Start.AddMinutes(i * 7);
            var phone = (i % 3) switch
            {
                0 => $"+1 212-555-{i % 10_000:0000}",
                1 => $"(646) 555-{i % 10_000:0000}",
                _ => $"+44 20 7946 {i % 10_000:0000}",
            };
            data.Customers.Add(new FakeCustomer(
                $"CUST{i:00000}", given[i % given.Length], family[(i / 10) % family.Length], i % 25 == 0 ? null : $"client{i}@example.com", phone,
                i % 11 == 0 ? $"0000-{1 + i % 12:00}-{1 + i % 28:00}" : i % 5 == 0 ? $"{1960 + i % 40}-{1 + i % 12:00}-{1 + i % 28:00}" : null,
                created, created.AddDays(random.Next(0, 40)).AddMinutes(random.Next(0, 600)),
                i % 4 == 0 ? null : new FakePreferences(EmailUnsubscribed: i % 7 == 0)));
            if (i % 3 == 0)
            {
                data.Accounts.Add(new FakeLoyaltyAccount($"LA{i:00000}", $"CUST{i:00000}", created));
            }
        }
        var members = data.Accounts.ToDictionary(a => a.CustomerId!, a => a.Id);
        string[] items = ["Cut and finish", "Colour", "Manicure", "Facial", "Shampoo", "Massage"];
        for (var j = 1; j <= orders; j++)
        {
            var location = data.Locations[random.Next(locations)].Id;
            var customer = j % 10 == 0 ? null : data.Customers[random.Next(data.Customers.Count)].Id;
            var closed = Start.AddMinutes(j * 11 + random.Next(0, 10));
            var lines = new List<FakeLineItem>();
            for (var k = 0; k < 1 + random.Next(3); k++)
            {
                var price = 1_000 + random.Next(140) * 100L;
                var quantity = j % 40 == 0 && k == 0 ? "1.5" : (1 + random.Next(2)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var gross = (long)(price * decimal.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture));
                var discount = random.Next(5) == 0 ? 500L : 0L;
                lines.Add(new FakeLineItem($"{j}-{k}", items[random.Next(items.Length)], quantity, new(price), new(discount), new(gross)));
            }
            if (j % 97 == 0)
            {
                lines.Add(new FakeLineItem($"{j}-gc", "Gift card", "1", new(5_000), new(0), new(5_000), ItemType: "GIFT_CARD"));
            }
            var total = lines.Sum(l => l.GrossSalesMoney.Amount - l.TotalDiscountMoney.Amount);
            var sale = new FakeOrder($"ORD{j:00000}", location, customer, "COMPLETED", closed.AddMinutes(-20), closed.AddMinutes(1), closed, lines, null, new(total));
            data.Orders.Add(sale);
            var member = customer is not null ? members.GetValueOrDefault(customer) : null;
            if (member is not null)
            {
                data.Events.Add(new FakeLoyaltyEvent($"EV-{sale.Id}-earn", "ACCUMULATE_POINTS", closed.AddSeconds(5), member, location,
                    AccumulatePoints: new FakeEventDetail((int)(total / 100), OrderId: sale.Id)));
            }
            if (customer is not null && j % 20 == 7)
            {
                // Returned two days later in a return order; every third return order names no customer (the sale does).
                var taken = lines[0] with { Uid = $"{j}-r", Quantity = "1", GrossSalesMoney = lines[0].BasePriceMoney, TotalDiscountMoney = new(0) };
                var at = closed.AddDays(2);
                var refund = new FakeOrder($"RET{j:00000}", location, j % 3 == 0 ? null : customer, "COMPLETED", at.AddMinutes(-1), at.AddMinutes(1), at,
                    [], [new FakeReturn($"ret-{j}", sale.Id, [taken])], new(0));
                data.Orders.Add(refund);
                if (member is not null && taken.BasePriceMoney.Amount / 100 > 0)
                {
                    // Square Loyalty takes the points of a refunded purchase back itself.
                    data.Events.Add(new FakeLoyaltyEvent($"EV-{refund.Id}-refund", "OTHER", at.AddSeconds(5), member, location,
                        OtherEvent: new FakeEventDetail(-(int)(taken.BasePriceMoney.Amount / 100))));
                }
            }
        }
        foreach (var account in data.Accounts.Where((_, n) => n % 10 == 0))
        {
            var at = account.CreatedAt.AddDays(60);
            data.Events.Add(new FakeLoyaltyEvent($"EV-{account.Id}-reward", "CREATE_REWARD", at, account.Id, "L01", CreateReward: new FakeEventDetail(10)));
            data.Events.Add(new FakeLoyaltyEvent($"EV-{account.Id}-redeem", "REDEEM_REWARD", at.AddMinutes(1), account.Id, "L01", RedeemReward: new FakeEventDetail(null)));
            data.Events.Add(new FakeLoyaltyEvent($"EV-{account.Id}-adjust", "ADJUST_POINTS", at.AddDays(1), account.Id, null,
                AdjustPoints: new FakeEventDetail(5, Reason: "Goodwill")));
        }
        return data;
    }
}
