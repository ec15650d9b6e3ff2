namespace LoyaltyConsole.Sync;

public enum UnmatchedKind
{
    Visit,
    Return,
    LedgerEvent,
}

/// <summary>
/// A visit, return or points event whose client or location we do not know (yet): kept where an Admin can see it
/// rather than dropped, and applied by a later sync once the client or the location mapping exists.
/// </summary>
public sealed class UnmatchedRecord
{
    public const int ReasonMaxLength = 300;

    private UnmatchedRecord()
    {
    }

    public UnmatchedRecord(int connectionId, UnmatchedKind kind, string externalId, string? clientExternalId, string? sourceLocationId, string reason, string payload, DateTime at)
    {
        ConnectionId = connectionId;
        Kind = kind;
        ExternalId = externalId;
        ClientExternalId = clientExternalId;
        SourceLocationId = sourceLocationId;
        Payload = payload;
        FirstSeenAt = at;
        Seen(reason, at);
    }

    public long Id { get; private set; }
    public int ConnectionId { get; private set; }
    public UnmatchedKind Kind { get; private set; }
    public string ExternalId { get; private set; } = "";
    public string? ClientExternalId { get; private set; }
    public string? SourceLocationId { get; private set; }
    public string Reason { get; private set; } = "";

    /// <summary>The record as read, as JSON, so it can be applied later without the source.</summary>
    public string Payload { get; private set; } = "";

    public DateTime FirstSeenAt { get; private set; }
    public DateTime LastSeenAt { get; private set; }
    public DateTime? ResolvedAt { get; private set; }

    public void Seen(string reason, DateTime at)
    {
        Reason = SyncRun.Clip(reason, ReasonMaxLength)!;
        LastSeenAt = at;
    }

    public void Resolve(DateTime at) => ResolvedAt = at;
}

public enum MergeStatus
{
    Open,
    Merged,
    Dismissed,
    Undone,
}

/// <summary>
/// Two clients that look like one person (the same normalised email or phone, usually from two sources), offered to
/// an Admin: never merged silently. A merge moves the duplicate's visits, returns and points to the kept client and
/// records what it moved so it can be undone; both are audited.
/// </summary>
public sealed class MergeSuggestion
{
    public const int ReasonMaxLength = 200;

    private MergeSuggestion()
    {
    }

    /// <summary>The pair is stored lower id first, so the same pair cannot be suggested twice.</summary>
    public MergeSuggestion(int clientId, int otherClientId, string reason, DateTime at)
    {
        (ClientId, OtherClientId) = clientId < otherClientId ? (clientId, otherClientId) : (otherClientId, clientId);
        Reason = SyncRun.Clip(reason, ReasonMaxLength)!;
        CreatedAt = at;
        Status = MergeStatus.Open;
    }

    public long Id { get; private set; }
    public int ClientId { get; private set; }
    public int OtherClientId { get; private set; }
    public string Reason { get; private set; } = "";
    public MergeStatus Status { get; private set; }
    public DateTime CreatedAt { get; private set; }

    /// <summary>The client kept by a merge (the other is the duplicate).</summary>
    public int? KeptClientId { get; private set; }

    /// <summary>What the merge moved, as JSON (visit, return and ledger ids, the duplicate's balance), to undo it.</summary>
    public string? MergeRecord { get; private set; }

    public DateTime? DecidedAt { get; private set; }
    public string? DecidedBy { get; private set; }
    public int Version { get; private set; }

    public void Merged(int keptClientId, string record, string by, DateTime at)
    {
        Status = MergeStatus.Merged;
        KeptClientId = keptClientId;
        MergeRecord = record;
        Decided(by, at);
    }

    public void Dismissed(string by, DateTime at)
    {
        Status = MergeStatus.Dismissed;
        Decided(by, at);
    }

    public void Undone(string by, DateTime at)
    {
        Status = MergeStatus.Undone;
        Decided(by, at);
    }

    private void Decided(string by, DateTime at)
    {
        Version++;
        DecidedBy = SyncRun.Clip(by, 256);
        DecidedAt = at;
    }
}
