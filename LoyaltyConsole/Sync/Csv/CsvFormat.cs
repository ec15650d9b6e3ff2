using System.Globalization;

namespace LoyaltyConsole.Sync.Csv;

/// <summary>The file's format as the reader settled it: detected once from the file's first rows, or as the mapping said.</summary>
/// <param name="Delimiter">",", ";", "\t", "|" or "whitespace".</param>
/// <param name="DecimalNote">Why, when the amounts alone did not settle it.</param>
/// <param name="DateLayouts">One per date column the mapping uses.</param>
public sealed record CsvFormat(string Delimiter, bool HasHeader, CsvDecimalMark DecimalMark, string? DecimalNote, IReadOnlyList<CsvDateLayout> DateLayouts)
{
    public const string WhitespaceDelimiter = "whitespace";

    public string DelimiterName => Delimiter switch
    {
        "," => "comma-separated",
        ";" => "semicolon-separated",
        "\t" => "tab-separated",
        "|" => "pipe-separated",
        WhitespaceDelimiter => "whitespace-aligned columns",
        _ => $"separated by '{Delimiter}'",
    };

    public override string ToString()
    {
        var dates = DateLayouts.Count == 0 ? "no date columns" : "dates " + string.Join("; ", DateLayouts);
        var mark = DecimalMark == CsvDecimalMark.Point ? "decimal point" : "decimal comma";
        return $"{DelimiterName}, {(HasHeader ? "header row" : "no header row")}, {dates}, {mark}{(DecimalNote is null ? "" : $" ({DecimalNote})")}";
    }

    internal static char ToChar(string delimiter) => delimiter switch
    {
        WhitespaceDelimiter => CsvTokenizer.Whitespace,
        "\\t" or "tab" => '\t',
        { Length: 1 } d when d[0] is ',' or ';' or '\t' or '|' => d[0],
        _ => throw new CsvFileException($"The mapping's delimiter '{delimiter}' is not one of \",\", \";\", \"\\t\", \"|\", \"{WhitespaceDelimiter}\"."),
    };

    internal static string FromChar(char delimiter) => delimiter == CsvTokenizer.Whitespace ? WhitespaceDelimiter : delimiter.ToString();
}

/// <summary>How far a read has come.</summary>
/// <param name="TotalBytes">The file's size, when known.</param>
public sealed record CsvProgress(long BytesRead, long? TotalBytes, long RowsRead)
{
    public double? Fraction => TotalBytes is > 0 ? Math.Min(1.0, BytesRead / (double)TotalBytes.Value) : null;
}

/// <summary>What a whole read came to.</summary>
/// <param name="RowsRead">Rows of data (the header and blank rows not counted).</param>
/// <param name="Visits">Sales among the records (returns not counted).</param>
/// <param name="RowsSkipped">Rows with nothing to import (no customer id).</param>
/// <param name="RowsFailed">Rows that could not be read (a bad date or amount, a broken order); each has an issue with its line and reason.</param>
/// <param name="ValuesLeftEmpty">Optional values that could not be read (a birthday that is no date): the row was imported without them; each has a Skipped issue saying so.</param>
/// <param name="IssuesByReason">Issues counted by kind of reason ("no customer id", "date", …).</param>
public sealed record CsvSummary(
    string? Layout,
    CsvFormat Format,
    long RowsRead,
    long BlankRows,
    int Clients,
    int Visits,
    int Returns,
    int RowsSkipped,
    int RowsFailed,
    int ValuesLeftEmpty,
    IReadOnlyDictionary<string, int> IssuesByReason,
    TimeSpan Elapsed)
{
    public int Records => Clients + Visits + Returns;

    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var records = Clients > 0 || (Visits == 0 && Returns == 0)
            ? string.Create(c, $"{Clients:N0} clients")
            : string.Create(c, $"{Visits:N0} visits and {Returns:N0} returns");
        var issues = string.Create(c, $"{RowsSkipped:N0} rows skipped, {RowsFailed:N0} failed");
        if (ValuesLeftEmpty > 0)
        {
            issues += string.Create(c, $", {ValuesLeftEmpty:N0} unreadable values left empty");
        }
        if (IssuesByReason.Count > 0)
        {
            issues += " (" + string.Join(", ", IssuesByReason.OrderByDescending(r => r.Value).Select(r => string.Create(c, $"{r.Key}: {r.Value:N0}"))) + ")";
        }
        return string.Create(c, $"{RowsRead:N0} rows read in {Elapsed.TotalSeconds:N1} s: {records}; {issues}. ") +
               $"Read as {Layout ?? "the given mapping"}: {Format}.";
    }
}

/// <summary>Records read from the file since the previous batch, with the issues of their rows.</summary>
public sealed record CsvBatch(IReadOnlyList<SourceClient> Clients, IReadOnlyList<SourceVisit> Visits, IReadOnlyList<SourceIssue> Issues, CsvProgress Progress)
{
    public int Records => Clients.Count + Visits.Count;
}

/// <summary>The first rows of a file with what each becomes, before anything is imported.</summary>
/// <param name="Headers">The file's column names ("#1", "#2", … without a header row).</param>
/// <param name="Mapping">The mapping used: detected, or the one given.</param>
public sealed record CsvPreview(IReadOnlyList<string> Headers, ColumnMapping Mapping, CsvFormat Format, IReadOnlyList<CsvPreviewRow> Rows);

/// <summary>One row of the preview: its cells and what it becomes (a client, a visit or a line of one, a return) or why not.</summary>
/// <param name="Outcome">In words, e.g. "visit of 00002 on 1997-01-12: 2 lines, 89.00" or "skipped: no customer id".</param>
public sealed record CsvPreviewRow(long Line, IReadOnlyList<string> Cells, string Outcome, SourceClient? Client, SourceVisit? Visit, SourceIssue? Issue);
