namespace LoyaltyConsole.Sync;

/// <summary>Section <c>Sync</c>: how synced sales earn points, and how much a sync writes per transaction.</summary>
public sealed class SyncOptions
{
    public const string SectionName = "Sync";

    /// <summary>Points earned per whole unit of the sale's currency (1 = a point per dollar), when the source keeps no ledger.</summary>
    public int PointsPerCurrencyUnit { get; set; } = 1;

    /// <summary>What one point is worth to the client, in minor units (the cost the points ledger records).</summary>
    public long PointValueMinor { get; set; } = 5;

    /// <summary>Records per transaction: a failed batch rolls back whole and is reported.</summary>
    public int BatchSize { get; set; } = 5000;
}

/// <summary>The region a location's national phone numbers are read in (libphonenumber's default region).</summary>
public static class PhoneRegions
{
    private static readonly (string Prefix, string Region)[] ByTimeZone =
    [
        ("Europe/London", "GB"), ("Europe/Dublin", "IE"), ("Europe/Paris", "FR"), ("Europe/Berlin", "DE"), ("Europe/Madrid", "ES"),
        ("Europe/Rome", "IT"), ("Europe/Amsterdam", "NL"), ("Europe/Lisbon", "PT"), ("Europe/Stockholm", "SE"), ("Europe/Zurich", "CH"),
        ("Australia/", "AU"), ("Pacific/Auckland", "NZ"), ("America/Toronto", "CA"), ("America/Vancouver", "CA"), ("America/Edmonton", "CA"),
        ("America/Winnipeg", "CA"), ("America/Halifax", "CA"), ("America/Mexico_City", "MX"), ("Asia/Singapore", "SG"), ("Asia/Dubai", "AE"),
        ("Africa/Johannesburg", "ZA"), ("America/", "US"), ("Pacific/Honolulu", "US"),
    ];

    public static string For(Domain.Locations.Location? location)
    {
        if (location is null)
        {
            return "US";
        }
        foreach (var (prefix, region) in ByTimeZone)
        {
            if (location.TimeZoneId.StartsWith(prefix, StringComparison.Ordinal))
            {
                return region;
            }
        }
        return location.Currency switch
        {
            "GBP" => "GB",
            "AUD" => "AU",
            "CAD" => "CA",
            "NZD" => "NZ",
            _ => "US",
        };
    }
}
