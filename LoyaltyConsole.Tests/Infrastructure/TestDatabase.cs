using LoyaltyConsole.Data;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LoyaltyConsole.Tests.Infrastructure;

/// <summary>
/// Where the integration tests' databases live: SQLite files (the default) or, with <c>TEST_DATABASE=PostgreSql</c>,
/// databases on the PostgreSQL server named by <c>TEST_POSTGRES_CONNECTION</c> (a role that may create databases).
/// Each test host gets a database of its own, copied from a seeded template.
/// </summary>
public abstract class TestDatabase
{
    public const string ProviderVariable = "TEST_DATABASE";
    public const string PostgresConnectionVariable = "TEST_POSTGRES_CONNECTION";

    public static TestDatabase Current { get; } = FromEnvironment();

    public abstract DatabaseProvider Provider { get; }

    /// <summary>A new database name (a file path on SQLite) for a test host.</summary>
    public abstract string NewName(string directory);

    public abstract string ConnectionString(string name);

    public abstract bool Exists(string name);

    /// <summary>Makes <paramref name="name"/> ready to be copied once its seeding host has stopped.</summary>
    public abstract void SealTemplate(string name);

    public abstract void CopyTemplate(string template, string name);

    public abstract void Drop(string name);

    private static TestDatabase FromEnvironment()
    {
        var provider = Environment.GetEnvironmentVariable(ProviderVariable);
        if (string.IsNullOrWhiteSpace(provider) || provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return new SqliteTestDatabase();
        }
        if (provider.Equals("PostgreSql", StringComparison.OrdinalIgnoreCase))
        {
            var connection = Environment.GetEnvironmentVariable(PostgresConnectionVariable);
            return string.IsNullOrWhiteSpace(connection)
                ? throw new InvalidOperationException($"{ProviderVariable}=PostgreSql needs {PostgresConnectionVariable} (see scripts/postgres-cluster.sh).")
                : new PostgresTestDatabase(connection);
        }
        throw new InvalidOperationException($"{ProviderVariable} must be Sqlite or PostgreSql; got '{provider}'.");
    }
}

internal sealed class SqliteTestDatabase : TestDatabase
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override string NewName(string directory) => Path.Combine(directory, "test.db");

    public override string ConnectionString(string name) => $"Data Source={name}";

    public override bool Exists(string name) => File.Exists(name);

    public override void SealTemplate(string name)
    {
        // Fold the write-ahead log into the file, so a plain copy holds everything.
        using (var connection = new SqliteConnection($"Data Source={name}"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
    }

    public override void CopyTemplate(string template, string name) => File.Copy(template, name);

    public override void Drop(string name) => SqliteConnection.ClearAllPools();
}

/// <summary>PostgreSQL copies a seeded database in one statement: <c>CREATE DATABASE … TEMPLATE …</c>.</summary>
internal sealed class PostgresTestDatabase(string adminConnection) : TestDatabase
{
    public override DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    public override string NewName(string directory) => "lc_" + Path.GetFileName(directory);

    public override string ConnectionString(string name) =>
        new NpgsqlConnectionStringBuilder(adminConnection) { Database = name, MaxPoolSize = 40 }.ConnectionString;

    public override bool Exists(string name) => (long)Scalar("SELECT count(*) FROM pg_database WHERE datname = @name", name)! == 1;

    public override void SealTemplate(string name) => Terminate(name);

    public override void CopyTemplate(string template, string name) => Execute($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");

    public override void Drop(string name)
    {
        NpgsqlConnection.ClearAllPools();
        Execute($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    private void Terminate(string name)
    {
        NpgsqlConnection.ClearAllPools();
        Scalar("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", name);
    }

    private void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(adminConnection);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, string name)
    {
        using var connection = new NpgsqlConnection(adminConnection);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("name", name);
        return command.ExecuteScalar();
    }
}
