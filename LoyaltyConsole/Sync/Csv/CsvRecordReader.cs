using System.Globalization;

namespace LoyaltyConsole.Sync.Csv;

/// <summary>
/// Turns rows into records: a client per row of a client list; for sales, consecutive rows with one order id into one
/// visit (and its refund, when the export has one), or each row into a visit of one line. Records and issues collect
/// in the current batch until taken. A bad row never throws: it becomes an issue with its line and reason.
/// </summary>
internal sealed class CsvRecordReader(CsvOpenFile file, Action<long, SourceClient?, SourceVisit?, SourceIssue?>? outcome = null)
{
    private readonly CsvColumns _columns = file.Columns;
    private readonly ColumnMapping _mapping = file.Mapping;
    private readonly Dictionary<ulong, int> _occurrences = [];
    private readonly HashSet<string> _orderIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _reasons = new(StringComparer.Ordinal);
    private Order? _order;

    public List<SourceClient> Clients { get; private set; } = [];

    public List<SourceVisit> Visits { get; private set; } = [];

    public List<SourceIssue> Issues { get; private set; } = [];

    public int Pending => Clients.Count + Visits.Count;

    /// <summary>The first line of the order whose rows are still being read, if any.</summary>
    public long? OpenOrderLine => _order?.FirstLine;

    public int ClientCount { get; private set; }

    public int VisitCount { get; private set; }

    public int ReturnCount { get; private set; }

    public int RowsSkipped { get; private set; }

    public int RowsFailed { get; private set; }

    public int ValuesLeftEmpty { get; private set; }

    public IReadOnlyDictionary<string, int> Reasons => _reasons;

    public (List<SourceClient> Clients, List<SourceVisit> Visits, List<SourceIssue> Issues) TakeBatch()
    {
        var batch = (Clients, Visits, Issues);
        (Clients, Visits, Issues) = ([], [], []);
        return batch;
    }

    public void Read(CsvRow row)
    {
        if (_mapping.Kind == CsvFileKind.Clients)
        {
            ReadClient(row);
        }
        else
        {
            ReadSale(row);
        }
    }

    /// <summary>At the end of the file: the order still open becomes its visit.</summary>
    public void Complete() => CloseOrder();

    private void ReadClient(CsvRow row)
    {
        var id = _columns.Id(row, CsvField.ClientId);
        if (id.IsEmpty)
        {
            Skip(row, "no customer id", $"no {_columns.Header(CsvField.ClientId)}");
            return;
        }
        var first = _columns.Text(row, CsvField.FirstName);
        var last = _columns.Text(row, CsvField.LastName);
        if (first is null && last is null && _columns.Text(row, CsvField.FullName) is { } full)
        {
            var space = full.LastIndexOf(' ');
            (first, last) = space > 0 ? (full[..space].Trim(), full[(space + 1)..]) : (full, null);
        }
        var birthday = OptionalDate(row, CsvField.Birthday);
        // A list keyed by email (older Shopify exports) keys it in lower case, as the orders that name the client do.
        var key = _columns.Has(CsvField.Email) && _columns.Header(CsvField.Email) == _columns.Header(CsvField.ClientId)
            ? id.ToString().ToLowerInvariant()
            : id.ToString();
        var client = new SourceClient(
            key,
            first,
            last,
            _columns.Text(row, CsvField.Email),
            _columns.Text(row, CsvField.Phone) ?? _columns.Text(row, CsvField.AlternatePhone),
            birthday is { } b ? DateOnly.FromDateTime(b) : null,
            _columns.Text(row, CsvField.Location),
            OptionalDate(row, CsvField.CreatedAt),
            OptionalDate(row, CsvField.UpdatedAt),
            Consent(row, CsvField.SmsConsent),
            Consent(row, CsvField.EmailConsent),
            row.Line);
        Clients.Add(client);
        ClientCount++;
        outcome?.Invoke(row.Line, client, null, null);
    }

