using System.Globalization;
using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Tests.Domain.Scoring;

/// <summary>
/// The backtest on a compact log fits exactly what the previous implementation fitted, purchase objects in a
/// dictionary of sorted dictionaries: the previous code is kept here, verbatim in its arithmetic, as the reference.
/// </summary>
public sealed class CompactBacktestTests
{
    private static readonly DateOnly CalibrationEnd = new(1997, 9, 30);
    private static readonly DateOnly HoldoutEnd = new(1998, 6, 30);

    [Fact]
    public void On_the_CDNOW_master_file_the_fitted_parameters_and_buckets_are_those_of_the_previous_implementation_to_the_bit()
    {
        var transactions = MasterTransactions();

        var reference = ReferenceRun(transactions, CalibrationEnd, HoldoutEnd);
        var compact = Backtest.Run(transactions, CalibrationEnd, HoldoutEnd);

        AssertIdentical(reference, compact);
        Assert.Equal(23_570, compact.Customers);
    }

    [Fact]
    public void Purchases_in_any_order_give_the_fit_the_previous_implementation_gives_for_that_order()
    {
        // Shuffled, every customer's purchases come out of day order and same-day amounts in another order: the
        // log sorts each customer's days (long histories by a keyed sort, short ones in place) and keeps same-day order.
        var random = new Random(11);
        var transactions = MasterTransactions().OrderBy(_ => random.Next()).ToList();
        var heavy = Enumerable.Range(0, 300).Select(i => new Transaction("heavy", new DateOnly(1997, 1, 1).AddDays((i * 37) % 540), 1.0 + (i % 7) * 0.1));
        transactions.AddRange(heavy.OrderBy(_ => random.Next()));

        AssertIdentical(ReferenceRun(transactions, CalibrationEnd, HoldoutEnd), Backtest.Run(transactions, CalibrationEnd, HoldoutEnd));
    }

    [Fact]
    public void The_log_keeps_customers_in_order_of_first_appearance_and_each_ones_days_in_order()
    {
        var log = new TransactionLog(capacity: 2);
        log.Add("b", new DateOnly(2024, 1, 9), 1);
        log.Add("a".AsSpan(), new DateOnly(2024, 1, 5), 2);
        log.Add("b", new DateOnly(2024, 1, 2), 3);
        log.Add("b", new DateOnly(2024, 1, 9), 4);

        var (start, days, amounts) = log.ByCustomer();

        Assert.Equal((4, 2), (log.Count, log.Customers));
        Assert.Equal([0, 3, 4], start);
        Assert.Equal([new DateOnly(2024, 1, 2).DayNumber, new DateOnly(2024, 1, 9).DayNumber, new DateOnly(2024, 1, 9).DayNumber, new DateOnly(2024, 1, 5).DayNumber], days);
        Assert.Equal([3.0, 1, 4, 2], amounts);
        Assert.Equal((new DateOnly(2024, 1, 2), new DateOnly(2024, 1, 9)), (log.FirstDate!.Value, log.LastDate!.Value));
    }

    private static void AssertIdentical(BacktestResult expected, BacktestResult actual)
    {
        Assert.Equal(expected.BgNbd.Parameters, actual.BgNbd.Parameters);
        Assert.Equal(expected.BgNbd.LogLikelihood, actual.BgNbd.LogLikelihood);
        Assert.Equal(expected.BgNbd.Iterations, actual.BgNbd.Iterations);
        Assert.Equal(expected.GammaGamma!.Parameters, actual.GammaGamma!.Parameters);
        Assert.Equal(expected.GammaGamma.LogLikelihood, actual.GammaGamma.LogLikelihood);
        Assert.Equal((expected.Customers, expected.Transactions), (actual.Customers, actual.Transactions));
        Assert.Equal(expected.Buckets, actual.Buckets);
    }

    private static List<Transaction> MasterTransactions() =>
        File.ReadLines(Path.Combine(ScoringTestData.CdnowDirectory, "CDNOW_master.txt")).Skip(1)
            .Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Select(f => new Transaction(f[0], DateOnly.ParseExact(f[1], "yyyyMMdd", CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>Backtest.Run as it was before the compact log (commit a596b51), unchanged but for its name.</summary>
    private static BacktestResult ReferenceRun(IEnumerable<Transaction> transactions, DateOnly calibrationEnd, DateOnly holdoutEnd)
    {
        const double DaysPerWeek = 7.0;
        const int OpenBucket = 7;
        var byCustomer = new Dictionary<string, SortedDictionary<DateOnly, double>>(StringComparer.Ordinal);
        foreach (var transaction in transactions)
        {
            if (!byCustomer.TryGetValue(transaction.CustomerId, out var days))
            {
                days = [];
                byCustomer[transaction.CustomerId] = days;
            }
            days[transaction.Date] = days.GetValueOrDefault(transaction.Date) + transaction.Amount;
        }

        var summaries = new List<CustomerSummary>(byCustomer.Count);
        var meanSpends = new List<double>(byCustomer.Count);
        var holdoutCounts = new List<int>(byCustomer.Count);
        var transactionCount = 0;
        foreach (var days in byCustomer.Values)
        {
            var first = days.Keys.First();
            if (first > calibrationEnd)
            {
                continue;
            }
            var repeats = 0;
            var repeatSpend = 0.0;
            var last = first;
            var holdout = 0;
            foreach (var (date, amount) in days)
            {
                if (date > holdoutEnd)
                {
                    break;
                }
                transactionCount++;
                if (date > calibrationEnd)
                {
                    holdout++;
                }
                else if (date > first)
                {
                    repeats++;
                    repeatSpend += amount;
                    last = date;
                }
            }
            summaries.Add(new CustomerSummary(repeats, (last.DayNumber - first.DayNumber) / DaysPerWeek, (calibrationEnd.DayNumber - first.DayNumber) / DaysPerWeek));
            meanSpends.Add(repeats > 0 ? repeatSpend / repeats : 0.0);
            holdoutCounts.Add(holdout);
        }

        var summaryArray = summaries.ToArray();
        var bgNbd = BgNbdModel.Fit(summaryArray);
        var frequencies = summaryArray.Select(s => s.Frequency).ToArray();
        var spends = meanSpends.ToArray();
        var gammaGamma = frequencies.Zip(spends).Any(p => p.First > 0 && p.Second > 0) ? GammaGammaModel.Fit(frequencies, spends) : null;

        var holdoutWeeks = (holdoutEnd.DayNumber - calibrationEnd.DayNumber) / DaysPerWeek;
        var customers = new int[OpenBucket + 1];
        var actual = new double[OpenBucket + 1];
        var predicted = new double[OpenBucket + 1];
        for (var i = 0; i < summaryArray.Length; i++)
        {
            var s = summaryArray[i];
            var bucket = (int)Math.Min(s.Frequency, OpenBucket);
            customers[bucket]++;
            actual[bucket] += holdoutCounts[i];
            predicted[bucket] += bgNbd.Parameters.ExpectedTransactions(holdoutWeeks, s.Frequency, s.Recency, s.Age);
        }
        var buckets = new BacktestBucket[OpenBucket + 1];
        for (var b = 0; b <= OpenBucket; b++)
        {
            var label = b == OpenBucket ? $"{OpenBucket}+" : b.ToString(CultureInfo.InvariantCulture);
            var n = customers[b];
            buckets[b] = new BacktestBucket(label, n, n == 0 ? 0.0 : actual[b] / n, n == 0 ? 0.0 : predicted[b] / n);
        }
        return new BacktestResult(bgNbd, gammaGamma, summaryArray.Length, transactionCount, buckets);
    }
}
