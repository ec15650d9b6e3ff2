using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Visits;

/// <summary>A service performed or a retail product sold during a visit.</summary>
public sealed class VisitLine
{
    public const int ItemMaxLength = 200;
    public const int CategoryMaxLength = 50;
    public const int BrandMaxLength = 100;

    private VisitLine()
    {
    }

    internal VisitLine(LineKind kind, string item, string category, string? brand, int? staffId, int quantity, long unitPriceMinor, long discountMinor)
    {
        if (quantity <= 0)
        {
            throw new DomainException("Quantity must be positive.");
        }
        if (unitPriceMinor < 0 || discountMinor < 0)
        {
            throw new DomainException("Prices and discounts cannot be negative.");
        }
        if (discountMinor > unitPriceMinor * quantity)
        {
            throw new DomainException("A discount cannot exceed the line's price.");
        }
        Kind = kind;
        Item = Guard.Text(item, "Item", ItemMaxLength);
        Category = Guard.Text(category, "Category", CategoryMaxLength);
        Brand = Guard.OptionalText(brand, "Brand", BrandMaxLength);
        StaffId = staffId;
        Quantity = quantity;
        UnitPriceMinor = unitPriceMinor;
        DiscountMinor = discountMinor;
        AmountMinor = unitPriceMinor * quantity - discountMinor;
    }

    public long Id { get; private set; }
    public long VisitId { get; private set; }
    public LineKind Kind { get; private set; }
    public string Item { get; private set; } = "";
    public string Category { get; private set; } = "";
    public string? Brand { get; private set; }
    public int? StaffId { get; private set; }
    public int Quantity { get; private set; }
    public long UnitPriceMinor { get; private set; }
    public long DiscountMinor { get; private set; }
    public long AmountMinor { get; private set; }
}
