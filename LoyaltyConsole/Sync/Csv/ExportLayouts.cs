using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Sync.Csv;

/// <summary>
/// An export the reader recognises by its headers. <see cref="Signature"/> are headers that together are the export's
/// own; <see cref="Fields"/> lists, per field, the headers that may hold it, the first one present winning.
/// </summary>
internal sealed record ExportLayout(string Name, CsvFileKind Kind, string? Source, string[] Signature, IReadOnlyList<(CsvField Field, string[] Headers)> Fields);

/// <summary>
/// The exports detected from their headers, and the generic layouts for files that are none of them. Header names
/// come from the vendors' exports as documented or commonly seen (shared/INTEGRATIONS.md for Fresha's client list;
/// Square's and Shopify's as their dashboards write them); headers are compared ignoring case, spaces and
/// punctuation, so "Customer ID", "customer_id" and "CustomerId" are one header.
/// </summary>
internal static class ExportLayouts
{
    public static readonly ExportLayout FreshaClients = new("Fresha client list", CsvFileKind.Clients, Sources.Fresha,
        ["Client ID", "First Name", "Last Name", "Mobile Number", "Telephone", "Blocked", "Added"],
        [
            (CsvField.ClientId, ["Client ID"]),
            (CsvField.FirstName, ["First Name"]),
            (CsvField.LastName, ["Last Name"]),
            (CsvField.Email, ["Email"]),
            (CsvField.Phone, ["Mobile Number", "Mobile"]),
            (CsvField.AlternatePhone, ["Telephone"]),
            (CsvField.Birthday, ["Date of Birth"]),
            (CsvField.CreatedAt, ["Added", "Created"]),
            (CsvField.Location, ["Location", "Preferred Location"]),
            (CsvField.SmsConsent, ["Accepts SMS Marketing", "SMS Marketing", "Marketing SMS", "SMS Notifications"]),
            (CsvField.EmailConsent, ["Accepts Email Marketing", "Email Marketing", "Marketing Emails", "Accepts Marketing"]),
        ]);

    public static readonly ExportLayout SquareCustomers = new("Square customer export", CsvFileKind.Clients, Sources.Square,
        ["Square Customer ID", "Email Address", "Phone Number", "Reference ID", "Email Subscription Status", "Creation Source"],
        [
            (CsvField.ClientId, ["Square Customer ID"]),
            (CsvField.FirstName, ["First Name"]),
            (CsvField.LastName, ["Last Name"]),
            (CsvField.Email, ["Email Address"]),
            (CsvField.Phone, ["Phone Number"]),
            (CsvField.Birthday, ["Birthday"]),
            (CsvField.CreatedAt, ["Creation Date", "First Visit"]),
            (CsvField.EmailConsent, ["Email Subscription Status"]),
            (CsvField.SmsConsent, ["SMS Subscription Status", "Text Message Subscription Status"]),
        ]);

    public static readonly ExportLayout ShopifyCustomers = new("Shopify customer export", CsvFileKind.Clients, Sources.Shopify,
        ["Customer ID", "First Name", "Last Name", "Accepts Email Marketing", "Accepts SMS Marketing", "Total Spent", "Total Orders", "Tax Exempt"],
        [
            // Older exports have no Customer ID: the email is the only key they carry.
            (CsvField.ClientId, ["Customer ID", "Email"]),
            (CsvField.FirstName, ["First Name"]),
            (CsvField.LastName, ["Last Name"]),
            (CsvField.Email, ["Email"]),
            (CsvField.Phone, ["Phone"]),
            (CsvField.AlternatePhone, ["Default Address Phone"]),
            (CsvField.EmailConsent, ["Accepts Email Marketing", "Accepts Marketing"]),
            (CsvField.SmsConsent, ["Accepts SMS Marketing"]),
        ]);

    public static readonly ExportLayout ShopifyOrders = new("Shopify orders export", CsvFileKind.Visits, Sources.Shopify,
        ["Name", "Email", "Financial Status", "Lineitem quantity", "Lineitem name", "Lineitem price", "Created at"],
        [
            (CsvField.OrderId, ["Name"]),
            // The export names the customer by email only.
            (CsvField.ClientId, ["Email"]),
            (CsvField.Email, ["Email"]),
            (CsvField.Date, ["Created at", "Paid at"]),
            (CsvField.Item, ["Lineitem name"]),
            (CsvField.Quantity, ["Lineitem quantity"]),
            (CsvField.UnitPrice, ["Lineitem price"]),
            (CsvField.Discount, ["Lineitem discount"]),
            (CsvField.OrderDiscount, ["Discount Amount"]),
            (CsvField.Currency, ["Currency"]),
            (CsvField.Location, ["Location"]),
            (CsvField.RefundedAmount, ["Refunded Amount"]),
            (CsvField.RefundedAt, ["Cancelled at"]),
        ]);

