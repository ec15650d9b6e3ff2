using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace LoyaltyConsole.Sync.Csv;

/// <summary>
/// Reads a business's export (a client list, sales line by line, or one purchase per row) into source records,
/// streaming: batches of records with their rows' issues, however large the file. Open settles the format and the
/// mapping; <see cref="ReadAsync"/> reads; <see cref="Summary"/> then says what the file came to.
/// </summary>
/// <example>
/// <code>
/// await using var reader = await CsvSourceReader.OpenAsync(path, savedMapping, CsvFileKind.Visits, ct);
/// await foreach (var batch in reader.ReadAsync(progress, ct))
///     await writer.WriteAsync(batch.Visits, batch.Issues, ct);
/// logger.LogInformation("{Summary}", reader.Summary);
/// </code>
/// </example>
public sealed class CsvSourceReader : IDisposable, IAsyncDisposable
{
    /// <summary>Records per batch (a batch may run over by the lines of one order).</summary>
    public const int BatchSize = 10_000;

    private readonly CsvOpenFile _file;
    private readonly long? _length;
    private bool _started;
    private CsvSummary? _summary;

    private CsvSourceReader(CsvOpenFile file, long? length)
    {
        _file = file;
        _length = length;
    }

    /// <summary>The mapping in use: the one given, or the one detected from the headers.</summary>
    public ColumnMapping Mapping => _file.Mapping;

    /// <summary>The file's column names ("#1", "#2", … without a header row).</summary>
    public IReadOnlyList<string> Headers => _file.Headers;

    public CsvFormat Format => _file.Format;

    /// <summary>The platform of a recognised export (<c>Sources.Fresha</c>, …), or null for a generic file.</summary>
    public string? Source => _file.Source;

    /// <summary>What the read came to; available once <see cref="ReadAsync"/> has run to the end.</summary>
    public CsvSummary Summary => _summary ?? throw new InvalidOperationException("The file has not been read to the end yet.");

