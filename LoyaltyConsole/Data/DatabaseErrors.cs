using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LoyaltyConsole.Data;

/// <summary>Recognises provider errors that a command reports as a refusal rather than a failure.</summary>
public static class DatabaseErrors
{
    // SQLite: SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555), extended codes of SQLITE_CONSTRAINT (19).
    private const int SqliteConstraint = 19;
    private static readonly int[] SqliteUniqueCodes = [2067, 1555];

    // SQL Server: 2601 (duplicate key in a unique index), 2627 (unique or primary key constraint).
    private static readonly int[] SqlServerUniqueNumbers = [2601, 2627];

    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint && SqliteUniqueCodes.Contains(sqlite.SqliteExtendedErrorCode),
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        SqlException sqlServer => SqlServerUniqueNumbers.Contains(sqlServer.Number),
        _ => false,
    };
}
