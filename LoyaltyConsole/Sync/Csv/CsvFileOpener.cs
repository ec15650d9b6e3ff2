namespace LoyaltyConsole.Sync.Csv;

/// <summary>
/// Opens a file for reading: settles the delimiter, whether there is a header row, the mapping and, from a sample of
/// the first rows, each date column's layout and the decimal mark; then rewinds to the first data row. The sample
/// stays in the tokenizer's buffer, so a stream that can be read once (an upload) is read once.
/// </summary>
internal static class CsvFileOpener
{
    private const int DetectionChars = 64 * 1024;
    private const int SampleRows = 500;
    // An ambiguous date column (no day above 12 yet) is sampled further, up to this many rows.
    private const int MaxSampleRows = 5_000;
    private static readonly char[] Delimiters = [',', ';', '\t', '|'];

    public static async Task<CsvOpenFile> OpenAsync(Stream stream, ColumnMapping? mapping, CsvFileKind? kind, bool leaveOpen, CancellationToken ct)
    {
        var tokenizer = new CsvTokenizer(stream, leaveOpen);
        try
        {
            return await OpenAsync(tokenizer, mapping, kind, ct);
        }
        catch
        {
            tokenizer.Dispose();
            throw;
        }
    }

    private static async Task<CsvOpenFile> OpenAsync(CsvTokenizer tokenizer, ColumnMapping? mapping, CsvFileKind? kind, CancellationToken ct)
    {
        try
        {
            await tokenizer.FillToAsync(DetectionChars, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CsvFileException($"The file cannot be read: {ex.Message}", ex);
        }
        var delimiter = mapping?.Delimiter is { } given ? CsvFormat.ToChar(given) : DetectDelimiter(tokenizer.Pending);
        tokenizer.Delimiter = delimiter;

        tokenizer.Mark();
        if (!await NextRowAsync(tokenizer, ct))
        {
            throw new CsvFileException("The file has no rows.");
        }
        var first = tokenizer.Row.ToArray();
        if (first.Any(c => c.Contains('\uFFFD', StringComparison.Ordinal)))
        {
            throw new CsvFileException("The file is not text in UTF-8 or UTF-16: save it from the spreadsheet as \"CSV UTF-8\" and try again.");
        }
        var hasHeader = mapping?.HasHeader ?? LooksLikeHeader(first);
        string[] headers;
        if (hasHeader)
        {
            headers = first;
            tokenizer.Mark();
        }
        else
        {
            headers = [.. Enumerable.Range(1, first.Length).Select(i => "#" + i)];
            tokenizer.Rewind();
            tokenizer.Mark();
        }

        mapping ??= (hasHeader ? ExportLayouts.Detect(headers, kind)
                : kind is CsvFileKind.Clients ? null
                : ExportLayouts.DetectHeaderless(headers.Length))
            ?? throw new CsvFileException(
                $"The columns are not those of a known export, nor do they name {(kind == CsvFileKind.Clients ? "a client id and a name, email or phone" : "a customer id, a date and an amount")}: " +
                $"give a column mapping. The file's columns: {string.Join(", ", headers.Select(h => $"'{h}'"))}.")
            {
                Headers = hasHeader ? headers : null,
                Guess = hasHeader && kind is { } expected ? ExportLayouts.Guess(headers, expected) : null,
            };
        var columns = CsvColumns.Resolve(mapping, headers);

        var dateFields = columns.DateFields().ToList();
        var dates = dateFields.Select(f => new DateLayoutDetector(columns.Header(f))).ToList();
        var decimals = new DecimalMarkDetector();
        var amountFields = columns.AmountFields().ToList();
        var sampled = 0;
        while ((sampled < SampleRows || (sampled < MaxSampleRows && dates.Any(d => d.Undecided))) && await NextRowAsync(tokenizer, ct))
        {
            sampled++;
            var row = tokenizer.Row;
            for (var i = 0; i < dateFields.Count; i++)
            {
                dates[i].Observe(columns.Cell(row, dateFields[i]));
            }
            foreach (var field in amountFields)
            {
                decimals.Observe(columns.Cell(row, field));
            }
        }
        tokenizer.Rewind();
        tokenizer.ResetCounts();

        var layout = mapping.Layout;
        var fallback = layout == ExportLayouts.SquareItems.Name || layout == ExportLayouts.SquareCustomers.Name
                       || layout == ExportLayouts.ShopifyOrders.Name || layout == ExportLayouts.ShopifyCustomers.Name
            ? CsvDateOrder.MonthFirst
            : CsvDateOrder.DayFirst;
        var dateLayouts = dates.Select(d => d.Decide(mapping.DateOrder, fallback)).ToList();
        var (mark, markNote) = decimals.Decide(mapping.DecimalMark, delimiter);
        var format = new CsvFormat(CsvFormat.FromChar(delimiter), hasHeader, mark, amountFields.Count == 0 ? null : markNote, dateLayouts);
        columns.Configure(format, dateFields.Zip(dateLayouts, (f, l) => (f, l.Order)));
        return new CsvOpenFile(tokenizer, headers, mapping, columns, format, SourceOf(layout));
    }

    private static string? SourceOf(string? layout) =>
        new[] { ExportLayouts.FreshaClients, ExportLayouts.SquareCustomers, ExportLayouts.ShopifyCustomers, ExportLayouts.ShopifyOrders, ExportLayouts.SquareItems }
            .FirstOrDefault(e => e.Name == layout)?.Source;

    /// <summary>The next row, reading more of the file as needed; false at its end.</summary>
    internal static async ValueTask<bool> NextRowAsync(CsvTokenizer tokenizer, CancellationToken ct)
    {
        while (!tokenizer.TryReadRow())
        {
            if (!await tokenizer.FillAsync(ct))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The delimiter of the first lines: of comma, semicolon, tab and pipe, the one the header row has and most other
    /// lines have as often (outside quotes); none of them, and runs of spaces between fields, means whitespace-aligned.
    /// </summary>
    internal static char DetectDelimiter(ReadOnlySpan<char> text)
    {
        var lines = new List<string>();
        foreach (var range in text.Split('\n'))
        {
            var line = text[range].TrimEnd('\r');
            if (!line.IsWhiteSpace())
            {
                lines.Add(line.ToString());
            }
            if (lines.Count == 20)
            {
                break;
            }
        }
        if (lines.Count == 0)
        {
            return ',';
        }
        var best = (Delimiter: '\0', Consistent: -1, Count: 0);
        foreach (var candidate in Delimiters)
        {
            var header = CountOutsideQuotes(lines[0], candidate);
            if (header == 0)
            {
                continue;
            }
            var consistent = lines.Skip(1).Count(l => CountOutsideQuotes(l, candidate) == header);
            if (consistent > best.Consistent || (consistent == best.Consistent && header > best.Count))
            {
                best = (candidate, consistent, header);
            }
        }
        if (best.Consistent >= 0)
        {
            return best.Delimiter;
        }
        return lines[0].Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length > 1 ? CsvTokenizer.Whitespace : ',';
    }

    private static int CountOutsideQuotes(string line, char delimiter)
    {
        var count = 0;
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == delimiter && !quoted)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Column names are words: a first row with a number or a date in it is data.</summary>
    internal static bool LooksLikeHeader(string[] cells) =>
        cells.All(c => c.Length == 0 || (!CsvAmounts.TryParse(c, CsvDecimalMark.Point, out _) && !CsvAmounts.TryParse(c, CsvDecimalMark.Comma, out _) && !CsvDates.TryRead(c, out _)));
}

/// <summary>An opened file: its tokenizer at the first data row, and everything settled about it.</summary>
/// <param name="Source">The platform of a recognised export (Sources.Fresha, …), or null.</param>
internal sealed class CsvOpenFile(CsvTokenizer tokenizer, IReadOnlyList<string> headers, ColumnMapping mapping, CsvColumns columns, CsvFormat format, string? source) : IDisposable
{
    public CsvTokenizer Tokenizer { get; } = tokenizer;

    public IReadOnlyList<string> Headers { get; } = headers;

    public ColumnMapping Mapping { get; } = mapping;

    public CsvColumns Columns { get; } = columns;

    public CsvFormat Format { get; } = format;

    public string? Source { get; } = source;

    public void Dispose() => Tokenizer.Dispose();
}

/// <summary>The mapping resolved to column positions, and the reading of values by field with the file's format.</summary>
internal sealed class CsvColumns
{
    private static readonly CsvField[] DateFieldOrder = [CsvField.Date, CsvField.Birthday, CsvField.CreatedAt, CsvField.UpdatedAt, CsvField.RefundedAt];
    private static readonly CsvField[] AmountFieldOrder = [CsvField.Amount, CsvField.UnitPrice, CsvField.Discount, CsvField.OrderDiscount, CsvField.RefundedAmount];

    private readonly int[] _index;
    private readonly string[] _header;
    private readonly CsvDateOrder[] _dateOrder;
    private CsvDecimalMark _mark;
    private Dictionary<CsvField, string> _layout = [];

    private CsvColumns(int[] index, string[] header)
    {
        _index = index;
        _header = header;
        _dateOrder = new CsvDateOrder[index.Length];
    }

    public static CsvColumns Resolve(ColumnMapping mapping, IReadOnlyList<string> headers)
    {
        var count = Enum.GetValues<CsvField>().Length;
        var index = Enumerable.Repeat(-1, count).ToArray();
        var names = new string[count];
        foreach (var (field, header) in mapping.Columns)
        {
            var at = IndexOf(headers, header);
            if (at < 0)
            {
                throw new CsvFileException(
                    $"The mapping reads {field} from the column '{header}', which the file does not have. The file's columns: {string.Join(", ", headers.Select(h => $"'{h}'"))}.");
            }
            index[(int)field] = at;
            names[(int)field] = headers[at];
        }
        var missing = ColumnMapping.RequiredFields(mapping.Kind).Where(f => index[(int)f] < 0).ToList();
        if (mapping.Kind != CsvFileKind.Clients && index[(int)CsvField.Amount] < 0 && index[(int)CsvField.UnitPrice] < 0)
        {
            missing.Add(CsvField.Amount);
        }
        if (missing.Count > 0)
        {
            throw new CsvFileException(
                $"The mapping names no column for {string.Join(" and ", missing)}, which a {mapping.Kind.ToString().ToLowerInvariant()} file needs. " +
                $"The file's columns: {string.Join(", ", headers.Select(h => $"'{h}'"))}.");
        }
        return new CsvColumns(index, names);
    }

    public CsvDecimalMark Mark => _mark;

    public bool Has(CsvField field) => _index[(int)field] >= 0;

    public string Header(CsvField field) => _header[(int)field];

    public ReadOnlySpan<char> Cell(CsvRow row, CsvField field) => row[_index[(int)field]];

    /// <summary>An id cell without the apostrophe spreadsheets and Shopify put before long numbers to keep them text.</summary>
    public ReadOnlySpan<char> Id(CsvRow row, CsvField field) => row[_index[(int)field]].TrimStart('\'');

    /// <summary>The cell as a string, or null when the column is absent or the cell empty.</summary>
    public string? Text(CsvRow row, CsvField field)
    {
        var cell = Cell(row, field);
        return cell.IsEmpty ? null : cell.ToString();
    }

    public IEnumerable<CsvField> DateFields() => DateFieldOrder.Where(Has);

    public IEnumerable<CsvField> AmountFields() => AmountFieldOrder.Append(CsvField.Quantity).Where(Has);

    public void Configure(CsvFormat format, IEnumerable<(CsvField Field, CsvDateOrder Order)> dateOrders)
    {
        _mark = format.DecimalMark;
        foreach (var (field, order) in dateOrders)
        {
            _dateOrder[(int)field] = order;
        }
        _layout = format.DateLayouts.Zip(DateFields(), (l, f) => (f, l.Layout)).ToDictionary(x => x.f, x => x.Layout);
    }

    /// <summary>Reads a date (with the Time column, for Date, when the mapping has one); empty is absent, not an error.</summary>
    public bool TryDate(CsvRow row, CsvField field, out DateTime value, out string? error)
    {
        value = default;
        error = null;
        var cell = Cell(row, field);
        if (cell.IsEmpty)
        {
            return false;
        }
        if (!CsvDates.TryRead(cell, out var reading) || !CsvDates.TryResolve(reading, _dateOrder[(int)field], out value))
        {
            error = $"{Header(field)} '{Shorten(cell)}' is not a date ({_layout.GetValueOrDefault(field, "no layout")})";
            return false;
        }
        if (field == CsvField.Date && Has(CsvField.Time) && reading.TimeLayout is null)
        {
            var time = Cell(row, CsvField.Time);
            if (!time.IsEmpty)
            {
                if (!CsvDates.TryReadTime(time, out var ofDay))
                {
                    error = $"{Header(CsvField.Time)} '{Shorten(time)}' is not a time of day";
                    return false;
                }
                value = value.Add(ofDay);
            }
        }
        return true;
    }

    /// <summary>Reads an amount (or a quantity); empty is absent, not an error.</summary>
    public bool TryAmount(CsvRow row, CsvField field, out CsvAmount value, out string? error)
    {
        value = default;
        error = null;
        var cell = Cell(row, field);
        if (cell.IsEmpty)
        {
            return false;
        }
        if (!CsvAmounts.TryParse(cell, _mark, out value))
        {
            error = $"{Header(field)} '{Shorten(cell)}' is not {(field == CsvField.Quantity ? "a quantity" : "an amount")} (decimal {(_mark == CsvDecimalMark.Point ? "point" : "comma")})";
            return false;
        }
        return true;
    }

    /// <summary>Whether the row's event type says it is a refund or a return (Square's Event Type "Refund").</summary>
    public bool IsReturnEvent(CsvRow row)
    {
        var cell = Cell(row, CsvField.EventType);
        return cell.Contains("refund", StringComparison.OrdinalIgnoreCase) || cell.Contains("return", StringComparison.OrdinalIgnoreCase);
    }

    internal static string Shorten(ReadOnlySpan<char> cell) => cell.Length <= 40 ? cell.ToString() : string.Concat(cell[..40], "…");

    private static int IndexOf(IReadOnlyList<string> headers, string header)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i], header, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        var normalized = ExportLayouts.Normalize(header);
        for (var i = 0; i < headers.Count; i++)
        {
            if (ExportLayouts.Normalize(headers[i]) == normalized)
            {
                return i;
            }
        }
        return -1;
    }
}
