using System.Text.Json;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Auditing;

namespace LoyaltyConsole.Auditing;

/// <summary>
/// Appends entries to the hash-chained audit log inside the caller's unit of work, so the entry commits or
/// rolls back together with the change it describes.
/// </summary>
public sealed class AuditLog(TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Adds an entry to <paramref name="db"/> (not yet saved). Call inside a transaction so that the read of the
    /// chain's tail and the insert are atomic; the unique sequence refuses a second writer that raced past it.
    /// </summary>
    public async Task<AuditEntry> AppendAsync(
        ApplicationDbContext db, AuditActor actor, string action, string entityType, string? entityId,
        object? before, object? after, CancellationToken ct = default)
    {
        var previous = db.ChangeTracker.Entries<AuditEntry>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity)
            .OrderByDescending(e => e.Sequence)
            .FirstOrDefault()
            ?? await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).FirstOrDefaultAsync(ct);

        var entry = AuditEntry.Append(
            previous, clock.GetUtcNow().UtcDateTime, actor.Id, actor.Name, action, entityType, entityId,
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
