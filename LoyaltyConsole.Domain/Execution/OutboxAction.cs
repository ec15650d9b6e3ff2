using System.Security.Cryptography;
using System.Text;
using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Execution;

/// <summary>What an approved proposal asks the outside world to do.</summary>
public enum ActionKind
{
    /// <summary>Write the client's new tier to the platform (a custom attribute, a metafield and tag).</summary>
    TierWriteBack,

    /// <summary>Grant bonus points in the platform's loyalty ledger.</summary>
    PointsGrant,

    /// <summary>Create a single-use reward code for the client.</summary>
    RewardCode,

    /// <summary>Send the proposal's message by SMS.</summary>
    Sms,
}

public enum ActionState
{
    /// <summary>Waits for its due time (and for the proposal's earlier actions) to be claimed by a dispatcher.</summary>
    Pending,

    /// <summary>Claimed by one dispatcher, whose lease runs until <see cref="OutboxAction.LeaseUntil"/>.</summary>
    InFlight,

    Done,

    /// <summary>Refused by the provider for good, or out of retries: waits for a person to retry or cancel it.</summary>
    Failed,

    /// <summary>
    /// The request may or may not have taken effect (a timeout, a 5xx after the request left) and the kind has no
    /// idempotency key to make a retry safe: never retried by itself; reconciled, or a person decides.
    /// </summary>
    Unknown,

    /// <summary>Will not be carried out: a guardrail refused it at the moment of sending, or a person cancelled it.</summary>
    Cancelled,
}

/// <summary>How one attempt ended.</summary>
public enum AttemptOutcome
{
    /// <summary>Started; no outcome recorded yet (the dispatcher is working on it, or stopped while it did).</summary>
    Started,
    Succeeded,

    /// <summary>Did not take effect; the action is tried again later (its kind is safe to repeat).</summary>
    Retrying,

    /// <summary>Did not take effect and will not be tried again by itself.</summary>
    Failed,

    /// <summary>May or may not have taken effect.</summary>
    Unknown,
}

/// <summary>
/// One action of an approved proposal, written to the outbox in the same transaction as the approval and carried out
/// by a dispatcher: claimed with a lease, attempted, and finished exactly once. Its idempotency key is derived from the
/// proposal and the kind, so every attempt — on any instance, after any crash — sends the provider the same key.
/// </summary>
public sealed class OutboxAction
{
    public const int KeyMaxLength = 64;
    public const int PayloadMaxLength = 4000;
    public const int ReasonMaxLength = 1000;
    public const int LeaseOwnerMaxLength = 128;
    public const int ReferenceMaxLength = 128;
    public const int ProviderMaxLength = 32;
    public const int DeliveryMaxLength = 32;

    /// <summary>Kinds whose repeat has no second effect (an idempotency key, a deterministic code, compare-and-set).</summary>
    public static bool IsIdempotent(ActionKind kind) => kind != ActionKind.Sms;

    private readonly List<OutboxAttempt> _attempts = [];

    private OutboxAction()
    {
    }

    public OutboxAction(long proposalId, int clientId, int locationId, ActionKind kind, int sequence, string payloadJson, string idempotencyKey, DateTime dueAt, DateTime createdAt)
    {
        ProposalId = proposalId;
        ClientId = clientId;
        LocationId = locationId;
        Kind = kind;
        Sequence = sequence;
        PayloadJson = Guard.Text(payloadJson, "Payload", PayloadMaxLength);
        IdempotencyKey = Guard.Text(idempotencyKey, "Idempotency key", KeyMaxLength);
        DueAt = Guard.Utc(dueAt, "Due time");
        CreatedAt = Guard.Utc(createdAt, "Created time");
        State = ActionState.Pending;
    }

    public long Id { get; private set; }
    public long ProposalId { get; private set; }
    public int ClientId { get; private set; }
    public int LocationId { get; private set; }
    public ActionKind Kind { get; private set; }

    /// <summary>The order within the proposal: an action is claimed only once every earlier one is Done (the code exists before the SMS announces it).</summary>
    public int Sequence { get; private set; }

    /// <summary>What to do, as JSON: the tier, the points, the code, the message template.</summary>
    public string PayloadJson { get; private set; } = "";

    /// <summary>Sent to providers that take one (Square's idempotency_key), and the seed of deterministic codes.</summary>
    public string IdempotencyKey { get; private set; } = "";

