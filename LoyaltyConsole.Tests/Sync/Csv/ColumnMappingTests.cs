using LoyaltyConsole.Sync.Csv;
using LoyaltyConsole.Tests.Domain.Scoring;
using static LoyaltyConsole.Tests.Sync.Csv.CsvFixtures;

namespace LoyaltyConsole.Tests.Sync.Csv;

public sealed class ColumnMappingTests
{
    [Theory]
    [InlineData("fresha-clients.csv", "Fresha client list", CsvFileKind.Clients, ",")]
    [InlineData("square-customers.csv", "Square customer export", CsvFileKind.Clients, ",")]
    [InlineData("shopify-customers.csv", "Shopify customer export", CsvFileKind.Clients, ",")]
    [InlineData("shopify-orders.csv", "Shopify orders export", CsvFileKind.Visits, ",")]
    [InlineData("square-items.csv", "Square item sales export", CsvFileKind.Visits, ",")]
    [InlineData("transactions-eu.csv", "customer id, date, amount", CsvFileKind.Transactions, ";")]
    public async Task Exports_are_recognised_by_their_headers(string file, string layout, CsvFileKind kind, string delimiter)
    {
        await using var reader = await CsvSourceReader.OpenAsync(Path(file), ct: Ct);

        Assert.Equal((layout, kind, delimiter), (reader.Mapping.Layout, reader.Mapping.Kind, reader.Format.Delimiter));
    }

    [Fact]
    public async Task Columns_that_fit_no_layout_are_refused_with_the_headers_and_what_could_be_told_of_them_for_mapping_by_hand()
    {
        var refused = await Assert.ThrowsAsync<CsvFileException>(() =>
            CsvSourceReader.PreviewAsync(Text("customer id,date,Takings\nC1,2026-01-02,12.50\n"), kind: CsvFileKind.Transactions, ct: Ct));
        var guess = refused.Guess!;
        var mapped = await CsvSourceReader.PreviewAsync(Text("customer id,date,Takings\nC1,2026-01-02,12.50\n"),
            guess with { Columns = new Dictionary<CsvField, string>(guess.Columns) { [CsvField.Amount] = "Takings" } }, CsvFileKind.Transactions, ct: Ct);

        Assert.Equal(["customer id", "date", "Takings"], refused.Headers);
        Assert.Equal((CsvFileKind.Transactions, "customer id", "date", null), (guess.Kind, guess[CsvField.ClientId], guess[CsvField.Date], guess[CsvField.Amount]));
        Assert.Equal(1_250, Assert.Single(mapped.Rows).Visit!.TotalMinor);
    }

    [Fact]
    public async Task Fresha_clients_map_the_mobile_number_with_the_telephone_behind_it()
    {
        await using var reader = await CsvSourceReader.OpenAsync(Path("fresha-clients.csv"), ct: Ct);

        Assert.Equal("Fresha", reader.Source, ignoreCase: true);
        Assert.Equal("Client ID", reader.Mapping[CsvField.ClientId]);
        Assert.Equal("Mobile Number", reader.Mapping[CsvField.Phone]);
        Assert.Equal("Telephone", reader.Mapping[CsvField.AlternatePhone]);
        Assert.Equal("Date of Birth", reader.Mapping[CsvField.Birthday]);
        Assert.Equal("Added", reader.Mapping[CsvField.CreatedAt]);
    }

    [Fact]
    public async Task CDNOW_files_map_to_the_generic_transactions_layout_with_or_without_a_header_row()
    {
        await using var master = await CsvSourceReader.OpenAsync(System.IO.Path.Combine(ScoringTestData.CdnowDirectory, "CDNOW_master.txt"), ct: Ct);
        await using var sample = await CsvSourceReader.OpenAsync(System.IO.Path.Combine(ScoringTestData.CdnowDirectory, "CDNOW_sample.txt"), ct: Ct);

        Assert.Equal(CsvFormat.WhitespaceDelimiter, master.Format.Delimiter);
        Assert.Equal(
            [(CsvField.ClientId, "customer_id"), (CsvField.Date, "date"), (CsvField.Amount, "dollar_value"), (CsvField.Quantity, "number_of_cds")],
            master.Mapping.Columns.Select(c => (c.Key, c.Value)).OrderBy(c => c.Key == CsvField.Quantity));
        Assert.Equal("yyyyMMdd", master.Format.DateLayouts.Single().Layout);
        Assert.False(sample.Format.HasHeader);
        Assert.Equal("#3", sample.Mapping[CsvField.Date]);
        Assert.Equal("#5", sample.Mapping[CsvField.Amount]);
    }

