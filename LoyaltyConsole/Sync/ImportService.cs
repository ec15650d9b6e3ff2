using System.Text.Json;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Sync.Csv;

namespace LoyaltyConsole.Sync;

/// <summary>One file of an import: what it is expected to hold, how to open it, and the mapping to read it with (null: detect).</summary>
/// <param name="Label">clients, visits or transactions: what the run's report calls its rows.</param>
public sealed record ImportFile(string Label, string FileName, CsvFileKind Kind, Func<Stream> Open, long? Length, ColumnMapping? Mapping = null);

/// <summary>How an import is going: which file, how far into it, and the counts so far.</summary>
public sealed record ImportProgress(string File, double? Fraction, long RowsRead, SyncCounts Counts);

/// <summary>
/// Imports exported files through a connection: clients first (so the visits find them), then visits or
/// transactions, streamed batch by batch through <see cref="SyncWriter"/> as one run of the connection. Each batch
/// commits whole or not at all; a failed batch stops the run and is reported; importing the same file again finds
/// every record unchanged. The mapping each file was read with is saved on the connection for the next file.
/// </summary>
public sealed class ImportService(SyncRunner runner, IServiceScopeFactory scopes)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The mappings saved on the connection, by kind of file.</summary>
    public async Task<IReadOnlyDictionary<CsvFileKind, ColumnMapping>> SavedMappingsAsync(int connectionId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        var json = await db.Connections.Where(c => c.Id == connectionId).Select(c => c.MappingJson).SingleOrDefaultAsync(ct);
        return ParseMappings(json);
    }

    public async Task<(SyncRun? Run, string Message)> ImportAsync(
        int connectionId, IReadOnlyList<ImportFile> files, string trigger, AuditActor actor, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        if (files.Count == 0)
        {
            return (null, "Choose at least one file to import.");
        }
        var ordered = files.OrderBy(f => f.Kind == CsvFileKind.Clients ? 0 : 1).ToList();
        var used = new Dictionary<CsvFileKind, ColumnMapping>();
        var result = await runner.RunAsync(connectionId, trigger, actor, async context =>
        {
            var summaries = new List<string>();
            long done = 0;
            foreach (var file in ordered)
            {
                context.Input = file.Label;
                await using var stream = file.Open();
                await using var reader = await CsvSourceReader.OpenAsync(stream, file.Length, file.Mapping, file.Kind, leaveOpen: false, ct);
                used[file.Kind] = reader.Mapping;
                await foreach (var batch in reader.ReadAsync(null, context.CancellationToken))
                {
                    var counts = new SyncCounts(0, 0, 0,
                        batch.Issues.LongCount(i => i.Kind == SourceIssueKind.Skipped), batch.Issues.LongCount(i => i.Kind == SourceIssueKind.Failed));
                    foreach (var issue in batch.Issues)
                    {
                        context.Issues.Add(issue);
                    }
                    counts += await context.Writer.WriteClientsAsync(context.Connection, batch.Clients, context.Issues, context.CancellationToken);
                    if (file.Kind == CsvFileKind.Transactions)
                    {
                        // A purchases file names its customers by id only: they become clients known by that id.
                        counts += await context.Writer.EnsureClientsAsync(context.Connection, batch.Visits, context.Issues, context.CancellationToken);
                    }
                    counts += await context.Writer.WriteVisitsAsync(context.Connection, batch.Visits, context.Issues, context.CancellationToken);
                    context.Count(counts);
                    done += batch.Records;
                    await context.CheckpointAsync(null, null, $"Importing {file.FileName}", batch.Progress.BytesRead, batch.Progress.TotalBytes);
                    progress?.Report(new ImportProgress(file.FileName, batch.Progress.Fraction, batch.Progress.RowsRead, context.Counts));
                }
                summaries.Add($"{file.FileName}: {reader.Summary}");
                context.Describe(string.Join(" ", summaries));
            }
            await SaveMappingsAsync(connectionId, used, ct);
        }, ct);
        return result;
    }

    private async Task SaveMappingsAsync(int connectionId, Dictionary<CsvFileKind, ColumnMapping> used, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        var connection = await db.Connections.SingleAsync(c => c.Id == connectionId, ct);
        var saved = ParseMappings(connection.MappingJson);
        foreach (var (kind, mapping) in used)
        {
            saved[kind] = mapping;
        }
        connection.SetMapping(JsonSerializer.Serialize(saved.ToDictionary(m => m.Key.ToString(), m => JsonDocument.Parse(m.Value.ToJson()).RootElement), Json));
        await db.SaveChangesAsync(ct);
    }

    private static Dictionary<CsvFileKind, ColumnMapping> ParseMappings(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new Dictionary<CsvFileKind, ColumnMapping>();
        }
        var raw = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json, Json) ?? [];
        return raw.Where(r => Enum.TryParse<CsvFileKind>(r.Key, out _))
            .ToDictionary(r => Enum.Parse<CsvFileKind>(r.Key), r => ColumnMapping.FromJson(r.Value.GetRawText()));
    }
}
