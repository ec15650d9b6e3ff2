using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Guardrails;

namespace LoyaltyConsole.Domain.Workflows;

/// <summary>One client a workflow targets, with what planning needs to know about them.</summary>
public sealed record PlanTarget(int ClientId, int LocationId, string TimeZoneId, DateTime? LapseAfterUtc, bool IsDemotion);

/// <summary>What the plan decided for one target before any draft is written: group, status, send time, who must look.</summary>
public sealed record PlannedProposal(PlanTarget Target, PilotAssignment Assignment, ProposalStatus Status, DateTime? PlannedSendAtUtc, bool RequiresReview);

/// <summary>
/// The pure stages of a proposal run: targets → pilot/control assignment → timing → guardrail verdicts. No database
/// and no language model: the service reads the facts, drafts outside any transaction, and writes the result.
/// </summary>
public static class ProposalPlanner
{
    /// <param name="excluded">Clients the workflow may not propose to now: one is open, or was decided within its cool-down.</param>
    public static IReadOnlyList<PlannedProposal> Plan(
        Workflow workflow, Reward? reward, IEnumerable<PlanTarget> targets, IReadOnlySet<int> excluded, DateTime nowUtc, QuietHours quietHours,
        long highValueThresholdMinor)
    {
        var plans = new List<PlannedProposal>();
        foreach (var target in targets)
        {
            if (excluded.Contains(target.ClientId))
            {
                continue;
            }
            var assignment = workflow.AssignmentOf(target.ClientId);
            if (assignment == PilotAssignment.OutsidePilot)
            {
                continue;
            }
            var status = assignment == PilotAssignment.Control ? ProposalStatus.Control
                : workflow.Phase == WorkflowPhase.Shadow ? ProposalStatus.Shadow
                : ProposalStatus.PendingReview;
            var planned = workflow.Channel == Channel.None ? (DateTime?)null : PlannedSend(workflow.Kind, target, nowUtc, quietHours);
            var requiresReview = target.IsDemotion || (reward?.IsHighValue(highValueThresholdMinor) ?? false);
            plans.Add(new PlannedProposal(target, assignment, status, planned, requiresReview));
        }
        return plans;
    }

    /// <summary>Win-backs go out when the client's own rhythm says they are overdue, not on a fixed calendar; then inside quiet hours.</summary>
    public static DateTime PlannedSend(WorkflowKind kind, PlanTarget target, DateTime nowUtc, QuietHours quietHours)
    {
        var at = kind == WorkflowKind.WinBack && target.LapseAfterUtc is { } lapse && lapse > nowUtc ? lapse : nowUtc;
        return quietHours.NextAllowed(at, target.TimeZoneId);
    }

    /// <summary>
    /// The verdicts that can change after a proposal is queued — caps, consent, quiet hours — evaluated against
    /// <paramref name="ledger"/>. Run at queueing and again at approval.
    /// </summary>
    public static IReadOnlyList<GuardrailResult> CapsAndContact(
        CapLedger ledger, CapLimits limits, CapClaim claim, Channel channel, Consent consent, QuietHours quietHours, string timeZoneId)
    {
        var results = ledger.Check(limits, claim).ToList();
        if (channel == Channel.Sms && claim.MessageAtUtc is { } at)
        {
            results.Add(ConsentRule.Check(Channel.Sms, consent, []));
            results.Add(quietHours.Check(at, timeZoneId));
        }
        return results;
    }

    /// <summary>Everything a queued proposal is checked against: the caps and contact rules, and the reward's margin.</summary>
    public static IReadOnlyList<GuardrailResult> AtQueueing(
        CapLedger ledger, CapLimits limits, CapClaim claim, Channel channel, Consent consent, QuietHours quietHours, string timeZoneId,
        long predictedValueMinor)
    {
        var results = CapsAndContact(ledger, limits, claim, channel, consent, quietHours, timeZoneId).ToList();
        if (claim.CostMinor > 0)
        {
            results.Add(SpendCaps.Margin(claim.CostMinor, predictedValueMinor, limits.Caps.MaxRewardShareOfValue, limits.Currency));
        }
        return results;
    }
}
