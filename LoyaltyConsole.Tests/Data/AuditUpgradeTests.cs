using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Auditing;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace LoyaltyConsole.Tests.Data;

public sealed class AuditUpgradeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The last SQLite migration before the chain was keyed.</summary>
    private const string BeforeKeying = "20261128015915_GovernanceReservations";

    [Fact]
    public async Task A_database_whose_chain_predates_the_key_upgrades_in_place_and_keeps_verifying()
    {
        if (TestApp.Database.Provider != DatabaseProvider.Sqlite)
        {
            Assert.Skip("Chains written before keying exist only in SQLite databases; server databases start keyed.");
        }
        await using var app = new TestApp(seedDemo: false);
        // A database as the console left it before this version: its schema, and three entries with plain SHA-256 hashes.
        var options = new DbContextOptionsBuilder<ApplicationDbContext>();
        LoyaltyConsole.Data.DependencyInjection.UseProvider(options, new DatabaseOptions(), $"Data Source={app.DatabaseName}");
        var legacy = new List<AuditEntry>();
        await using (var old = new ApplicationDbContext(options.Options))
        {
            await old.GetService<IMigrator>().MigrateAsync(BeforeKeying, Ct);
            for (var i = 0; i < 3; i++)
            {
                var entry = AuditEntry.AppendUnkeyed(legacy.LastOrDefault(), new DateTime(2026, 11, 1, 9, i, 0, DateTimeKind.Utc), "u1", "admin@x", "user.created", "User", $"u{i}", null, "{}");
                legacy.Add(entry);
                await old.Database.ExecuteSqlAsync($"""
                    INSERT INTO "AuditEntries" ("Sequence", "At", "ActorId", "ActorName", "Action", "EntityType", "EntityId", "BeforeJson", "AfterJson", "PreviousHash", "Hash")
                    VALUES ({entry.Sequence}, {entry.At}, {entry.ActorId}, {entry.ActorName}, {entry.Action}, {entry.EntityType}, {entry.EntityId}, {entry.BeforeJson}, {entry.AfterJson}, {entry.PreviousHash}, {entry.Hash})
                    """, Ct);
            }
        }
        SqliteConnection.ClearAllPools();

        // Start-up applies the remaining migrations; the next change is audited with the key.
        var written = await app.Get<CommandRunner>().RunAsync(AuditActor.System, null, async command =>
        {
            await command.AuditAsync("test.write", "Test", "1", null, new { upgraded = true });
            return "written";
        }, ct: Ct);

        Assert.True(written.Succeeded, written.Message);
        await using var db = await app.CreateDbContextAsync();
        var entries = await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync(Ct);
        Assert.Equal([false, false, false], entries.Take(3).Select(e => e.IsKeyed));
        Assert.Equal(legacy.Select(e => e.Hash), entries.Take(3).Select(e => e.Hash));
        Assert.All(entries.Skip(3), e => Assert.True(e.IsKeyed));
        Assert.Equal(legacy[^1].Hash, entries[3].PreviousHash);
        var result = await app.Get<AuditVerifier>().VerifyAsync(Ct);
        Assert.True(result.IsIntact, result.ToString());
        Assert.Equal(entries.Count, result.EntriesChecked);
    }
}
