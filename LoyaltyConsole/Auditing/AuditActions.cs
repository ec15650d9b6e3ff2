namespace LoyaltyConsole.Auditing;

/// <summary>Names of audited actions, as stored and filtered on.</summary>
public static class AuditActions
{
    public const string UserCreated = "user.created";
    public const string UserInvited = "user.invite-issued";
    public const string UserRolesChanged = "user.roles-changed";
    public const string UserLocationsChanged = "user.locations-changed";
    public const string UserLocked = "user.locked";
    public const string UserUnlocked = "user.unlocked";
    public const string JobRunRequested = "job.run-requested";
    public const string DemoSeeded = "demo.seeded";
    public const string SegmentChanged = "segment.changed";
    public const string RewardChanged = "reward.changed";
    public const string WorkflowChanged = "workflow.changed";
    public const string WorkflowPaused = "workflow.paused";
    public const string LocationBudgetChanged = "location.budget-changed";
    public const string ProposalCreated = "proposal.created";
    public const string ProposalBlocked = "proposal.blocked";
    public const string ProposalApproved = "proposal.approved";
    public const string ProposalAutoApproved = "proposal.auto-approved";
    public const string ProposalRejected = "proposal.rejected";
    public const string ProposalEdited = "proposal.edited-approved";
    public const string ProposalUndone = "proposal.undone";
    public const string ProposalExpired = "proposal.expired";
    public const string ProposalBulk = "proposal.bulk-decision";
    public const string AlertRaised = "alert.raised";
    public const string AlertAcknowledged = "alert.acknowledged";
    public const string WebhookReplayed = "webhook.replayed";
    public const string ExecutionQueued = "execution.queued";
    public const string ExecutionAttempted = "execution.attempted";
    public const string ExecutionSucceeded = "execution.succeeded";
    public const string ExecutionFailed = "execution.failed";
    public const string ExecutionUnknown = "execution.unknown";
    public const string ExecutionDeferred = "execution.deferred";
    public const string ExecutionCancelled = "execution.cancelled";
    public const string ExecutionRetried = "execution.retried";
    public const string ExecutionLeaseLapsed = "execution.lease-lapsed";
    public const string ProposalCancelled = "proposal.cancelled";
    public const string ProposalSent = "proposal.sent";
    public const string ClientOptedOut = "client.opted-out";

    public static readonly IReadOnlyList<string> All =
    [
        UserCreated, UserInvited, UserRolesChanged, UserLocationsChanged, UserLocked, UserUnlocked, JobRunRequested, DemoSeeded, SegmentChanged,
        RewardChanged, WorkflowChanged, WorkflowPaused, LocationBudgetChanged, ProposalCreated, ProposalBlocked,
        ProposalApproved, ProposalAutoApproved, ProposalRejected, ProposalEdited, ProposalUndone, ProposalExpired, ProposalBulk,
        AlertRaised, AlertAcknowledged, WebhookReplayed, ExecutionQueued, ExecutionAttempted, ExecutionSucceeded, ExecutionFailed, ExecutionUnknown,
        ExecutionDeferred, ExecutionCancelled, ExecutionRetried, ExecutionLeaseLapsed, ProposalCancelled, ProposalSent, ClientOptedOut,
    ];
}
