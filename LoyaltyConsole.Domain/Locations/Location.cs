using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Locations;

/// <summary>A salon, spa or store. Local rules (quiet hours, daily caps, reports) use its IANA time zone.</summary>
public sealed class Location : SyncedEntity
{
    public const int NameMaxLength = 100;
    public const int TimeZoneMaxLength = 64;

    private Location()
    {
    }

    public Location(string name, string timeZoneId, string currency, string source, string externalId)
        : base(source, externalId)
    {
        Name = Guard.Text(name, "Location name", NameMaxLength);
        TimeZoneId = ValidTimeZone(timeZoneId);
        Currency = ValidCurrency(currency);
    }

    public int Id { get; private set; }
    public string Name { get; private set; } = "";
    public string TimeZoneId { get; private set; } = "";
    public string Currency { get; private set; } = "";

    public TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(Guard.Utc(utc, "Time"), TimeZone);

    public DateTime ToUtc(DateTime local) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeZone);

    private static string ValidTimeZone(string timeZoneId)
    {
        var id = Guard.Text(timeZoneId, "Time zone", TimeZoneMaxLength);
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) || !zone.HasIanaId)
        {
            throw new DomainException($"'{id}' is not an IANA time zone such as America/New_York.");
        }
        return id;
    }

    private static string ValidCurrency(string currency)
    {
        var code = Guard.Text(currency, "Currency", Money.CurrencyCodeLength).ToUpperInvariant();
        if (code.Length != Money.CurrencyCodeLength || !code.All(char.IsAsciiLetterUpper))
        {
            throw new DomainException($"'{currency}' is not a three-letter ISO 4217 currency code.");
        }
        return code;
    }
}
