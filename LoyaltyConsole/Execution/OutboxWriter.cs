using System.Text.Json;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Execution;
using LoyaltyConsole.Domain.Loyalty;
using LoyaltyConsole.Domain.Workflows;

namespace LoyaltyConsole.Execution;

/// <summary>
/// Turns an approval into outbox actions, inside the approval's own transaction: the decision and what it asks the
/// world to do commit together or not at all. Write-backs come first and the message last, so a message never
/// announces a code or points that do not exist yet.
/// </summary>
public static class OutboxWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The actions of a just-approved proposal (its id assigned), due at its planned send time or now.</summary>
    public static IReadOnlyList<OutboxAction> Plan(Proposal proposal, Reward? reward, TierDefinition? tier, DateTime now)
    {
        if (proposal.Status != ProposalStatus.Approved || proposal.Id == 0)
        {
            throw new InvalidOperationException("Only a saved, approved proposal has actions to carry out.");
        }
        var payloads = new List<(ActionKind Kind, ActionPayload Payload)>();
        if (proposal.Kind == WorkflowKind.TierChange && tier is not null)
        {
            payloads.Add((ActionKind.TierWriteBack, new ActionPayload { TierId = tier.Id, TierName = tier.Name }));
        }
        if (reward is not null)
        {
            payloads.Add(reward.Kind == RewardKind.PointsBonus
                ? (ActionKind.PointsGrant, new ActionPayload { Points = reward.Points, Offer = reward.Describe() })
                : (ActionKind.RewardCode, new ActionPayload
                {
                    Code = OutboxAction.CodeFor(OutboxAction.KeyFor(proposal.Id, proposal.CreatedAt, ActionKind.RewardCode)),
                    Offer = reward.Describe(),
                }));
        }
        if (proposal.DraftText is { } text)
        {
            payloads.Add((ActionKind.Sms, new ActionPayload { MessageTemplate = text, Offer = reward?.Describe() }));
        }
        var due = proposal.PlannedSendAtUtc is { } planned && planned > now ? planned : now;
        return payloads.Select((p, i) => new OutboxAction(
            proposal.Id, proposal.ClientId, proposal.LocationId, p.Kind, i + 1, JsonSerializer.Serialize(p.Payload, Json),
            OutboxAction.KeyFor(proposal.Id, proposal.CreatedAt, p.Kind), due, now)).ToList();
    }

    /// <summary>
    /// Adds the actions of a proposal a reviewer just approved to the command's context. A proposal approved before and
    /// undone has cancelled, never-attempted actions: they are queued again with their keys unchanged.
    /// </summary>
    public static async Task<IReadOnlyList<OutboxAction>> EnqueueAsync(ApplicationDbContext db, Proposal proposal, DateTime now, CancellationToken ct)
    {
        var reward = proposal.RewardId is { } rewardId ? await db.Rewards.AsNoTracking().SingleAsync(r => r.Id == rewardId, ct) : null;
        TierDefinition? tier = null;
        if (proposal.Kind == WorkflowKind.TierChange && EligibleTierOf(proposal) is { } tierId)
        {
            tier = await db.Tiers.AsNoTracking().SingleOrDefaultAsync(t => t.Id == tierId, ct);
        }
        var planned = Plan(proposal, reward, tier, now);
        var existing = await db.OutboxActions.AsTracking().Where(a => a.ProposalId == proposal.Id).ToListAsync(ct);
        var result = new List<OutboxAction>();
        foreach (var action in planned)
        {
            var earlier = existing.SingleOrDefault(a => a.Kind == action.Kind);
            if (earlier is null)
            {
                db.OutboxActions.Add(action);
                result.Add(action);
            }
            else if (earlier.State == ActionState.Cancelled && earlier.AttemptCount == 0)
            {
                // Cancelled by an undo before any attempt: queued again by this approval.
                earlier.Revive(action.DueAt);
                result.Add(earlier);
            }
            else
            {
                // Already queued, by a decision that committed while this one was being made: a conflict like the one the
                // proposal's concurrency token reports (the decision is refused as made on a stale revision, and the
                // person is told who decided), and nothing is ever queued twice.
                throw new DbUpdateConcurrencyException($"Proposal {proposal.Id} already has its {action.Kind} action queued by another decision.");
            }
        }
        return result;
    }

    /// <summary>
    /// Withdraws the actions of an approval being undone. Refused once any of them was claimed or attempted: what may
    /// already have reached the platform or the client is not undone by a click.
    /// </summary>
    public static async Task WithdrawAsync(ApplicationDbContext db, Proposal proposal, string reason, DateTime now, CancellationToken ct)
    {
        var actions = await db.OutboxActions.AsTracking().Where(a => a.ProposalId == proposal.Id && a.State != ActionState.Cancelled).ToListAsync(ct);
        if (actions.Any(a => a.State != ActionState.Pending || a.AttemptCount > 0))
        {
            throw new CommandRefusedException("This approval is already being carried out and can no longer be undone; cancel its actions on the outbox page instead.");
        }
        foreach (var action in actions)
        {
            action.Cancel(reason, now);
        }
    }

    /// <summary>The tier a tier-change proposal moves the client to, as its evidence recorded.</summary>
    public static int? EligibleTierOf(Proposal proposal)
    {
        using var evidence = JsonDocument.Parse(proposal.EvidenceJson);
        return evidence.RootElement.TryGetProperty("eligibleTierId", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetInt32() : null;
    }
}
