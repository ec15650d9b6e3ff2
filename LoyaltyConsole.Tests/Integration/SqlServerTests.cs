using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Testcontainers.MsSql;

namespace LoyaltyConsole.Tests.Integration;

/// <summary>
/// The app on a real SQL Server, started by Testcontainers.MsSql. SQL Server cannot run without a Docker engine, so
/// where there is none these are skipped with that reason, and <see cref="Data.MigrationTests"/> checks the SQL Server
/// script instead.
/// </summary>
public sealed class SqlServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static bool DockerAvailable =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock");

    [Fact]
    public async Task On_SQL_Server_the_app_migrates_seeds_and_many_audit_writers_keep_one_intact_chain()
    {
        if (!DockerAvailable)
        {
            Assert.Skip("No Docker engine (no DOCKER_HOST, no /var/run/docker.sock): SQL Server runs here only through Testcontainers.MsSql. MigrationTests check the SQL Server script instead.");
        }
        await using var container = new MsSqlBuilder("mcr.microsoft.com/mssql/server:2022-latest").Build();
        await container.StartAsync(Ct);
        var connection = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(container.GetConnectionString()) { InitialCatalog = "loyaltyconsole" }.ConnectionString;
        var settings = new Dictionary<string, string> { ["Database:Provider"] = "SqlServer", ["ConnectionStrings:DefaultConnection"] = connection };
        // Its own services argument makes the host seed its own database rather than copy a template.
        await using var app = new TestApp(clients: 60, settings: settings, services: _ => { });
        var commands = app.Get<CommandRunner>();

        var writes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => commands.RunAsync(AuditActor.System, null, async command =>
        {
            await command.AuditAsync("test.write", "Test", i.ToString(System.Globalization.CultureInfo.InvariantCulture), null, new { i });
            return "written";
        }, ct: Ct))));

        Assert.All(writes, w => Assert.True(w.Succeeded, w.Message));
        await using var db = await app.CreateDbContextAsync();
        Assert.True(await db.Proposals.AnyAsync(Ct), "the demo program proposed on SQL Server");
        Assert.True((await app.Get<AuditVerifier>().VerifyAsync(Ct)).IsIntact);
        var update = await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE [AuditEntries] SET [ActorName] = 'x'", Ct));
        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
    }
}
