using System.Text;
using LoyaltyConsole.Sync.Csv;

namespace LoyaltyConsole.Tests.Sync.Csv;

public sealed class CsvTokenizerTests
{
    [Fact]
    public void Quoted_fields_keep_delimiters_quotes_and_line_breaks_and_line_numbers_count_the_breaks()
    {
        var rows = Rows("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",z\n3, q ,\"r\"\n");

        Assert.Equal([1L, 2, 3, 5], rows.Select(r => r.Line));
        Assert.Equal(["1", "x, y", "say \"hi\""], rows[1].Cells);
        Assert.Equal(["2", "two\nlines", "z"], rows[2].Cells);
        Assert.Equal(["3", "q", "r"], rows[3].Cells);
    }

    [Fact]
    public void Every_kind_of_line_end_works_blank_and_empty_rows_are_passed_over_and_the_last_row_needs_no_line_end()
    {
        using var tokenizer = Tokenizer("a,b\r\n1,2\r\n\r\n , \r\n,,\r3,4\n5,6");
        var rows = Read(tokenizer);

        Assert.Equal([(1L, "a|b"), (2, "1|2"), (6, "3|4"), (7, "5|6")], rows.Select(r => (r.Line, string.Join('|', r.Cells))));
        Assert.Equal(3, tokenizer.BlankRows);
        Assert.Equal(4, tokenizer.RowsRead);
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("utf-16")]
    public void A_byte_order_mark_is_not_part_of_the_first_header(string encoding)
    {
        var text = Encoding.GetEncoding(encoding);
        var bytes = text.GetPreamble().Concat(text.GetBytes("Client ID,Name\r\n1,Ann\r\n")).ToArray();

        var rows = Read(new CsvTokenizer(new MemoryStream(bytes)));

        Assert.Equal("Client ID", rows[0].Cells[0]);
        Assert.Equal(["1", "Ann"], rows[1].Cells);
    }

    [Fact]
    public void A_file_read_a_byte_at_a_time_gives_the_same_rows_as_one_read_whole()
    {
        var text = "\uFEFFid,note\r\n1,\"a \"\"quoted\"\", note\r\nover two lines\"\r\n\r\n2,plain\r\n3,\"last\"";
        var bytes = Encoding.UTF8.GetBytes(text);

        var whole = Read(new CsvTokenizer(new MemoryStream(bytes)));
        var trickled = Read(new CsvTokenizer(new TrickleStream(bytes)));

        Assert.Equal(whole.Select(r => (r.Line, string.Join('|', r.Cells))), trickled.Select(r => (r.Line, string.Join('|', r.Cells))));
        Assert.Equal(["id", "note"], trickled[0].Cells);
        Assert.Equal("a \"quoted\", note\r\nover two lines", trickled[1].Cells[1]);
        Assert.Equal([1L, 2, 5, 6], trickled.Select(r => r.Line));
    }

    [Fact]
    public void A_row_longer_than_a_block_and_a_file_of_many_blocks_are_read_whole()
    {
        var builder = new StringBuilder("id,text\n");
        builder.Append("0,\"").Append('x', 300_000).Append("\"\n");
        for (var i = 1; i <= 20_000; i++)
        {
            builder.Append(i).Append(",row ").Append(i).Append('\n');
        }

        var rows = Rows(builder.ToString());

        Assert.Equal(20_002, rows.Count);
        Assert.Equal(300_000, rows[1].Cells[1].Length);
        Assert.Equal(["20000", "row 20000"], rows[^1].Cells);
        Assert.Equal(20_002, rows[^1].Line);
    }

    [Fact]
    public void Whitespace_aligned_columns_split_on_runs_of_spaces_and_tabs()
    {
        var rows = Rows(" customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n 00002\t19970112  5   77.00\r\n", CsvTokenizer.Whitespace);

        Assert.Equal(["customer_id", "date", "number_of_cds", "dollar_value"], rows[0].Cells);
        Assert.Equal(["00001", "19970101", "1", "11.77"], rows[1].Cells);
        Assert.Equal(["00002", "19970112", "5", "77.00"], rows[2].Cells);
    }

    [Theory]
    [InlineData("a,b,c\n1,2,3\n", ',')]
    [InlineData("a;b;c\n1,5;2,5;3\n", ';')]
    [InlineData("a\tb\tc\n1\t2\t3\n", '\t')]
    [InlineData("a|b|c\n1|2|3\n", '|')]
    [InlineData("name,\"note; with; semicolons\"\nAnn,\"x; y; z\"\n", ',')]
    [InlineData(" customer_id  date number_of_cds  dollar_value\n 00001 19970101  1   11.77\n", CsvTokenizer.Whitespace)]
    [InlineData("00001 00001 19970101 1 11.77\n", CsvTokenizer.Whitespace)]
    [InlineData("email\nann@example.com\n", ',')]
    public void The_delimiter_is_the_one_the_header_has_and_the_rows_agree_with(string text, char expected) =>
        Assert.Equal(expected, CsvFileOpener.DetectDelimiter(text));

    [Theory]
    [InlineData(new[] { "customer_id", "date", "amount" }, true)]
    [InlineData(new[] { "Client ID", "Added", "Qty" }, true)]
    [InlineData(new[] { "00001", "00001", "19970101", "1", "11.77" }, false)]
    [InlineData(new[] { "a", "2026-01-05", "10.5" }, false)]
    public void A_first_row_with_a_number_or_a_date_in_it_is_data(string[] cells, bool isHeader) =>
        Assert.Equal(isHeader, CsvFileOpener.LooksLikeHeader(cells));

    private static List<(long Line, string[] Cells)> Rows(string text, char delimiter = ',') => Read(Tokenizer(text, delimiter));

    private static CsvTokenizer Tokenizer(string text, char delimiter = ',') =>
        new(new MemoryStream(Encoding.UTF8.GetBytes(text))) { Delimiter = delimiter };

    private static List<(long Line, string[] Cells)> Read(CsvTokenizer tokenizer)
    {
        var rows = new List<(long, string[])>();
        do
        {
            while (tokenizer.TryReadRow())
            {
                rows.Add((tokenizer.Row.Line, tokenizer.Row.ToArray()));
            }
        }
        while (tokenizer.Fill());
        return rows;
    }

    /// <summary>A stream that hands out one byte per read, as a slow upload might: every boundary falls somewhere.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 1)]);
    }
}
