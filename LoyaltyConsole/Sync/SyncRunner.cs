using System.Collections.Concurrent;
using System.Data.Common;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;

namespace LoyaltyConsole.Sync;

/// <summary>A platform connector: reads what changed at the source since the connection's watermark and writes it.</summary>
public interface ISourceConnector
{
    ConnectionKind Kind { get; }

    /// <summary>
    /// Reads pages from the source and hands each to <see cref="SyncContext.Writer"/>, then commits where it got to
    /// with <see cref="SyncContext.CheckpointAsync"/>: a run that fails resumes from the last checkpoint, and what it
    /// writes again is found unchanged. Throws <see cref="SyncFailedException"/> (or lets an HTTP error through) to fail
    /// the run with a clear message.
    /// </summary>
    Task RunAsync(SyncContext context);
}

/// <summary>A run failed for a reason to show the Admin as it is (a malformed response, refused credentials).</summary>
public sealed class SyncFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>How far a run got, for the progress bar: records done, of how many when the source says, and what it is doing.</summary>
public sealed record SyncProgress(long RunId, int ConnectionId, string Phase, long Done, long? Total, SyncCounts Counts)
{
    public double? Fraction => Total is > 0 ? Math.Min(1, (double)Done / Total.Value) : null;
}

/// <summary>What a run of a connector or an import works with.</summary>
public sealed class SyncContext
{
    private readonly SyncRunner _runner;
    private readonly ConcurrentQueue<SourceIssue> _issues = new();

    internal SyncContext(SyncRunner runner, Connection connection, SyncRun run, SyncWriter writer, Func<string> credentials, CancellationToken ct)
    {
        _runner = runner;
        Connection = connection;
        Run = run;
        Writer = writer;
        Settings = ConnectionSettings.Parse(connection.SettingsJson);
        CredentialsReader = credentials;
        CancellationToken = ct;
    }

    /// <summary>The connection as it was when the run started, with its location map, watermark and resume state.</summary>
    public Connection Connection { get; }

    public SyncRun Run { get; }
    public SyncWriter Writer { get; }
    public ConnectionSettings Settings { get; }
    public CancellationToken CancellationToken { get; }
    public SyncCounts Counts { get; private set; } = SyncCounts.Zero;

    /// <summary>Issues of the current page, written to the run's report at the next checkpoint.</summary>
    public ICollection<SourceIssue> Issues => new IssueSink(_issues);

    private Func<string> CredentialsReader { get; }

    /// <summary>The connection's decrypted access token or key: read when needed, never stored or logged.</summary>
    public string Credentials() => CredentialsReader();

    public void Count(SyncCounts counts) => Counts += counts;

    public void Describe(string summary) => Run.Describe(summary);

    /// <summary>What is being read now (clients, visits, orders): the run's report names it for each issue.</summary>
    public string Input { get; set; } = "records";

    /// <summary>Shows progress now (in memory; the counts are saved at the next checkpoint).</summary>
    public void Report(string phase, long done, long? total = null) => _runner.Publish(new SyncProgress(Run.Id, Connection.Id, phase, done, total, Counts));

    /// <summary>
    /// Commits the run's counts and issues so far and where the source read got to: the watermark (the newest
    /// update time fully written) and the resume state (a cursor, a location batch). Also renews the run's lease.
    /// </summary>
    public async Task CheckpointAsync(DateTime? watermark, string? resumeState, string phase, long done, long? total = null)
    {
        var issues = new List<SourceIssue>();
        while (_issues.TryDequeue(out var issue))
        {
            issues.Add(issue);
        }
        await _runner.CheckpointAsync(this, watermark, resumeState, issues, CancellationToken);
        Report(phase, done, total);
    }

    /// <summary>Records the source's own count of clients beside ours (the reconciliation line), where the source can count.</summary>
    public Task ReconcileAsync(long? sourceClientCount) => _runner.ReconcileAsync(this, sourceClientCount, CancellationToken);

