using System.Globalization;
using System.Text.Json.Serialization;

namespace LoyaltyConsole.Sync.Csv;

/// <summary>The character that separates whole units from the fraction in the file's amounts.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CsvDecimalMark>))]
public enum CsvDecimalMark
{
    /// <summary>1,234.56</summary>
    Point,

    /// <summary>1.234,56 or 1 234,56</summary>
    Comma,
}

/// <summary>An amount as written: <see cref="Units"/> / 10^<see cref="Scale"/>, with its sign and any currency it named.</summary>
internal readonly record struct CsvAmount(long Units, int Scale, bool Negative, string? Currency)
{
    private static readonly double[] PowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18];

    public bool IsZero => Units == 0;

    /// <summary>
    /// The value as a double, as <c>double.Parse</c> would give it: both operands are exact, so the division is the
    /// correctly rounded value of the decimal written.
    /// </summary>
    public double ToDouble()
    {
        var magnitude = Units / PowersOfTen[Scale];
        return Negative ? -magnitude : magnitude;
    }

    /// <summary>The magnitude in minor units of a currency with <paramref name="decimals"/> digits, rounded half away from zero.</summary>
    public bool TryToMinor(int decimals, out long minor)
    {
        minor = 0;
        if (Scale <= decimals)
        {
            var factor = (long)Math.Pow(10, decimals - Scale);
            if (Units > Domain.Common.Money.MaxMinor / factor)
            {
                return false;
            }
            minor = Units * factor;
            return true;
        }
        var divisor = (long)Math.Pow(10, Scale - decimals);
        minor = (Units / divisor) + (Units % divisor * 2 >= divisor ? 1 : 0);
        return minor <= Domain.Common.Money.MaxMinor;
    }
}

/// <summary>
/// Reads amounts as exports write them: <c>12.50</c>, <c>$1,234.50</c>, <c>1.234,50 €</c>, <c>EUR 12,50</c>,
/// <c>-$5.00</c>, <c>($5.00)</c>, <c>5.00-</c>, <c>1 234,50</c>. Thousands separators must group three digits, so a
/// decimal comma read as a thousands separator (1,5) is refused instead of becoming 15.
/// </summary>
internal static class CsvAmounts
{
    private const int MaxDigits = 18;

    private static readonly Dictionary<string, string> Symbols = new(StringComparer.Ordinal)
    {
        ["€"] = "EUR",
        ["£"] = "GBP",
        ["₹"] = "INR",
        ["₩"] = "KRW",
        ["₪"] = "ILS",
        ["₺"] = "TRY",
        ["₱"] = "PHP",
        ["US$"] = "USD",
        ["A$"] = "AUD",
        ["AU$"] = "AUD",
        ["C$"] = "CAD",
        ["CA$"] = "CAD",
        ["NZ$"] = "NZD",
        ["R$"] = "BRL",
    };

    // ISO 4217 currencies without minor units; the rest of the common ones have two.
    private static readonly HashSet<string> NoMinorUnits = new(StringComparer.Ordinal) { "JPY", "KRW", "CLP", "ISK", "VND", "XOF", "XAF", "UGX", "PYG", "HUF" };

    public static int MinorDigits(string? currency) => currency is not null && NoMinorUnits.Contains(currency) ? 0 : 2;

    public static bool TryParse(ReadOnlySpan<char> text, CsvDecimalMark mark, out CsvAmount amount)
    {
        amount = default;
        var s = Trim(text);
        if (s.IsEmpty)
        {
            return false;
        }
        var negative = false;
        if (s[0] == '(' && s[^1] == ')')
        {
            negative = true;
            s = Trim(s[1..^1]);
        }
        string? currency = null;
        // Signs and currency around the number, in any order: -$5.00, $-5.00, 5.00 USD, EUR 5,00, 5.00-.
        while (!s.IsEmpty && !char.IsAsciiDigit(s[0]) && s[0] is not '.' and not ',')
        {
            if (!TakeAffix(ref s, fromStart: true, ref negative, ref currency))
            {
                return false;
            }
        }
        while (!s.IsEmpty && !char.IsAsciiDigit(s[^1]) && s[^1] is not '.' and not ',')
        {
            if (!TakeAffix(ref s, fromStart: false, ref negative, ref currency))
            {
                return false;
            }
        }
        if (!TryParseNumber(s, mark, out var units, out var scale))
        {
            return false;
        }
        amount = new CsvAmount(units, scale, negative && units != 0, currency);
        return true;
    }

