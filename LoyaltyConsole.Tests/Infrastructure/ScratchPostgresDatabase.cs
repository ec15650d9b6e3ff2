using Npgsql;

namespace LoyaltyConsole.Tests.Infrastructure;

/// <summary>
/// A new, empty database on the PostgreSQL server named by <c>TEST_POSTGRES_CONNECTION</c>, dropped on dispose. Without the
/// variable the test is skipped, saying how to get a server (<c>bash scripts/postgres-cluster.sh start</c> prints a connection string).
/// </summary>
public sealed class ScratchPostgresDatabase : IAsyncDisposable
{
    public const string ServerVariable = TestDatabase.PostgresConnectionVariable;

    private readonly string _server;
    private readonly string _name;

    private ScratchPostgresDatabase(string server, string name)
    {
        _server = server;
        _name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public string ConnectionString { get; }

    public static async Task<ScratchPostgresDatabase> CreateAsync(CancellationToken ct)
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            Assert.Skip($"{ServerVariable} is not set: set it to an Npgsql connection string of a PostgreSQL server where databases may be created " +
                        "(bash scripts/postgres-cluster.sh start prints one).");
        }
        var name = "loyalty_test_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync(ct);
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync(ct);
        return new ScratchPostgresDatabase(server, name);
    }

    public NpgsqlConnection OpenConnection()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