    private void ReadSale(CsvRow row)
    {
        var orderId = _columns.Has(CsvField.OrderId) ? _columns.Id(row, CsvField.OrderId) : [];
        // Lines after an order's first row may leave the order's own values (customer, date) empty (Shopify).
        var continues = _order is not null && !orderId.IsEmpty && orderId.SequenceEqual(_order.Id);
        var clientId = _columns.Id(row, CsvField.ClientId);
        if (clientId.IsEmpty && !continues)
        {
            CloseOrder();
            Skip(row, "no customer id", $"no {_columns.Header(CsvField.ClientId)}");
            return;
        }
        DateTime occurredAt;
        if (_columns.TryDate(row, CsvField.Date, out var date, out var dateError))
        {
            occurredAt = date;
        }
        else if (dateError is null && continues)
        {
            occurredAt = _order!.OccurredAt;
        }
        else
        {
            Fail(row, "date", dateError ?? $"no {_columns.Header(CsvField.Date)}");
            return;
        }
        if (!TryLine(row, out var line, out var isReturn, out var currency, out var error))
        {
            Fail(row, error.Reason, error.Message);
            return;
        }
        isReturn |= _columns.Has(CsvField.EventType) && _columns.IsReturnEvent(row);

        if (orderId.IsEmpty)
        {
            CloseOrder();
            var order = NewOrder(row, clientId.ToString(), null, occurredAt, isReturn, currency);
            order.Lines.Add(line);
            Emit(order, derivedId: true);
            return;
        }
        if (!continues || _order!.IsReturn != isReturn)
        {
            var client = clientId.IsEmpty ? _order!.ClientId : clientId.ToString();
            CloseOrder();
            _order = NewOrder(row, client, orderId.ToString(), occurredAt, isReturn, currency);
        }
        else
        {
            _order.Rows.Add(row.Line);
        }
        var open = _order;
        open.Lines.Add(line);
        open.Currency ??= currency;
        if (open.OrderDiscount is null && TryOptionalMinor(row, CsvField.OrderDiscount, open.Currency, out var discount))
        {
            open.OrderDiscount = discount;
        }
        if (open.Refunded is null && TryOptionalMinor(row, CsvField.RefundedAmount, open.Currency, out var refunded) && refunded > 0)
        {
            open.Refunded = refunded;
            open.RefundedAt = OptionalDate(row, CsvField.RefundedAt);
        }
    }

    private Order NewOrder(CsvRow row, string clientId, string? orderId, DateTime occurredAt, bool isReturn, string? currency)
    {
        var order = new Order(orderId ?? "", clientId, occurredAt, isReturn, row.Line, row.Raw())
        {
            Location = _columns.Text(row, CsvField.Location),
            Currency = _columns.Text(row, CsvField.Currency)?.ToUpperInvariant() ?? currency ?? _mapping.Currency,
            ReturnOf = _columns.Text(row, CsvField.ReturnOf),
            Email = _columns.Text(row, CsvField.Email),
        };
        order.Rows.Add(row.Line);
        return order;
    }

    /// <summary>The row's line: quantity and prices as positive numbers, and whether anything negative made it a return.</summary>
    private bool TryLine(CsvRow row, out SourceLine line, out bool isReturn, out string? currency, out (string Reason, string Message) error)
    {
        line = null!;
        isReturn = false;
        currency = null;
        error = default;
        var quantity = 1L;
        var wholeLine = false;
        if (_columns.Has(CsvField.Quantity))
        {
            if (_columns.TryAmount(row, CsvField.Quantity, out var q, out var qError))
            {
                isReturn |= q.Negative;
                if (q.Scale == 0 && q.Units is > 0 and <= int.MaxValue)
                {
                    quantity = q.Units;
                }
                else
                {
                    // A fractional or zero quantity (0.5 kg, a line with no count): the amount is the line's.
                    wholeLine = true;
                }
            }
            else if (qError is not null)
            {
                error = ("quantity", qError);
                return false;
            }
        }

        var field = _columns.Has(CsvField.UnitPrice) ? CsvField.UnitPrice : CsvField.Amount;
        if (!_columns.TryAmount(row, field, out var price, out var priceError))
        {
            error = ("amount", priceError ?? $"no {_columns.Header(field)}");
            return false;
        }
        isReturn |= price.Negative;
        currency = price.Currency;
        var minorDigits = CsvAmounts.MinorDigits(_columns.Text(row, CsvField.Currency)?.ToUpperInvariant() ?? currency ?? _mapping.Currency);
        if (!price.TryToMinor(minorDigits, out var priceMinor))
        {
            error = ("amount", $"{_columns.Header(field)} '{CsvColumns.Shorten(_columns.Cell(row, field))}' is too large");
            return false;
        }
        var discountMinor = 0L;
        if (_columns.TryAmount(row, CsvField.Discount, out var discount, out var discountError))
        {
            // Square writes discounts as negative amounts: the size is what counts.
            if (!discount.TryToMinor(minorDigits, out discountMinor))
            {
                error = ("amount", $"{_columns.Header(CsvField.Discount)} is too large");
                return false;
            }
        }
        else if (discountError is not null)
        {
            error = ("amount", discountError);
            return false;
        }

        long unit;
        if (field == CsvField.UnitPrice)
        {
            unit = priceMinor;
            if (wholeLine && _columns.TryAmount(row, CsvField.Quantity, out var fraction, out _))
            {
                unit = (long)Math.Round((decimal)priceMinor * fraction.Units / (decimal)Math.Pow(10, fraction.Scale), MidpointRounding.AwayFromZero);
                quantity = 1;
            }
        }
        else if (wholeLine || quantity == 1)
        {
            unit = priceMinor;
            quantity = 1;
        }
        else
        {
            // A line total over several units: the unit price rounded up, the rounding taken off as a discount.
            unit = (priceMinor + quantity - 1) / quantity;
            discountMinor += (unit * quantity) - priceMinor;
        }
        var item = _columns.Text(row, CsvField.Item) ?? "Purchase";
        line = new SourceLine(item, _columns.Text(row, CsvField.Category), (int)quantity, unit, Math.Min(discountMinor, unit * quantity));
        return true;
    }

