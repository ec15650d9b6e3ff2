namespace LoyaltyConsole.Data;

/// <summary>The database engines the console runs on; one is chosen by <c>Database:Provider</c>.</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded, one file; the default for a single instance and for the demo.</summary>
    Sqlite,

    /// <summary>The production database named by the product's design; several app instances can share it.</summary>
    SqlServer,

    /// <summary>A server database as capable as SQL Server for every feature; several app instances can share it.</summary>
    PostgreSql,
}

public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>Which engine <c>ConnectionStrings:DefaultConnection</c> points at.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations when the app starts. Turn off when deployments run <c>-- migrate</c>.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>Retry transient faults (SQL Server and PostgreSQL); every transaction runs in the execution strategy, so a retry repeats it whole.</summary>
    public bool RetryOnFailure { get; set; } = true;

    /// <summary>True when several app instances may share the database: the scheduler is clustered and locks are the database's.</summary>
    public bool IsServer => Provider is not DatabaseProvider.Sqlite;
}
