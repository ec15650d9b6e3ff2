using System.Globalization;
using System.Text.Json.Serialization;

namespace LoyaltyConsole.Sync.Csv;

/// <summary>How to read a date whose day and month are both numbers with the year last (03/05/2024).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CsvDateOrder>))]
public enum CsvDateOrder
{
    DayFirst,
    MonthFirst,
}

/// <summary>
/// Reads the dates exports write: <c>yyyy-MM-dd</c> (also with <c>/</c> or <c>.</c>), <c>yyyyMMdd</c>,
/// <c>dd/MM/yyyy</c>, <c>MM/dd/yyyy</c>, <c>d.M.yyyy</c>, <c>5 Mar 2024</c>, <c>Mar 5, 2024</c>, each with an optional
/// time (<c>14:02</c>, <c>14:02:11</c>, <c>2:02 PM</c>, ISO's <c>T</c>) and offset (<c>Z</c>, <c>-0500</c>,
/// <c>+01:00</c>). A date with an offset is returned in UTC (<see cref="DateTimeKind.Utc"/>); one without is the
/// wall-clock time the file gives (<see cref="DateTimeKind.Unspecified"/>). Only the order of day and month in
/// all-number dates with the year last is not in the value itself: it is the file's, detected once per column.
/// </summary>
internal static class CsvDates
{
    private static readonly string[] MonthNames = CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames;

    /// <summary>The value's parts before day and month are told apart.</summary>
    internal struct Reading
    {
        public int First;
        public int Second;
        public int Third;
        public int FirstDigits;
        public int SecondDigits;
        public char Separator;
        // 0 none, 1 the first part is a month name, 2 the second is.
        public int MonthNameAt;
        public bool Compact;
        public long TimeTicks;
        public string? TimeLayout;
        public int? OffsetMinutes;
        public bool Utc;

        /// <summary>Year first (ISO, compact) or a month name: the value says which part is which.</summary>
        public readonly bool SelfDescribing => Compact || FirstDigits == 4 || MonthNameAt != 0;

        public readonly bool FitsDayFirst => !SelfDescribing && IsDate(Third, Second, First);

        public readonly bool FitsMonthFirst => !SelfDescribing && IsDate(Third, First, Second);
    }

    public static bool TryRead(ReadOnlySpan<char> text, out Reading reading)
    {
        reading = default;
        var s = text.Trim();
        if (s.IsEmpty)
        {
            return false;
        }
        var pos = 0;
        if (s.Length >= 8 && IsDigits(s[..8]) && (s.Length == 8 || !char.IsAsciiDigit(s[8])))
        {
            reading.Compact = true;
            reading.First = Number(s[..4]);
            reading.Second = Number(s[4..6]);
            reading.Third = Number(s[6..8]);
            reading.FirstDigits = 4;
            reading.SecondDigits = 2;
            pos = 8;
            if (!IsDate(reading.First, reading.Second, reading.Third))
            {
                return false;
            }
            return ReadTime(s[pos..], ref reading);
        }

        if (!ReadPart(s, ref pos, out reading.First, out reading.FirstDigits, out var firstIsName)
            || !ReadSeparator(s, ref pos, out reading.Separator)
            || !ReadPart(s, ref pos, out reading.Second, out reading.SecondDigits, out var secondIsName))
        {
            return false;
        }
        // "Mar 5, 2024" and "5 Mar, 2024": a comma may follow the second part.
        if (!ReadSeparator(s, ref pos, out _) || !ReadPart(s, ref pos, out reading.Third, out var thirdDigits, out var thirdIsName)
            || thirdIsName || (firstIsName && secondIsName))
        {
            return false;
        }
        reading.MonthNameAt = firstIsName ? 1 : secondIsName ? 2 : 0;
        if (reading.FirstDigits == 4)
        {
            if (reading.MonthNameAt == 1 || !IsDate(reading.First, reading.Second, reading.Third))
            {
                return false;
            }
        }
        else if (thirdDigits != 4)
        {
            // Two-digit years are not read: 03/05/24 could be any of three dates.
            return false;
        }
        else if (reading.MonthNameAt == 1 ? !IsDate(reading.Third, reading.First, reading.Second)
                 : reading.MonthNameAt == 2 ? !IsDate(reading.Third, reading.Second, reading.First)
                 : !reading.FitsDayFirst && !reading.FitsMonthFirst)
        {
            return false;
        }
        return ReadTime(s[pos..], ref reading);
    }

