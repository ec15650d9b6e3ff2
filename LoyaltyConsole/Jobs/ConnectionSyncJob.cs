using System.Globalization;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Sync;
using Quartz;

namespace LoyaltyConsole.Jobs;

/// <summary>
/// Every minute: runs each enabled platform connection whose schedule (a cron expression on the connection) has come
/// due since its last run, one after another. A connection already running here or on another instance is passed
/// over (its claim refuses); each run is recorded with its counts on the connection and summarised here.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ConnectionSyncJob(SyncRunner runner, IDbContextFactory<ApplicationDbContext> dbFactory, TimeProvider clock) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        var ct = context.CancellationToken;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var candidates = await db.Connections.AsNoTracking()
            .Where(c => c.Enabled && c.Schedule != null && c.Kind != ConnectionKind.CsvImport)
            .Select(c => new { c.Id, c.Name, c.Schedule, c.LastRunAt, c.CreatedAt })
            .ToListAsync(ct);
        var results = new List<string>();
        foreach (var c in candidates.Where(c => IsDue(c.Schedule!, c.LastRunAt ?? c.CreatedAt, now)))
        {
            var (run, message) = await runner.RunConnectorAsync(c.Id, "Schedule", AuditActor.System, ct);
            results.Add(run is null ? $"{c.Name}: {message}" : $"{c.Name}: {run.Status} ({run.Counts})");
        }
        context.Result = results.Count == 0 ? "No connection was due." : string.Join("; ", results);
    }

    /// <summary>Whether the cron expression fires between the last run and now (a missed firing runs once, not many times).</summary>
    public static bool IsDue(string cron, DateTime lastRunAt, DateTime now)
    {
        if (!CronExpression.IsValidExpression(cron))
        {
            return false;
        }
        var next = new CronExpression(cron) { TimeZone = TimeZoneInfo.Utc }.GetNextValidTimeAfter(new DateTimeOffset(lastRunAt, TimeSpan.Zero));
        return next is { } due && due.UtcDateTime <= now;
    }

    public static string Describe(string cron) =>
        CronExpression.IsValidExpression(cron) ? cron : string.Create(CultureInfo.InvariantCulture, $"'{cron}' is not a valid cron expression");
}
