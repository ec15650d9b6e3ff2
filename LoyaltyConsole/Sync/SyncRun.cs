namespace LoyaltyConsole.Sync;

public enum SyncRunStatus
{
    Running,
    Succeeded,

    /// <summary>Finished, but some rows or records failed: they are listed in the run's issues.</summary>
    CompletedWithIssues,
    Failed,
    Cancelled,
}

/// <summary>What the records of a sync or import did to our data, counted as they are written.</summary>
public sealed record SyncCounts(long New, long Updated, long Unchanged, long Skipped, long Failed)
{
    public static readonly SyncCounts Zero = new(0, 0, 0, 0, 0);

    public long Total => New + Updated + Unchanged + Skipped + Failed;

    public static SyncCounts operator +(SyncCounts a, SyncCounts b) =>
        new(a.New + b.New, a.Updated + b.Updated, a.Unchanged + b.Unchanged, a.Skipped + b.Skipped, a.Failed + b.Failed);

    public static SyncCounts operator -(SyncCounts a, SyncCounts b) =>
        new(a.New - b.New, a.Updated - b.Updated, a.Unchanged - b.Unchanged, a.Skipped - b.Skipped, a.Failed - b.Failed);

    public override string ToString() => $"{New:N0} new, {Updated:N0} updated, {Unchanged:N0} unchanged, {Skipped:N0} skipped, {Failed:N0} failed";
}

/// <summary>One run of a connection: a scheduled or manual sync, a file import, a webhook batch. Kept as history.</summary>
public sealed class SyncRun
{
    public const int TriggerMaxLength = 32;
    public const int TriggeredByMaxLength = 256;
    public const int TextMaxLength = 2000;

    private SyncRun()
    {
    }

    public SyncRun(int connectionId, string trigger, string triggeredBy, DateTime startedAt)
    {
        ConnectionId = connectionId;
        Trigger = Clip(trigger, TriggerMaxLength)!;
        TriggeredBy = Clip(triggeredBy, TriggeredByMaxLength)!;
        StartedAt = startedAt;
        Status = SyncRunStatus.Running;
    }

    public long Id { get; private set; }
    public int ConnectionId { get; private set; }

    /// <summary>Schedule, Manual, Upload, Cli, Webhook.</summary>
    public string Trigger { get; private set; } = "";

    public string TriggeredBy { get; private set; } = "";
    public DateTime StartedAt { get; private set; }
    public DateTime? FinishedAt { get; private set; }
    public long? DurationMs { get; private set; }
    public SyncRunStatus Status { get; private set; }

    public long New { get; private set; }
    public long Updated { get; private set; }
    public long Unchanged { get; private set; }
    public long Skipped { get; private set; }
    public long Failed { get; private set; }

    /// <summary>What the reader found out once (file layout, date format, pages read), for the summary.</summary>
    public string? Summary { get; private set; }

    public string? Error { get; private set; }

    public SyncCounts Counts => new(New, Updated, Unchanged, Skipped, Failed);

    public void Add(SyncCounts counts)
    {
        New += counts.New;
        Updated += counts.Updated;
        Unchanged += counts.Unchanged;
        Skipped += counts.Skipped;
        Failed += counts.Failed;
    }

    public void Describe(string? summary) => Summary = Clip(summary, TextMaxLength);

    public void Finish(DateTime at, SyncRunStatus status, string? error)
    {
        FinishedAt = at;
        DurationMs = (long)(at - StartedAt).TotalMilliseconds;
        Status = status == SyncRunStatus.Succeeded && Failed > 0 ? SyncRunStatus.CompletedWithIssues : status;
        Error = Clip(error, TextMaxLength);
    }

    internal static string? Clip(string? text, int max) => text is { } t && t.Length > max ? t[..max] : text;
}

/// <summary>A row or record a run skipped or could not write, with where and why: the run's downloadable report.</summary>
public sealed class SyncIssue
{
    public const int ReasonMaxLength = 500;
    public const int RawMaxLength = 1000;

    private SyncIssue()
    {
    }

    public SyncIssue(long syncRunId, string file, long line, SourceIssueKind kind, string reason, string? raw)
    {
        SyncRunId = syncRunId;
        File = SyncRun.Clip(file, 32)!;
        Line = line;
        Kind = kind;
        Reason = SyncRun.Clip(reason, ReasonMaxLength)!;
        Raw = SyncRun.Clip(raw, RawMaxLength);
    }

    public long Id { get; private set; }
    public long SyncRunId { get; private set; }

    /// <summary>Which input: clients, visits, transactions, or the API's record type.</summary>
    public string File { get; private set; } = "";

    public long Line { get; private set; }
    public SourceIssueKind Kind { get; private set; }
    public string Reason { get; private set; } = "";
    public string? Raw { get; private set; }
}
