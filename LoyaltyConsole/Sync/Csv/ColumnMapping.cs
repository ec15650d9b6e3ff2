using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoyaltyConsole.Sync.Csv;

/// <summary>What a file holds: one client per row, or sales (an order over several rows, or one row each).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CsvFileKind>))]
public enum CsvFileKind
{
    /// <summary>A client list: becomes <see cref="SourceClient"/>s.</summary>
    Clients,

    /// <summary>Sales exported line by line (Shopify's orders, Square's items): rows of one order become one <see cref="SourceVisit"/>.</summary>
    Visits,

    /// <summary>One purchase per row (<c>customer id, date, amount</c>): each row becomes a <see cref="SourceVisit"/> with one line.</summary>
    Transactions,
}

/// <summary>What a column can stand for. A mapping names, for each field it uses, the header of the column that holds it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CsvField>))]
public enum CsvField
{
    /// <summary>The source's id of the client; on a sales row, of the client who bought. Rows without one are skipped.</summary>
    ClientId,
    FirstName,
    LastName,

    /// <summary>Used when there are no first and last name columns: split at the last space.</summary>
    FullName,
    Email,

    /// <summary>The client's phone (Fresha's Mobile Number).</summary>
    Phone,

    /// <summary>Used when <see cref="Phone"/> is empty (Fresha's Telephone).</summary>
    AlternatePhone,
    Birthday,
    CreatedAt,
    UpdatedAt,

    /// <summary>yes/no, true/false, subscribed/unsubscribed, opted in/out; anything else is unknown.</summary>
    SmsConsent,
    EmailConsent,

    /// <summary>The source's location, mapped to ours by the connection.</summary>
    Location,

    /// <summary>The sale's id: consecutive rows with the same one are the lines of one visit. Without it each row is a visit.</summary>
    OrderId,
    Date,

    /// <summary>The time of day, for exports that keep it apart from the date (Square).</summary>
    Time,
    Item,
    Category,
    Quantity,
    UnitPrice,

    /// <summary>The line's amount before <see cref="Discount"/> (or the purchase's, one line per row).</summary>
    Amount,
    Discount,

    /// <summary>A discount on the whole order (Shopify's Discount Amount), spread over its lines when they carry none.</summary>
    OrderDiscount,
    Currency,

    /// <summary>A row whose value says refund or return is a return (Square's Event Type).</summary>
    EventType,

    /// <summary>An amount refunded on the order (Shopify's Refunded Amount): becomes a return of that order.</summary>
    RefundedAmount,

    /// <summary>When the refund happened, if the export says; otherwise the order's date.</summary>
    RefundedAt,

    /// <summary>On a return row, the id of the sale it returns.</summary>
    ReturnOf,
}

/// <summary>
/// Which column holds which field, and what the file's format is when detection should not decide. Saved per
/// connection (<see cref="ToJson"/>) and given back to the reader, or written by hand and passed as <c>--mapping FILE</c>.
/// </summary>
public sealed record ColumnMapping
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public required CsvFileKind Kind { get; init; }

    /// <summary>The export it was detected as, e.g. "Fresha client list"; for people.</summary>
    public string? Layout { get; init; }

    /// <summary>Field → the column's header as the file writes it (matched ignoring case). A file without a header row names columns "#1", "#2", ….</summary>
    public required IReadOnlyDictionary<CsvField, string> Columns { get; init; }

    /// <summary>",", ";", "\t", "|" or "whitespace" (columns aligned with spaces); null detects it.</summary>
    public string? Delimiter { get; init; }

    /// <summary>Whether the first row names the columns; null detects it (a first row with a number in it is data).</summary>
    public bool? HasHeader { get; init; }

    /// <summary>How to read all-number dates with the year last; null detects it from the file.</summary>
    public CsvDateOrder? DateOrder { get; init; }

    /// <summary>null detects it from the file.</summary>
    public CsvDecimalMark? DecimalMark { get; init; }

    /// <summary>ISO 4217 code of amounts that name no currency; null leaves them in the location's currency.</summary>
    public string? Currency { get; init; }

    public string? this[CsvField field] => Columns.TryGetValue(field, out var header) ? header : null;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ColumnMapping FromJson(string json) =>
        JsonSerializer.Deserialize<ColumnMapping>(json, Json) ?? throw new CsvFileException("The column mapping is empty.");

    /// <summary>Reads a mapping file; a missing or malformed one is a <see cref="CsvFileException"/> naming the file.</summary>
    public static ColumnMapping Load(string path)
    {
        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new CsvFileException($"The column mapping '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>The fields a file of <paramref name="kind"/> cannot be read without.</summary>
    public static IReadOnlyList<CsvField> RequiredFields(CsvFileKind kind) => kind == CsvFileKind.Clients
        ? [CsvField.ClientId]
        : [CsvField.ClientId, CsvField.Date];
}

/// <summary>A file that cannot be read at all, or a mapping that does not fit it; the message says what and why.</summary>
public sealed class CsvFileException : InvalidOperationException
{
    /// <summary>When the columns were not recognised: the file's headers, for a person to map.</summary>
    public IReadOnlyList<string>? Headers { get; init; }

    /// <summary>When the columns were not recognised: what could be told of them (required fields may be missing).</summary>
    public ColumnMapping? Guess { get; init; }

    public CsvFileException(string message)
        : base(message)
    {
    }

    public CsvFileException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
