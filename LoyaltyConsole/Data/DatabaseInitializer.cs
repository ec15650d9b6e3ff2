using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Data;

/// <summary>Brings the database schema up to date, at start-up or from the <c>migrate</c> verb.</summary>
public sealed class DatabaseInitializer(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    IOptions<DatabaseOptions> options,
    ILogger<DatabaseInitializer> logger)
{
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await ApplyPendingAsync(db, ct);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers (pages) and the writer (jobs, decisions) work at the same time.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        if (options.Value.IsServer && await Jobs.QuartzSchema.EnsureCreatedAsync(db.Database.GetDbConnection(), options.Value.Provider, ct))
        {
            logger.LogInformation("Created the tables of Quartz's clustered job store");
        }
    }

    /// <summary>
    /// Applies what is pending. Instances started together may race to migrate one new database (creating it, the
    /// history table, a seed row); the loser finds the work done on its next look, or finishes what is left.
    /// </summary>
    private async Task ApplyPendingAsync(ApplicationDbContext db, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count == 0)
            {
                return;
            }
            logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            try
            {
                await db.Database.MigrateAsync(ct);
                return;
            }
            catch (Exception ex) when (attempt < 3 && ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Migrating failed (attempt {Attempt}), perhaps because another instance is migrating at the same time; looking again", attempt);
                await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
            }
        }
    }

    public async Task MigrateOnStartupAsync(CancellationToken ct = default)
    {
        if (options.Value.MigrateOnStartup)
        {
            await MigrateAsync(ct);
        }
    }
}
