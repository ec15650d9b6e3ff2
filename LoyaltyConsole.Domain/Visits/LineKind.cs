namespace LoyaltyConsole.Domain.Visits;

public enum LineKind
{
    Service,
    Retail,
}
