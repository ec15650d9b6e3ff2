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
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{symbol}{Math.Abs(minor) / 100m:N2}");
    }

    private static void EnsureSameCurrency(Money a, Money b)
    {
        if (!string.Equals(a.Currency, b.Currency, StringComparison.Ordinal))
        {
            throw new DomainException($"Cannot combine {a.Currency} and {b.Currency} amounts.");
        }
    }
}
