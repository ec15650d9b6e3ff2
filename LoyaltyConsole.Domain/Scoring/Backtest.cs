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
        var log = new TransactionLog();
        foreach (var transaction in transactions)
        {
            log.Add(transaction.CustomerId, transaction.Date, transaction.Amount);
        }
        return Run(log, calibrationEnd, holdoutEnd);
    }

    /// <inheritdoc cref="Run(IEnumerable{Transaction}, DateOnly, DateOnly)"/>
    /// <remarks>
    /// Works on the log's arrays: its purchases are put in customer order (first appearance, as the log numbers them)
    /// and each customer's by day, then read once. Same-day amounts add up in the order the log has them, so the sums,
    /// the histories and the fitted parameters are exactly those of reading the purchases one by one.
    /// </remarks>
    public static BacktestResult Run(TransactionLog log, DateOnly calibrationEnd, DateOnly holdoutEnd)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (holdoutEnd <= calibrationEnd)
        {
            throw new ArgumentException("The holdout must end after the calibration period.", nameof(holdoutEnd));
        }

        var (start, days, amounts) = log.ByCustomer();
        var customerCount = start.Length - 1;
        var calibrationDay = calibrationEnd.DayNumber;
        var holdoutDay = holdoutEnd.DayNumber;
        var summaries = new CustomerSummary[customerCount];
        var meanSpends = new double[customerCount];
        var holdoutCounts = new int[customerCount];
        var kept = 0;
        var transactionCount = 0;
        for (var c = 0; c < customerCount; c++)
        {
            var from = start[c];
            var to = start[c + 1];
            var first = days[from];
            if (first > calibrationDay)
            {
                continue;
            }

            var repeats = 0;
            var repeatSpend = 0.0;
            var last = first;
            var holdout = 0;
            for (var i = from; i < to;)
            {
                var day = days[i];
                var amount = amounts[i++];
                while (i < to && days[i] == day)
                {
                    amount += amounts[i++];
                }
                if (day > holdoutDay)
                {
                    break;
                }
                transactionCount++;
                if (day > calibrationDay)
                {
                    holdout++;
                }
                else if (day > first)
                {
                    repeats++;
                    repeatSpend += amount;
                    last = day;
                }
            }

            summaries[kept] = new CustomerSummary(repeats, (last - first) / DaysPerWeek, (calibrationDay - first) / DaysPerWeek);
            meanSpends[kept] = repeats > 0 ? repeatSpend / repeats : 0.0;
            holdoutCounts[kept] = holdout;
            kept++;
        }
        if (kept == 0)
        {
            throw new ArgumentException("No customer made a first purchase on or before the calibration end.", nameof(log));
        }

        var summaryArray = summaries.AsSpan(0, kept);
        var bgNbd = BgNbdModel.Fit(summaryArray);
        var frequencies = new double[kept];
        var anySpender = false;
        for (var i = 0; i < kept; i++)
        {
            frequencies[i] = summaryArray[i].Frequency;
            anySpender |= frequencies[i] > 0 && meanSpends[i] > 0;
        }
        var gammaGamma = anySpender ? GammaGammaModel.Fit(frequencies, meanSpends.AsSpan(0, kept)) : null;

        var holdoutWeeks = (holdoutEnd.DayNumber - calibrationEnd.DayNumber) / DaysPerWeek;
        var customers = new int[OpenBucket + 1];
        var actual = new double[OpenBucket + 1];
        var predicted = new double[OpenBucket + 1];
        // Customers with one history expect the same: most share theirs (every one-time buyer of a day does).
        var expected = new Dictionary<CustomerSummary, double>();
        for (var i = 0; i < summaryArray.Length; i++)
        {
            var s = summaryArray[i];
            var bucket = (int)Math.Min(s.Frequency, OpenBucket);
            customers[bucket]++;
            actual[bucket] += holdoutCounts[i];
            if (!expected.TryGetValue(s, out var transactions))
            {
                transactions = bgNbd.Parameters.ExpectedTransactions(holdoutWeeks, s.Frequency, s.Recency, s.Age);
                expected[s] = transactions;
            }
            predicted[bucket] += transactions;
        }

        var buckets = new BacktestBucket[OpenBucket + 1];
        for (var b = 0; b <= OpenBucket; b++)
        {
            var label = b == OpenBucket ? $"{OpenBucket}+" : b.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var n = customers[b];
            buckets[b] = new BacktestBucket(label, n, n == 0 ? 0.0 : actual[b] / n, n == 0 ? 0.0 : predicted[b] / n);
        }
        return new BacktestResult(bgNbd, gammaGamma, kept, transactionCount, buckets);
    }
}