    public ActionState State { get; private set; }
    public DateTime DueAt { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public string? LeaseOwner { get; private set; }
    public DateTime? LeaseUntil { get; private set; }
    public int AttemptCount { get; private set; }

    /// <summary>Which provider carried it out (Log, Twilio, Demo, Square, Shopify).</summary>
    public string? Provider { get; private set; }

    /// <summary>What the provider calls it: Twilio's MessageSid, the code created, a ledger event id.</summary>
    public string? ProviderReference { get; private set; }

    /// <summary>An SMS's last known delivery status (delivered, undelivered, failed), from the provider.</summary>
    public string? DeliveryStatus { get; private set; }

    public DateTime? CompletedAt { get; private set; }

    /// <summary>Why it failed, is unknown or was cancelled, in a sentence for the outbox page.</summary>
    public string? LastError { get; private set; }

    /// <summary>Concurrency token: a person's retry or cancel and a dispatcher's outcome cannot both win.</summary>
    public int Revision { get; private set; }

    public IReadOnlyList<OutboxAttempt> Attempts => _attempts.AsReadOnly();

    public bool IsFinished => State is ActionState.Done or ActionState.Cancelled;

    /// <summary>
    /// A key that names this action of this proposal for good: the same on every attempt and every instance, and
    /// different across databases that reuse proposal numbers (the proposal's creation time is part of it).
    /// </summary>
    public static string KeyFor(long proposalId, DateTime proposalCreatedAt, ActionKind kind)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{proposalId}:{proposalCreatedAt.Ticks}:{kind}")));
        return FormattableString.Invariant($"lc-{proposalId}-{kind.ToString().ToLowerInvariant()}-{Convert.ToHexString(hash, 0, 8).ToLowerInvariant()}");
    }

