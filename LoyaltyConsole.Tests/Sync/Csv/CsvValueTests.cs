using LoyaltyConsole.Sync.Csv;

namespace LoyaltyConsole.Tests.Sync.Csv;

public sealed class CsvValueTests
{
    [Theory]
    [InlineData("2024-03-05", CsvDateOrder.DayFirst, "2024-03-05T00:00:00", DateTimeKind.Unspecified)]
    [InlineData("20240305", CsvDateOrder.MonthFirst, "2024-03-05T00:00:00", DateTimeKind.Unspecified)]
    [InlineData("05/03/2024", CsvDateOrder.DayFirst, "2024-03-05T00:00:00", DateTimeKind.Unspecified)]
    [InlineData("03/05/2024", CsvDateOrder.MonthFirst, "2024-03-05T00:00:00", DateTimeKind.Unspecified)]
    [InlineData("5.3.2024", CsvDateOrder.DayFirst, "2024-03-05T00:00:00", DateTimeKind.Unspecified)]
    [InlineData("2024/03/05 14:02", CsvDateOrder.DayFirst, "2024-03-05T14:02:00", DateTimeKind.Unspecified)]
    [InlineData("03/05/2024 2:02 PM", CsvDateOrder.MonthFirst, "2024-03-05T14:02:00", DateTimeKind.Unspecified)]
    [InlineData("2024-03-05 14:02:11 -0500", CsvDateOrder.DayFirst, "2024-03-05T19:02:11", DateTimeKind.Utc)]
    [InlineData("2024-03-05T14:02:11+01:00", CsvDateOrder.DayFirst, "2024-03-05T13:02:11", DateTimeKind.Utc)]
    [InlineData("2024-03-05T14:02:11.250Z", CsvDateOrder.DayFirst, "2024-03-05T14:02:11.25", DateTimeKind.Utc)]
    [InlineData("Mar 5, 2024", CsvDateOrder.DayFirst, "2024-03-05T00:00:00", DateTimeKind.Unspecified)]
    [InlineData("5 March 2024", CsvDateOrder.MonthFirst, "2024-03-05T00:00:00", DateTimeKind.Unspecified)]
    [InlineData("05-Mar-2024", CsvDateOrder.MonthFirst, "2024-03-05T00:00:00", DateTimeKind.Unspecified)]
    public void Dates_in_the_common_layouts_are_read(string text, CsvDateOrder order, string expected, DateTimeKind kind)
    {
        Assert.True(CsvDates.TryRead(text, out var reading), text);
        Assert.True(CsvDates.TryResolve(reading, order, out var value), text);

        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
        Assert.Equal(kind, value.Kind);
    }

    [Theory]
    [InlineData("2024-13-01")]
    [InlineData("31/02/2024")]
    [InlineData("03/05/24")]
    [InlineData("yesterday")]
    [InlineData("2024-03-05 25:00")]
    [InlineData("12")]
    public void What_is_no_date_is_not_read_as_one(string text) =>
        Assert.False(CsvDates.TryRead(text, out var reading) && CsvDates.TryResolve(reading, CsvDateOrder.DayFirst, out _));

    [Fact]
    public void The_first_value_that_reads_one_way_only_settles_a_columns_day_and_month_order()
    {
        var dayFirst = Detect("03/04/2024", "04/05/2024", "23/04/2024");
        var monthFirst = Detect("03/04/2024", "03/15/2024 09:30");
        var ambiguous = Detect("03/04/2024", "04/05/2024");

        Assert.Equal((CsvDateOrder.DayFirst, "dd/MM/yyyy", null), (dayFirst.Order, dayFirst.Layout, dayFirst.Note));
        Assert.Equal((CsvDateOrder.MonthFirst, "MM/dd/yyyy"), (monthFirst.Order, monthFirst.Layout));
        Assert.Equal(CsvDateOrder.MonthFirst, ambiguous.Order);
        Assert.Contains("assumed", ambiguous.Note, StringComparison.Ordinal);
        Assert.Equal("d.M.yyyy", Detect("5.3.2024", "15.3.2024").Layout);
        Assert.Equal("yyyy-MM-dd HH:mm:ss zzz", Detect("2024-03-05 14:02:11 -0500").Layout);

        static CsvDateLayout Detect(params string[] values)
        {
            var detector = new DateLayoutDetector("Date");
            foreach (var value in values)
            {
                detector.Observe(value);
            }
            return detector.Decide(configured: null, fallback: CsvDateOrder.MonthFirst);
        }
    }

