using System.Data;
using System.Data.Common;
using LoyaltyConsole.Data;

namespace LoyaltyConsole.Jobs;

/// <summary>
/// Creates the tables of Quartz's clustered job store (<see cref="ClusteredJobStore"/>) on a server database when they are
/// missing, from the script embedded for that database. Idempotent, and safe when several instances migrate at once: the
/// check and the creation run in one transaction holding a database lock, so a second migrator waits, then finds the tables.
/// </summary>
public static class QuartzSchema
{
    /// <summary>The table whose presence means the script has run (one transaction creates all the tables or none).</summary>
    public const string MarkerTable = ClusteredJobStore.TablePrefix + "LOCKS";

    /// <summary>Per-provider SQL: the script, the lock taken first, and the query that answers 1 when the tables exist.</summary>
    private sealed record Dialect(string Script, string TakeLock, string TablesExist);

    private const string LockName = "LoyaltyConsole.QuartzSchema";

    private static Dialect For(DatabaseProvider provider) => provider switch
    {
        // An advisory lock held until the transaction ends; the key is this app's own (hashtext of the lock name).
        DatabaseProvider.PostgreSql => new(
            "quartz-postgresql.sql",
            $"SELECT pg_advisory_xact_lock(hashtext('{LockName}'))",
            $"SELECT CASE WHEN to_regclass('{MarkerTable.ToLowerInvariant()}') IS NULL THEN 0 ELSE 1 END"),
        DatabaseProvider.SqlServer => new(
            "quartz-sqlserver.sql",
            $"""
            DECLARE @result int;
            EXEC @result = sp_getapplock @Resource = N'{LockName}', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000;
            IF @result < 0 THROW 50000, N'Timed out waiting for another instance to create Quartz''s tables.', 1;
            """,
            $"SELECT CASE WHEN OBJECT_ID(N'{MarkerTable}', N'U') IS NULL THEN 0 ELSE 1 END"),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Quartz keeps its jobs in memory on SQLite; it has no tables there."),
    };

    /// <summary>Creates the tables unless they exist; true when this call created them.</summary>
    /// <param name="connection">The app database's connection (EF's, <c>db.Database.GetDbConnection()</c>); opened and closed here if it is closed.</param>
    public static async Task<bool> EnsureCreatedAsync(DbConnection connection, DatabaseProvider provider, CancellationToken ct = default)
    {
        var dialect = For(provider);
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(ct);
        }
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await ExecuteAsync(connection, transaction, dialect.TakeLock, ct);
            if (Convert.ToInt32(await ScalarAsync(connection, transaction, dialect.TablesExist, ct), System.Globalization.CultureInfo.InvariantCulture) == 1)
            {
                await transaction.CommitAsync(ct);
                return false;
            }
            foreach (var statement in Statements(ReadScript(dialect.Script)))
            {
                await ExecuteAsync(connection, transaction, statement, ct);
            }
            await transaction.CommitAsync(ct);
            return true;
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    /// <summary>The script embedded for <paramref name="provider"/>.</summary>
    public static string Script(DatabaseProvider provider) => ReadScript(For(provider).Script);

    /// <summary>
    /// The script's statements, one each: comment lines dropped, split at a semicolon that ends a line. Enough for the
    /// embedded scripts, which hold DDL only (no procedure bodies, no semicolons inside literals).
    /// </summary>
    public static IReadOnlyList<string> Statements(string script)
    {
        var statements = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var raw in script.Split('\n'))
        {
            var line = raw.TrimEnd('\r', ' ', '\t');
            if (line.TrimStart().StartsWith("--", StringComparison.Ordinal) || line.Length == 0)
            {
                continue;
            }
            current.AppendLine(line);
            if (line.EndsWith(';'))
            {
                statements.Add(current.ToString().Trim().TrimEnd(';'));
                current.Clear();
            }
        }
        if (current.ToString().Trim() is { Length: > 0 } rest)
        {
            statements.Add(rest);
        }
        return statements;
    }

    private static string ReadScript(string fileName)
    {
        var name = $"{typeof(QuartzSchema).Namespace}.Schema.{fileName}";
        using var stream = typeof(QuartzSchema).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded Quartz schema script '{name}' is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, sql);
        return await command.ExecuteScalarAsync(ct);
    }

#pragma warning disable CA2100 // The SQL is this class's own constants and the embedded script, never input.
    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
#pragma warning restore CA2100
}
