using System.Security.Cryptography;
using System.Text;
using LoyaltyConsole.Data;
using Quartz;

namespace LoyaltyConsole.Jobs;

/// <summary>
/// Quartz's ADO.NET job store in clustered mode, on the app's own SQL Server or PostgreSQL database: every instance with
/// the same scheduler name shares the jobs and triggers, and each firing runs on exactly one of them. The app and the
/// clustering test configure Quartz through this class, so the test checks the configuration the app runs.
/// </summary>
public static class ClusteredJobStore
{
    public const string TablePrefix = "QRTZ_";

    /// <summary>Quartz makes each instance's id from its host name and start time; ids must differ across the cluster.</summary>
    public const string AutoInstanceId = "AUTO";

    /// <summary>
    /// How often an instance records that it is alive. An instance silent for longer than this plus
    /// <see cref="CheckinMisfireThreshold"/> is taken as dead: another releases its triggers. Each check-in is one row update.
    /// </summary>
    public static readonly TimeSpan CheckinInterval = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan CheckinMisfireThreshold = TimeSpan.FromSeconds(20);

    public static void UseClusteredJobStore(this IServiceCollectionQuartzConfigurator quartz, DatabaseProvider provider, string connectionString)
    {
        quartz.SchedulerId = AutoInstanceId;
        quartz.UsePersistentStore(store => Configure(store, provider, connectionString));
    }

    public static SchedulerBuilder UseClusteredJobStore(this SchedulerBuilder quartz, DatabaseProvider provider, string connectionString)
    {
        quartz.SchedulerId = AutoInstanceId;
        return quartz.UsePersistentStore(store => Configure(store, provider, connectionString));
    }

    private static void Configure(SchedulerBuilder.PersistentStoreOptions store, DatabaseProvider provider, string connectionString)
    {
        // Quartz registers data sources by name for the whole process: schedulers on different databases in one process
        // (test hosts) must not share a name, or the last one registered serves them all. Named after the connection
        // string's hash, not the string, which holds a password.
        var dataSource = "LoyaltyConsole-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(connectionString)))[..16];
        store.UseClustering(cluster =>
        {
            cluster.CheckinInterval = CheckinInterval;
            cluster.CheckinMisfireThreshold = CheckinMisfireThreshold;
        });
        // Fail at start-up, naming the missing table, rather than at the first firing.
        store.PerformSchemaValidation = true;
        store.UseSerializer<JobDataSerializer>();
        switch (provider)
        {
            case DatabaseProvider.PostgreSql:
                store.UsePostgres(ado =>
                {
                    ado.ConnectionString = connectionString;
                    ado.TablePrefix = TablePrefix;
                }, dataSource);
                break;
            case DatabaseProvider.SqlServer:
                store.UseSqlServer(ado =>
                {
                    ado.ConnectionString = connectionString;
                    ado.TablePrefix = TablePrefix;
                }, dataSource);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "Only a server database can hold a clustered job store; SQLite keeps the jobs in memory.");
        }
    }
}