    public static readonly ExportLayout SquareItems = new("Square item sales export", CsvFileKind.Visits, Sources.Square,
        ["Date", "Time", "Time Zone", "Category", "Item", "Qty", "Gross Sales", "Net Sales", "Transaction ID", "Event Type"],
        [
            (CsvField.OrderId, ["Transaction ID"]),
            (CsvField.ClientId, ["Customer ID"]),
            (CsvField.Date, ["Date"]),
            (CsvField.Time, ["Time"]),
            (CsvField.Item, ["Item"]),
            (CsvField.Category, ["Category"]),
            (CsvField.Quantity, ["Qty", "Count"]),
            (CsvField.Amount, ["Gross Sales"]),
            (CsvField.Discount, ["Discounts"]),
            (CsvField.Location, ["Location"]),
            (CsvField.EventType, ["Event Type"]),
        ]);

    /// <summary>Any file with a customer id, a date and an amount column (CDNOW's, a spreadsheet's).</summary>
    public static readonly ExportLayout GenericTransactions = new("customer id, date, amount", CsvFileKind.Transactions, null, [],
        [
            (CsvField.ClientId, ["customer_id", "customer id", "client_id", "client id", "customer", "client", "cust_id", "member_id", "customer number", "client number", "master_id", "id"]),
            (CsvField.Date, ["date", "order_date", "transaction_date", "visit_date", "purchase_date", "sale date", "invoice date", "created_at", "datetime", "timestamp"]),
            (CsvField.Amount, ["amount", "dollar_value", "dollars", "total", "value", "spend", "revenue", "sales", "net sales", "amount paid", "total amount", "sale amount", "price"]),
            (CsvField.Quantity, ["quantity", "qty", "number_of_cds", "units", "items"]),
            (CsvField.OrderId, ["order_id", "order id", "transaction_id", "transaction id", "invoice", "invoice_id", "invoice number", "receipt", "receipt number", "sale id"]),
            (CsvField.Time, ["time"]),
            (CsvField.Item, ["item", "product", "service", "description", "item name", "product name", "service name"]),
            (CsvField.Category, ["category"]),
            (CsvField.Discount, ["discount", "discounts"]),
            (CsvField.Location, ["location", "store", "branch", "outlet", "location name"]),
            (CsvField.Currency, ["currency"]),
        ]);

    /// <summary>Any client list with an id column and a name, email or phone.</summary>
    public static readonly ExportLayout GenericClients = new("client list", CsvFileKind.Clients, null, [],
        [
            (CsvField.ClientId, ["client id", "customer id", "client_id", "customer_id", "id", "client number", "customer number", "member id"]),
            (CsvField.FirstName, ["first name", "firstname", "given name"]),
            (CsvField.LastName, ["last name", "lastname", "surname", "family name"]),
            (CsvField.FullName, ["name", "full name", "client name", "customer name"]),
            (CsvField.Email, ["email", "e-mail", "email address"]),
            (CsvField.Phone, ["mobile", "mobile number", "mobile phone", "cell", "phone", "phone number"]),
            (CsvField.AlternatePhone, ["telephone", "home phone", "work phone"]),
            (CsvField.Birthday, ["birthday", "date of birth", "dob", "birth date"]),
            (CsvField.CreatedAt, ["added", "created", "created at", "creation date", "customer since", "first visit"]),
            (CsvField.Location, ["location", "store", "branch", "home location"]),
            (CsvField.SmsConsent, ["sms consent", "accepts sms marketing", "sms marketing", "sms opt in", "sms opt-in"]),
            (CsvField.EmailConsent, ["email consent", "accepts email marketing", "accepts marketing", "email subscription status", "email opt in", "email opt-in"]),
        ]);

    private static readonly ExportLayout[] Exports = [FreshaClients, SquareCustomers, ShopifyCustomers, ShopifyOrders, SquareItems];

    /// <summary>The header as compared: lower case letters and digits only.</summary>
    public static string Normalize(string header)
    {
        Span<char> buffer = stackalloc char[Math.Min(header.Length, 256)];
        var length = 0;
        foreach (var c in header)
        {
            if (char.IsLetterOrDigit(c) && length < buffer.Length)
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }
        return new string(buffer[..length]);
    }

