using System.Text.Json;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Auditing;

namespace LoyaltyConsole.Auditing;

/// <summary>
/// Appends entries to the signed, hash-chained audit log inside the caller's unit of work, so the entry commits or
/// rolls back together with the change it describes.
/// </summary>
public sealed class AuditLog(TimeProvider clock, AuditChainKeySource keys)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Adds an entry to <paramref name="db"/> (not yet saved), inside the caller's transaction. The first append of a
    /// transaction takes the ledger lock, so writers on any provider and any app instance extend the chain one after
    /// another: the tail read here is the committed tail, and the unique sequence backs that up.
    /// </summary>
    public async Task<AuditEntry> AppendAsync(
        ApplicationDbContext db, AuditActor actor, string action, string entityType, string? entityId,
        object? before, object? after, CancellationToken ct = default)
    {
        await db.AcquireAsync(DatabaseLock.Ledger, ct);
        var previous = db.ChangeTracker.Entries<AuditEntry>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity)
            .OrderByDescending(e => e.Sequence)
            .FirstOrDefault()
            ?? await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).FirstOrDefaultAsync(ct);

        var entry = AuditEntry.Append(
            previous, keys.Key, clock.GetUtcNow().UtcDateTime, actor.Id, actor.Name, action, entityType, entityId,
            Serialize(before), Serialize(after));
        db.AuditEntries.Add(entry);
        return entry;
    }

    private static string? Serialize(object? value) => value switch
    {
        null => null,
        string s => s,
        _ => JsonSerializer.Serialize(value, Json),
    };
}
