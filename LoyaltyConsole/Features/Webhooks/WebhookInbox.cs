using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Identity;
using LoyaltyConsole.Jobs;
using LoyaltyConsole.Sync;
using Quartz;

namespace LoyaltyConsole.Features.Webhooks;

/// <summary>One stored delivery as the Webhooks page lists it: everything but the body, which is fetched on request.</summary>
public sealed record InboxRow(
    long Id, string Source, string? ConnectionName, string EventId, string? OtherId, string? Topic, InboxStatus Status,
    int Attempts, string? LastError, DateTime ReceivedAt, DateTime NextAttemptAt, DateTime? AppliedAt);

public sealed record InboxPage(IReadOnlyList<InboxRow> Items, int TotalCount);

/// <summary>
/// The webhook inbox for Admins: counts by status, the deliveries that wait or failed, a delivery's raw body (it may
/// hold customers' personal data, so only the Admin page reads it), and replaying — a command, audited, re-checking the
/// acting Admin's access — after which the apply job is started at once.
/// </summary>
public sealed class WebhookInbox(
    IDbContextFactory<ApplicationDbContext> dbFactory, CommandRunner commands, ISchedulerFactory schedulerFactory, ILogger<WebhookInbox> logger)
{
    public async Task<IReadOnlyDictionary<InboxStatus, int>> CountsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = await db.InboxEvents.GroupBy(e => e.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return Enum.GetValues<InboxStatus>().ToDictionary(s => s, s => counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0);
    }

    /// <summary>Deliveries of <paramref name="status"/>, newest first (Failed and Pending together when null).</summary>
    public async Task<InboxPage> ListAsync(InboxStatus? status, int page, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = status is null
            ? db.InboxEvents.Where(e => e.Status != InboxStatus.Applied)
            : db.InboxEvents.Where(e => e.Status == status);
        var total = await query.CountAsync(ct);
        var rows = await query
            .OrderByDescending(e => e.ReceivedAt).ThenByDescending(e => e.Id)
            .Skip(page * pageSize).Take(pageSize)
            .Select(e => new InboxRow(
                e.Id, e.Source, db.Connections.Where(c => c.Id == e.ConnectionId).Select(c => c.Name).FirstOrDefault(), e.EventId, e.OtherId,
                e.Topic, e.Status, e.Attempts, e.LastError, e.ReceivedAt, e.NextAttemptAt, e.AppliedAt))
            .ToListAsync(ct);
        return new InboxPage(rows, total);
    }

    /// <summary>The delivery's body as it arrived; null when there is no such event.</summary>
    public async Task<string?> BodyAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.InboxEvents.Where(e => e.Id == id).Select(e => e.Body).SingleOrDefaultAsync(ct);
    }

    /// <summary>Makes one failed or waiting event due now with a fresh set of attempts, and starts the apply job.</summary>
    public async Task<CommandResult> ReplayAsync(long id, AuditActor actor, CancellationToken ct = default)
    {
        var result = await commands.RunAsync(actor, Policies.ManageConnections, async command =>
        {
            var inboxEvent = await command.Db.InboxEvents.SingleOrDefaultAsync(e => e.Id == id, ct)
                ?? throw CommandContext.Refuse("That webhook event no longer exists.");
            if (inboxEvent.Status == InboxStatus.Applied)
            {
                throw CommandContext.Refuse($"Event {inboxEvent.EventId} was applied already; there is nothing to replay.");
            }
            var before = new { inboxEvent.Status, inboxEvent.Attempts, inboxEvent.LastError };
            inboxEvent.Replay(command.Now);
            await command.AuditAsync(AuditActions.WebhookReplayed, "InboxEvent", id.ToString(System.Globalization.CultureInfo.InvariantCulture), before,
                new { inboxEvent.Source, inboxEvent.EventId, inboxEvent.Topic, inboxEvent.Status });
            return $"Event {inboxEvent.EventId} will be applied again now.";
        }, ct: ct);
        await StartApplyingAsync(result, actor, ct);
        return result;
    }

    /// <summary>Replays every Failed event at once (one audit entry with their count and ids).</summary>
    public async Task<CommandResult> ReplayFailedAsync(AuditActor actor, CancellationToken ct = default)
    {
        var result = await commands.RunAsync(actor, Policies.ManageConnections, async command =>
        {
            var failed = await command.Db.InboxEvents.Where(e => e.Status == InboxStatus.Failed).OrderBy(e => e.Id).ToListAsync(ct);
            if (failed.Count == 0)
            {
                throw CommandContext.Refuse("No event has failed.");
            }
            foreach (var inboxEvent in failed)
            {
                inboxEvent.Replay(command.Now);
            }
            await command.AuditAsync(AuditActions.WebhookReplayed, "InboxEvent", null, null,
                new { Replayed = failed.Count, Ids = failed.Select(e => e.Id).ToList() });
            return $"{failed.Count:N0} failed event(s) will be applied again now.";
        }, ct: ct);
        await StartApplyingAsync(result, actor, ct);
        return result;
    }

    // The replay is committed; the job's next scheduled run would apply it too, this only spares the wait.
    private async Task StartApplyingAsync(CommandResult result, AuditActor actor, CancellationToken ct)
    {
        if (!result.Succeeded)
        {
            return;
        }
        try
        {
            var scheduler = await schedulerFactory.GetScheduler(ct);
            var key = new JobKey(ScheduledJobs.ApplyInbox.Name);
            if (await scheduler.CheckExists(key, ct))
            {
                await scheduler.TriggerJob(key, new JobDataMap { [JobRunRecorder.TriggeredByKey] = actor.Name }, ct);
            }
        }
        catch (SchedulerException ex)
        {
            logger.LogWarning(ex, "The apply job could not be started after a replay; its schedule will apply the event");
        }
    }
}
