using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Guardrails;

namespace LoyaltyConsole.Domain.Workflows;

public enum ProposalStatus
{
    /// <summary>Computed by a workflow in Shadow phase: recorded for evaluation, never queued or sent.</summary>
    Shadow,

    /// <summary>The client is in the workflow's control group: recorded as held out, never contacted.</summary>
    Control,

    /// <summary>Passed every guardrail; waits for a reviewer.</summary>
    PendingReview,

    /// <summary>Broke at least one guardrail; shown to reviewers only with its flags, and cannot be approved as is.</summary>
    Blocked,

    /// <summary>Its run tripped the circuit breaker: kept as evidence, never queued.</summary>
    Discarded,

    Approved,
    Rejected,

    /// <summary>Waited longer than the review window; it will not be sent.</summary>
    Expired,

    /// <summary>Every action of the approved proposal was carried out.</summary>
    Sent,

    /// <summary>Approved, then refused at the moment of sending (or cancelled by a person) before anything took effect: it holds nothing.</summary>
    Cancelled,
}

/// <summary>One action a workflow proposes for one client, with the evidence and guardrail verdicts behind it.</summary>
public sealed class Proposal
{
    public const int RationaleMaxLength = 1000;
    public const int DraftMaxLength = 1600;

    private Proposal()
    {
    }

    public Proposal(
        int workflowId, int workflowVersion, WorkflowKind kind, int clientId, int locationId, DateOnly runDate, ProposalStatus status,
        int? rewardId, long costMinor, string currency, DateTime? plannedSendAtUtc, string rationale, string evidenceJson,
        IReadOnlyList<GuardrailResult> guardrails, bool requiresReview, DateTime createdAt)
    {
        WorkflowId = workflowId;
        WorkflowVersion = workflowVersion;
        Kind = kind;
        ClientId = clientId;
        LocationId = locationId;
        RunDate = runDate;
        Status = status;
        RewardId = rewardId;
        CostMinor = costMinor >= 0 ? costMinor : throw new DomainException("A proposal's cost cannot be negative.");
        Currency = currency;
        PlannedSendAtUtc = plannedSendAtUtc is { } planned ? Guard.Utc(planned, "Planned send time") : null;
        Rationale = Guard.Text(rationale, "Rationale", RationaleMaxLength);
        EvidenceJson = evidenceJson;
        Guardrails = guardrails.ToList();
        RequiresReview = requiresReview;
        CreatedAt = Guard.Utc(createdAt, "Created time");
    }

    public long Id { get; private set; }
    public int WorkflowId { get; private set; }
    public int WorkflowVersion { get; private set; }
    public WorkflowKind Kind { get; private set; }
    public int ClientId { get; private set; }
    public int LocationId { get; private set; }
    public DateOnly RunDate { get; private set; }
    public ProposalStatus Status { get; private set; }
    public int? RewardId { get; private set; }
    public long CostMinor { get; private set; }
    public string Currency { get; private set; } = "";
    public DateTime? PlannedSendAtUtc { get; private set; }
    public string Rationale { get; private set; } = "";

    /// <summary>Features, scores, segments, model and workflow versions the proposal was based on (JSON).</summary>
    public string EvidenceJson { get; private set; } = "";

    public List<GuardrailResult> Guardrails { get; private set; } = [];

    /// <summary>Demotions and high-value rewards always need a person, whatever the workflow's phase.</summary>
    public bool RequiresReview { get; private set; }

    /// <summary>SMS copy with the <c>{first_name}</c> placeholder; the real name is filled in only when sending.</summary>
    public string? DraftText { get; private set; }

    public string? DraftProvider { get; private set; }
    public string? DraftModel { get; private set; }
    public string? PromptTemplateVersion { get; private set; }
    public int? DraftTokens { get; private set; }

    /// <summary>The draft fell back to the offline drafter or needed a retry; reviewers should look closer.</summary>
    public bool DraftFlagged { get; private set; }

    public DateTime CreatedAt { get; private set; }

    /// <summary>Who decided (a user's name, or "System" for automated approval), when, and why.</summary>
    public string? DecidedBy { get; private set; }

    public DateTime? DecidedAt { get; private set; }
    public string? DecisionReason { get; private set; }

    /// <summary>The draft as first written, kept when a reviewer edits it.</summary>
    public string? OriginalDraftText { get; private set; }

    /// <summary>Bumped by every decision; the data layer uses it so two reviewers can never both decide.</summary>
    public int Revision { get; private set; }

    public bool IsOpen => Status is ProposalStatus.PendingReview or ProposalStatus.Blocked;

    /// <summary>
    /// The statuses that hold a share of the caps: queued for review (reserved), approved and sent. Blocked, rejected,
    /// expired, discarded, shadow and control proposals hold nothing.
    /// </summary>
    public static readonly IReadOnlyList<ProposalStatus> ReservingStatuses = [ProposalStatus.PendingReview, ProposalStatus.Approved, ProposalStatus.Sent];

    /// <summary>A retried or fallback draft, a demotion or a high-value reward always waits for a person, whatever the phase.</summary>
    public bool NeedsPerson => RequiresReview || DraftFlagged;

    /// <summary>
    /// A copy of a proposal that has not been written yet, for one attempt of a write that the database may retry:
    /// each attempt evaluates its guardrails and decisions on its own copy, so a retry never sees a failed attempt's.
    /// </summary>
    public Proposal CopyUnwritten()
    {
        if (Id != 0)
        {
            throw new InvalidOperationException("Only a proposal that has not been written can be copied.");
        }
        var copy = (Proposal)MemberwiseClone();
        copy.Guardrails = [.. Guardrails];
        return copy;
    }