    private static bool TakeAffix(ref ReadOnlySpan<char> s, bool fromStart, ref bool negative, ref string? currency)
    {
        var c = fromStart ? s[0] : s[^1];
        if (c is '-' or '\u2212')
        {
            negative = true;
            s = Trim(fromStart ? s[1..] : s[..^1]);
            return true;
        }
        if (c == '+')
        {
            s = Trim(fromStart ? s[1..] : s[..^1]);
            return true;
        }
        // A run of letters and currency symbols: $, €, USD, US$, kr.
        var length = 0;
        while (length < s.Length && IsCurrencyChar(fromStart ? s[length] : s[^(length + 1)]))
        {
            length++;
        }
        if (length == 0 || length > 4)
        {
            return false;
        }
        var affix = (fromStart ? s[..length] : s[^length..]).ToString();
        if (Symbols.TryGetValue(affix, out var code))
        {
            currency ??= code;
        }
        else if (affix.Length == 3 && affix.All(char.IsAsciiLetter))
        {
            currency ??= affix.ToUpperInvariant();
        }
        else if (!affix.Any(ch => CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.CurrencySymbol) && affix is not ("kr" or "Kr" or "zł" or "Ft" or "Kč" or "lei"))
        {
            // Letters that name no currency: not an amount.
            return false;
        }
        s = Trim(fromStart ? s[length..] : s[..^length]);
        return true;
    }

    private static bool IsCurrencyChar(char c) =>
        char.IsLetter(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.CurrencySymbol;

    private static bool TryParseNumber(ReadOnlySpan<char> s, CsvDecimalMark mark, out long units, out int scale)
    {
        units = 0;
        scale = 0;
        var decimalChar = mark == CsvDecimalMark.Point ? '.' : ',';
        var groupChar = mark == CsvDecimalMark.Point ? ',' : '.';
        var digits = 0;
        var significant = 0;
        var inFraction = false;
        // Digits since the last thousands separator; -1 before the first one.
        var sinceGroup = -1;
        foreach (var c in s)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
                if (sinceGroup >= 0)
                {
                    sinceGroup++;
                }
                if (units == 0 && c == '0')
                {
                    if (inFraction)
                    {
                        scale++;
                    }
                    continue;
                }
                if (++significant > MaxDigits)
                {
                    return false;
                }
                units = (units * 10) + (c - '0');
                if (inFraction)
                {
                    scale++;
                }
            }
            else if (c == decimalChar && !inFraction)
            {
                if (sinceGroup is >= 0 and not 3)
                {
                    return false;
                }
                inFraction = true;
                sinceGroup = -1;
            }
            else if (!inFraction && (c == groupChar || c is ' ' or '\u00A0' or '\u202F' or '\''))
            {
                if (digits == 0 || sinceGroup is >= 0 and not 3)
                {
                    return false;
                }
                sinceGroup = 0;
            }
            else
            {
                return false;
            }
        }
        if (sinceGroup is >= 0 and not 3)
        {
            return false;
        }
        return digits > 0 && scale <= MaxDigits;
    }

    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> s) => s.Trim([' ', '\u00A0', '\u202F', '\t']);
}

/// <summary>
/// Decides the file's decimal mark from its amounts: a value with both marks, a comma or point followed by other than
/// three digits, or repeated marks settle it; 1,234 and 1.234 alone do not. Undecided files take the point, or the
/// comma when the delimiter is a semicolon (what spreadsheets write where the comma is the decimal mark).
/// </summary>
internal sealed class DecimalMarkDetector
{
    private int _point;
    private int _comma;

    public void Observe(ReadOnlySpan<char> value)
    {
        var lastPoint = value.LastIndexOf('.');
        var lastComma = value.LastIndexOf(',');
        if (lastPoint < 0 && lastComma < 0)
        {
            return;
        }
        if (lastPoint >= 0 && lastComma >= 0)
        {
            if (lastPoint > lastComma)
            {
                _point++;
            }
            else
            {
                _comma++;
            }
            return;
        }
        var (mark, index) = lastPoint >= 0 ? ('.', lastPoint) : (',', lastComma);
        var repeated = value.IndexOf(mark) != index;
        var fraction = 0;
        for (var i = index + 1; i < value.Length && char.IsAsciiDigit(value[i]); i++)
        {
            fraction++;
        }
        if (repeated)
        {
            // 1,234,567: the repeated mark groups thousands, so the other one is the decimal mark.
            Count(mark == '.' ? CsvDecimalMark.Comma : CsvDecimalMark.Point);
        }
        else if (fraction != 3)
        {
            Count(mark == '.' ? CsvDecimalMark.Point : CsvDecimalMark.Comma);
        }
    }

    public (CsvDecimalMark Mark, string? Note) Decide(CsvDecimalMark? configured, char delimiter)
    {
        if (configured is { } given)
        {
            return (given, "as the mapping says");
        }
        if (_point == 0 && _comma == 0)
        {
            return delimiter == ';' ? (CsvDecimalMark.Comma, "assumed from the semicolon delimiter") : (CsvDecimalMark.Point, null);
        }
        return _comma > _point ? (CsvDecimalMark.Comma, null) : (CsvDecimalMark.Point, null);
    }

    private void Count(CsvDecimalMark mark)
    {
        if (mark == CsvDecimalMark.Point)
        {
            _point++;
        }
        else
        {
            _comma++;
        }
    }
}
