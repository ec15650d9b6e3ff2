namespace LoyaltyConsole.Domain.Visits;

/// <summary>Well-known categories; platforms may send others, which are kept as text.</summary>
public static class ServiceCategory
{
    public const string Cut = "Cut";
    public const string Colour = "Colour";
    public const string Nails = "Nails";
    public const string Facial = "Facial";
    public const string Massage = "Massage";
    public const string Retail = "Retail";

    public static readonly IReadOnlyList<string> Services = [Cut, Colour, Nails, Facial, Massage];
}
