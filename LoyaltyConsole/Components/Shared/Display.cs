using System.Globalization;
using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Components.Shared;

/// <summary>Formatting shared by pages: times in a location's zone, money from minor units.</summary>
public static class Display
{
    public static string LocalTime(DateTime? utc, string timeZoneId, string format = "yyyy-MM-dd HH:mm")
    {
        if (utc is null)
        {
            return "—";
        }
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
        return TimeZoneInfo.ConvertTimeFromUtc(utc.Value, zone).ToString(format, CultureInfo.InvariantCulture);
    }

    public static string Utc(DateTime? utc) =>
        utc is null ? "—" : utc.Value.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Money(long minor, string currency) => Domain.Common.Money.Format(minor, currency);

    public static string Duration(long? ms) => ms switch
    {
        null => "—",
        < 1000 => $"{ms} ms",
        < 60_000 => $"{ms / 1000.0:N1} s",
        _ => $"{ms / 60_000.0:N1} min",
    };
}