    /// <summary>The date and time the reading stands for, reading an all-number day/month pair in <paramref name="order"/>.</summary>
    public static bool TryResolve(in Reading r, CsvDateOrder order, out DateTime value)
    {
        value = default;
        int year, month, day;
        if (r.Compact || r.FirstDigits == 4)
        {
            (year, month, day) = (r.First, r.Second, r.Third);
        }
        else if (r.MonthNameAt == 1)
        {
            (year, month, day) = (r.Third, r.First, r.Second);
        }
        else if (r.MonthNameAt == 2 || order == CsvDateOrder.DayFirst)
        {
            (year, month, day) = (r.Third, r.Second, r.First);
        }
        else
        {
            (year, month, day) = (r.Third, r.First, r.Second);
        }
        if (!IsDate(year, month, day))
        {
            return false;
        }
        var local = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified).AddTicks(r.TimeTicks);
        if (r.OffsetMinutes is { } offset)
        {
            value = DateTime.SpecifyKind(local.AddMinutes(-offset), DateTimeKind.Utc);
        }
        else
        {
            value = r.Utc ? DateTime.SpecifyKind(local, DateTimeKind.Utc) : local;
        }
        return true;
    }

    /// <summary>The layout of a value as .NET writes it, e.g. <c>dd/MM/yyyy HH:mm</c>, for the summary.</summary>
    public static string Describe(in Reading r, CsvDateOrder order)
    {
        string date;
        if (r.Compact)
        {
            date = "yyyyMMdd";
        }
        else
        {
            var sep = r.Separator == ' ' ? " " : r.Separator.ToString();
            var d = r.MonthNameAt == 0 && (r.FirstDigits == 1 || r.SecondDigits == 1) ? "d" : "dd";
            var m = d == "d" ? "M" : "MM";
            date = r.FirstDigits == 4 ? $"yyyy{sep}MM{sep}dd"
                : r.MonthNameAt == 1 ? "MMM d, yyyy"
                : r.MonthNameAt == 2 ? $"d{sep}MMM{sep}yyyy"
                : order == CsvDateOrder.DayFirst ? $"{d}{sep}{m}{sep}yyyy"
                : $"{m}{sep}{d}{sep}yyyy";
        }
        var time = r.TimeLayout is null ? "" : (r.Compact ? "" : " ") + r.TimeLayout;
        var zone = r.OffsetMinutes is not null ? " zzz" : r.Utc ? "Z" : "";
        return date + time + zone;
    }

    /// <summary>A time of day alone, as exports with separate date and time columns write it (<c>14:02:11</c>, <c>2:02 PM</c>).</summary>
    public static bool TryReadTime(ReadOnlySpan<char> text, out TimeSpan time)
    {
        var reading = default(Reading);
        var ok = ReadTime(text.Trim(), ref reading, requireSeparator: false);
        time = TimeSpan.FromTicks(reading.TimeTicks);
        return ok && reading.TimeLayout is not null;
    }

    private static bool ReadPart(ReadOnlySpan<char> s, ref int pos, out int value, out int digits, out bool isName)
    {
        value = 0;
        digits = 0;
        isName = false;
        var start = pos;
        while (pos < s.Length && char.IsAsciiDigit(s[pos]))
        {
            pos++;
        }
        if (pos > start)
        {
            digits = pos - start;
            if (digits > 4)
            {
                return false;
            }
            value = Number(s[start..pos]);
            return true;
        }
        while (pos < s.Length && char.IsAsciiLetter(s[pos]))
        {
            pos++;
        }
        if (pos - start < 3)
        {
            return false;
        }
        var name = s[start..pos];
        for (var m = 0; m < 12; m++)
        {
            var abbreviation = MonthNames[m];
            // "Mar", "March"; "Sept" too.
            if (name.StartsWith(abbreviation, StringComparison.OrdinalIgnoreCase)
                && (name.Length == 3 || CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[m].AsSpan().StartsWith(name, StringComparison.OrdinalIgnoreCase)))
            {
                value = m + 1;
                isName = true;
                if (pos < s.Length && s[pos] == '.')
                {
                    pos++;
                }
                return true;
            }
        }
        return false;
    }

    private static bool ReadSeparator(ReadOnlySpan<char> s, ref int pos, out char separator)
    {
        separator = '\0';
        if (pos >= s.Length)
        {
            return false;
        }
        var c = s[pos];
        if (c is '-' or '/' or '.')
        {
            separator = c;
            pos++;
            return true;
        }
        if (c is ',' or ' ')
        {
            separator = ' ';
            while (pos < s.Length && s[pos] is ',' or ' ')
            {
                pos++;
            }
            return true;
        }
        return false;
    }

    private static bool ReadTime(ReadOnlySpan<char> s, ref Reading r, bool requireSeparator = true)
    {
        if (s.IsEmpty)
        {
            return true;
        }
        var pos = 0;
        if (requireSeparator)
        {
            if (s[0] is not ('T' or ' '))
            {
                return false;
            }
            pos = 1;
            while (pos < s.Length && s[pos] == ' ')
            {
                pos++;
            }
        }
        if (!TwoDigits(s, ref pos, out var hour, allowOne: true) || pos >= s.Length || s[pos] != ':')
        {
            return false;
        }
        pos++;
        if (!TwoDigits(s, ref pos, out var minute, allowOne: false) || minute > 59)
        {
            return false;
        }
        var layout = "HH:mm";
        var second = 0;
        long fraction = 0;
        if (pos < s.Length && s[pos] == ':')
        {
            pos++;
            if (!TwoDigits(s, ref pos, out second, allowOne: false) || second > 59)
            {
                return false;
            }
            layout = "HH:mm:ss";
            if (pos < s.Length && s[pos] is '.' or ',')
            {
                pos++;
                var digits = 0;
                while (pos < s.Length && char.IsAsciiDigit(s[pos]))
                {
                    if (digits < 7)
                    {
                        fraction = (fraction * 10) + (s[pos] - '0');
                        digits++;
                    }
                    pos++;
                }
                for (; digits < 7; digits++)
                {
                    fraction *= 10;
                }
            }
        }
        var rest = s[pos..].TrimStart(' ');
        if (rest.StartsWith("AM", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("PM", StringComparison.OrdinalIgnoreCase))
        {
            if (hour is < 1 or > 12)
            {
                return false;
            }
            var pm = char.ToUpperInvariant(rest[0]) == 'P';
            hour = (hour % 12) + (pm ? 12 : 0);
            layout = layout.Replace("HH", "h", StringComparison.Ordinal) + " tt";
            rest = rest[2..].TrimStart(' ');
        }
        if (hour > 23)
        {
            return false;
        }
        r.TimeTicks = new TimeSpan(hour, minute, second).Ticks + fraction;
        r.TimeLayout = layout;
        if (rest.IsEmpty)
        {
            return true;
        }
        if (rest is "Z" or "UTC" or "GMT")
        {
            r.Utc = true;
            return true;
        }
        if (rest.StartsWith("UTC", StringComparison.Ordinal) || rest.StartsWith("GMT", StringComparison.Ordinal))
        {
            rest = rest[3..];
        }
        // +0100, -05:00, +01
        if (rest.Length is 3 or 5 or 6 && rest[0] is '+' or '-')
        {
            var digits = rest[1..];
            var p = 0;
            if (!TwoDigits(digits, ref p, out var offsetHours, allowOne: false))
            {
                return false;
            }
            var offsetMinutes = 0;
            if (p < digits.Length)
            {
                if (digits[p] == ':')
                {
                    p++;
                }
                if (!TwoDigits(digits, ref p, out offsetMinutes, allowOne: false) || p != digits.Length)
                {
                    return false;
                }
            }
            if (offsetHours > 14 || offsetMinutes > 59)
            {
                return false;
            }
            r.OffsetMinutes = (rest[0] == '-' ? -1 : 1) * ((offsetHours * 60) + offsetMinutes);
            return true;
        }
        return false;
    }

    private static bool TwoDigits(ReadOnlySpan<char> s, ref int pos, out int value, bool allowOne)
    {
        value = 0;
        var start = pos;
        while (pos < s.Length && pos - start < 2 && char.IsAsciiDigit(s[pos]))
        {
            value = (value * 10) + (s[pos] - '0');
            pos++;
        }
        return pos - start == 2 || (allowOne && pos - start == 1);
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    private static int Number(ReadOnlySpan<char> digits)
    {
        var n = 0;
        foreach (var c in digits)
        {
            n = (n * 10) + (c - '0');
        }
        return n;
    }

    private static bool IsDate(int year, int month, int day) =>
        year is >= 1800 and <= 2200 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
}

/// <summary>
/// Decides a date column's day/month order from its values: the first that can only be read one way settles it. A
/// column whose values all read both ways (no day above 12) takes the fallback, and its layout says it was assumed.
/// </summary>
internal sealed class DateLayoutDetector(string column)
{
    private int _dayFirstOnly;
    private int _monthFirstOnly;
    private int _ambiguous;
    private CsvDates.Reading? _example;
    private CsvDates.Reading? _numericExample;

    public string Column { get; } = column;

    public void Observe(ReadOnlySpan<char> value)
    {
        if (!CsvDates.TryRead(value, out var reading))
        {
            return;
        }
        _example ??= reading;
        if (reading.SelfDescribing)
        {
            return;
        }
        _numericExample ??= reading;
        switch (reading.FitsDayFirst, reading.FitsMonthFirst)
        {
            case (true, false):
                _dayFirstOnly++;
                break;
            case (false, true):
                _monthFirstOnly++;
                break;
            default:
                _ambiguous++;
                break;
        }
    }

    /// <summary>Undecided: all-number dates were seen, and none could only be read one way.</summary>
    public bool Undecided => _dayFirstOnly == 0 && _monthFirstOnly == 0 && _ambiguous > 0;

    public CsvDateLayout Decide(CsvDateOrder? configured, CsvDateOrder fallback)
    {
        CsvDateOrder order;
        string? note = null;
        if (configured is { } given)
        {
            order = given;
            note = "as the mapping says";
        }
        else if (_dayFirstOnly > 0 || _monthFirstOnly > 0)
        {
            order = _dayFirstOnly >= _monthFirstOnly ? CsvDateOrder.DayFirst : CsvDateOrder.MonthFirst;
            if (_dayFirstOnly > 0 && _monthFirstOnly > 0)
            {
                note = $"{Math.Min(_dayFirstOnly, _monthFirstOnly):N0} sampled values read only the other way";
            }
        }
        else
        {
            order = fallback;
            if (_ambiguous > 0)
            {
                note = "assumed: no day above 12 in the rows sampled";
            }
        }
        var example = _numericExample ?? _example;
        var layout = example is { } e ? CsvDates.Describe(e, order) : "none seen";
        return new CsvDateLayout(Column, order, layout, note);
    }
}

/// <summary>How a date column is read: its day/month order and its layout as seen in the file.</summary>
/// <param name="Note">Why, when the file alone did not settle it (assumed, or as the mapping says).</param>
public sealed record CsvDateLayout(string Column, CsvDateOrder Order, string Layout, string? Note)
{
    public override string ToString() => Note is null ? $"{Layout} ({Column})" : $"{Layout} ({Column}; {Note})";
}