    private void CloseOrder()
    {
        if (_order is { } order)
        {
            _order = null;
            Emit(order, derivedId: false);
        }
    }

    private void Emit(Order order, bool derivedId)
    {
        SpreadOrderDiscount(order);
        var clientKey = order.ClientId;
        string? email = null;
        if (_columns.Has(CsvField.Email) && _columns.Header(CsvField.Email) == _columns.Header(CsvField.ClientId))
        {
            // Exports that name the customer by email only (Shopify's orders): the key in lower case, so that one
            // customer's orders agree, and the email for the writer to match clients by.
            email = clientKey;
            clientKey = clientKey.ToLowerInvariant();
        }
        else if (order.Email is not null)
        {
            email = order.Email;
        }

        string externalId;
        string? returnOf = null;
        if (derivedId)
        {
            externalId = DerivedId(order, clientKey);
            returnOf = order.IsReturn ? order.ReturnOf : null;
        }
        else if (order.IsReturn && order.ReturnOf is null)
        {
            // A refund under the sale's own id (Square): one per sale and time.
            externalId = string.Create(CultureInfo.InvariantCulture, $"{order.Id}:refund:{order.OccurredAt:yyyyMMddHHmmss}");
            returnOf = order.Id;
        }
        else
        {
            externalId = order.Id;
            returnOf = order.IsReturn ? order.ReturnOf : null;
            if (!_orderIds.Add(externalId))
            {
                Fail(order.FirstLine, order.FirstRaw, "order split",
                    $"order {order.Id} continues here after other rows: an order's rows must be together; these {order.Lines.Count} lines are not imported");
                return;
            }
        }

        var visit = new SourceVisit(externalId, clientKey, order.Location, order.OccurredAt, order.Currency, order.Lines, order.IsReturn, returnOf,
            Line: order.FirstLine, ClientEmail: email);
        Add(visit, order);

        if (order.Refunded is { } refunded && !order.IsReturn)
        {
            var refund = new SourceVisit($"{externalId}:refund", clientKey, order.Location, order.RefundedAt ?? order.OccurredAt, order.Currency,
                [new SourceLine("Refund", null, 1, refunded)], IsReturn: true, ReturnOfExternalId: externalId, Line: order.FirstLine, ClientEmail: email);
            Add(refund, order);
        }
    }

    private void Add(SourceVisit visit, Order order)
    {
        Visits.Add(visit);
        if (visit.IsReturn)
        {
            ReturnCount++;
        }
        else
        {
            VisitCount++;
        }
        if (outcome is not null)
        {
            foreach (var line in order.Rows)
            {
                outcome(line, null, visit, null);
            }
        }
    }

    /// <summary>
    /// A row without an id of its own: a hash of what it says plus its place among identical rows, so the same file
    /// read again gives the same ids, and two identical purchases on one day stay two.
    /// </summary>
    private string DerivedId(Order order, string clientKey)
    {
        var hash = new StableHash();
        hash.Add(clientKey);
        hash.Add(order.OccurredAt.Ticks);
        hash.Add(order.IsReturn ? 1 : 0);
        hash.Add(order.Location);
        hash.Add(order.Currency);
        foreach (var line in order.Lines)
        {
            hash.Add(line.Item);
            hash.Add(line.Category);
            hash.Add(line.Quantity);
            hash.Add(line.UnitPriceMinor);
            hash.Add(line.DiscountMinor);
        }
        var key = hash.Value;
        var occurrence = _occurrences[key] = _occurrences.GetValueOrDefault(key) + 1;
        return string.Create(CultureInfo.InvariantCulture, $"row-{key:x16}-{occurrence}");
    }

