using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Execution;

namespace LoyaltyConsole.Execution;

/// <summary>
/// The dispatcher's claim, per provider: of several instances asking at once, each gets its own due actions and none
/// gets another's. PostgreSQL and SQL Server lock the chosen rows and skip rows another transaction holds
/// (<c>FOR UPDATE SKIP LOCKED</c>, <c>UPDLOCK, READPAST</c>), so claimers never wait on each other; SQLite has a single
/// writer, and a conditional update per action (still Pending, still due) is enough. An action is due when its time
/// has come and every earlier action of its proposal is Done.
/// </summary>
internal static class OutboxClaims
{
    private const string Pending = nameof(ActionState.Pending);
    private const string Done = nameof(ActionState.Done);

    /// <summary>Claims up to <paramref name="take"/> due actions for <paramref name="owner"/> until <paramref name="leaseUntil"/>; commits.</summary>
    public static async Task<IReadOnlyList<long>> ClaimAsync(ApplicationDbContext db, string owner, DateTime now, DateTime leaseUntil, int take, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            IReadOnlyList<long> claimed;
            if (db.Database.IsNpgsql() || db.Database.IsSqlServer())
            {
                var locked = db.Database.IsNpgsql()
                    ? await LockDuePostgreSqlAsync(db, now, take, ct)
                    : await LockDueSqlServerAsync(db, now, take, ct);
                if (locked.Count > 0)
                {
                    // The rows are this transaction's until it commits: nobody else can have moved them meanwhile.
                    await db.OutboxActions.Where(a => locked.Contains(a.Id) && a.State == ActionState.Pending)
                        .ExecuteUpdateAsync(s => s
                            .SetProperty(a => a.State, ActionState.InFlight)
                            .SetProperty(a => a.LeaseOwner, owner)
                            .SetProperty(a => a.LeaseUntil, leaseUntil)
                            .SetProperty(a => a.Revision, a => a.Revision + 1), ct);
                }
                claimed = locked;
            }
            else
            {
                var candidates = await Due(db, now).OrderBy(a => a.DueAt).ThenBy(a => a.Id).Select(a => a.Id).Take(take).ToListAsync(ct);
                var won = new List<long>();
                foreach (var id in candidates)
                {
                    var updated = await db.OutboxActions.Where(a => a.Id == id && a.State == ActionState.Pending && a.DueAt <= now)
                        .ExecuteUpdateAsync(s => s
                            .SetProperty(a => a.State, ActionState.InFlight)
                            .SetProperty(a => a.LeaseOwner, owner)
                            .SetProperty(a => a.LeaseUntil, leaseUntil)
                            .SetProperty(a => a.Revision, a => a.Revision + 1), ct);
                    if (updated == 1)
                    {
                        won.Add(id);
                    }
                }
                claimed = won;
            }
            await transaction.CommitAsync(ct);
            return claimed;
        });
    }

    private static IQueryable<OutboxAction> Due(ApplicationDbContext db, DateTime now) =>
        db.OutboxActions.Where(a => a.State == ActionState.Pending && a.DueAt <= now
            && !db.OutboxActions.Any(s => s.ProposalId == a.ProposalId && s.Sequence < a.Sequence && s.State != ActionState.Done));

    // PostgreSQL-specific SQL: row locks that other claimers skip instead of waiting for.
    private static Task<List<long>> LockDuePostgreSqlAsync(ApplicationDbContext db, DateTime now, int take, CancellationToken ct) =>
        db.Database.SqlQuery<long>($"""
            SELECT a."Id" AS "Value"
            FROM "OutboxActions" AS a
            WHERE a."State" = {Pending} AND a."DueAt" <= {now}
              AND NOT EXISTS (SELECT 1 FROM "OutboxActions" AS s
                              WHERE s."ProposalId" = a."ProposalId" AND s."Sequence" < a."Sequence" AND s."State" <> {Done})
            ORDER BY a."DueAt", a."Id"
            LIMIT {take}
            FOR UPDATE OF a SKIP LOCKED
            """).ToListAsync(ct);

    // SQL Server-specific SQL: update locks held to the end of the transaction; rows locked by another claimer are read past.
    private static Task<List<long>> LockDueSqlServerAsync(ApplicationDbContext db, DateTime now, int take, CancellationToken ct) =>
        db.Database.SqlQuery<long>($"""
            SELECT TOP ({take}) a.[Id] AS [Value]
            FROM [OutboxActions] AS a WITH (UPDLOCK, READPAST, ROWLOCK)
            WHERE a.[State] = {Pending} AND a.[DueAt] <= {now}
              AND NOT EXISTS (SELECT 1 FROM [OutboxActions] AS s
                              WHERE s.[ProposalId] = a.[ProposalId] AND s.[Sequence] < a.[Sequence] AND s.[State] <> {Done})
            ORDER BY a.[DueAt], a.[Id]
            """).ToListAsync(ct);
}
