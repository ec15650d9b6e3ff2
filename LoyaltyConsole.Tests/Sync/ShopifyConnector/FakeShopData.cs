using System.Globalization;

namespace LoyaltyConsole.Tests.Sync.ShopifyConnector;

public sealed class FakeCustomer
{
    public required string Id { get; init; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string EmailState { get; set; } = "NOT_SUBSCRIBED";
    public string SmsState { get; set; } = "NOT_SUBSCRIBED";
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class FakeLineItem
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Sku { get; init; }
    public int Quantity { get; init; }
    public string ProductType { get; init; } = "Retail";
    public long UnitMinor { get; init; }
    public long DiscountMinor { get; init; }
    public long AmountMinor => UnitMinor * Quantity - DiscountMinor;
}

/// <summary>A refund of whole lines, or of an amount without lines (<see cref="AmountOnlyMinor"/>).</summary>
public sealed class FakeRefund
{
    public required string Id { get; init; }
    public DateTime CreatedAt { get; init; }
    public List<FakeLineItem> Lines { get; init; } = [];
    public long AmountOnlyMinor { get; init; }
    public long TotalMinor => Lines.Count > 0 ? Lines.Sum(l => l.AmountMinor) : AmountOnlyMinor;
}

public sealed class FakeOrder
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? CustomerId { get; init; }
    public string? LocationId { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
    public string Currency { get; init; } = "USD";
    public List<FakeLineItem> Lines { get; init; } = [];
    public List<FakeRefund> Refunds { get; init; } = [];
    public long TotalMinor => Lines.Sum(l => l.AmountMinor);
}

public sealed record FakeLocation(string Id, string Name, bool IsActive = true);

/// <summary>
/// A shop's data, made up deterministically: customers with and without phones and consents, orders at three POS
/// locations and online (no location), orders without a customer, orders with more line items and refunds than one
/// page of them holds, and refunds of every kind (whole order, some lines, two partial refunds, an amount without lines).
/// Refunds of one order never add up to more than it, so the points they take back do not depend on the order they are
/// read in. Times are whole seconds, before <see cref="Now"/>.
/// </summary>
public sealed class FakeShopData
{
    private long _nextId = 1000;

    public FakeShopData(int customers, int orders, int seed = 11)
    {
        Now = Truncate(DateTime.UtcNow);
        var random = new Random(seed);
        for (var i = 0; i < customers; i++)
        {
            Customers.Add(NewCustomer(i, Now.AddMinutes(-random.Next(3 * 60, 90 * 24 * 60)), random));
        }
        for (var i = 0; i < orders; i++)
        {
            var customer = i % 23 == 7 ? null : Customers[random.Next(Customers.Count)];
            Orders.Add(NewOrder(customer, Now.AddMinutes(-random.Next(3 * 60, 90 * 24 * 60)), random));
        }
    }

    public DateTime Now { get; }

    public List<FakeCustomer> Customers { get; } = [];
    public List<FakeOrder> Orders { get; } = [];

    public List<FakeLocation> Locations { get; } =
    [
        new("gid://shopify/Location/101", "Soho"),
        new("gid://shopify/Location/102", "Brooklyn"),
        new("gid://shopify/Location/103", "Pop-up"),
        new("gid://shopify/Location/104", "Old warehouse", IsActive: false),
    ];

    /// <summary>The locations orders are placed at (the inactive one has none).</summary>
    public IEnumerable<string> SellingLocations => Locations.Where(l => l.IsActive).Select(l => l.Id);

