namespace LoyaltyConsole.Data;

/// <summary>
/// A row that writers update to queue behind each other until their transaction ends: the same serialisation on
/// SQLite, SQL Server and PostgreSQL, and across app instances, without relying on any engine's single writer.
/// </summary>
public sealed class DatabaseLock
{
    public const int NameMaxLength = 64;

    /// <summary>Appending to the audit chain, and reading and reserving against the program's caps.</summary>
    public const string Ledger = "ledger";

    /// <summary>Changing who is an active Admin: the last one can never be removed or locked, even by two admins at once.</summary>
    public const string Access = "access";

    public string Name { get; set; } = "";

    /// <summary>Bumped by every acquisition; its value means nothing else.</summary>
    public long Version { get; set; }

    public static IReadOnlyList<string> All { get; } = [Ledger, Access];
}

public static class DatabaseLocks
{
    /// <summary>
    /// Takes <paramref name="name"/> for the rest of the current transaction: another transaction asking for it waits
    /// until this one commits or rolls back. Taking it again in the same transaction costs nothing.
    /// </summary>
    public static async Task AcquireAsync(this ApplicationDbContext db, string name, CancellationToken ct)
    {
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException($"The '{name}' lock is held until a transaction ends; take it inside one (CommandRunner).");
        if (db.HeldLocks.Contains((transaction.TransactionId, name)))
        {
            return;
        }
        var updated = await db.Locks.Where(l => l.Name == name)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Version, l => l.Version + 1), ct);
        if (updated != 1)
        {
            throw new InvalidOperationException($"The lock row '{name}' is missing; run `-- migrate`.");
        }
        db.HeldLocks.Add((transaction.TransactionId, name));
    }
}
