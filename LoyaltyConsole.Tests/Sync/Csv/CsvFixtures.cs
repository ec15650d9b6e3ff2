using System.Text;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Sync.Csv;

namespace LoyaltyConsole.Tests.Sync.Csv;

/// <summary>The export fixtures under Sync/Csv/Fixtures, and reading a file whole for assertions.</summary>
internal static class CsvFixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Sync", "Csv", "Fixtures", name);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<(CsvSourceReader Reader, List<SourceClient> Clients, List<SourceVisit> Visits, List<SourceIssue> Issues)> ReadAllAsync(
        string path, ColumnMapping? mapping = null, CsvFileKind? kind = null)
    {
        var reader = await CsvSourceReader.OpenAsync(path, mapping, kind, Ct);
        var (clients, visits, issues) = (new List<SourceClient>(), new List<SourceVisit>(), new List<SourceIssue>());
        await foreach (var batch in reader.ReadAsync(ct: Ct))
        {
            clients.AddRange(batch.Clients);
            visits.AddRange(batch.Visits);
            issues.AddRange(batch.Issues);
        }
        return (reader, clients, visits, issues);
    }

    public static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));
}
