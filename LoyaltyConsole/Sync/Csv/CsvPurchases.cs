using System.Diagnostics;
using System.Globalization;
using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Sync.Csv;

/// <summary>What reading purchases for a model came to: rows, purchases kept, and rows skipped by reason with their first lines.</summary>
public sealed record CsvPurchaseRead(string? Layout, CsvFormat Format, long RowsRead, int Purchases, int Customers, IReadOnlyList<CsvSkippedRows> Skipped, TimeSpan Elapsed)
{
    public int RowsSkipped => Skipped.Sum(s => s.Rows);

    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var text = string.Create(c, $"{RowsRead:N0} rows read in {Elapsed.TotalSeconds:N1} s ({Layout ?? "the given mapping"}: {Format}): {Purchases:N0} purchases of {Customers:N0} customers");
        if (Skipped.Count == 0)
        {
            return text + "; no row skipped.";
        }
        return text + string.Create(c, $"; {RowsSkipped:N0} rows skipped, as a model cannot use them: ") +
               string.Join("; ", Skipped.Select(s => s.ToString())) + ".";
    }
}

/// <summary>Rows skipped for one reason: how many, and the first few lines with an example.</summary>
public sealed record CsvSkippedRows(string Reason, int Rows, IReadOnlyList<long> FirstLines, string Example)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Rows:N0} {Reason} (line{(FirstLines.Count > 1 ? "s" : "")} {string.Join(", ", FirstLines)}{(Rows > FirstLines.Count ? ", …" : "")}; e.g. {Example})");
}

/// <summary>
/// Reads purchases for the models (the backtest) through the same reader as imports — format, mapping and value
/// detection — but straight into a compact <see cref="TransactionLog"/>, without building records: a row is a
/// customer, a day and an amount. What a model cannot use is skipped and counted, never fatal: rows without a
/// customer, returns and refunds (negative quantities or amounts, or a refund event), and unreadable dates or amounts.
/// </summary>
public static class CsvPurchases
{
    private const int LinesPerReason = 5;

    /// <exception cref="CsvFileException">The file cannot be read at all, or its columns fit neither the mapping nor any known layout.</exception>
    public static async Task<CsvPurchaseRead> ReadAsync(string path, TransactionLog log, ColumnMapping? mapping = null, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CsvFileException($"The file '{path}' cannot be opened: {ex.Message}", ex);
        }
        using var file = await CsvFileOpener.OpenAsync(stream, mapping, CsvFileKind.Transactions, leaveOpen: false, ct);
        var reader = new PurchaseRows(file.Columns, log);
        var tokenizer = file.Tokenizer;
        do
        {
            ct.ThrowIfCancellationRequested();
            while (tokenizer.TryReadRow())
            {
                reader.Read(tokenizer.Row);
            }
        }
        while (tokenizer.Fill());
        return new CsvPurchaseRead(file.Mapping.Layout, file.Format, tokenizer.RowsRead, reader.Purchases, log.Customers, reader.Skipped(), watch.Elapsed);
    }

    /// <summary>The row loop; kept apart so that a customer id is looked up as the row's own text, not copied per row.</summary>
    private sealed class PurchaseRows(CsvColumns columns, TransactionLog log)
    {
        private readonly Dictionary<string, (int Rows, List<long> Lines, string Example)> _skipped = new(StringComparer.Ordinal);
        private readonly bool _hasOrders = columns.Has(CsvField.OrderId);
        private readonly bool _hasQuantity = columns.Has(CsvField.Quantity);
        private readonly bool _hasDiscount = columns.Has(CsvField.Discount);
        private readonly bool _hasEvent = columns.Has(CsvField.EventType);
        private readonly CsvField _price = columns.Has(CsvField.UnitPrice) ? CsvField.UnitPrice : CsvField.Amount;
        private string? _order;
        private string? _orderClient;
        private DateTime _orderDate;

        public int Purchases { get; private set; }

        public void Read(CsvRow row)
        {
            var client = columns.Id(row, CsvField.ClientId);
            var continues = false;
            if (_hasOrders)
            {
                // The lines after an order's first row may leave its customer and date empty (Shopify).
                var order = columns.Id(row, CsvField.OrderId);
                continues = _order is not null && order.SequenceEqual(_order);
                if (!continues)
                {
                    _order = order.IsEmpty ? null : order.ToString();
                    _orderClient = client.IsEmpty ? null : client.ToString();
                }
                if (client.IsEmpty && continues && _orderClient is not null)
                {
                    client = _orderClient;
                }
            }
            if (client.IsEmpty)
            {
                Skip(row, "without a customer id");
                return;
            }
            if (!columns.TryDate(row, CsvField.Date, out var date, out var dateError))
            {
                if (dateError is not null || !continues)
                {
                    Skip(row, "with an unreadable date");
                    return;
                }
                date = _orderDate;
            }
            _orderDate = date;

            var quantity = 1.0;
            var isReturn = _hasEvent && columns.IsReturnEvent(row);
            if (_hasQuantity)
            {
                if (columns.TryAmount(row, CsvField.Quantity, out var q, out var quantityError))
                {
                    isReturn |= q.Negative;
                    quantity = Math.Abs(q.ToDouble());
                }
                else if (quantityError is not null)
                {
                    Skip(row, "with an unreadable quantity");
                    return;
                }
            }
            if (!columns.TryAmount(row, _price, out var price, out _))
            {
                Skip(row, "with an unreadable amount");
                return;
            }
            isReturn |= price.Negative;
            if (isReturn)
            {
                Skip(row, "returns or refunds (negative quantity or amount)");
                return;
            }
            var amount = _price == CsvField.UnitPrice ? price.ToDouble() * quantity : price.ToDouble();
            if (_hasDiscount && columns.TryAmount(row, CsvField.Discount, out var discount, out _))
            {
                amount -= Math.Abs(discount.ToDouble());
            }
            log.Add(client, DateOnly.FromDateTime(date), amount);
            Purchases++;
        }

        public IReadOnlyList<CsvSkippedRows> Skipped() =>
            [.. _skipped.OrderByDescending(s => s.Value.Rows).Select(s => new CsvSkippedRows(s.Key, s.Value.Rows, s.Value.Lines, s.Value.Example))];

        private void Skip(CsvRow row, string reason)
        {
            if (!_skipped.TryGetValue(reason, out var entry))
            {
                entry = (0, [], $"\"{CsvColumns.Shorten(row.Raw().Trim())}\"");
            }
            if (entry.Lines.Count < LinesPerReason)
            {
                entry.Lines.Add(row.Line);
            }
            _skipped[reason] = (entry.Rows + 1, entry.Lines, entry.Example);
        }
    }
}