    /// <summary>A reward code derived from the key: looking it up before creating it again makes the write idempotent.</summary>
    public static string CodeFor(string idempotencyKey)
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey));
        var code = new StringBuilder("LC-");
        for (var i = 0; i < 8; i++)
        {
            code.Append(alphabet[hash[i] % alphabet.Length]);
        }
        return code.ToString();
    }

    /// <summary>The dispatcher's gate passed: an attempt starts now, under the dispatcher's lease.</summary>
    public OutboxAttempt StartAttempt(string dispatcher, DateTime at)
    {
        EnsureState(ActionState.InFlight, "start an attempt");
        AttemptCount++;
        var attempt = new OutboxAttempt(AttemptCount, Guard.Text(dispatcher, "Dispatcher", LeaseOwnerMaxLength), Guard.Utc(at, "Attempt time"));
        _attempts.Add(attempt);
        Revision++;
        return attempt;
    }

    public void Succeeded(string provider, string? reference, string? delivery, DateTime at)
    {
        EnsureState(ActionState.InFlight, "record a success");
        Current.Finish(AttemptOutcome.Succeeded, null, reference, at);
        State = ActionState.Done;
        Provider = Guard.Text(provider, "Provider", ProviderMaxLength);
        ProviderReference = Clip(reference, ReferenceMaxLength);
        DeliveryStatus = Clip(delivery, DeliveryMaxLength);
        CompletedAt = at;
        LastError = null;
        ReleaseLease();
    }

    /// <summary>Did not take effect; tried again at <paramref name="retryAt"/>, or Failed once retries run out.</summary>
    public void AttemptFailed(string provider, string error, DateTime at, DateTime? retryAt)
    {
        EnsureState(ActionState.InFlight, "record a failure");
        Provider = Guard.Text(provider, "Provider", ProviderMaxLength);
        LastError = Clip(error, ReasonMaxLength);
        if (retryAt is { } next)
        {
            Current.Finish(AttemptOutcome.Retrying, LastError, null, at);
            State = ActionState.Pending;
            DueAt = Guard.Utc(next, "Retry time");
        }
        else
        {
            Current.Finish(AttemptOutcome.Failed, LastError, null, at);
            State = ActionState.Failed;
        }
        ReleaseLease();
    }

    /// <summary>
    /// The outcome cannot be known. An idempotent kind is simply tried again with the same key; an SMS becomes Unknown
    /// and waits for reconciliation or a person.
    /// </summary>
    public void OutcomeUnknown(string provider, string error, DateTime at, DateTime retryAt)
    {
        EnsureState(ActionState.InFlight, "record an unknown outcome");
        Provider = Guard.Text(provider, "Provider", ProviderMaxLength);
        LastError = Clip(error, ReasonMaxLength);
        Current.Finish(AttemptOutcome.Unknown, LastError, null, at);
        if (IsIdempotent(Kind))
        {
            State = ActionState.Pending;
            DueAt = Guard.Utc(retryAt, "Retry time");
        }
        else
        {
            State = ActionState.Unknown;
        }
        ReleaseLease();
    }

    /// <summary>The dispatcher that held it stopped (its lease lapsed) somewhere between claim and outcome.</summary>
    public void LeaseLapsed(DateTime at)
    {
        EnsureState(ActionState.InFlight, "recover a lapsed lease");
        const string error = "The dispatcher holding this action stopped before recording an outcome.";
        var started = _attempts.LastOrDefault(a => a.Outcome == AttemptOutcome.Started);
        started?.Finish(AttemptOutcome.Unknown, error, null, at);
        LastError = error;
        // No attempt started means the gate never passed, so nothing left; an SMS that started cannot be repeated blindly.
        State = started is not null && !IsIdempotent(Kind) ? ActionState.Unknown : ActionState.Pending;
        if (State == ActionState.Pending)
        {
            DueAt = at;
        }
        ReleaseLease();
    }

    /// <summary>Outside the send window: waits, without counting an attempt, until <paramref name="until"/>.</summary>
    public void Defer(DateTime until, string reason)
    {
        EnsureState(ActionState.InFlight, "defer");
        DueAt = Guard.Utc(until, "Deferred time");
        LastError = Clip(reason, ReasonMaxLength);
        State = ActionState.Pending;
        ReleaseLease();
    }

    /// <summary>Will not be carried out. Done actions cannot be cancelled; an in-flight one only by the dispatcher holding it.</summary>
    public void Cancel(string reason, DateTime at)
    {
        if (State is ActionState.Done or ActionState.Cancelled)
        {
            throw new DomainException($"This action is already {State.ToString().ToLowerInvariant()}.");
        }
        State = ActionState.Cancelled;
        LastError = Clip(Guard.Text(reason, "Reason", ReasonMaxLength), ReasonMaxLength);
        CompletedAt = Guard.Utc(at, "Cancel time");
        ReleaseLease();
    }

    /// <summary>A person's retry of a Failed or Unknown action: due now, with its key unchanged.</summary>
    public void Retry(DateTime at)
    {
        if (State is not (ActionState.Failed or ActionState.Unknown))
        {
            throw new DomainException($"Only a failed or unknown action can be retried; this one is {State.ToString().ToLowerInvariant()}.");
        }
        State = ActionState.Pending;
        DueAt = Guard.Utc(at, "Retry time");
        LastError = null;
        Revision++;
    }

    /// <summary>Back to Pending after an undone approval is approved again; only an action that never started may be revived.</summary>
    public void Revive(DateTime dueAt)
    {
        if (State != ActionState.Cancelled || AttemptCount > 0)
        {
            throw new DomainException("Only a cancelled action that was never attempted can be queued again.");
        }
        State = ActionState.Pending;
        DueAt = Guard.Utc(dueAt, "Due time");
        CompletedAt = null;
        LastError = null;
        Revision++;
    }

    private OutboxAttempt Current => _attempts.LastOrDefault(a => a.Outcome == AttemptOutcome.Started)
        ?? throw new DomainException("No attempt of this action has started.");

    private void ReleaseLease()
    {
        LeaseOwner = null;
        LeaseUntil = null;
        Revision++;
    }

    private void EnsureState(ActionState expected, string what)
    {
        if (State != expected)
        {
            throw new DomainException($"Cannot {what}: the action is {State.ToString().ToLowerInvariant()}, not {expected.ToString().ToLowerInvariant()}.");
        }
    }

    private static string? Clip(string? text, int max) => text is { Length: > 0 } t && t.Length > max ? t[..max] : text;
}

/// <summary>One try at carrying out an action: when, by which dispatcher, and how it ended.</summary>
public sealed class OutboxAttempt
{
    public const int ErrorMaxLength = 1000;

    private OutboxAttempt()
    {
    }

    internal OutboxAttempt(int number, string dispatcher, DateTime startedAt)
    {
        Number = number;
        Dispatcher = dispatcher;
        StartedAt = startedAt;
        Outcome = AttemptOutcome.Started;
    }

    public long Id { get; private set; }
    public long OutboxActionId { get; private set; }
    public int Number { get; private set; }
    public string Dispatcher { get; private set; } = "";
    public DateTime StartedAt { get; private set; }
    public DateTime? FinishedAt { get; private set; }
    public AttemptOutcome Outcome { get; private set; }
    public string? Error { get; private set; }
    public string? ProviderReference { get; private set; }

    internal void Finish(AttemptOutcome outcome, string? error, string? reference, DateTime at)
    {
        Outcome = outcome;
        Error = error is { Length: > ErrorMaxLength } ? error[..ErrorMaxLength] : error;
        ProviderReference = reference is { Length: > OutboxAction.ReferenceMaxLength } ? reference[..OutboxAction.ReferenceMaxLength] : reference;
        FinishedAt = Guard.Utc(at, "Finish time");
    }
}