    public static DateTime Truncate(DateTime at) => new(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    public FakeCustomer AddCustomer(DateTime at, Random random)
    {
        var customer = NewCustomer(Customers.Count, at, random);
        Customers.Add(customer);
        return customer;
    }

    public FakeOrder AddOrder(FakeCustomer? customer, DateTime at, Random random)
    {
        var order = NewOrder(customer, at, random);
        Orders.Add(order);
        return order;
    }

    /// <summary>Refunds the order's last line not refunded yet (or an amount when every line is), now.</summary>
    public FakeRefund Refund(FakeOrder order, DateTime at)
    {
        var refunded = order.Refunds.SelectMany(r => r.Lines).Select(l => l.Id).ToHashSet();
        var line = order.Lines.LastOrDefault(l => !refunded.Contains(l.Id));
        var refund = line is not null && order.Lines.Count > 1
            ? new FakeRefund { Id = NextId("Refund"), CreatedAt = at, Lines = [line] }
            : new FakeRefund { Id = NextId("Refund"), CreatedAt = at, AmountOnlyMinor = 100 };
        order.Refunds.Add(refund);
        order.UpdatedAt = at;
        return refund;
    }

    private FakeCustomer NewCustomer(int i, DateTime updatedAt, Random random)
    {
        var phone = i % 10 == 0 ? string.Create(CultureInfo.InvariantCulture, $"+1{(i % 20 == 0 ? 212 : 646)}555{100 + i / 20 % 100:0000}") : null;
        return new FakeCustomer
        {
            Id = NextId("Customer"),
            FirstName = i % 97 == 5 ? null : $"First{i}",
            LastName = $"Last{i}",
            Email = i % 50 == 3 ? null : $"customer{i}@example.com",
            Phone = phone,
            EmailState = (i % 4) switch { 0 => "SUBSCRIBED", 1 => "UNSUBSCRIBED", 2 => "PENDING", _ => "NOT_SUBSCRIBED" },
            SmsState = phone is null ? "NOT_SUBSCRIBED" : i % 3 == 0 ? "SUBSCRIBED" : "UNSUBSCRIBED",
            CreatedAt = updatedAt.AddDays(-random.Next(0, 400)),
            UpdatedAt = updatedAt,
        };
    }

    private FakeOrder NewOrder(FakeCustomer? customer, DateTime updatedAt, Random random)
    {
        var n = _nextId;
        var lineCount = random.Next(20) == 0 ? random.Next(6, 9) : random.Next(1, 4);
        var lines = Enumerable.Range(0, lineCount).Select(k =>
        {
            var quantity = random.Next(1, 4);
            var unit = random.Next(5, 120) * 100L + random.Next(0, 4) * 25;
            return new FakeLineItem
            {
                Id = NextId("LineItem"),
                Name = k % 3 == 0 ? "Cut and style" : $"Product {random.Next(1, 40)}",
                Sku = $"SKU-{k}",
                Quantity = quantity,
                ProductType = k % 3 == 0 ? "Service" : "Hair care",
                UnitMinor = unit,
                DiscountMinor = random.Next(5) == 0 ? unit * quantity / 10 : 0,
            };
        }).ToList();
        var created = updatedAt.AddHours(-random.Next(0, 48));
        var locations = SellingLocations.ToList();
        var order = new FakeOrder
        {
            Id = NextId("Order"),
            Name = string.Create(CultureInfo.InvariantCulture, $"#{n}"),
            CustomerId = customer?.Id,
            LocationId = random.Next(4) == 0 ? null : locations[random.Next(locations.Count)],
            CreatedAt = created,
            UpdatedAt = updatedAt,
            Lines = lines,
        };
        var kind = random.Next(100);
        if (kind < 5)
        {
            order.Refunds.Add(new FakeRefund { Id = NextId("Refund"), CreatedAt = updatedAt, Lines = [.. lines] });
        }
        else if (kind < 13 && lines.Count > 1)
        {
            order.Refunds.Add(new FakeRefund { Id = NextId("Refund"), CreatedAt = updatedAt, Lines = [lines[^1]] });
        }
        else if (kind < 16 && lines.Count > 2)
        {
            order.Refunds.Add(new FakeRefund { Id = NextId("Refund"), CreatedAt = updatedAt.AddMinutes(-5), Lines = [lines[^1]] });
            order.Refunds.Add(new FakeRefund { Id = NextId("Refund"), CreatedAt = updatedAt, Lines = [lines[^2]] });
        }
        else if (kind < 18)
        {
            order.Refunds.Add(new FakeRefund { Id = NextId("Refund"), CreatedAt = updatedAt, AmountOnlyMinor = Math.Min(1_000, order.TotalMinor) });
        }
        return order;
    }

    private string NextId(string type) => string.Create(CultureInfo.InvariantCulture, $"gid://shopify/{type}/{_nextId++}");
}