    [Fact]
    public async Task A_mapping_saved_as_JSON_reads_back_the_same_and_reads_a_file_detection_does_not_know()
    {
        var mapping = new ColumnMapping
        {
            Kind = CsvFileKind.Transactions,
            Columns = new Dictionary<CsvField, string> { [CsvField.ClientId] = "Kunde", [CsvField.Date] = "Datum", [CsvField.Amount] = "Betrag" },
            DateOrder = CsvDateOrder.DayFirst,
            DecimalMark = CsvDecimalMark.Comma,
            Currency = "EUR",
        };

        var json = mapping.ToJson();
        var back = ColumnMapping.FromJson(json);
        using var file = Text("Kunde;Datum;Betrag\nK-1;03.04.2024;12,50\n");
        var preview = await CsvSourceReader.PreviewAsync(file, back, ct: Ct);

        Assert.Contains("\"Kind\": \"Transactions\"", json, StringComparison.Ordinal);
        Assert.Contains("\"ClientId\": \"Kunde\"", json, StringComparison.Ordinal);
        Assert.Equal(mapping.Columns, back.Columns);
        Assert.Equal((mapping.DateOrder, mapping.DecimalMark, mapping.Currency), (back.DateOrder, back.DecimalMark, back.Currency));
        var visit = Assert.Single(preview.Rows).Visit;
        Assert.NotNull(visit);
        Assert.Equal((new DateTime(2024, 4, 3), 1250L, "EUR"), (visit.OccurredAt, visit.TotalMinor, visit.Currency));
    }

    [Fact]
    public async Task A_mapping_naming_a_column_the_file_lacks_is_refused_naming_it_and_the_files_columns()
    {
        var mapping = new ColumnMapping
        {
            Kind = CsvFileKind.Transactions,
            Columns = new Dictionary<CsvField, string> { [CsvField.ClientId] = "customer", [CsvField.Date] = "when", [CsvField.Amount] = "amount" },
        };

        var error = await Assert.ThrowsAsync<CsvFileException>(() => CsvSourceReader.OpenAsync(Text("customer,date,amount\n1,2024-01-01,5\n"), null, mapping, ct: Ct));

        Assert.Contains("'when'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'customer', 'date', 'amount'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mapping_without_a_required_field_and_a_file_of_unknown_columns_are_refused_with_the_columns()
    {
        var noDate = new ColumnMapping
        {
            Kind = CsvFileKind.Visits,
            Columns = new Dictionary<CsvField, string> { [CsvField.ClientId] = "customer", [CsvField.Amount] = "amount" },
        };

        var missing = await Assert.ThrowsAsync<CsvFileException>(() => CsvSourceReader.OpenAsync(Text("customer,date,amount\n1,2024-01-01,5\n"), null, noDate, ct: Ct));
        var unknown = await Assert.ThrowsAsync<CsvFileException>(() => CsvSourceReader.OpenAsync(Text("colour,size\nred,XL\n"), null, ct: Ct));
        var empty = await Assert.ThrowsAsync<CsvFileException>(() => CsvSourceReader.OpenAsync(Text("\r\n\r\n"), null, ct: Ct));

        Assert.Contains("Date", missing.Message, StringComparison.Ordinal);
        Assert.Contains("'customer', 'date', 'amount'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("'colour', 'size'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("no rows", empty.Message, StringComparison.Ordinal);
    }
}
