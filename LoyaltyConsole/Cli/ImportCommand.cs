using System.Diagnostics;
using System.Globalization;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Sync.Csv;

namespace LoyaltyConsole.Cli;

/// <summary>
/// <c>import --connection NAME [--clients FILE] [--visits FILE] [--transactions FILE] [--mapping FILE] [--report OUT]</c>:
/// the Import page's import on the command line, through the same <see cref="ImportService"/> as one run of a CSV
/// connection. Each file is read with the mapping given for its kind, else the one saved on the connection when it
/// fits the file, else the one detected from its headers. Prints progress, then the run's counts and summary; the
/// report of skipped and failed rows goes to <c>--report</c>.
/// </summary>
public static class ImportCommand
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyDictionary<string, string> options, TextWriter output, CancellationToken ct)
    {
        var files = new List<(string Label, CsvFileKind Kind, string Path)>();
        foreach (var (label, kind) in new[] { ("clients", CsvFileKind.Clients), ("visits", CsvFileKind.Visits), ("transactions", CsvFileKind.Transactions) })
        {
            if (options.TryGetValue(label, out var path))
            {
                files.Add((label, kind, File.Exists(path) ? path : throw new ArgumentException($"The {label} file '{path}' does not exist.")));
            }
        }
        if (files.Count == 0)
        {
            throw new ArgumentException("import needs at least one of --clients FILE, --visits FILE and --transactions FILE.");
        }
        var given = options.TryGetValue("mapping", out var mappingPath) ? ColumnMapping.Load(mappingPath) : null;
        if (given is not null && files.All(f => f.Kind != given.Kind))
        {
            throw new ArgumentException($"The mapping '{mappingPath}' is for a {given.Kind.ToString().ToLowerInvariant()} file, and no such file is given.");
        }

        await services.GetRequiredService<DatabaseInitializer>().MigrateAsync(ct);
        var connection = await FindConnectionAsync(services, options["connection"], options.TryGetValue("create", out var create) && (bool.TryParse(create, out var yes) ? yes : throw new ArgumentException($"--create is true or false; got '{create}'.")), options.GetValueOrDefault("location"), output, ct);
        var importer = services.GetRequiredService<ImportService>();
        var saved = await importer.SavedMappingsAsync(connection.Id, ct);
        var imports = new List<ImportFile>();
        foreach (var (label, kind, path) in files)
        {
            var mapping = given?.Kind == kind ? given : await FittingAsync(saved.GetValueOrDefault(kind), path, kind, ct);
            imports.Add(new ImportFile(label, Path.GetFileName(path), kind, () => File.OpenRead(path), new FileInfo(path).Length, mapping));
            output.WriteLine($"{label}: {path} ({(mapping is null ? "columns detected from its headers" : given?.Kind == kind ? $"mapping from {mappingPath}" : "the mapping saved on the connection")})");
        }

        var clock = Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        var progress = new SynchronousProgress<ImportProgress>(p =>
        {
            if (clock.Elapsed - last >= ProgressEvery)
            {
                last = clock.Elapsed;
                var share = p.Fraction is { } fraction ? string.Create(CultureInfo.InvariantCulture, $"{fraction * 100,3:0}% ") : "";
                output.WriteLine($"  {share}{p.File}: {p.RowsRead:N0} rows read · {p.Counts}");
            }
        });
        var (run, message) = await importer.ImportAsync(connection.Id, imports, "Command line", AuditActor.Cli(Environment.UserName), progress, ct);
        if (run is null)
        {
            throw new InvalidOperationException(message);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(run.Status == SyncRunStatus.Failed ? "The import stopped" : "Import finished")} in {clock.Elapsed.TotalSeconds:N1} s: {run.Counts}."));
        if (run.Summary is not null)
        {
            output.WriteLine(run.Summary);
        }
        if (run.Error is not null)
        {
            output.WriteLine($"error: {run.Error}");
        }
        if (options.TryGetValue("report", out var reportPath))
        {
            await using var scope = services.CreateAsyncScope();
            var report = await SyncEndpoints.ReportAsync(scope.ServiceProvider.GetRequiredService<ApplicationDbContext>(), run.Id, ct);
            await File.WriteAllTextAsync(reportPath, report, ct);
            output.WriteLine($"Report of {run.Skipped + run.Failed:N0} skipped and failed rows written to {reportPath}.");
        }
        else if (run.Skipped + run.Failed > 0)
        {
            output.WriteLine($"{run.Skipped + run.Failed:N0} rows were skipped or failed: --report FILE writes them with their line numbers and reasons.");
        }
        return run.Status == SyncRunStatus.Failed ? 1 : 0;
    }

    private static async Task<ConnectionRow> FindConnectionAsync(
        IServiceProvider services, string name, bool create, string? locationName, TextWriter output, CancellationToken ct)
    {
        var administration = services.GetRequiredService<ConnectionAdministration>();
        var connections = await administration.ListAsync(ct);
        var connection = connections.FirstOrDefault(c => string.Equals(c.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? connections.FirstOrDefault(c => string.Equals(c.Source, name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (connection is null && create)
        {
            var form = new ConnectionForm
            {
                Name = name.Trim(),
                Kind = ConnectionKind.CsvImport,
                Source = SourceName(name),
                Enabled = true,
                DefaultLocationId = await DefaultLocationAsync(services, locationName, ct),
            };
            var created = await administration.CreateAsync(form, AuditActor.Cli(Environment.UserName), ct);
            if (!created.Succeeded)
            {
                throw new ArgumentException(created.Message);
            }
            output.WriteLine(created.Message);
            connection = (await administration.ListAsync(ct)).Single(c => c.Name == form.Name);
        }
        if (connection is null)
        {
            var csv = connections.Where(c => c.Kind == ConnectionKind.CsvImport).Select(c => $"'{c.Name}'").ToList();
            throw new ArgumentException($"There is no connection named '{name}'. " +
                (csv.Count == 0 ? "Add a CSV import connection on the Connections page first." : $"CSV connections: {string.Join(", ", csv)}."));
        }
        if (connection.Kind != ConnectionKind.CsvImport)
        {
            throw new ArgumentException($"{connection.Name} is a {connection.Kind} connection, which syncs from its platform; files import through a CSV import connection.");
        }
        return connection;
    }

    /// <summary>The location named, or the business's only one; records that name no location go there.</summary>
    private static async Task<int> DefaultLocationAsync(IServiceProvider services, string? name, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        var locations = await db.Locations.AsNoTracking().OrderBy(l => l.Name).Select(l => new { l.Id, l.Name }).ToListAsync(ct);
        if (name is not null)
        {
            return locations.FirstOrDefault(l => string.Equals(l.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))?.Id
                ?? throw new ArgumentException($"There is no location named '{name}'. Locations: {string.Join(", ", locations.Select(l => $"'{l.Name}'"))}.");
        }
        return locations.Count switch
        {
            1 => locations[0].Id,
            0 => throw new ArgumentException("The business has no locations yet: add them before importing."),
            _ => throw new ArgumentException($"Name the new connection's default location with --location: {string.Join(", ", locations.Select(l => $"'{l.Name}'"))}."),
        };
    }

    /// <summary>A source name from a connection's name: its letters and digits, lower case, words joined by '-'.</summary>
    private static string SourceName(string name)
    {
        var words = System.Text.RegularExpressions.Regex.Split(name.Trim().ToLowerInvariant(), "[^a-z0-9]+").Where(w => w.Length > 0).ToArray();
        return words.Length == 0 ? "csv" : string.Join('-', words);
    }

    /// <summary>The saved mapping when the file has its columns; null (detect from the headers) when it does not.</summary>
    private static async Task<ColumnMapping?> FittingAsync(ColumnMapping? saved, string path, CsvFileKind kind, CancellationToken ct)
    {
        if (saved is null)
        {
            return null;
        }
        try
        {
            await using var stream = File.OpenRead(path);
            await CsvSourceReader.PreviewAsync(stream, saved, kind, rows: 1, ct: ct);
            return saved;
        }
        catch (CsvFileException)
        {
            return null;
        }
    }

    /// <summary>Reports on the importing thread: a console line per report, in order (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
