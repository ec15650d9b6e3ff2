using LoyaltyConsole.Cli;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Tests.Infrastructure;
using LoyaltyConsole.Tests.Sync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace LoyaltyConsole.Tests.Cli;

/// <summary>The <c>import</c> verb: the Import page's import from the command line, in a host of its own.</summary>
public sealed class ImportCommandTests : IAsyncLifetime
{
    private const string Clients = "client id,first name,last name,email,mobile\r\n" +
                                   "c-1,Ada,Lovelace, ADA@Example.com ,+1 212 555 0101\r\n" +
                                   "c-2,Grace,Hopper,grace@example.com,\r\n" +
                                   ",Nobody,Known,nobody@example.com,\r\n";

    private const string Transactions = "\uFEFFcustomer id,date,amount\r\n" +
                                        "c-1,2026-03-01,\"$1,250.00\"\r\n" +
                                        "c-2,2026-03-02,40.00\r\n" +
                                        ",2026-03-03,9.99\r\n" +
                                        "c-3,2026-03-04,12.50\r\n";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"import-verb-{Guid.NewGuid():N}");
    private readonly TestApp _app = new(clients: 5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        await System.IO.File.WriteAllTextAsync(Path.Combine(_folder, "clients.csv"), Clients, Ct);
        await System.IO.File.WriteAllTextAsync(Path.Combine(_folder, "sales.csv"), Transactions, Ct);
        await SyncWriterTests.AddConnectionAsync(_app, "fresha");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Files_import_with_progress_a_summary_and_a_report_and_importing_them_again_changes_nothing()
    {
        string[] args = ["import", "--connection", "Test fresha", "--clients", File("clients.csv"), "--transactions", File("sales.csv"), "--report", File("report.csv")];

        var first = await RunAsync(args);
        var again = await RunAsync(args);

        Assert.Equal(0, first.Exit);
        Assert.Contains("clients: ", first.Output, StringComparison.Ordinal);
        Assert.Contains("columns detected from its headers", first.Output, StringComparison.Ordinal);
        // Clients c-1, c-2 and c-3 (a purchase names it), and three purchases; one row of each file has no customer id.
        Assert.Contains("Import finished", first.Output, StringComparison.Ordinal);
        Assert.Contains("6 new, 0 updated, 0 unchanged, 2 skipped, 0 failed", first.Output, StringComparison.Ordinal);
        Assert.Contains("Report of 2 skipped and failed rows written to", first.Output, StringComparison.Ordinal);
        Assert.Equal(0, again.Exit);
        Assert.Contains("the mapping saved on the connection", again.Output, StringComparison.Ordinal);
        Assert.Contains("0 new, 0 updated, 5 unchanged, 2 skipped, 0 failed", again.Output, StringComparison.Ordinal);
        var report = (await System.IO.File.ReadAllLinesAsync(File("report.csv"), Ct)).Skip(1).ToList();
        Assert.Equal(2, report.Count);
        Assert.Contains(report, l => l.StartsWith("clients,4,Skipped", StringComparison.Ordinal));
        Assert.Contains(report, l => l.StartsWith("transactions,4,Skipped", StringComparison.Ordinal));

        await using var db = await _app.CreateDbContextAsync();
        var ada = await db.Clients.SingleAsync(c => c.Source == "fresha" && c.ExternalId == "c-1", Ct);
        Assert.Equal(("ada@example.com", "+12125550101"), (ada.Email, ada.PhoneE164));
        Assert.Equal([125_000L, 4_000L, 1_250L], await db.Visits.Where(v => v.Source == "fresha").OrderBy(v => v.OccurredAt).Select(v => v.TotalMinor).ToListAsync(Ct));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_clear_message_and_changes_nothing()
    {
        await using (var db = await _app.CreateDbContextAsync())
        {
            db.Connections.Add(new Connection("Square downtown", ConnectionKind.Square, "square", DateTime.UtcNow));
            await db.SaveChangesAsync(Ct);
        }

        var unknown = await RunAsync(["import", "--connection", "Nope", "--clients", File("clients.csv")]);
        var platform = await RunAsync(["import", "--connection", "Square downtown", "--clients", File("clients.csv")]);
        var missing = await RunAsync(["import", "--connection", "fresha", "--clients", File("absent.csv")]);
        var noFile = await RunAsync(["import", "--connection", "fresha"]);
        var noConnection = await RunAsync(["import", "--clients", File("clients.csv")]);

        Assert.Equal((1, "error: There is no connection named 'Nope'. CSV connections: 'Test fresha'."), (unknown.Exit, unknown.Error));
        Assert.Equal(1, platform.Exit);
        Assert.Contains("is a Square connection", platform.Error, StringComparison.Ordinal);
        Assert.Equal((1, $"error: The clients file '{File("absent.csv")}' does not exist."), (missing.Exit, missing.Error));
        Assert.Equal(1, noFile.Exit);
        Assert.Contains("needs at least one of --clients FILE", noFile.Error, StringComparison.Ordinal);
        Assert.Equal(2, noConnection.Exit);
        Assert.Contains("--connection", noConnection.Error, StringComparison.Ordinal);
        await using var after = await _app.CreateDbContextAsync();
        Assert.Equal(0, await after.SyncRuns.CountAsync(Ct));
        Assert.Equal(0, await after.Clients.CountAsync(c => c.Source == "fresha", Ct));
    }

    [Fact]
    public async Task Create_adds_the_csv_connection_with_the_named_default_location_and_imports_into_it()
    {
        await using var db = await _app.CreateDbContextAsync();
        var locations = await db.Locations.OrderBy(l => l.Name).ToListAsync(Ct);
        var chosen = locations[^1].Id;

        var unnamed = await RunAsync(["import", "--connection", "Till exports", "--create", "true", "--transactions", File("sales.csv")]);
        var created = await RunAsync(["import", "--connection", "Till exports", "--create", "true", "--location", locations[^1].Name.ToUpperInvariant(), "--transactions", File("sales.csv")]);

        Assert.Equal(1, unnamed.Exit);
        Assert.Contains("Name the new connection's default location with --location", unnamed.Error, StringComparison.Ordinal);
        Assert.Equal(0, created.Exit);
        var connection = await db.Connections.AsNoTracking().SingleAsync(c => c.Name == "Till exports", Ct);
        Assert.Equal((ConnectionKind.CsvImport, "till-exports", chosen), (connection.Kind, connection.Source, connection.DefaultLocationId));
        Assert.Equal(3, await db.Visits.CountAsync(v => v.Source == "till-exports" && v.LocationId == chosen, Ct));
        Assert.True(await db.AuditEntries.AnyAsync(e => e.EntityType == "Connection" && e.ActorName.StartsWith("CLI"), Ct));
    }

    private string File(string name) => Path.Combine(_folder, name);

    private async Task<(int Exit, string Output, string Error)> RunAsync(string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(args, stdout, stderr, builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = TestApp.Database.Provider.ToString(),
            ["ConnectionStrings:DefaultConnection"] = _app.ConnectionString,
            ["Audit:ChainKey"] = TestApp.ChainKey,
            ["Audit:CheckpointPath"] = Path.Combine(_folder, "checkpoint.json"),
            ["Logging:LogLevel:Default"] = "Warning",
        }), Ct);
        return (exit, stdout.ToString().Trim(), stderr.ToString().Trim());
    }
}