    private sealed class IssueSink(ConcurrentQueue<SourceIssue> queue) : ICollection<SourceIssue>
    {
        public int Count => queue.Count;
        public bool IsReadOnly => false;
        public void Add(SourceIssue item) => queue.Enqueue(item);
        public void Clear() => throw new NotSupportedException();
        public bool Contains(SourceIssue item) => queue.Contains(item);
        public void CopyTo(SourceIssue[] array, int arrayIndex) => queue.CopyTo(array, arrayIndex);
        public bool Remove(SourceIssue item) => throw new NotSupportedException();
        public IEnumerator<SourceIssue> GetEnumerator() => queue.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>
/// Runs a connection: claims it (one run per connection at a time, across instances), records the run, hands the
/// work to the connector or the import, commits checkpoints, and finishes the run with its counts, error and
/// duration. Starting, finishing and failing are audited; the records themselves are not (they are the source's).
/// </summary>
public sealed class SyncRunner(
    IServiceScopeFactory scopes,
    IEnumerable<ISourceConnector> connectors,
    SyncWriter writer,
    ConnectionSecrets secrets,
    AuditLog audit,
    TimeProvider clock,
    ILogger<SyncRunner> logger)
{
    /// <summary>A run that has not checkpointed for this long is presumed dead (its instance stopped) and can be taken over.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<int, SyncProgress> _progress = new();

    /// <summary>Raised on every progress report, on the reporting thread.</summary>
    public event Action<SyncProgress>? ProgressChanged;

    /// <summary>The latest progress of a run going on in this instance, by connection.</summary>
    public SyncProgress? ProgressOf(int connectionId) => _progress.GetValueOrDefault(connectionId);

    /// <summary>Runs the connection's connector now. Returns the finished run, or a refusal when it is already running.</summary>
    public async Task<(SyncRun? Run, string Message)> RunConnectorAsync(int connectionId, string trigger, AuditActor actor, CancellationToken ct)
    {
        var connector = await ConnectorForAsync(connectionId, ct);
        return await RunAsync(connectionId, trigger, actor, context => connector.RunAsync(context), ct);
    }

    /// <summary>
    /// Runs <paramref name="work"/> as a run of the connection: the import of a file uses this with its reader, a
    /// connector with its sync. Refuses (returns no run) while another run holds the connection.
    /// </summary>
    public async Task<(SyncRun? Run, string Message)> RunAsync(int connectionId, string trigger, AuditActor actor, Func<SyncContext, Task> work, CancellationToken ct)
    {
        var (connection, run) = await ClaimAsync(connectionId, trigger, actor, ct) is { } claimed
            ? claimed
            : (null, null);
        if (connection is null || run is null)
        {
            return (null, "This connection is already running; wait for that run to finish.");
        }
        var context = new SyncContext(this, connection, run, writer, () => secrets.Credentials(connection), ct);
        string? error = null;
        var status = SyncRunStatus.Succeeded;
        using var beating = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(connectionId, run.Id, beating.Token);
        try
        {
            context.Report("Starting", 0);
            await work(context);
            // Done: nothing to resume from. (The connector moved the watermark as it went.)
            await context.CheckpointAsync(null, null, "Finishing", context.Counts.Total);
            // Records that waited for a client or a location mapping get another chance after every run.
            var reapplied = await writer.ReapplyUnmatchedAsync(connection, context.Issues, ct);
            context.Count(reapplied);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            status = SyncRunStatus.Cancelled;
            error = "Cancelled; the next run resumes from the last checkpoint.";
        }
        catch (Exception ex) when (ex is SyncFailedException or HttpRequestException or Domain.Common.DomainException or System.Text.Json.JsonException or TimeoutException or InvalidDataException)
        {
            status = SyncRunStatus.Failed;
            error = ex.Message;
            logger.LogWarning("Sync run {RunId} of connection {ConnectionId} failed: {Error}", run.Id, connectionId, ex.Message);
        }
        catch (Exception ex)
        {
            status = SyncRunStatus.Failed;
            error = $"Unexpected error: {ex.Message}";
            logger.LogError(ex, "Sync run {RunId} of connection {ConnectionId} failed unexpectedly.", run.Id, connectionId);
        }
        await beating.CancelAsync();
        await heartbeat;
        var finished = await FinishAsync(context, status, error, actor);
        return (finished, error ?? $"Finished: {finished.Counts}.");
    }

    /// <summary>
    /// Renews the run's hold on the connection every third of the lease while it works, so that a long step with no
    /// checkpoint (a bulk file's download, a full listing) is not taken for a crashed run and run a second time.
    /// </summary>
    private async Task HeartbeatAsync(int connectionId, long runId, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Lease / 3, clock, ct);
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
                var now = clock.GetUtcNow().UtcDateTime;
                await db.Connections.Where(c => c.Id == connectionId && c.RunningRunId == runId)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.RunningSince, now), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The run ended.
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            // The next checkpoint renews it as well; a run that loses its hold stops at that checkpoint.
            logger.LogWarning(ex, "Sync run {RunId} could not renew its hold on connection {ConnectionId}.", runId, connectionId);
        }
    }

    internal void Publish(SyncProgress progress)
    {
        _progress[progress.ConnectionId] = progress;
        ProgressChanged?.Invoke(progress);
    }

    private async Task<ISourceConnector> ConnectorForAsync(int connectionId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        var kind = await db.Connections.Where(c => c.Id == connectionId).Select(c => (ConnectionKind?)c.Kind).SingleOrDefaultAsync(ct)
            ?? throw new Domain.Common.DomainException($"Connection {connectionId} does not exist.");
        return connectors.FirstOrDefault(c => c.Kind == kind)
            ?? throw new Domain.Common.DomainException(kind == ConnectionKind.CsvImport
                ? "A CSV connection has nothing to sync by itself: import a file on its page or with the `import` command."
                : $"No connector for {kind} is installed.");
    }

    private async Task<(Connection, SyncRun)?> ClaimAsync(int connectionId, string trigger, AuditActor actor, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var stale = now - Lease;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // The claim: one conditional update, so two instances (or a schedule and an Admin) cannot both take it.
            var claimed = await db.Connections
                .Where(c => c.Id == connectionId && (c.RunningSince == null || c.RunningSince < stale))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.RunningSince, now), ct);
            if (claimed == 0)
            {
                return ((Connection, SyncRun)?)null;
            }
            var connection = await db.Connections.Include(c => c.Locations).SingleAsync(c => c.Id == connectionId, ct);
            var run = new SyncRun(connectionId, trigger, actor.Name, now);
            db.SyncRuns.Add(run);
            await db.SaveChangesAsync(ct);
            await db.Connections.Where(c => c.Id == connectionId).ExecuteUpdateAsync(s => s.SetProperty(c => c.RunningRunId, run.Id), ct);
            await audit.AppendAsync(db, actor, "sync.started", "Connection", connectionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                null, new { connection.Name, run.Id, trigger, connection.Watermark, resuming = connection.ResumeState is not null }, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            db.Entry(connection).State = EntityState.Detached;
            return (connection, run);
        });
    }

    internal async Task CheckpointAsync(SyncContext context, DateTime? watermark, string? resumeState, List<SourceIssue> issues, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var strategy = db.Database.CreateExecutionStrategy();
        var counts = context.Counts;
        await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var run = await db.SyncRuns.SingleAsync(r => r.Id == context.Run.Id, ct);
            run.Add(counts - run.Counts);
            run.Describe(context.Run.Summary);
            // Still this run's: one that held the connection past its lease and was taken over stops here, writing nothing.
            var held = await db.Connections.Where(c => c.Id == context.Connection.Id && c.RunningRunId == context.Run.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.RunningSince, now), ct);
            if (held == 0)
            {
                throw new SyncFailedException("Another run took this connection over while this one was still working; this run stopped and left its progress to that one.");
            }
            var connection = await db.Connections.SingleAsync(c => c.Id == context.Connection.Id, ct);
            connection.RecordProgress(watermark, resumeState);
            foreach (var issue in issues)
            {
                db.SyncIssues.Add(new SyncIssue(run.Id, context.Input, issue.Line, issue.Kind, issue.Reason, issue.Raw));
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        });
        context.Connection.RecordProgress(watermark, resumeState);
    }

    internal async Task ReconcileAsync(SyncContext context, long? sourceCount, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        var source = context.Connection.Source;
        var ours = await db.Clients.LongCountAsync(c => c.Source == source, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Connections.Where(c => c.Id == context.Connection.Id).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.SourceClientCount, sourceCount)
            .SetProperty(c => c.OurClientCount, ours)
            .SetProperty(c => c.ReconciledAt, now), ct);
    }

    private async Task<SyncRun> FinishAsync(SyncContext context, SyncRunStatus status, string? error, AuditActor actor)
    {
        // Not the run's token: a cancelled run still records that it ended.
        var ct = CancellationToken.None;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var strategy = db.Database.CreateExecutionStrategy();
        var counts = context.Counts;
        var pending = context.Issues.ToList();
        SyncRun? finished = null;
        await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var run = await db.SyncRuns.SingleAsync(r => r.Id == context.Run.Id, ct);
            run.Add(counts - run.Counts);
            run.Describe(context.Run.Summary);
            foreach (var issue in pending)
            {
                db.SyncIssues.Add(new SyncIssue(run.Id, context.Input, issue.Line, issue.Kind, issue.Reason, issue.Raw));
            }
            run.Finish(now, status, error);
            var connection = await db.Connections.SingleAsync(c => c.Id == context.Connection.Id, ct);
            connection.RecordRun(now, error);
            await db.SaveChangesAsync(ct);
            await db.Connections.Where(c => c.Id == connection.Id && c.RunningRunId == run.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.RunningSince, (DateTime?)null).SetProperty(c => c.RunningRunId, (long?)null), ct);
            await audit.AppendAsync(db, actor, status == SyncRunStatus.Failed ? "sync.failed" : "sync.finished", "Connection",
                connection.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
                new { run.Id, status = run.Status.ToString(), run.New, run.Updated, run.Unchanged, run.Skipped, run.Failed, run.DurationMs, error }, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            finished = run;
        });
        _progress.TryRemove(context.Connection.Id, out _);
        Publish(new SyncProgress(context.Run.Id, context.Connection.Id, finished!.Status.ToString(), counts.Total, counts.Total, counts));
        _progress.TryRemove(context.Connection.Id, out _);
        return finished;
    }
}