    private static void SpreadOrderDiscount(Order order)
    {
        if (order.OrderDiscount is not > 0 || order.Lines.Any(l => l.DiscountMinor > 0))
        {
            return;
        }
        var gross = order.Lines.Sum(l => l.UnitPriceMinor * l.Quantity);
        if (gross <= 0)
        {
            return;
        }
        var remaining = Math.Min(order.OrderDiscount.Value, gross);
        var total = remaining;
        for (var i = 0; i < order.Lines.Count; i++)
        {
            var line = order.Lines[i];
            var lineGross = line.UnitPriceMinor * line.Quantity;
            var share = i == order.Lines.Count - 1 ? remaining : Math.Min(remaining, total * lineGross / gross);
            order.Lines[i] = line with { DiscountMinor = share };
            remaining -= share;
        }
    }

    private bool TryOptionalMinor(CsvRow row, CsvField field, string? currency, out long minor)
    {
        minor = 0;
        if (!_columns.Has(field))
        {
            return false;
        }
        if (_columns.TryAmount(row, field, out var amount, out var error) && amount.TryToMinor(CsvAmounts.MinorDigits(currency), out minor))
        {
            return true;
        }
        if (error is not null)
        {
            LeaveEmpty(row, field, error);
        }
        return false;
    }

    private DateTime? OptionalDate(CsvRow row, CsvField field)
    {
        if (!_columns.Has(field))
        {
            return null;
        }
        if (_columns.TryDate(row, field, out var value, out var error))
        {
            return value;
        }
        if (error is not null)
        {
            LeaveEmpty(row, field, error);
        }
        return null;
    }

    private bool? Consent(CsvRow row, CsvField field)
    {
        var cell = _columns.Has(field) ? _columns.Cell(row, field).Trim() : [];
        if (cell.IsEmpty)
        {
            return null;
        }
        Span<char> lower = stackalloc char[Math.Min(cell.Length, 32)];
        cell[..lower.Length].ToLowerInvariant(lower);
        return lower switch
        {
            "yes" or "y" or "true" or "1" or "subscribed" or "opted in" or "opted_in" or "opt-in" or "opt in" or "accepted" => true,
            "no" or "n" or "false" or "0" or "unsubscribed" or "not subscribed" or "not_subscribed" or "opted out" or "opted_out"
                or "opt-out" or "opt out" or "declined" => false,
            _ => null,
        };
    }

    private void Skip(CsvRow row, string reason, string message)
    {
        RowsSkipped++;
        Report(new SourceIssue(row.Line, SourceIssueKind.Skipped, message, row.Raw()), reason);
    }

    private void Fail(CsvRow row, string reason, string message) => Fail(row.Line, row.Raw(), reason, message);

    private void Fail(long line, string raw, string reason, string message)
    {
        RowsFailed++;
        Report(new SourceIssue(line, SourceIssueKind.Failed, message, raw), reason);
    }

    private void LeaveEmpty(CsvRow row, CsvField field, string error)
    {
        ValuesLeftEmpty++;
        Report(new SourceIssue(row.Line, SourceIssueKind.Skipped, $"{error}: imported without {_columns.Header(field)}", row.Raw()), "value left empty");
    }

    private void Report(SourceIssue issue, string reason)
    {
        Issues.Add(issue);
        _reasons[reason] = _reasons.GetValueOrDefault(reason) + 1;
        outcome?.Invoke(issue.Line, null, null, issue);
    }

    /// <summary>A sale being assembled from its rows.</summary>
    private sealed class Order(string id, string clientId, DateTime occurredAt, bool isReturn, long firstLine, string firstRaw)
    {
        public string Id { get; } = id;

        public string ClientId { get; } = clientId;

        public DateTime OccurredAt { get; } = occurredAt;

        public bool IsReturn { get; } = isReturn;

        public long FirstLine { get; } = firstLine;

        public string FirstRaw { get; } = firstRaw;

        public List<SourceLine> Lines { get; } = [];

        public List<long> Rows { get; } = [];

        public string? Location { get; init; }

        public string? Currency { get; set; }

        public string? ReturnOf { get; init; }

        public string? Email { get; init; }

        public long? OrderDiscount { get; set; }

        public long? Refunded { get; set; }

        public DateTime? RefundedAt { get; set; }
    }
}

/// <summary>FNV-1a, 64 bits: the same on every machine and run, unlike string.GetHashCode.</summary>
internal struct StableHash
{
    private const ulong Prime = 0x100000001b3;

    public StableHash()
    {
    }

    public ulong Value { get; private set; } = 0xcbf29ce484222325;

    public void Add(string? text)
    {
        var value = Value;
        foreach (var c in text ?? "\u0001")
        {
            value = (value ^ c) * Prime;
        }
        Value = (value ^ 0xFFFF) * Prime;
    }

    public void Add(long number)
    {
        var value = Value;
        for (var i = 0; i < 8; i++)
        {
            value = (value ^ (byte)(number >> (i * 8))) * Prime;
        }
        Value = value;
    }
}
