using LoyaltyConsole.Data;

namespace LoyaltyConsole.Scoring;

/// <summary>
/// Per-provider SQL for the segmentation's reads per range of client ids. A range's visits and their lines are a
/// twentieth of the tables at a million clients, but PostgreSQL's planner joins them by hashing a scan of the whole
/// lines table (28 million rows at 20 million visits): 14 s per range of 50,000 clients, against 2 s looking each
/// visit's lines up in the VisitId index. The session is told to join through indexes; it is the reader's own.
/// </summary>
internal static class PostgreSqlRangeReads
{
    /// <summary>Holds the context's connection open for its lifetime and, on PostgreSQL, turns off hash and merge joins in that session.</summary>
    public static async Task PreferIndexJoinsAsync(ApplicationDbContext db, CancellationToken ct)
    {
        if (!PostgreSqlScoringCopy.Supports(db))
        {
            return;
        }
        await db.Database.OpenConnectionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SET enable_hashjoin = off; SET enable_mergejoin = off", ct);
    }
}
