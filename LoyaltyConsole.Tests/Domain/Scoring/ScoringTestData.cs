using System.Globalization;
using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Tests.Domain.Scoring;

/// <summary>The CDNOW files under shared/datasets/cdnow, found from the repository or, for out-of-tree runs, LOYALTY_SHARED or /work/shared.</summary>
internal static class ScoringTestData
{
    private static readonly Lazy<CdnowSummary> Summary = new(LoadSummary);

    public static CdnowSummary CdnowSummary => Summary.Value;

    public static string CdnowDirectory
    {
        get
        {
            var candidates = new List<string>();
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LoyaltyConsole.sln")))
            {
                dir = dir.Parent;
            }
            if (dir is not null)
            {
                candidates.Add(Path.Combine(dir.FullName, "..", "shared", "datasets", "cdnow"));
            }
            if (Environment.GetEnvironmentVariable("LOYALTY_SHARED") is { Length: > 0 } shared)
            {
                candidates.Add(Path.Combine(shared, "datasets", "cdnow"));
            }
            candidates.Add(Path.Combine("/work", "shared", "datasets", "cdnow"));
            return candidates.FirstOrDefault(Directory.Exists)
                ?? throw new DirectoryNotFoundException("CDNOW data not found; tried " + string.Join(", ", candidates));
        }
    }

    public static IReadOnlyList<Transaction> CdnowSampleTransactions()
    {
        var transactions = new List<Transaction>();
        foreach (var line in File.ReadLines(Path.Combine(CdnowDirectory, "CDNOW_sample.txt")))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 5)
            {
                continue;
            }
            var date = DateOnly.ParseExact(fields[2], "yyyyMMdd", CultureInfo.InvariantCulture);
            transactions.Add(new Transaction(fields[0], date, double.Parse(fields[4], CultureInfo.InvariantCulture)));
        }
        return transactions;
    }

    private static CdnowSummary LoadSummary()
    {
        var lines = File.ReadAllLines(Path.Combine(CdnowDirectory, "cdnow_customers_summary_with_transactions.csv"));
        var header = lines[0].Split(',');
        var x = Array.IndexOf(header, "x");
        var tx = Array.IndexOf(header, "t_x");
        var age = Array.IndexOf(header, "T");
        var zbar = Array.IndexOf(header, "zbar");
        var customers = new List<CustomerSummary>();
        var spends = new List<double>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var fields = line.Split(',');
            customers.Add(new CustomerSummary(
                double.Parse(fields[x], CultureInfo.InvariantCulture),
                double.Parse(fields[tx], CultureInfo.InvariantCulture),
                double.Parse(fields[age], CultureInfo.InvariantCulture)));
            spends.Add(double.Parse(fields[zbar], CultureInfo.InvariantCulture));
        }
        return new CdnowSummary([.. customers], [.. spends]);
    }
}

internal sealed record CdnowSummary(CustomerSummary[] Customers, double[] MeanSpends)
{
    public double[] Frequencies => [.. Customers.Select(c => c.Frequency)];
}
