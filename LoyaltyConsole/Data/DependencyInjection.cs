using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LoyaltyConsole.Data;

public static class DependencyInjection
{
    public const string ConnectionStringName = "DefaultConnection";

    public static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName).ValidateOnStart();

        var connectionString = SqliteConnectionString(
            builder.Configuration.GetConnectionString(ConnectionStringName)
                ?? throw new InvalidOperationException($"Connection string '{ConnectionStringName}' is not configured."),
            builder.Environment.ContentRootPath);

        // One short-lived context per operation (components, jobs, services); Identity's stores get a scoped one.
        builder.Services.AddDbContextFactory<ApplicationDbContext>(options => options.UseSqlite(connectionString));
        builder.Services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContext());
        builder.Services.AddSingleton<DatabaseInitializer>();
        builder.Services.AddSingleton<CommandRunner>();
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddDatabaseDeveloperPageExceptionFilter();
        }
        return builder;
    }

    /// <summary>Makes a relative SQLite path relative to the app's content root and creates its folder.</summary>
    internal static string SqliteConnectionString(string configured, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(configured);
        if (string.IsNullOrWhiteSpace(csb.DataSource) || csb.DataSource == ":memory:" || csb.Mode == SqliteOpenMode.Memory)
        {
            return csb.ToString();
        }
        if (!Path.IsPathRooted(csb.DataSource))
        {
            csb.DataSource = Path.GetFullPath(Path.Combine(contentRoot, csb.DataSource));
        }
        Directory.CreateDirectory(Path.GetDirectoryName(csb.DataSource)!);
        return csb.ToString();
    }
}
