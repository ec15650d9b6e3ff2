using System.Diagnostics;
using LoyaltyConsole.Data;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Sync.Webhooks;

/// <summary>What one run of the apply job did.</summary>
public sealed record InboxRunResult(int Applied, int Retrying, int Failed)
{
    public override string ToString() =>
        Applied + Retrying + Failed == 0 ? "Nothing was due." : $"{Applied:N0} applied, {Retrying:N0} to retry, {Failed:N0} failed.";
}

/// <summary>
/// Applies stored webhook deliveries: the due Pending events in the order they were received, each by its format's
/// <see cref="IInboxEventHandler"/>. An event is claimed first by a conditional update (still Pending and due → due
/// again only after <see cref="WebhookOptions.ClaimSeconds"/>), which exactly one instance can win, so two app
/// instances running the job never apply one event at the same time; an instance that dies holding a claim loses it when
/// it lapses. The handler commits its own effects; the event is then marked Applied — or, when the handler threw, it
/// waits an exponentially growing, jittered time and is retried, until it is marked Failed after
/// <see cref="WebhookOptions.MaxAttempts"/> attempts and waits for an Admin's replay. Outcomes are not audited one by
/// one: the job's run history holds the counts, and each event keeps its attempts and last error.
/// </summary>
public sealed class InboxProcessor
{
    private const int PageSize = 100;

    private readonly IDbContextFactory<ApplicationDbContext> _dbFactory;
    private readonly Dictionary<WebhookFormat, IInboxEventHandler> _handlers;
    private readonly TimeProvider _clock;
    private readonly WebhookOptions _options;
    private readonly ILogger<InboxProcessor> _logger;

    public InboxProcessor(
        IDbContextFactory<ApplicationDbContext> dbFactory, IEnumerable<IInboxEventHandler> handlers, TimeProvider clock,
        IOptions<WebhookOptions> options, ILogger<InboxProcessor> logger)
    {
        _dbFactory = dbFactory;
        _clock = clock;
        _options = options.Value;
        _logger = logger;
        var byFormat = new Dictionary<WebhookFormat, IInboxEventHandler>();
        foreach (var handler in handlers)
        {
            if (!byFormat.TryAdd(handler.Format, handler))
            {
                throw new InvalidOperationException(
                    $"Two inbox handlers for {handler.Format} deliveries: {byFormat[handler.Format].GetType().Name} and {handler.GetType().Name}.");
            }
        }
        _handlers = byFormat;
    }

    /// <summary>Applies every event that is due now, oldest first, until none is left or the run's time is up.</summary>
    public async Task<InboxRunResult> ApplyDueAsync(CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        int applied = 0, retrying = 0, failed = 0;
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(_options.MaxRunSeconds))
        {
            var now = _clock.GetUtcNow().UtcDateTime;
            List<long> due;
            await using (var db = await _dbFactory.CreateDbContextAsync(ct))
            {
                due = await db.InboxEvents.AsNoTracking()
                    .Where(e => e.Status == InboxStatus.Pending && e.NextAttemptAt <= now)
                    .OrderBy(e => e.ReceivedAt).ThenBy(e => e.Id)
                    .Select(e => e.Id)
                    .Take(PageSize)
                    .ToListAsync(ct);
            }
            foreach (var id in due)
            {
                switch (await ApplyAsync(id, ct))
                {
                    case InboxStatus.Applied:
                        applied++;
                        break;
                    case InboxStatus.Pending:
                        retrying++;
                        break;
                    case InboxStatus.Failed:
                        failed++;
                        break;
                }
                if (stopwatch.Elapsed >= TimeSpan.FromSeconds(_options.MaxRunSeconds))
                {
                    break;
                }
            }
            // Whatever this page left (claimed elsewhere, or waiting to retry) is no longer due, so the next page moves on.
            if (due.Count < PageSize)
            {
                break;
            }
        }
        return new InboxRunResult(applied, retrying, failed);
    }

    /// <summary>Claims and applies one event; null when it was not due or another instance claimed it first.</summary>
    private async Task<InboxStatus?> ApplyAsync(long id, CancellationToken ct)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var claimedUntil = now.AddSeconds(_options.ClaimSeconds);
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var claimed = await db.InboxEvents
            .Where(e => e.Id == id && e.Status == InboxStatus.Pending && e.NextAttemptAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.NextAttemptAt, claimedUntil), ct);
        if (claimed != 1)
        {
            return null;
        }
        var inboxEvent = await db.InboxEvents.SingleAsync(e => e.Id == id, ct);
        var connection = inboxEvent.ConnectionId is null
            ? null
            : await db.Connections.AsNoTracking().Include(c => c.Locations).SingleOrDefaultAsync(c => c.Id == inboxEvent.ConnectionId, ct);
        try
        {
            if (connection is null)
            {
                throw new InvalidOperationException("The connection this delivery came for has been deleted.");
            }
            var format = WebhookFormats.Of(connection.Kind);
            if (!_handlers.TryGetValue(format, out var handler))
            {
                throw new InvalidOperationException($"No handler for {format} deliveries is installed; replay the event once there is one.");
            }
            await handler.ApplyAsync(inboxEvent, connection, ct);
            inboxEvent.Applied(_clock.GetUtcNow().UtcDateTime);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Webhook event {Id} ({Source} {Topic}) could not be applied (attempt {Attempt})",
                inboxEvent.Id, inboxEvent.Source, inboxEvent.Topic, inboxEvent.Attempts + 1);
            inboxEvent.AttemptFailed(_clock.GetUtcNow().UtcDateTime, Describe(ex), _options.MaxAttempts, Backoff());
        }
        await db.SaveChangesAsync(CancellationToken.None);
        return inboxEvent.Status;
    }

    /// <summary>The first wait, ± a quarter at random so that events failing together do not all retry in the same second.</summary>
    private TimeSpan Backoff() => TimeSpan.FromSeconds(_options.RetryAfterSeconds * (0.75 + Random.Shared.NextDouble() / 2));

    private static string Describe(Exception ex) =>
        ex.InnerException is { } inner && inner.Message != ex.Message ? $"{ex.Message} ({inner.Message})" : ex.Message;
}