    /// <summary>
    /// Opens a file: detects its delimiter, header row, mapping (unless <paramref name="mapping"/> is given; then
    /// <paramref name="kind"/> is ignored), date layouts and decimal mark from its first rows.
    /// </summary>
    /// <param name="kind">What the file is expected to hold, to narrow detection; null lets the headers decide.</param>
    /// <exception cref="CsvFileException">The file cannot be read, is empty, or its columns fit neither the mapping nor any known layout; the message names the file's columns.</exception>
    public static async Task<CsvSourceReader> OpenAsync(string path, ColumnMapping? mapping = null, CsvFileKind? kind = null, CancellationToken ct = default)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CsvFileException($"The file '{path}' cannot be opened: {ex.Message}", ex);
        }
        var file = await CsvFileOpener.OpenAsync(stream, mapping, kind, leaveOpen: false, ct);
        return new CsvSourceReader(file, stream.Length);
    }

    /// <summary>Opens an upload or any other stream, read once from where it stands; <paramref name="length"/> (bytes), when known, drives progress.</summary>
    /// <inheritdoc cref="OpenAsync(string, ColumnMapping?, CsvFileKind?, CancellationToken)"/>
    public static async Task<CsvSourceReader> OpenAsync(Stream stream, long? length, ColumnMapping? mapping = null, CsvFileKind? kind = null, bool leaveOpen = false, CancellationToken ct = default)
    {
        var file = await CsvFileOpener.OpenAsync(stream, mapping, kind, leaveOpen, ct);
        return new CsvSourceReader(file, length);
    }

    /// <summary>The first <paramref name="rows"/> rows, each with what it would become, and the mapping and format they were read with.</summary>
    /// <inheritdoc cref="OpenAsync(string, ColumnMapping?, CsvFileKind?, CancellationToken)"/>
    public static async Task<CsvPreview> PreviewAsync(Stream stream, ColumnMapping? mapping = null, CsvFileKind? kind = null, int rows = 20, bool leaveOpen = false, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        using var file = await CsvFileOpener.OpenAsync(stream, mapping, kind, leaveOpen, ct);
        var outcomes = new Dictionary<long, (SourceClient? Client, SourceVisit? Visit, SourceIssue? Issue)>();
        var records = new CsvRecordReader(file, (line, client, visit, issue) =>
        {
            // A row may be the line of a visit and, for its refund, of a return too: the visit is shown.
            if (!outcomes.ContainsKey(line) || issue is not null)
            {
                outcomes[line] = (client, visit, issue);
            }
        });
        var previewRows = new List<(long Line, string[] Cells)>(rows);
        var tokenizer = file.Tokenizer;
        var more = true;
        while (previewRows.Count < rows && more)
        {
            while (previewRows.Count < rows && tokenizer.TryReadRow())
            {
                previewRows.Add((tokenizer.Row.Line, tokenizer.Row.ToArray()));
                records.Read(tokenizer.Row);
            }
            more = previewRows.Count < rows && await tokenizer.FillAsync(ct);
        }
        // The last order shown may go on past the preview: read on to its end (at most a few hundred rows).
        var lastLine = previewRows.Count > 0 ? previewRows[^1].Line : 0;
        for (var extra = 0; extra < 500 && records.OpenOrderLine <= lastLine && await CsvFileOpener.NextRowAsync(tokenizer, ct); extra++)
        {
            records.Read(tokenizer.Row);
        }
        records.Complete();

        var result = previewRows.Select(r =>
        {
            var (client, visit, issue) = outcomes.GetValueOrDefault(r.Line);
            return new CsvPreviewRow(r.Line, r.Cells, Describe(client, visit, issue), client, visit, issue);
        }).ToList();
        return new CsvPreview(file.Headers, file.Mapping, file.Format, result);
    }

    /// <summary>
    /// Reads the file in batches of about <see cref="BatchSize"/> records, each with the issues of its rows and the
    /// progress so far; the last batch is yielded when the file ends, after which <see cref="Summary"/> is set. Can be
    /// read once.
    /// </summary>
    public async IAsyncEnumerable<CsvBatch> ReadAsync(IProgress<CsvProgress>? progress = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        if (_started)
        {
            throw new InvalidOperationException("The file has been read already: open it again to read it again.");
        }
        _started = true;
        var watch = Stopwatch.StartNew();
        var tokenizer = _file.Tokenizer;
        var records = new CsvRecordReader(_file);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            while (records.Pending < BatchSize && tokenizer.TryReadRow())
            {
                records.Read(tokenizer.Row);
            }
            if (records.Pending >= BatchSize)
            {
                yield return Batch(records, progress);
                continue;
            }
            if (!await tokenizer.FillAsync(ct))
            {
                break;
            }
        }
        records.Complete();
        _summary = new CsvSummary(
            _file.Mapping.Layout, _file.Format, tokenizer.RowsRead, tokenizer.BlankRows, records.ClientCount, records.VisitCount, records.ReturnCount,
            records.RowsSkipped, records.RowsFailed, records.ValuesLeftEmpty, new Dictionary<string, int>(records.Reasons), watch.Elapsed);
        yield return Batch(records, progress);
    }

    public void Dispose() => _file.Dispose();

    public ValueTask DisposeAsync()
    {
        _file.Dispose();
        return ValueTask.CompletedTask;
    }

    private CsvBatch Batch(CsvRecordReader records, IProgress<CsvProgress>? progress)
    {
        var (clients, visits, issues) = records.TakeBatch();
        var at = new CsvProgress(_file.Tokenizer.BytesRead, _length, _file.Tokenizer.RowsRead);
        progress?.Report(at);
        return new CsvBatch(clients, visits, issues, at);
    }

    private static string Describe(SourceClient? client, SourceVisit? visit, SourceIssue? issue)
    {
        var c = CultureInfo.InvariantCulture;
        if (issue is not null)
        {
            return $"{(issue.Kind == SourceIssueKind.Skipped ? "skipped" : "failed")}: {issue.Reason}";
        }
        if (client is not null)
        {
            var name = string.Join(' ', new[] { client.FirstName, client.LastName }.Where(n => !string.IsNullOrEmpty(n)));
            var contact = string.Join(", ", new[] { client.Email, client.Phone }.Where(n => !string.IsNullOrEmpty(n)));
            return $"client {client.ExternalId}: {(name.Length > 0 ? name : "(no name)")}{(contact.Length > 0 ? $", {contact}" : "")}";
        }
        if (visit is not null)
        {
            var what = visit.IsReturn ? "return" : "visit";
            var lines = visit.Lines.Count == 1
                ? $"{visit.Lines[0].Quantity} × {visit.Lines[0].Item}"
                : $"{visit.Lines.Count} lines";
            var total = string.Create(c, $"{visit.TotalMinor / 100m:N2}{(visit.Currency is null ? "" : " " + visit.Currency)}");
            var of = visit.ReturnOfExternalId is null ? "" : $" of {visit.ReturnOfExternalId}";
            return string.Create(c, $"{what}{of} {visit.ExternalId} by {visit.ClientExternalId} on {visit.OccurredAt:yyyy-MM-dd HH:mm}: {lines}, {total}");
        }
        return "not read (beyond the preview)";
    }
}
