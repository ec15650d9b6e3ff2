using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LoyaltyConsole.Data;

public static class DependencyInjection
{
    public const string ConnectionStringName = "DefaultConnection";

    public static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName).ValidateOnStart();
        var options = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var configured = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException($"Connection string '{ConnectionStringName}' is not configured (ConnectionStrings__{ConnectionStringName}).");
        }

        // One short-lived context per operation (components, jobs, services); Identity's stores get a scoped one.
        // Code asks for ApplicationDbContext; SQL Server and PostgreSQL hand out their derived contexts, whose
        // migrations are their own.
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = SqliteConnectionString(configured, builder.Environment.ContentRootPath);
                builder.Services.AddDbContextFactory<ApplicationDbContext>(o => UseProvider(o, options, sqlite));
                break;
            case DatabaseProvider.SqlServer:
                builder.Services.AddDbContextFactory<SqlServerDbContext>(o => UseProvider(o, options, configured));
                builder.Services.AddSingleton<IDbContextFactory<ApplicationDbContext>, ContextFactory<SqlServerDbContext>>();
                break;
            case DatabaseProvider.PostgreSql:
                builder.Services.AddDbContextFactory<PostgreSqlDbContext>(o => UseProvider(o, options, configured));
                builder.Services.AddSingleton<IDbContextFactory<ApplicationDbContext>, ContextFactory<PostgreSqlDbContext>>();
                break;
            default:
                throw new InvalidOperationException($"Database:Provider '{options.Provider}' is not one of Sqlite, SqlServer, PostgreSql.");
        }
        builder.Services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContext());
        builder.Services.AddSingleton<DatabaseInitializer>();
        builder.Services.AddSingleton<CommandRunner>();
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddDatabaseDeveloperPageExceptionFilter();
        }
        return builder;
    }

    /// <summary>
    /// The one place a provider is configured, for the app and for design-time tools. Lists in queries
    /// (<c>ids.Contains(x)</c>) go to the database as one array or JSON parameter on every provider, never one
    /// parameter per id (SQL Server refuses more than 2,100).
    /// </summary>
    public static DbContextOptionsBuilder UseProvider(DbContextOptionsBuilder builder, DatabaseOptions options, string connectionString)
    {
        const string history = "__EFMigrationsHistory";
        return options.Provider switch
        {
            DatabaseProvider.Sqlite => builder.UseSqlite(connectionString, o => o
                .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter)),
            DatabaseProvider.SqlServer => builder.UseSqlServer(connectionString, o =>
            {
                o.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter);
                o.MigrationsHistoryTable(history);
                if (options.RetryOnFailure)
                {
                    o.EnableRetryOnFailure();
                }
            }),
            DatabaseProvider.PostgreSql => builder.UseNpgsql(connectionString, o =>
            {
                o.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter);
                o.MigrationsHistoryTable(history);
                if (options.RetryOnFailure)
                {
                    o.EnableRetryOnFailure();
                }
            }),
            _ => throw new InvalidOperationException($"Database:Provider '{options.Provider}' is not one of Sqlite, SqlServer, PostgreSql."),
        };
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

    /// <summary>Hands out a provider's derived context where code asks for <see cref="ApplicationDbContext"/>.</summary>
    private sealed class ContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<ApplicationDbContext>
        where TContext : ApplicationDbContext
    {
        public ApplicationDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<ApplicationDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }
}