    /// <param name="checksNow">
    /// The caps, consent and quiet hours evaluated again at the moment of approval, with this proposal's own reservation
    /// left out; any failure refuses the approval and says which rule and by how much.
    /// </param>
    public void Approve(string by, DateTime at, IReadOnlyCollection<GuardrailResult> checksNow)
    {
        EnsureOpen();
        if (Blocked)
        {
            throw new DomainException("This proposal breaks a guardrail and cannot be approved: " +
                string.Join(" ", Guardrails.Where(g => !g.Passed).Select(g => g.Reason)));
        }
        var failed = checksNow.Where(c => !c.Passed).ToList();
        if (failed.Count > 0)
        {
            throw new DomainException("Not approved: " + string.Join(" ", failed.Select(g => g.Reason)));
        }
        Decide(ProposalStatus.Approved, by, at, null);
    }

    public void Reject(string by, DateTime at, string reason)
    {
        EnsureOpen();
        Decide(ProposalStatus.Rejected, by, at, Guard.Text(reason, "Reason", 500));
    }

    /// <summary>Replaces the SMS draft with a reviewer's text and the guardrail verdicts on it.</summary>
    public void Edit(string text, IReadOnlyList<GuardrailResult> contentVerdicts)
    {
        EnsureOpen();
        OriginalDraftText ??= DraftText;
        DraftText = Guard.Text(text, "Draft", DraftMaxLength);
        var codes = contentVerdicts.Select(v => v.Code).ToHashSet();
        Guardrails = Guardrails.Where(g => !codes.Contains(g.Code)).Concat(contentVerdicts).ToList();
        Status = Blocked ? ProposalStatus.Blocked : ProposalStatus.PendingReview;
        Revision++;
    }

    /// <summary>Takes back a decision within <paramref name="window"/>, while the proposal has not been executed.</summary>
    public void Undo(string by, DateTime at, TimeSpan window)
    {
        if (Status is not (ProposalStatus.Approved or ProposalStatus.Rejected))
        {
            throw new DomainException("Only an approval or a rejection that has not been executed can be undone.");
        }
        if (!string.Equals(DecidedBy, by, StringComparison.Ordinal))
        {
            throw new DomainException($"Only {DecidedBy}, who decided, can undo this decision.");
        }
        if (at - DecidedAt > window)
        {
            throw new DomainException($"The undo window of {window.TotalMinutes:0} minutes has passed.");
        }
        Status = Blocked ? ProposalStatus.Blocked : ProposalStatus.PendingReview;
        DecidedBy = null;
        DecidedAt = null;
        DecisionReason = null;
        Revision++;
    }

    /// <summary>Every action of the approval was carried out.</summary>
    public void MarkSent()
    {
        if (Status != ProposalStatus.Approved)
        {
            throw new DomainException($"Only an approved proposal can be sent; this one is {Status}.");
        }
        Status = ProposalStatus.Sent;
        Revision++;
    }

    /// <summary>
    /// An approved proposal that will not be carried out after all (a guardrail refused it at the moment of sending, or
    /// a person cancelled its actions): it leaves the statuses that reserve, so its budget and message are released.
    /// </summary>
    public void CancelApproved(string by, DateTime at, string reason)
    {
        if (Status != ProposalStatus.Approved)
        {
            throw new DomainException($"Only an approved proposal can be cancelled; this one is {Status}.");
        }
        Status = ProposalStatus.Cancelled;
        DecisionReason = Guard.Text(reason.Length > 500 ? reason[..500] : reason, "Reason", 500);
        DecidedBy = Guard.Text(by, "Decided by", 256);
        DecidedAt = Guard.Utc(at, "Cancel time");
        Revision++;
    }

    public void Expire(DateTime at)
    {
        EnsureOpen();
        Decide(ProposalStatus.Expired, "System", at, "Waited longer than the review window.");
    }

    private void Decide(ProposalStatus status, string by, DateTime at, string? reason)
    {
        Status = status;
        DecidedBy = Guard.Text(by, "Decided by", 256);
        DecidedAt = Guard.Utc(at, "Decision time");
        DecisionReason = reason;
        Revision++;
    }

    private void EnsureOpen()
    {
        if (!IsOpen)
        {
            throw new DomainException(DecidedBy is null
                ? $"This proposal is {Status} and cannot be decided."
                : $"Already {Status.ToString().ToLowerInvariant()} by {DecidedBy} at {DecidedAt:yyyy-MM-dd HH:mm} UTC.");
        }
    }

    public bool Blocked => Guardrails.Any(g => !g.Passed);

    /// <summary>What this proposal takes from the caps while it is reserved, approved or sent.</summary>
    public CapClaim Claim => new(ClientId, LocationId, CostMinor, DraftText is null ? null : PlannedSendAtUtc);

    public void AttachDraft(string text, string provider, string? model, string templateVersion, int? tokens, bool flagged)
    {
        DraftText = Guard.Text(text, "Draft", DraftMaxLength);
        DraftProvider = Guard.Text(provider, "Provider", 64);
        DraftModel = model;
        PromptTemplateVersion = Guard.Text(templateVersion, "Template version", 32);
        DraftTokens = tokens;
        DraftFlagged = flagged;
    }

    public void AddGuardrails(IEnumerable<GuardrailResult> results)
    {
        Guardrails.AddRange(results);
        if (Blocked && Status == ProposalStatus.PendingReview)
        {
            Status = ProposalStatus.Blocked;
        }
    }

    /// <summary>The circuit breaker tripped for the run this proposal belongs to.</summary>
    public void Discard(GuardrailResult breaker)
    {
        Guardrails.Add(breaker);
        if (Status is ProposalStatus.PendingReview or ProposalStatus.Blocked)
        {
            Status = ProposalStatus.Discarded;
        }
    }
}