    [Theory]
    [InlineData("12", CsvDecimalMark.Point, "12", null)]
    [InlineData("$1,234.50", CsvDecimalMark.Point, "1234.50", null)]
    [InlineData("1.234,50 €", CsvDecimalMark.Comma, "1234.50", "EUR")]
    [InlineData("EUR 12,50", CsvDecimalMark.Comma, "12.50", "EUR")]
    [InlineData("1 234,50", CsvDecimalMark.Comma, "1234.50", null)]
    [InlineData("£7.5", CsvDecimalMark.Point, "7.5", "GBP")]
    [InlineData("-$5.00", CsvDecimalMark.Point, "-5", null)]
    [InlineData("$-5.00", CsvDecimalMark.Point, "-5", null)]
    [InlineData("($18.00)", CsvDecimalMark.Point, "-18", null)]
    [InlineData("5.00-", CsvDecimalMark.Point, "-5", null)]
    [InlineData("−3.20 USD", CsvDecimalMark.Point, "-3.2", "USD")]
    [InlineData("0.05", CsvDecimalMark.Point, "0.05", null)]
    public void Amounts_with_currency_thousands_separators_and_either_decimal_mark_are_read(string text, CsvDecimalMark mark, string expected, string? currency)
    {
        Assert.True(CsvAmounts.TryParse(text, mark, out var amount), text);

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), (decimal)amount.ToDouble());
        Assert.Equal(currency, amount.Currency);
    }

    [Theory]
    [InlineData("1,5", CsvDecimalMark.Point)]
    [InlineData("1.5", CsvDecimalMark.Comma)]
    [InlineData("1.2.3", CsvDecimalMark.Point)]
    [InlineData("abc", CsvDecimalMark.Point)]
    [InlineData("$", CsvDecimalMark.Point)]
    [InlineData("12 apples", CsvDecimalMark.Point)]
    public void A_decimal_comma_is_never_read_as_a_thousands_separator_and_text_is_no_amount(string text, CsvDecimalMark mark) =>
        Assert.False(CsvAmounts.TryParse(text, mark, out _), text);

    [Fact]
    public void Amounts_become_minor_units_of_their_currency_rounded_half_away_from_zero()
    {
        Assert.True(CsvAmounts.TryParse("12.345", CsvDecimalMark.Point, out var amount));
        Assert.True(amount.TryToMinor(2, out var cents));
        Assert.True(CsvAmounts.TryParse("1,500", CsvDecimalMark.Point, out var yen));
        Assert.True(yen.TryToMinor(CsvAmounts.MinorDigits("JPY"), out var wholeYen));

        Assert.Equal(1235, cents);
        Assert.Equal(1500, wholeYen);
        Assert.Equal(11.77, CsvAmounts.TryParse("11.77", CsvDecimalMark.Point, out var exact) ? exact.ToDouble() : 0.0);
    }

    [Theory]
    [InlineData(',', CsvDecimalMark.Point, null, "12.50", "1,234.50")]
    [InlineData(',', CsvDecimalMark.Comma, null, "12,50", "1.234,50")]
    [InlineData(',', CsvDecimalMark.Point, null, "1,234", "1,234,567")]
    [InlineData(';', CsvDecimalMark.Comma, "assumed from the semicolon delimiter", "1.234", "12")]
    [InlineData(',', CsvDecimalMark.Point, null, "1,234", "12")]
    public void The_decimal_mark_is_settled_by_the_amounts_that_show_it(char delimiter, CsvDecimalMark expected, string? note, params string[] values)
    {
        var detector = new DecimalMarkDetector();
        foreach (var value in values)
        {
            detector.Observe(value);
        }

        Assert.Equal((expected, note), detector.Decide(configured: null, delimiter));
    }
}
