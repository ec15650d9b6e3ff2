using System.Security.Cryptography;
using System.Text;
using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Auditing;

/// <summary>
/// One append-only, hash-chained record of something a person or the system did. Each entry stores the hash of
/// the previous entry and the hash of its own canonical content, so editing or deleting any row breaks the chain
/// from that row on. Entries are signed with the <see cref="AuditChainKey"/> (HMAC), so the chain cannot be rebuilt
/// without the key; entries written before the chain was keyed keep their plain SHA-256 hash and stay verifiable.
/// </summary>
public sealed class AuditEntry
{
    public const int ActorMaxLength = 256;
    public const int ActionMaxLength = 64;
    public const int EntityTypeMaxLength = 64;
    public const int EntityIdMaxLength = 128;
    public const int HashLength = 64;

    /// <summary>The "previous hash" of the first entry.</summary>
    public static readonly string GenesisHash = new('0', HashLength);

    private AuditEntry()
    {
    }

    private AuditEntry(
        long sequence, DateTime at, string actorId, string actorName, string action, string entityType, string? entityId,
        string? beforeJson, string? afterJson, string previousHash, AuditChainKey? key)
    {
        Sequence = sequence;
        At = at;
        ActorId = actorId;
        ActorName = actorName;
        Action = action;
        EntityType = entityType;
        EntityId = entityId;
        BeforeJson = beforeJson;
        AfterJson = afterJson;
        PreviousHash = previousHash;
        IsKeyed = key is not null;
        Hash = ComputeHash(key)!;
    }

    public long Id { get; private set; }

    /// <summary>1, 2, 3, … with no gaps; unique, so two writers can never both extend the same predecessor.</summary>
    public long Sequence { get; private set; }

    public DateTime At { get; private set; }
    public string ActorId { get; private set; } = "";
    public string ActorName { get; private set; } = "";
    public string Action { get; private set; } = "";
    public string EntityType { get; private set; } = "";
    public string? EntityId { get; private set; }
    public string? BeforeJson { get; private set; }
    public string? AfterJson { get; private set; }
    public string PreviousHash { get; private set; } = "";
    public string Hash { get; private set; } = "";

    /// <summary>True when <see cref="Hash"/> is an HMAC with the chain key; false for entries from before the chain was keyed.</summary>
    public bool IsKeyed { get; private set; }

    /// <summary>Creates the entry that follows <paramref name="previous"/> (null for the first entry), signed with <paramref name="key"/>.</summary>
    public static AuditEntry Append(
        AuditEntry? previous, AuditChainKey key, DateTime at, string actorId, string actorName, string action, string entityType,
        string? entityId, string? beforeJson, string? afterJson)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Create(previous, key, at, actorId, actorName, action, entityType, entityId, beforeJson, afterJson);
    }

    /// <summary>An entry as the console wrote them before the chain was keyed (plain SHA-256); for upgrade tests and tools only.</summary>
    public static AuditEntry AppendUnkeyed(
        AuditEntry? previous, DateTime at, string actorId, string actorName, string action, string entityType,
        string? entityId, string? beforeJson, string? afterJson) =>
        Create(previous, null, at, actorId, actorName, action, entityType, entityId, beforeJson, afterJson);

    private static AuditEntry Create(
        AuditEntry? previous, AuditChainKey? key, DateTime at, string actorId, string actorName, string action, string entityType,
        string? entityId, string? beforeJson, string? afterJson)
    {
        // Stored times keep whole microseconds on every provider, so the hash is computed over that precision.
        var utc = Guard.Utc(at, "Audit time");
        utc = new DateTime(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);
        return new AuditEntry(
            (previous?.Sequence ?? 0) + 1,
            utc,
            Guard.Text(actorId, "Actor", ActorMaxLength),
            Guard.Text(actorName, "Actor name", ActorMaxLength),
            Guard.Text(action, "Action", ActionMaxLength),
            Guard.Text(entityType, "Entity type", EntityTypeMaxLength),
            Guard.OptionalText(entityId, "Entity id", EntityIdMaxLength),
            beforeJson,
            afterJson,
            previous?.Hash ?? GenesisHash,
            key);
    }

    /// <summary>
    /// The entry's hash as it should be: HMAC-SHA-256 with <paramref name="key"/> for a keyed entry, SHA-256 for an
    /// entry from before the chain was keyed; hex, over the canonical content including the previous entry's hash.
    /// Null when the entry is keyed and no key is given.
    /// </summary>
    public string? ComputeHash(AuditChainKey? key)
    {
        var canonical = new StringBuilder()
            .Append(Sequence).Append('\n')
            .Append(At.Ticks).Append('\n')
            .Append(Escape(ActorId)).Append('\n')
            .Append(Escape(ActorName)).Append('\n')
            .Append(Escape(Action)).Append('\n')
            .Append(Escape(EntityType)).Append('\n')
            .Append(Escape(EntityId)).Append('\n')
            .Append(Escape(BeforeJson)).Append('\n')
            .Append(Escape(AfterJson)).Append('\n')
            .Append(PreviousHash)
            .ToString();
        if (IsKeyed)
        {
            return key?.Sign(canonical + "\nhmac-sha256");
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    // Null and empty must hash differently, and a newline inside a value must not fake a field boundary.
    private static string Escape(string? value) =>
        value is null ? "\u2400" : value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
