using System.Globalization;
using LoyaltyConsole.Domain.Scoring;

namespace LoyaltyConsole.Cli;

/// <summary>
/// Reads a transaction log for the backtest: the CDNOW layouts (whitespace-separated, with or without the header,
/// 4 columns <c>id date cds dollars</c> or the sample's 5 columns <c>master_id sample_id date cds dollars</c>), or a
/// CSV whose header names a customer id, a date and an amount column. Dates are yyyyMMdd or yyyy-MM-dd.
/// Errors name the line.
/// </summary>
public static class TransactionFileReader
{
    private static readonly string[] IdNames = ["customer_id", "customer", "client_id", "client", "id", "master_id"];
    private static readonly string[] DateNames = ["date", "order_date", "transaction_date", "visit_date", "purchase_date"];
    private static readonly string[] AmountNames = ["amount", "dollar_value", "dollars", "total", "value", "spend", "revenue"];

    public static List<Transaction> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"The transactions file '{path}' does not exist.");
        }
        var lines = File.ReadLines(path).Select((text, index) => (Text: text.Trim(), Number: index + 1)).Where(l => l.Text.Length > 0).ToList();
        if (lines.Count == 0)
        {
            throw new ArgumentException($"The transactions file '{path}' is empty.");
        }
        return lines[0].Text.Contains(',', StringComparison.Ordinal) ? ReadCsv(lines) : ReadWhitespace(lines);
    }

    private static List<Transaction> ReadCsv(List<(string Text, int Number)> lines)
    {
        var header = lines[0].Text.Split(',').Select(h => h.Trim().Trim('"').ToLowerInvariant()).ToList();
        int Column(string[] names, string what) =>
            names.Select(n => header.IndexOf(n)).FirstOrDefault(i => i >= 0, -1) is var i and >= 0
                ? i
                : throw new ArgumentException($"The CSV header has no {what} column (expected one of: {string.Join(", ", names)}).");
        var (id, date, amount) = (Column(IdNames, "customer id"), Column(DateNames, "date"), Column(AmountNames, "amount"));
        return lines.Skip(1).Select(l =>
        {
            var cells = l.Text.Split(',').Select(c => c.Trim().Trim('"')).ToArray();
            if (cells.Length <= Math.Max(id, Math.Max(date, amount)))
            {
                throw new ArgumentException($"Line {l.Number} has {cells.Length} columns; the header has {header.Count}.");
            }
            return new Transaction(cells[id], ParseDate(cells[date], l.Number), ParseAmount(cells[amount], l.Number));
        }).ToList();
    }

    private static List<Transaction> ReadWhitespace(List<(string Text, int Number)> lines)
    {
        var result = new List<Transaction>(lines.Count);
        foreach (var (text, number) in lines)
        {
            var cells = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (number == lines[0].Number && !cells[0].All(char.IsAsciiDigit))
            {
                continue; // the master file's header line
            }
            var (id, date, amount) = cells.Length switch
            {
                4 => (cells[0], cells[1], cells[3]),
                5 => (cells[0], cells[2], cells[4]),
                _ => throw new ArgumentException($"Line {number} has {cells.Length} fields; the CDNOW layouts have 4 or 5."),
            };
            result.Add(new Transaction(id, ParseDate(date, number), ParseAmount(amount, number)));
        }
        return result;
    }

    private static DateOnly ParseDate(string value, int line) =>
        DateOnly.TryParseExact(value, ["yyyyMMdd", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new ArgumentException($"Line {line}: '{value}' is not a date (yyyyMMdd or yyyy-MM-dd).");

    private static double ParseAmount(string value, int line) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0
            ? amount
            : throw new ArgumentException($"Line {line}: '{value}' is not a non-negative amount.");
}
