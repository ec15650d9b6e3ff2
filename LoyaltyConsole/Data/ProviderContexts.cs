namespace LoyaltyConsole.Data;

/// <summary>The console's database on SQL Server; its migrations are under Data/Migrations/SqlServer.</summary>
public sealed class SqlServerDbContext(DbContextOptions<SqlServerDbContext> options) : ApplicationDbContext(options);

/// <summary>The console's database on PostgreSQL; its migrations are under Data/Migrations/PostgreSql.</summary>
public sealed class PostgreSqlDbContext(DbContextOptions<PostgreSqlDbContext> options) : ApplicationDbContext(options);
