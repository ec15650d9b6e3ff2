namespace LoyaltyConsole.Domain.Common;

/// <summary>Names of the systems records come from.</summary>
public static class Sources
{
    public const string Demo = "demo";
    public const string Console = "console";
    public const string Fresha = "fresha";
    public const string Square = "square";
    public const string Shopify = "shopify";
}
