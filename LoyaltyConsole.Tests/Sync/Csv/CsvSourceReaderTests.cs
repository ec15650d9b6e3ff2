using System.Globalization;
using System.Text;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Sync.Csv;
using LoyaltyConsole.Tests.Domain.Scoring;
using static LoyaltyConsole.Tests.Sync.Csv.CsvFixtures;

namespace LoyaltyConsole.Tests.Sync.Csv;

public sealed class CsvSourceReaderTests
{
    [Fact]
    public async Task A_Fresha_client_list_becomes_clients_and_its_bad_rows_are_reported_by_line()
    {
        var (reader, clients, visits, issues) = await ReadAllAsync(Path("fresha-clients.csv"));

        Assert.Empty(visits);
        Assert.Equal(["10234", "10235", "10236", "10237"], clients.Select(c => c.ExternalId));
        Assert.Equal([2L, 3, 5, 8], clients.Select(c => c.Line));
        var amelia = clients[0];
        Assert.Equal(("Amelia", "Hart", "amelia.hart@example.com", "447700900123"), (amelia.FirstName, amelia.LastName, amelia.Email, amelia.Phone));
        // 23/11/1979 settles the file's dates as day first: 03/04/1988 is the 3rd of April.
        Assert.Equal(new DateOnly(1988, 4, 3), amelia.Birthday);
        Assert.Equal(new DateTime(2023, 3, 12, 14, 5, 0), amelia.CreatedAt);
        Assert.Equal("02079460000", clients[1].Phone);
        Assert.Equal("447700900789", clients[3].Phone);
        Assert.Null(clients[2].Birthday);

        var skipped = Assert.Single(issues, i => i.Kind == SourceIssueKind.Skipped && i.Line == 7);
        Assert.Equal("no Client ID", skipped.Reason);
        var birthday = Assert.Single(issues, i => i.Line == 5);
        Assert.Equal("Date of Birth '31/02/1990' is not a date (dd/MM/yyyy): imported without Date of Birth", birthday.Reason);
        Assert.Equal((4, 1, 0, 1), (reader.Summary.Clients, reader.Summary.RowsSkipped, reader.Summary.RowsFailed, reader.Summary.ValuesLeftEmpty));
        Assert.Equal(1, reader.Summary.BlankRows);
        Assert.Contains("dd/MM/yyyy (Date of Birth)", reader.Summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Square_and_Shopify_customer_exports_carry_their_ids_and_marketing_consent()
    {
        var (_, square, _, squareIssues) = await ReadAllAsync(Path("square-customers.csv"));
        var (_, shopify, _, shopifyIssues) = await ReadAllAsync(Path("shopify-customers.csv"));

        Assert.Empty(squareIssues);
        Assert.Empty(shopifyIssues);
        Assert.Equal([("SQ-CUST-001", true), ("SQ-CUST-002", false)], square.Select(c => (c.ExternalId, c.EmailConsent!.Value)));
        Assert.Equal(new DateOnly(1990, 7, 14), square[0].Birthday);
        Assert.Equal("(312) 555-0199", square[1].Phone);
        // Shopify writes ids with an apostrophe so spreadsheets keep them as text.
        Assert.Equal(["7012345678901", "7012345678902"], shopify.Select(c => c.ExternalId));
        Assert.Equal([(true, false), (false, true)], shopify.Select(c => (c.EmailConsent!.Value, c.SmsConsent!.Value)));
        Assert.Equal("+15125550102", shopify[1].Phone);
    }

    [Fact]
    public async Task A_Shopify_order_over_several_rows_is_one_visit_and_its_refund_a_return_of_it()
    {
        var (reader, _, visits, issues) = await ReadAllAsync(Path("shopify-orders.csv"));

        Assert.Equal(["#1001", "#1002", "#1002:refund"], visits.Select(v => v.ExternalId));
        var first = visits[0];
        Assert.Equal(("jane.doe@example.com", "Jane.Doe@example.com", "USD"), (first.ClientExternalId, first.ClientEmail, first.Currency));
        Assert.Equal(new DateTime(2024, 3, 5, 19, 2, 10, DateTimeKind.Utc), first.OccurredAt);
        Assert.Equal(DateTimeKind.Utc, first.OccurredAt.Kind);
        Assert.Equal([("Shampoo, 250 ml", 2, 1500L), ("Conditioner", 1, 2000L)], first.Lines.Select(l => (l.Item, l.Quantity, l.UnitPriceMinor)));
        Assert.Equal(5000, first.TotalMinor);

        // The second row of #1002 leaves the customer empty; the order's $8 discount is spread over its lines.
        var second = visits[1];
        Assert.Equal("sam.lee@example.com", second.ClientExternalId);
        Assert.Equal(2, second.Lines.Count);
        Assert.Equal(7200, second.TotalMinor);
        var refund = visits[2];
        Assert.True(refund.IsReturn);
        Assert.Equal(("#1002", 2500L), (refund.ReturnOfExternalId, refund.TotalMinor));
        Assert.Equal(new DateTime(2024, 3, 12, 21, 0, 0, DateTimeKind.Utc), refund.OccurredAt);

        var guest = Assert.Single(issues);
        Assert.Equal((6L, SourceIssueKind.Skipped, "no Email"), (guest.Line, guest.Kind, guest.Reason));
        Assert.Equal((2, 1, 1), (reader.Summary.Visits, reader.Summary.Returns, reader.Summary.RowsSkipped));
    }

    [Fact]
    public async Task Square_item_rows_group_by_transaction_and_refund_rows_become_a_positive_return_of_the_sale()
    {
        var (reader, _, visits, issues) = await ReadAllAsync(Path("square-items.csv"));

        var sale = visits[0];
        Assert.Equal(("TX-9001", "SQ-CUST-001", "Wicker Park", false), (sale.ExternalId, sale.ClientExternalId, sale.SourceLocationId, sale.IsReturn));
        Assert.Equal(new DateTime(2024, 3, 15, 14, 2, 11), sale.OccurredAt);
        Assert.Equal([("Balayage", "Hair", 1, 125_000L, 5_000L), ("Hair oil", "Retail", 2, 1_800L, 0L)],
            sale.Lines.Select(l => (l.Item, l.Category!, l.Quantity, l.UnitPriceMinor, l.DiscountMinor)));
        Assert.Equal(123_600, sale.TotalMinor);

        var refund = visits[1];
        Assert.True(refund.IsReturn);
        Assert.Equal(("TX-9001:refund:20240316103000", "TX-9001", 1_800L), (refund.ExternalId, refund.ReturnOfExternalId, refund.TotalMinor));
        Assert.Equal(1, refund.Lines.Single().Quantity);

        Assert.Equal(2, visits.Count);
        Assert.Equal([(5L, SourceIssueKind.Skipped), (6, SourceIssueKind.Failed)], issues.Select(i => (i.Line, i.Kind)));
        Assert.Equal("Date '13/17/2024' is not a date (MM/dd/yyyy)", issues[1].Reason);
        Assert.StartsWith("13/17/2024,09:30:00", issues[1].Raw, StringComparison.Ordinal);
        Assert.Equal("MM/dd/yyyy (Date)", reader.Format.DateLayouts.Single().ToString());
    }

    [Fact]
    public async Task A_messy_spreadsheet_of_purchases_is_read_row_by_row_with_returns_and_issues()
    {
        var (reader, _, visits, issues) = await ReadAllAsync(Path("transactions-eu.csv"));

        Assert.Equal((";", CsvDecimalMark.Comma), (reader.Format.Delimiter, reader.Format.DecimalMark));
        Assert.Equal("dd.MM.yyyy (date)", reader.Format.DateLayouts.Single().ToString());
        Assert.Equal([2L, 3, 5, 6, 7, 10], visits.Select(v => v.Line));
        Assert.Equal(
            [("K-001", 4_500L, false), ("K-001", 123_450, false), ("K-002", 4_500, false), ("K-002", 4_500, false), ("K-001", 1_250, true), ("K-003", 8_990, false)],
            visits.Select(v => (v.ClientExternalId, v.TotalMinor, v.IsReturn)));
        Assert.Equal(("Shampoo; 250 ml", 2, 61_725L), (visits[1].Lines[0].Item, visits[1].Lines[0].Quantity, visits[1].Lines[0].UnitPriceMinor));
        Assert.All(visits, v => Assert.Equal("EUR", v.Currency));
        Assert.Equal(new DateTime(2024, 3, 12), visits[4].OccurredAt);

        // Two identical purchases on one day stay two visits.
        Assert.NotEqual(visits[2].ExternalId, visits[3].ExternalId);
        Assert.EndsWith("-1", visits[2].ExternalId, StringComparison.Ordinal);
        Assert.EndsWith("-2", visits[3].ExternalId, StringComparison.Ordinal);

        Assert.Equal([(8L, SourceIssueKind.Skipped, "no customer id"), (9, SourceIssueKind.Failed, "date '31.02.2024' is not a date (dd.MM.yyyy)")],
            issues.Select(i => (i.Line, i.Kind, i.Reason)));
        Assert.Equal((5, 1, 1, 1), (reader.Summary.Visits, reader.Summary.Returns, reader.Summary.RowsSkipped, reader.Summary.RowsFailed));
    }

    [Fact]
    public async Task Reading_the_same_file_again_gives_the_same_ids()
    {
        var first = await ReadAllAsync(Path("transactions-eu.csv"));
        var second = await ReadAllAsync(Path("transactions-eu.csv"));
        var copy = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"tx-{Guid.NewGuid():N}.csv");
        // The same purchases exported with LF line ends and without the mark: the same content, the same ids.
        await File.WriteAllTextAsync(copy, (await File.ReadAllTextAsync(Path("transactions-eu.csv"), Ct)).Replace("\r\n", "\n", StringComparison.Ordinal), Ct);
        var third = await ReadAllAsync(copy);
        File.Delete(copy);

        Assert.Equal(first.Visits.Select(v => v.ExternalId), second.Visits.Select(v => v.ExternalId));
        Assert.Equal(first.Visits.Select(v => v.ExternalId), third.Visits.Select(v => v.ExternalId));
        Assert.Equal(6, first.Visits.Select(v => v.ExternalId).Distinct().Count());
    }

    [Fact]
    public async Task The_preview_shows_each_of_the_first_rows_with_what_it_becomes()
    {
        await using var file = File.OpenRead(Path("shopify-orders.csv"));

        var preview = await CsvSourceReader.PreviewAsync(file, rows: 3, ct: Ct);

        Assert.Equal("Shopify orders export", preview.Mapping.Layout);
        Assert.Equal("Name", preview.Headers[0]);
        Assert.Equal([2L, 3, 4], preview.Rows.Select(r => r.Line));
        Assert.Equal("#1001", preview.Rows[0].Cells[0]);
        Assert.Same(preview.Rows[0].Visit, preview.Rows[1].Visit);
        Assert.Equal("visit #1001 by jane.doe@example.com on 2024-03-05 19:02: 2 lines, 50.00 USD", preview.Rows[0].Outcome);
        // The third row opens #1002, whose second line lies past the preview: the visit still has both.
        Assert.Equal(2, preview.Rows[2].Visit!.Lines.Count);
        Assert.Contains("yyyy-MM-dd HH:mm:ss zzz", preview.Format.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_CDNOW_master_file_imports_through_the_generic_mapping_and_its_totals_match_the_file()
    {
        var path = System.IO.Path.Combine(ScoringTestData.CdnowDirectory, "CDNOW_master.txt");
        // An independent reading of the file: split on whitespace, dollars as decimals.
        var rows = File.ReadLines(path).Skip(1).Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length == 4).ToList();
        var customers = rows.Select(f => f[0]).Distinct().Count();
        var dollars = rows.Sum(f => decimal.Parse(f[3], CultureInfo.InvariantCulture));
        var cds = rows.Sum(f => int.Parse(f[2], CultureInfo.InvariantCulture));

        var (reader, _, visits, issues) = await ReadAllAsync(path);

        Assert.Equal(69_659, rows.Count);
        Assert.Equal(23_570, customers);
        Assert.Empty(issues);
        Assert.Equal(rows.Count, visits.Count);
        Assert.Equal(customers, visits.Select(v => v.ClientExternalId).Distinct().Count());
        Assert.Equal(dollars, visits.Sum(v => v.TotalMinor) / 100m);
        Assert.Equal(cds, visits.Sum(v => v.Lines.Sum(l => l.Quantity)));
        Assert.Equal(rows.Count, visits.Select(v => v.ExternalId).Distinct().Count());
        Assert.Equal(rows.Count, reader.Summary.RowsRead);
        Assert.Contains("whitespace-aligned columns, header row, dates yyyyMMdd (date), decimal point", reader.Summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_streams_in_batches_with_progress_and_is_never_held_whole()
    {
        const int rowCount = 400_000;
        var stream = new GeneratedStream(rowCount);
        var reports = new List<CsvProgress>();
        var firstBatchAt = -1L;
        var visits = 0;

        await using var reader = await CsvSourceReader.OpenAsync(stream, stream.Length, kind: CsvFileKind.Transactions, ct: Ct);
        await foreach (var batch in reader.ReadAsync(new SynchronousProgress(reports.Add), Ct))
        {
            if (firstBatchAt < 0)
            {
                firstBatchAt = stream.Position;
            }
            Assert.InRange(batch.Visits.Count, 0, CsvSourceReader.BatchSize);
            visits += batch.Visits.Count;
        }

        Assert.Equal(rowCount, visits);
        Assert.Equal(rowCount, reader.Summary.RowsRead);
        Assert.Equal(rowCount / CsvSourceReader.BatchSize + 1, reports.Count);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.BytesRead <= p.Second.BytesRead && p.First.RowsRead <= p.Second.RowsRead));
        Assert.Equal(1.0, reports[^1].Fraction);
        // The first batch came when a tenth of the file had been read; no read asked for more than a block.
        Assert.InRange(firstBatchAt, 1, stream.Length / 10);
        Assert.InRange(stream.LargestRead, 1, 64 * 1024);
    }

    [Fact]
    public async Task Reading_stops_when_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var stream = new GeneratedStream(100_000);
        await using var reader = await CsvSourceReader.OpenAsync(stream, stream.Length, ct: Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var batch in reader.ReadAsync(ct: cancel.Token))
            {
                cancel.Cancel();
            }
        });
        Assert.True(stream.Position < stream.Length);
    }

    private sealed class SynchronousProgress(Action<CsvProgress> report) : IProgress<CsvProgress>
    {
        public void Report(CsvProgress value) => report(value);
    }

    /// <summary>A purchases file made as it is read, never whole in memory: <c>customer_id,date,amount</c>, one row per purchase.</summary>
    private sealed class GeneratedStream(int rows) : Stream
    {
        private static readonly byte[] Header = Encoding.ASCII.GetBytes("customer_id,date,amount\n");
        private readonly long _length = Header.Length + Enumerable.Range(0, rows).Sum(i => (long)Row(i).Length);
        private byte[] _current = Header;
        private int _offset;
        private int _next;

        public long LargestRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            LargestRead = Math.Max(LargestRead, buffer.Length);
            var written = 0;
            while (written < buffer.Length)
            {
                if (_offset == _current.Length)
                {
                    if (_next == rows)
                    {
                        break;
                    }
                    _current = Row(_next++);
                    _offset = 0;
                }
                var take = Math.Min(buffer.Length - written, _current.Length - _offset);
                _current.AsSpan(_offset, take).CopyTo(buffer[written..]);
                _offset += take;
                written += take;
            }
            Position += written;
            return written;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private static byte[] Row(int i) =>
            Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"C{i % 50_000:D6},2024-{1 + (i % 12):D2}-{1 + (i % 28):D2},{i % 997}.{i % 100:D2}\n"));
    }
}
