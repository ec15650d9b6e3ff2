using System.Globalization;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Sync.Csv;
using LoyaltyConsole.Tests.Infrastructure;
using LoyaltyConsole.Tests.Sync.Csv;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Sync;

/// <summary>Files imported end to end: reader, writer and run together, on SQLite and PostgreSQL.</summary>
public sealed class ImportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_CDNOW_purchases_import_through_the_generic_mapping_with_the_files_totals()
    {
        var path = Path.Combine(LoyaltyConsole.Tests.Domain.Scoring.ScoringTestData.CdnowDirectory, "CDNOW_master.txt");
        // The file's totals, from a parse that shares nothing with the reader.
        var rows = File.ReadLines(path).Skip(1).Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Where(c => c.Length == 4).ToList();
        var expectedCents = rows.Sum(c => (long)Math.Round(decimal.Parse(c[3], CultureInfo.InvariantCulture) * 100));
        await using var app = new TestApp(clients: 5);
        var connection = await SyncWriterTests.AddConnectionAsync(app, "cdnow");

        var (run, message) = await app.Get<ImportService>().ImportAsync(connection.Id,
            [new ImportFile("transactions", "CDNOW_master.txt", CsvFileKind.Transactions, () => File.OpenRead(path), new FileInfo(path).Length)],
            "Cli", AuditActor.System, null, Ct);

        Assert.NotNull(run);
        Assert.True(run.Status == SyncRunStatus.Succeeded, $"{run.Status}: {run.Error} {message}");
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(rows.Select(c => c[0]).Distinct().Count(), await db.Clients.CountAsync(c => c.Source == "cdnow", Ct));
        Assert.Equal(rows.Count, await db.Visits.CountAsync(v => v.Source == "cdnow", Ct));
        Assert.Equal(expectedCents, await db.Visits.Where(v => v.Source == "cdnow").SumAsync(v => v.TotalMinor, Ct));
        Assert.Equal(23_570 + 69_659, run.New);
    }

    [Fact]
    public async Task A_messy_export_imports_what_it_can_reports_the_rest_and_a_second_import_changes_nothing()
    {
        await using var app = new TestApp(clients: 5);
        var connection = await SyncWriterTests.AddConnectionAsync(app, "salon");
        var import = app.Get<ImportService>();
        ImportFile[] files =
        [
            Fixture("clients", "fresha-clients.csv", CsvFileKind.Clients),
            Fixture("transactions", "transactions-eu.csv", CsvFileKind.Transactions),
        ];
        var reports = new List<ImportProgress>();

        var (first, _) = await import.ImportAsync(connection.Id, files, "Upload", AuditActor.System, new SyncProgressCollector(reports), Ct);
        await using var db = await app.CreateDbContextAsync();
        var afterFirst = await CountsAsync(db);
        var (second, _) = await import.ImportAsync(connection.Id, files, "Upload", AuditActor.System, null, Ct);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.True(first.New > 0);
        Assert.True(first.Skipped > 0, "the rows without a customer id are skipped");
        Assert.Equal(SyncRunStatus.CompletedWithIssues, first.Status);
        Assert.Equal(0, second.New);
        Assert.Equal(0, second.Updated);
        Assert.True(second.Unchanged > 0);
        Assert.Equal(afterFirst, await CountsAsync(db));
        Assert.NotEmpty(reports);
        // Fresha's phones come without their +: read as international numbers.
        Assert.Equal("+447700900123", (await db.Clients.SingleAsync(c => c.Source == "salon" && c.ExternalId == "10234", Ct)).PhoneE164);
        // The refund row (-1 shampoo) was recorded as a return for its client.
        Assert.True(await db.VisitReturns.AnyAsync(r => r.Source == "salon", Ct));
        var issues = await db.SyncIssues.Where(i => i.SyncRunId == first.Id).ToListAsync(Ct);
        Assert.Contains(issues, i => i.Kind == SourceIssueKind.Skipped && i.File == "clients");
        Assert.All(issues, i => Assert.True(i.Line > 0, $"'{i.Reason}' names its line"));
        Assert.NotNull(first.Summary);
        Assert.Contains("fresha-clients.csv", first.Summary, StringComparison.Ordinal);
        // The mappings are kept for the next file.
        Assert.Equal([CsvFileKind.Clients, CsvFileKind.Transactions], (await import.SavedMappingsAsync(connection.Id, Ct)).Keys.Order());
    }

    private static async Task<(int Clients, int Visits, int Returns, int Ledger, long Points)> CountsAsync(LoyaltyConsole.Data.ApplicationDbContext db) =>
        (await db.Clients.CountAsync(c => c.Source == "salon", Ct), await db.Visits.CountAsync(v => v.Source == "salon", Ct),
         await db.VisitReturns.CountAsync(r => r.Source == "salon", Ct), await db.LedgerEntries.CountAsync(e => e.Source == "salon", Ct),
         await db.Clients.Where(c => c.Source == "salon").SumAsync(c => (long)c.PointsBalance, Ct));

    private static ImportFile Fixture(string label, string fixture, CsvFileKind kind)
    {
        var path = CsvFixtures.Path(fixture);
        return new ImportFile(label, fixture, kind, () => System.IO.File.OpenRead(path), new FileInfo(path).Length);
    }

    private sealed class SyncProgressCollector(List<ImportProgress> reports) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
