namespace LoyaltyConsole.Domain.Scoring;

/// <summary>One purchase; several on the same day by the same customer count as one transaction.</summary>
public readonly record struct Transaction(string CustomerId, DateOnly Date, double Amount);

/// <summary>Holdout transactions per customer, actual versus BG/NBD-predicted, for one calibration-frequency bucket.</summary>
public sealed record BacktestBucket(string Label, int Customers, double ActualMean, double PredictedMean);

/// <summary>Customers and Transactions count the kept customers and their merged transactions up to the holdout end.</summary>
public sealed record BacktestResult(ModelFitResult<BgNbdParameters> BgNbd, ModelFitResult<GammaGammaParameters>? GammaGamma, int Customers, int Transactions, IReadOnlyList<BacktestBucket> Buckets);

/// <summary>Backtest support: calibration/holdout split of a transaction log.</summary>
public static class Backtest
{
    private const double DaysPerWeek = 7.0;
    private const int OpenBucket = 7;

    /// <summary>
    /// Merges same-day purchases per customer (amounts summed), keeps customers whose first purchase is &lt;= calibrationEnd,
    /// computes x, t_x, T in weeks (T = (calibrationEnd - first).Days / 7, as in the CDNOW literature), fits BG/NBD and
    /// Gamma-Gamma (mean spend of repeat transactions in calibration; null when nobody repeats), then compares actual and
    /// predicted transaction counts in (calibrationEnd, holdoutEnd] by calibration frequency "0".."6" and "7+".
    /// All eight buckets are always returned; an empty one has zero customers and zero means.
    /// </summary>
    public static BacktestResult Run(IEnumerable<Transaction> transactions, DateOnly calibrationEnd, DateOnly holdoutEnd)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        if (holdoutEnd <= calibrationEnd)
        {
            throw new ArgumentException("The holdout must end after the calibration period.", nameof(holdoutEnd));
        }

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
        if (summaries.Count == 0)
        {
            throw new ArgumentException("No customer made a first purchase on or before the calibration end.", nameof(transactions));
        }

        var summaryArray = summaries.ToArray();
        var bgNbd = BgNbdModel.Fit(summaryArray);
        var frequencies = summaryArray.Select(s => s.Frequency).ToArray();
        var spends = meanSpends.ToArray();
        var anySpender = frequencies.Zip(spends).Any(p => p.First > 0 && p.Second > 0);
        var gammaGamma = anySpender ? GammaGammaModel.Fit(frequencies, spends) : null;

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
            var label = b == OpenBucket ? $"{OpenBucket}+" : b.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var n = customers[b];
            buckets[b] = new BacktestBucket(label, n, n == 0 ? 0.0 : actual[b] / n, n == 0 ? 0.0 : predicted[b] / n);
        }
        return new BacktestResult(bgNbd, gammaGamma, summaryArray.Length, transactionCount, buckets);
    }
}
