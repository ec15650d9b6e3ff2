using LoyaltyConsole.Data;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

namespace LoyaltyConsole.Tests.Data;

/// <summary>
/// Every provider's migrations match the model, and the SQL Server script (which cannot be run here: no SQL Server,
/// no Docker) is complete and respects SQL Server's rules, so a broken SQL Server migration fails CI here.
/// </summary>
public sealed class MigrationTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.SqlServer, DatabaseProvider.PostgreSql];

    private static ApplicationDbContext Design(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new SqliteDesignTimeFactory().CreateDbContext([]),
        DatabaseProvider.SqlServer => new SqlServerDesignTimeFactory().CreateDbContext([]),
        _ => new PostgreSqlDesignTimeFactory().CreateDbContext([]),
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public void Each_providers_migrations_match_the_model(DatabaseProvider provider)
    {
        using var db = Design(provider);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), $"The model has changes that no {provider} migration has: run `dotnet ef migrations add` for {db.GetType().Name}.");
    }

    [Theory]
    [InlineData(DatabaseProvider.SqlServer, "CREATE TRIGGER [AuditEntries_AppendOnly]", "[{0}]", "CREATE TABLE [{0}]")]
    [InlineData(DatabaseProvider.PostgreSql, "CREATE TRIGGER \"AuditEntries_NoUpdateOrDelete\"", "\"{0}\"", "CREATE TABLE \"{0}\"")]
    public void The_idempotent_script_creates_every_table_and_index_and_the_append_only_trigger(
        DatabaseProvider provider, string trigger, string quotedName, string createTable)
    {
        using var db = Design(provider);

        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        foreach (var table in db.Model.GetEntityTypes().Select(e => e.GetTableName()).Where(t => t is not null).Distinct())
        {
            Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, createTable, table), script, StringComparison.Ordinal);
        }
        foreach (var index in db.Model.GetEntityTypes().SelectMany(e => e.GetIndexes()))
        {
            Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, quotedName, index.GetDatabaseName()), script, StringComparison.Ordinal);
        }
        Assert.Contains(trigger, script, StringComparison.Ordinal);
        Assert.Contains("'ledger'", script, StringComparison.Ordinal);
        Assert.Contains("'access'", script, StringComparison.Ordinal);
    }

    [Fact]
    public void No_table_is_reached_by_two_cascading_delete_paths_which_SQL_Server_refuses()
    {
        using var db = Design(DatabaseProvider.SqlServer);
        var cascades = db.Model.GetEntityTypes().SelectMany(e => e.GetForeignKeys())
            .Where(fk => fk.DeleteBehavior == DeleteBehavior.Cascade)
            .Select(fk => (From: fk.PrincipalEntityType.GetTableName()!, To: fk.DeclaringEntityType.GetTableName()!))
            .ToList();

        foreach (var start in cascades.Select(c => c.From).Distinct())
        {
            var paths = new Dictionary<string, int>();
            Walk(start, [start]);
            var doubled = paths.Where(p => p.Value > 1).Select(p => p.Key).ToList();
            Assert.True(doubled.Count == 0, $"Deleting from {start} cascades to {string.Join(", ", doubled)} by more than one path; SQL Server refuses such a schema.");

            void Walk(string table, HashSet<string> seen)
            {
                foreach (var next in cascades.Where(c => c.From == table).Select(c => c.To))
                {
                    Assert.False(seen.Contains(next), $"Cascading deletes from {start} come back to {next} (a cycle); SQL Server refuses such a schema.");
                    paths[next] = paths.GetValueOrDefault(next) + 1;
                    Walk(next, [.. seen, next]);
                }
            }
        }
    }

    [Fact]
    public void Lists_of_ids_reach_SQL_Server_as_one_parameter_however_long_they_are()
    {
        using var db = Design(DatabaseProvider.SqlServer);
        var ids = Enumerable.Range(1, 30_000).ToList();

        var sql = db.Clients.Where(c => ids.Contains(c.Id)).ToQueryString();

        Assert.Contains("OPENJSON", sql, StringComparison.Ordinal);
        Assert.Single(sql.Split('\n'), line => line.StartsWith("DECLARE @", StringComparison.Ordinal));
    }
}

public sealed class ConcurrentMigrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_instances_migrating_one_new_database_at_once_both_start()
    {
        var database = TestApp.Database;
        var directory = Path.Combine(Path.GetTempPath(), "loyaltyconsole-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var name = database.NewName(directory);
        var options = new DatabaseOptions { Provider = database.Provider };
        try
        {
            var initializers = Enumerable.Range(0, 3).Select(_ => new DatabaseInitializer(
                new Factory(options, database.ConnectionString(name)), Microsoft.Extensions.Options.Options.Create(options),
                Microsoft.Extensions.Logging.Abstractions.NullLogger<DatabaseInitializer>.Instance)).ToList();

            await Task.WhenAll(initializers.Select(i => Task.Run(() => i.MigrateAsync(Ct))));

            await using var db = new Factory(options, database.ConnectionString(name)).CreateDbContext();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
            Assert.Equal(DatabaseLock.All.Order(), (await db.Locks.Select(l => l.Name).ToListAsync(Ct)).Order());
        }
        finally
        {
            database.Drop(name);
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed class Factory(DatabaseOptions options, string connectionString) : IDbContextFactory<ApplicationDbContext>
    {
        public ApplicationDbContext CreateDbContext() => options.Provider switch
        {
            DatabaseProvider.PostgreSql => new PostgreSqlDbContext((DbContextOptions<PostgreSqlDbContext>)LoyaltyConsole.Data.DependencyInjection.UseProvider(
                new DbContextOptionsBuilder<PostgreSqlDbContext>(), options, connectionString).Options),
            DatabaseProvider.SqlServer => new SqlServerDbContext((DbContextOptions<SqlServerDbContext>)LoyaltyConsole.Data.DependencyInjection.UseProvider(
                new DbContextOptionsBuilder<SqlServerDbContext>(), options, connectionString).Options),
            _ => new ApplicationDbContext((DbContextOptions<ApplicationDbContext>)LoyaltyConsole.Data.DependencyInjection.UseProvider(
                new DbContextOptionsBuilder<ApplicationDbContext>(), options, connectionString).Options),
        };
    }
}
