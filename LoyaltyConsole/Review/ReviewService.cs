using System.Globalization;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Guardrails;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Drafting;
using LoyaltyConsole.Execution;
using LoyaltyConsole.Identity;
using LoyaltyConsole.Proposals;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Review;

public sealed class ReviewOptions
{
    public const string SectionName = "Review";

    public const int MaxUndoWindowMinutes = 1440;
    public const int MaxExpireAfterDays = 365;

    public int UndoWindowMinutes { get; set; } = 5;
    public int ExpireAfterDays { get; set; } = 7;
}

/// <summary>
/// Reviewers' decisions on proposals. Each is a command: the reviewer's current roles and locations are re-read, the
/// caps, consent and quiet hours are checked again in the same transaction as the decision, and the proposal's
/// revision makes sure that of two reviewers deciding at once exactly one wins; the other is told who decided and when.
/// </summary>
public sealed class ReviewService(
    CommandRunner commands,
    IDbContextFactory<ApplicationDbContext> dbFactory,
    IOptions<MessagingOptions> messaging,
    IOptions<ReviewOptions> options)
{
    public const string NotFound = "This proposal does not exist or belongs to a location you are not assigned to.";

    public Task<CommandResult> ApproveAsync(long proposalId, AuditActor actor, CancellationToken ct = default) =>
        DecideAsync(proposalId, actor, AuditActions.ProposalApproved, async (p, command) =>
        {
            p.Approve(actor.Name, command.Now, await ChecksNowAsync(command, p, ct));
            await QueueActionsAsync(command, p, ct);
            return "Approved.";
        }, ct: ct);

    public Task<CommandResult> RejectAsync(long proposalId, string reason, AuditActor actor, CancellationToken ct = default) =>
        DecideAsync(proposalId, actor, AuditActions.ProposalRejected, (p, command) =>
        {
            p.Reject(actor.Name, command.Now, reason);
            return Task.FromResult("Rejected.");
        }, ct: ct);

    /// <summary>Replaces the SMS text, re-checks it and the caps, and approves only if every rule passes.</summary>
    public Task<CommandResult> EditAndApproveAsync(long proposalId, string text, AuditActor actor, CancellationToken ct = default) =>
        DecideAsync(proposalId, actor, AuditActions.ProposalEdited, async (p, command) =>
        {
            if (p.DraftText is null)
            {
                throw CommandContext.Refuse("This proposal has no message to edit.");
            }
            var tokens = p.RewardId is { } rewardId ? (await command.Db.Rewards.SingleAsync(r => r.Id == rewardId, ct)).OfferTokens : [];
            var verdicts = SmsContentRules.Check(text, messaging.Value.SmsPolicy, tokens, ["{first_name}"]);
            var broken = verdicts.Where(v => !v.Passed).ToList();
            if (broken.Count > 0)
            {
                throw CommandContext.Refuse("The edited message breaks a rule and was not saved: " + string.Join(" ", broken.Select(b => b.Reason)));
            }
            p.Edit(text, verdicts);
            p.Approve(actor.Name, command.Now, await ChecksNowAsync(command, p, ct));
            await QueueActionsAsync(command, p, ct);
            return "Edited and approved.";
        }, ct: ct);

    public Task<CommandResult> UndoAsync(long proposalId, AuditActor actor, CancellationToken ct = default) =>
        DecideAsync(proposalId, actor, AuditActions.ProposalUndone, async (p, command) =>
        {
            var wasApproved = p.Status == ProposalStatus.Approved;
            p.Undo(actor.Name, command.Now, TimeSpan.FromMinutes(options.Value.UndoWindowMinutes));
            if (wasApproved)
            {
                await OutboxWriter.WithdrawAsync(command.Db, p, $"The approval was undone by {actor.Name}.", command.Now, ct);
            }
            return "Decision undone; the proposal is back in the queue.";
        }, ct: ct);

    /// <summary>
    /// Approves or rejects several proposals, each in its own transaction so one refusal does not undo the others;
    /// every decision is audited, and the bulk action itself is recorded with what happened to each proposal.
    /// </summary>
    public async Task<CommandResult> BulkAsync(IReadOnlyCollection<long> proposalIds, bool approve, string? reason, AuditActor actor, CancellationToken ct = default)
    {
        if (proposalIds.Count == 0)
        {
            return CommandResult.Refused("Select at least one proposal.");
        }
        if (!approve && string.IsNullOrWhiteSpace(reason))
        {
            return CommandResult.Refused("Give a reason for rejecting.");
        }
        var results = new Dictionary<long, CommandResult>();
        foreach (var id in proposalIds.Distinct())
        {
            results[id] = approve ? await ApproveAsync(id, actor, ct) : await RejectAsync(id, reason!, actor, ct);
        }
        var done = results.Count(r => r.Value.Succeeded);
        if (done > 0)
        {
            await commands.RunAsync(actor, Policies.DecideProposals, async command =>
            {
                await command.AuditAsync(AuditActions.ProposalBulk, "Proposal", null, null,
                    new { Action = approve ? "approve" : "reject", Reason = reason, Results = results.Select(r => new { Proposal = r.Key, r.Value.Succeeded, r.Value.Message }) });
                return "Recorded.";
            }, ct: ct);
        }
        var refused = results.Where(r => !r.Value.Succeeded).ToList();
        var verb = approve ? "approved" : "rejected";
        return done == results.Count
            ? CommandResult.Done($"{done} {verb}.")
            : new CommandResult(done > 0, $"{done} {verb}; {refused.Count} not: " + string.Join(" ", refused.Select(r => $"#{r.Key}: {r.Value.Message}")));
    }

    /// <summary>Expires open proposals older than the review window, releasing what they reserved; each expiry is audited.</summary>
    public async Task<int> ExpireStaleAsync(CancellationToken ct = default)
    {
        var expired = 0;
        var result = await commands.RunAsync(AuditActor.System, policy: null, async command =>
        {
            var cutoff = command.Now.AddDays(-options.Value.ExpireAfterDays);
            var stale = await command.Db.Proposals.AsTracking()
                .Where(p => (p.Status == ProposalStatus.PendingReview || p.Status == ProposalStatus.Blocked) && p.CreatedAt < cutoff)
                .ToListAsync(ct);
            foreach (var proposal in stale)
            {
                proposal.Expire(command.Now);
                await command.AuditAsync(AuditActions.ProposalExpired, "Proposal", Id(proposal), null,
                    new { Status = proposal.Status.ToString(), proposal.CreatedAt, Released = proposal.CostMinor });
            }
            expired = stale.Count;
            return $"{stale.Count} expired.";
        }, ct: ct);
        return result.Succeeded ? expired : throw new InvalidOperationException(result.Message);
    }

    /// <summary>
    /// The caps, consent and quiet hours as they stand now, with this proposal's own reservation left out. Read in
    /// the decision's transaction, so two approvals at a cap's edge cannot both pass.
    /// </summary>
    private async Task<IReadOnlyCollection<GuardrailResult>> ChecksNowAsync(CommandContext command, Proposal proposal, CancellationToken ct)
    {
        var db = command.Db;
        var workflow = await db.Workflows.AsNoTracking().SingleAsync(w => w.Id == proposal.WorkflowId, ct);
        if (proposal.RewardId is { } rewardId && await db.Rewards.AnyAsync(r => r.Id == rewardId && !r.IsActive, ct))
        {
            throw CommandContext.Refuse("Not approved: its reward has been retired since it was proposed; reject it, or reactivate the reward.");
        }
        var location = await db.Locations.AsNoTracking().SingleAsync(l => l.Id == proposal.LocationId, ct);
        var budgets = await db.LocationBudgets.AsNoTracking().Where(b => b.LocationId == proposal.LocationId).ToDictionaryAsync(b => b.LocationId, ct);
        var consent = await db.Clients.AsNoTracking().Where(c => c.Id == proposal.ClientId).Select(c => c.SmsConsent).SingleAsync(ct);
        var claim = proposal.Claim;
        var ledger = await CapUsage.ReadAsync(db, workflow, budgets, [proposal.ClientId], proposal.RunDate, claim.MessageAtUtc ?? command.Now, proposal.Id, ct);
        var limits = new CapLimits(workflow.Name, workflow.Caps, location.Name, budgets.GetValueOrDefault(location.Id), location.Currency);
        var channel = proposal.DraftText is null ? Channel.None : workflow.Channel;
        return ProposalPlanner.CapsAndContact(ledger, limits, claim, channel, consent, messaging.Value.QuietHours, location.TimeZoneId).ToList();
    }

    private Task<CommandResult> DecideAsync(
        long proposalId, AuditActor actor, string action, Func<Proposal, CommandContext, Task<string>> decide, CancellationToken ct) =>
        commands.RunAsync(actor, Policies.DecideProposals, async command =>
        {
            var proposal = await command.Db.Proposals.AsTracking().SingleOrDefaultAsync(p => p.Id == proposalId, ct);
            // Out of scope looks the same as missing, so a reviewer cannot probe other locations' proposals.
            if (proposal is null || !command.Scope.CanSee(proposal.LocationId))
            {
                throw CommandContext.Refuse(NotFound);
            }
            var before = Snapshot(proposal);
            var message = await decide(proposal, command);
            await command.AuditAsync(action, "Proposal", Id(proposal), before, Snapshot(proposal));
            return message;
        }, onConflict: async () =>
        {
            await using var fresh = await dbFactory.CreateDbContextAsync(ct);
            var winner = await fresh.Proposals.AsNoTracking().SingleAsync(p => p.Id == proposalId, ct);
            if (winner.DecidedBy is null)
            {
                // The change that won was an edit or an undo, not a decision.
                return CommandRunner.ConflictMessage;
            }
            return string.Create(CultureInfo.InvariantCulture,
                $"Already {winner.Status.ToString().ToLowerInvariant()} by {winner.DecidedBy} at {winner.DecidedAt:yyyy-MM-dd HH:mm} UTC.");
        }, ct: ct);

    /// <summary>The approval's actions go into the outbox in the decision's transaction: both commit, or neither.</summary>
    private static async Task QueueActionsAsync(CommandContext command, Proposal proposal, CancellationToken ct)
    {
        var actions = await OutboxWriter.EnqueueAsync(command.Db, proposal, command.Now, ct);
        await command.AuditAsync(AuditActions.ExecutionQueued, "Proposal", Id(proposal), null,
            new { Actions = actions.Select(a => new { Kind = a.Kind.ToString(), a.IdempotencyKey, a.DueAt }) });
    }

    private static string Id(Proposal p) => p.Id.ToString(CultureInfo.InvariantCulture);

    private static object Snapshot(Proposal p) => new { Status = p.Status.ToString(), p.DraftText, p.DecidedBy, p.DecisionReason, p.Revision };
}
