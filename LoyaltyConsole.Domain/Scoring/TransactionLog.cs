namespace LoyaltyConsole.Domain.Scoring;

/// <summary>
/// A purchase log kept compact for fitting: customers numbered in the order they first appear (their id text kept
/// once), each purchase three numbers (customer, day, amount), 16 bytes. A million customers' 2.8 million purchases
/// take about 150 MB, where one object per purchase and a sorted dictionary per customer took over a gigabyte.
/// </summary>
public sealed class TransactionLog
{
    private readonly Dictionary<string, int> _customers;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _byText;
    private int[] _customer;
    private int[] _day;
    private double[] _amount;

    /// <param name="capacity">Purchases expected, to size the arrays once (they grow as needed).</param>
    public TransactionLog(int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _customers = new Dictionary<string, int>(StringComparer.Ordinal);
        _byText = _customers.GetAlternateLookup<ReadOnlySpan<char>>();
        _customer = new int[Math.Max(capacity, 16)];
        _day = new int[_customer.Length];
        _amount = new double[_customer.Length];
    }

    public int Count { get; private set; }

    public int Customers => _customers.Count;

    public DateOnly? FirstDate { get; private set; }

    public DateOnly? LastDate { get; private set; }

    public void Add(string customerId, DateOnly date, double amount) => Add(customerId.AsSpan(), date, amount);

    /// <summary>Adds a purchase; the id text is copied only for a customer not seen before.</summary>
    public void Add(ReadOnlySpan<char> customerId, DateOnly date, double amount)
    {
        if (!_byText.TryGetValue(customerId, out var customer))
        {
            customer = _customers.Count;
            _byText[customerId] = customer;
        }
        if (Count == _customer.Length)
        {
            var size = _customer.Length * 2;
            Array.Resize(ref _customer, size);
            Array.Resize(ref _day, size);
            Array.Resize(ref _amount, size);
        }
        _customer[Count] = customer;
        _day[Count] = date.DayNumber;
        _amount[Count] = amount;
        Count++;
        if (FirstDate is not { } first || date < first)
        {
            FirstDate = date;
        }
        if (LastDate is not { } last || date > last)
        {
            LastDate = date;
        }
    }

    /// <summary>
    /// The purchases grouped by customer, each customer's by day: customer <c>c</c>'s are
    /// <c>[Start[c], Start[c + 1])</c> of <c>Days</c> (day numbers) and <c>Amounts</c>. Purchases of one customer on one
    /// day keep the order they were added in.
    /// </summary>
    public (int[] Start, int[] Days, double[] Amounts) ByCustomer()
    {
        var customers = _customers.Count;
        var start = new int[customers + 1];
        for (var i = 0; i < Count; i++)
        {
            start[_customer[i] + 1]++;
        }
        for (var c = 0; c < customers; c++)
        {
            start[c + 1] += start[c];
        }
        var next = start[..customers];
        var days = new int[Count];
        var amounts = new double[Count];
        for (var i = 0; i < Count; i++)
        {
            var at = next[_customer[i]]++;
            days[at] = _day[i];
            amounts[at] = _amount[i];
        }
        for (var c = 0; c < customers; c++)
        {
            SortByDay(days.AsSpan(start[c], start[c + 1] - start[c]), amounts.AsSpan(start[c], start[c + 1] - start[c]));
        }
        return (start, days, amounts);
    }

    /// <summary>A stable sort: most customers' purchases are in order already, and a few need a few moves.</summary>
    private static void SortByDay(Span<int> days, Span<double> amounts)
    {
        for (var i = 1; i < days.Length; i++)
        {
            var day = days[i];
            if (day >= days[i - 1])
            {
                continue;
            }
            if (days.Length > 64)
            {
                SortLong(days, amounts);
                return;
            }
            var amount = amounts[i];
            var j = i - 1;
            while (j >= 0 && days[j] > day)
            {
                days[j + 1] = days[j];
                amounts[j + 1] = amounts[j];
                j--;
            }
            days[j + 1] = day;
            amounts[j + 1] = amount;
        }
    }

    private static void SortLong(Span<int> days, Span<double> amounts)
    {
        // Day and position as one key: unique, so the unstable array sort keeps same-day purchases in order.
        var keys = new long[days.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = ((long)days[i] << 32) | (uint)i;
        }
        var values = amounts.ToArray();
        Array.Sort(keys, values);
        for (var i = 0; i < keys.Length; i++)
        {
            days[i] = (int)(keys[i] >> 32);
            amounts[i] = values[i];
        }
    }
}
