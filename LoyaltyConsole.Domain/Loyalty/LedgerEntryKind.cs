namespace LoyaltyConsole.Domain.Loyalty;

public enum LedgerEntryKind
{
    Earn,
    Redeem,
    Expire,
    Adjust,
}
