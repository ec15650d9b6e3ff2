using System.Text.Json;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Auditing;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Auditing;

/// <summary>
/// Re-computes every entry's hash in sequence order, streaming so the whole log is never in memory, and checks the
/// newest entries against the checkpoint the last verification left outside the database.
/// </summary>
public sealed class AuditVerifier(
    IDbContextFactory<ApplicationDbContext> dbFactory, AuditChainKeySource keys, IOptions<AuditOptions> options,
    IHostEnvironment environment, TimeProvider clock, ILogger<AuditVerifier> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string CheckpointPath => Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.CheckpointPath));

    public async Task<AuditVerification> VerifyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var verifier = new AuditChainVerifier(keys.Key);
        await foreach (var entry in db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (!verifier.Check(entry))
            {
                break;
            }
        }
        var checkpoint = await ReadCheckpointAsync(ct);
        var atCheckpoint = checkpoint is null
            ? null
            : await db.AuditEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Sequence == checkpoint.Sequence, ct);
        return verifier.Finish(checkpoint, atCheckpoint);
    }

    /// <summary>Verifies and, when the log is intact, moves the checkpoint to its newest entry (the nightly job).</summary>
    public async Task<AuditVerification> VerifyAndCheckpointAsync(CancellationToken ct = default)
    {
        var result = await VerifyAsync(ct);
        if (result.IsIntact && result.Newest is { } newest)
        {
            var checkpoint = new AuditCheckpoint(newest.Sequence, newest.Hash, clock.GetUtcNow().UtcDateTime);
            Directory.CreateDirectory(Path.GetDirectoryName(CheckpointPath)!);
            // Written beside and moved into place, so a crash never leaves half a checkpoint.
            var temporary = CheckpointPath + ".tmp";
            await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(checkpoint, Json), ct);
            File.Move(temporary, CheckpointPath, overwrite: true);
            // The log is a second copy outside the database, for when the file's volume is lost.
            logger.LogInformation("Audit checkpoint: entry #{Sequence} hash {Hash}", checkpoint.Sequence, checkpoint.Hash);
        }
        return result;
    }

    private async Task<AuditCheckpoint?> ReadCheckpointAsync(CancellationToken ct)
    {
        if (!File.Exists(CheckpointPath))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<AuditCheckpoint>(await File.ReadAllTextAsync(CheckpointPath, ct), Json)
                ?? throw new InvalidOperationException($"The audit checkpoint {CheckpointPath} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"The audit checkpoint {CheckpointPath} cannot be read: {ex.Message}", ex);
        }
    }
}
