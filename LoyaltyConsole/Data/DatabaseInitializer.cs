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
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            await db.Database.MigrateAsync(ct);
        }
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

    public async Task MigrateOnStartupAsync(CancellationToken ct = default)
    {
        if (options.Value.MigrateOnStartup)
        {
            await MigrateAsync(ct);
        }
    }
}
