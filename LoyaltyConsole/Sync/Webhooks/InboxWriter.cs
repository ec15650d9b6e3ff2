using System.Threading.Channels;
using LoyaltyConsole.Data;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Sync.Webhooks;

public enum InboxWriteResult
{
    /// <summary>A new row: the delivery will be applied.</summary>
    Stored,

    /// <summary>The source sent this event before (or twice at once): it is stored once, and this delivery adds nothing.</summary>
    Duplicate,
}

/// <summary>
/// The one writer of webhook deliveries into the inbox. Requests queue their event and wait; a single loop takes
/// whatever has queued up (at most <see cref="WebhookOptions.IntakeBatchSize"/>) and inserts it in one transaction, and
/// only once that has committed is each request answered. Under load many deliveries share one commit — SQLite has a
/// single writer and an fsync per commit, which one insert per request cannot do a thousand times a second — and when
/// idle a delivery is written on its own at once, never held back waiting for company.
/// <para>
/// A delivery already stored (a retry by the source, or the same event in the same batch) is answered Duplicate and
/// not written again; a race with another app instance ends in a unique-index violation, after which the batch is
/// written row by row and the loser of each race is a Duplicate. A failed write fails every request of the batch (the
/// source retries later): nothing is answered before it is committed.
/// </para>
/// </summary>
public sealed class InboxWriter : BackgroundService
{
    private readonly Channel<Pending> _queue;
    private readonly IDbContextFactory<ApplicationDbContext> _dbFactory;
    private readonly int _batchSize;
    private readonly ILogger<InboxWriter> _logger;

    public InboxWriter(IDbContextFactory<ApplicationDbContext> dbFactory, IOptions<WebhookOptions> options, ILogger<InboxWriter> logger)
    {
        _dbFactory = dbFactory;
        _logger = logger;
        _batchSize = Math.Max(1, options.Value.IntakeBatchSize);
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(Math.Max(1, options.Value.IntakeQueueCapacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Stores <paramref name="inboxEvent"/> and returns once it is committed (or found already stored).</summary>
    public async Task<InboxWriteResult> StoreAsync(InboxEvent inboxEvent, CancellationToken ct)
    {
        var pending = new Pending(inboxEvent, new TaskCompletionSource<InboxWriteResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, ct);
        // Once queued the row is written even if the sender hangs up; it just is not told.
        return await pending.Result.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(_batchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < _batchSize && _queue.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                }
                await WriteAsync(batch, CancellationToken.None);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is already queued is still written and answered below.
        }
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var next))
        {
            batch.Add(next);
            if (batch.Count == _batchSize)
            {
                await WriteAsync(batch, CancellationToken.None);
                batch.Clear();
            }
        }
        if (batch.Count > 0)
        {
            await WriteAsync(batch, CancellationToken.None);
        }
    }

    private async Task WriteAsync(List<Pending> batch, CancellationToken ct)
    {
        try
        {
            var results = await InsertAsync(batch, ct);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Result.TrySetResult(results[i]);
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Storing {Count} webhook deliveries failed; their senders are told to retry", batch.Count);
            foreach (var pending in batch)
            {
                pending.Result.TrySetException(ex);
            }
        }
    }

    private async Task<InboxWriteResult[]> InsertAsync(List<Pending> batch, CancellationToken ct)
    {
        var results = new InboxWriteResult[batch.Count];
        var seen = new HashSet<(string, string)>();
        var sources = batch.Select(p => p.Event.Source).Distinct().ToList();
        var eventIds = batch.Select(p => p.Event.EventId).Distinct().ToList();
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var stored = (await db.InboxEvents.AsNoTracking()
                .Where(e => sources.Contains(e.Source) && eventIds.Contains(e.EventId))
                .Select(e => new { e.Source, e.EventId })
                .ToListAsync(ct))
            .Select(e => (e.Source, e.EventId))
            .ToHashSet();
        var fresh = new List<int>();
        for (var i = 0; i < batch.Count; i++)
        {
            var key = (batch[i].Event.Source, batch[i].Event.EventId);
            if (stored.Contains(key) || !seen.Add(key))
            {
                results[i] = InboxWriteResult.Duplicate;
                continue;
            }
            results[i] = InboxWriteResult.Stored;
            fresh.Add(i);
        }
        if (fresh.Count == 0)
        {
            return results;
        }
        db.InboxEvents.AddRange(fresh.Select(i => batch[i].Event));
        try
        {
            await db.SaveChangesAsync(ct);
            return results;
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            // Another instance stored one of these between the read and the insert: write them one at a time.
            _logger.LogInformation("A batch of webhook deliveries raced another instance; writing it row by row");
        }
        foreach (var i in fresh)
        {
            results[i] = await InsertOneAsync(batch[i].Event, ct);
        }
        return results;
    }

    private async Task<InboxWriteResult> InsertOneAsync(InboxEvent inboxEvent, CancellationToken ct)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        db.InboxEvents.Add(inboxEvent);
        try
        {
            await db.SaveChangesAsync(ct);
            return InboxWriteResult.Stored;
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            return InboxWriteResult.Duplicate;
        }
    }

    private sealed record Pending(InboxEvent Event, TaskCompletionSource<InboxWriteResult> Result);
}
