using System.Globalization;

namespace LoyaltyConsole.Domain.Common;

/// <summary>An amount in integer minor units (cents) of an ISO 4217 currency.</summary>
public readonly record struct Money(long Minor, string Currency)
{
    public const int CurrencyCodeLength = 3;

    /// <summary>The largest amount any setting or cap may hold (one billion in major units): sums of many stay far from overflow.</summary>
    public const long MaxMinor = 100_000_000_000;

    /// <summary>
    /// Minor units of a typed amount, saturating instead of overflowing: an absurd figure becomes one the caps'
    /// validation refuses with a clear message, never an exception.
    /// </summary>
    public static long ToMinorSaturating(decimal major) =>
        major > MaxMinor / 100m ? long.MaxValue : major < -MaxMinor / 100m ? long.MinValue : (long)Math.Round(major * 100m, MidpointRounding.AwayFromZero);

    /// <summary>Converts an amount a person typed, refusing what no business would mean (negative, over a billion, sub-cent).</summary>
    public static long ParseMajor(decimal major, string what)
    {
        if (major < 0)
        {
            throw new DomainException($"{what} cannot be negative.");
        }
        if (major > MaxMinor / 100m)
        {
            throw new DomainException($"{what} cannot exceed {Format(MaxMinor, "USD")}.");
        }
        if (decimal.Round(major, 2) != major)
        {
            throw new DomainException($"{what} cannot have more than two decimal places.");
        }
        return (long)(major * 100m);
    }

    /// <summary>Digits after the decimal point of the currency in ISO 4217: two unless listed (¥1,200 is 1200 minor units).</summary>
    public static int MinorDigits(string? currency) => currency?.ToUpperInvariant() switch
    {
        "BIF" or "CLP" or "DJF" or "GNF" or "ISK" or "JPY" or "KMF" or "KRW" or "PYG" or "RWF" or "UGX" or "UYI" or "VND" or "VUV" or "XAF" or "XOF" or "XPF" => 0,
        "BHD" or "IQD" or "JOD" or "KWD" or "LYD" or "OMR" or "TND" => 3,
        "CLF" or "UYW" => 4,
        _ => 2,
    };

    /// <summary>Minor units in one whole unit of the currency: 100 for dollars, 1 for yen, 1000 for dinars.</summary>
    public static long MinorPerUnit(string? currency) => MinorDigits(currency) switch
    {
        0 => 1,
        3 => 1_000,
        4 => 10_000,
        _ => 100,
    };

    public static Money Zero(string currency) => new(0, currency);

    public static Money FromMajor(decimal major, string currency) =>
        new((long)Math.Round(major * 100m, MidpointRounding.AwayFromZero), currency);

    public decimal Major => Minor / 100m;

    public static Money operator +(Money a, Money b)
    {
        EnsureSameCurrency(a, b);
        return a with { Minor = a.Minor + b.Minor };
    }

    public static Money operator -(Money a, Money b)
    {
        EnsureSameCurrency(a, b);
        return a with { Minor = a.Minor - b.Minor };
    }

    public override string ToString() => Format(Minor, Currency);

    public static string Format(long minor, string currency)
    {
        var symbol = currency switch
        {
            "USD" or "CAD" or "AUD" or "NZD" => "$",
            "GBP" => "£",
            "EUR" => "€",
            _ => currency + " ",
        };
        var sign = minor < 0 ? "-" : "";
        var digits = MinorDigits(currency);
        return sign + symbol + (Math.Abs(minor) / (decimal)MinorPerUnit(currency)).ToString("N" + digits, CultureInfo.InvariantCulture);
    }

    private static void EnsureSameCurrency(Money a, Money b)
    {
        if (!string.Equals(a.Currency, b.Currency, StringComparison.Ordinal))
        {
            throw new DomainException($"Cannot combine {a.Currency} and {b.Currency} amounts.");
        }
    }
}
