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
    Sent,
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

    public bool Blocked => Guardrails.Any(g => !g.Passed);

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
