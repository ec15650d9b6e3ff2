using LoyaltyConsole.Data;
using LoyaltyConsole.Scoring;
using Microsoft.Extensions.Options;
using Quartz;

namespace LoyaltyConsole.Jobs;

/// <summary>Hourly check; scores the last completed day once it is night in every location. Run now scores today so far.</summary>
[DisallowConcurrentExecution]
public sealed class SegmentationJob(
    SegmentationService segmentation,
    IDbContextFactory<ApplicationDbContext> dbFactory,
    IOptions<ScoringOptions> options,
    TimeProvider clock) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var manual = context.MergedJobDataMap.TryGetString(JobRunRecorder.TriggeredByKey, out var who) && who is not null;
        DateOnly asOf;
        if (manual)
        {
            asOf = DateOnly.FromDateTime(now);
        }
        else
        {
            await using var db = await dbFactory.CreateDbContextAsync(context.CancellationToken);
            var zones = await db.Locations.Select(l => l.TimeZoneId).ToListAsync(context.CancellationToken);
            asOf = NightlySchedule.CompletedDay(now, zones, options.Value.NightlyLocalHour);
            if (await db.SegmentationRuns.AnyAsync(r => r.AsOf >= asOf, context.CancellationToken))
            {
                context.Result = $"{asOf:yyyy-MM-dd} is already scored.";
                return;
            }
        }
        var summary = await segmentation.RunAsync(asOf, manual ? who! : "nightly schedule", context.CancellationToken);
        context.Result = summary.ToString();
    }
}
