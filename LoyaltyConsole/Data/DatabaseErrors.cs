using Microsoft.Data.Sqlite;

namespace LoyaltyConsole.Data;

/// <summary>Recognises provider errors that a command reports as a refusal rather than a failure.</summary>
public static class DatabaseErrors
{
    // SQLite: SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555), extended codes of SQLITE_CONSTRAINT (19).
    private const int SqliteConstraint = 19;
    private static readonly int[] SqliteUniqueCodes = [2067, 1555];

    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint && SqliteUniqueCodes.Contains(sqlite.SqliteExtendedErrorCode),
        _ => false,
    };
}
