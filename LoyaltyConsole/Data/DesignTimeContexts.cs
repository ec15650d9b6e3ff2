using Microsoft.EntityFrameworkCore.Design;

namespace LoyaltyConsole.Data;

// `dotnet ef migrations add NAME --context <Context> --output-dir Data/Migrations/<Provider>` builds the model with
// these; they never connect. Each provider's migrations are generated against its own context type.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<ApplicationDbContext>
{
    public ApplicationDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<ApplicationDbContext>)DependencyInjection.UseProvider(
            new DbContextOptionsBuilder<ApplicationDbContext>(), new DatabaseOptions { Provider = DatabaseProvider.Sqlite }, "Data Source=design-time.db").Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerDbContext>
{
    public SqlServerDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<SqlServerDbContext>)DependencyInjection.UseProvider(
            new DbContextOptionsBuilder<SqlServerDbContext>(), new DatabaseOptions { Provider = DatabaseProvider.SqlServer }, "Server=design-time;Database=LoyaltyConsole").Options);
}

internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlDbContext>
{
    public PostgreSqlDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<PostgreSqlDbContext>)DependencyInjection.UseProvider(
            new DbContextOptionsBuilder<PostgreSqlDbContext>(), new DatabaseOptions { Provider = DatabaseProvider.PostgreSql }, "Host=design-time;Database=loyaltyconsole").Options);
}