    /// <summary>
    /// The mapping for a file with these headers: the known export most of whose signature it has (at least 60%),
    /// else the generic layout of <paramref name="kind"/> (or whichever generic one the headers fit). Null when none fits.
    /// </summary>
    public static ColumnMapping? Detect(IReadOnlyList<string> headers, CsvFileKind? kind)
    {
        var present = headers.Select(Normalize).ToHashSet(StringComparer.Ordinal);
        var best = Exports
            .Where(e => kind is null || e.Kind == kind || (kind == CsvFileKind.Transactions && e.Kind == CsvFileKind.Visits))
            .Select(e => (Layout: e, Score: e.Signature.Count(h => present.Contains(Normalize(h))) / (double)e.Signature.Length))
            .Where(x => x.Score >= 0.6)
            .OrderByDescending(x => x.Score)
            .Select(x => x.Layout)
            .FirstOrDefault();
        if (best is not null && Map(best, headers) is { } known)
        {
            return known;
        }
        var generic = kind switch
        {
            CsvFileKind.Clients => [GenericClients],
            CsvFileKind.Transactions or CsvFileKind.Visits => [GenericTransactions],
            _ => new[] { GenericTransactions, GenericClients },
        };
        return generic.Select(g => Map(g, headers)).FirstOrDefault(m => m is not null);
    }

    /// <summary>The CDNOW layouts, for a file without a header row: 4 columns <c>id date cds dollars</c>, or the sample's 5 <c>id sample_id date cds dollars</c>.</summary>
    public static ColumnMapping? DetectHeaderless(int columns) => columns switch
    {
        4 => Positional(new() { [CsvField.ClientId] = 1, [CsvField.Date] = 2, [CsvField.Quantity] = 3, [CsvField.Amount] = 4 }),
        5 => Positional(new() { [CsvField.ClientId] = 1, [CsvField.Date] = 3, [CsvField.Quantity] = 4, [CsvField.Amount] = 5 }),
        3 => Positional(new() { [CsvField.ClientId] = 1, [CsvField.Date] = 2, [CsvField.Amount] = 3 }),
        _ => null,
    };

    private static ColumnMapping Positional(Dictionary<CsvField, int> columns) => new()
    {
        Kind = CsvFileKind.Transactions,
        Layout = "customer id, date, amount (no header row)",
        Columns = columns.ToDictionary(c => c.Key, c => "#" + c.Value),
        HasHeader = false,
    };

    /// <summary>
    /// What can be told of the columns of a file that fits no layout, for a person to complete: the generic layout of
    /// <paramref name="kind"/>'s fields whose headers it has, required ones missing or not.
    /// </summary>
    public static ColumnMapping Guess(IReadOnlyList<string> headers, CsvFileKind kind)
    {
        var layout = kind == CsvFileKind.Clients ? GenericClients : GenericTransactions;
        return new ColumnMapping { Kind = kind, Layout = "a custom mapping", Columns = Match(layout, headers) };
    }

    private static ColumnMapping? Map(ExportLayout layout, IReadOnlyList<string> headers)
    {
        var columns = Match(layout, headers);
        var mapping = new ColumnMapping { Kind = layout.Kind, Layout = layout.Name, Columns = columns };
        if (ColumnMapping.RequiredFields(layout.Kind).Any(f => !columns.ContainsKey(f)))
        {
            return null;
        }
        if (layout.Kind == CsvFileKind.Clients
            ? !columns.Keys.Any(f => f is CsvField.FirstName or CsvField.LastName or CsvField.FullName or CsvField.Email or CsvField.Phone)
            : !columns.ContainsKey(CsvField.Amount) && !columns.ContainsKey(CsvField.UnitPrice))
        {
            return null;
        }
        return mapping;
    }

    private static Dictionary<CsvField, string> Match(ExportLayout layout, IReadOnlyList<string> headers)
    {
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in headers)
        {
            byName.TryAdd(Normalize(header), header);
        }
        var columns = new Dictionary<CsvField, string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (field, candidates) in layout.Fields)
        {
            foreach (var candidate in candidates)
            {
                // One column holds one field, except the email that is also a key (Shopify orders).
                if (byName.TryGetValue(Normalize(candidate), out var header) && (field == CsvField.Email || used.Add(header)))
                {
                    columns[field] = header;
                    break;
                }
            }
        }
        return columns;
    }
}
