namespace LoyaltyConsole.Jobs;

public enum JobRunStatus
{
    Running,
    Succeeded,
    Failed,
}

/// <summary>One execution of a scheduled job, kept so the Jobs page can show history after a restart.</summary>
public sealed class JobRun
{
    public const int JobKeyMaxLength = 100;
    public const int MessageMaxLength = 2000;
    public const int TriggeredByMaxLength = 256;

    private JobRun()
    {
    }

    public JobRun(string jobKey, string fireInstanceId, DateTime startedAt, string triggeredBy)
    {
        JobKey = jobKey;
        FireInstanceId = fireInstanceId;
        StartedAt = startedAt;
        TriggeredBy = triggeredBy.Length > TriggeredByMaxLength ? triggeredBy[..TriggeredByMaxLength] : triggeredBy;
        Status = JobRunStatus.Running;
    }

    public long Id { get; private set; }
    public string JobKey { get; private set; } = "";
    public string FireInstanceId { get; private set; } = "";
    public DateTime StartedAt { get; private set; }
    public DateTime? FinishedAt { get; private set; }
    public long? DurationMs { get; private set; }
    public JobRunStatus Status { get; private set; }
    public string? Message { get; private set; }
    public string TriggeredBy { get; private set; } = "";

    public void Finish(DateTime at, bool succeeded, string? message)
    {
        FinishedAt = at;
        DurationMs = (long)(at - StartedAt).TotalMilliseconds;
        Status = succeeded ? JobRunStatus.Succeeded : JobRunStatus.Failed;
        Message = message is { Length: > MessageMaxLength } ? message[..MessageMaxLength] : message;
    }
}
