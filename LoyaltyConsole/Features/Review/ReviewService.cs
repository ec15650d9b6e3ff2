using System.Globalization;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Guardrails;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Drafting;
using LoyaltyConsole.Identity;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Features.Review;

public sealed class ReviewOptions
{
    public const string SectionName = "Review";

    public int UndoWindowMinutes { get; set; } = 5;
    public int ExpireAfterDays { get; set; } = 7;
}

public sealed record ReviewOutcome(bool Succeeded, string Message)
{
    public static ReviewOutcome Done(string message) => new(true, message);

    public static ReviewOutcome Refused(string message) => new(false, message);
}

/// <summary>
/// Reviewers' decisions on proposals. Each decision checks the reviewer's locations, runs in its own transaction with
/// its audit entry, and relies on the proposal's revision so that of two reviewers deciding at once exactly one wins;
/// the other is told who decided and when.
/// </summary>
public sealed class ReviewService(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    AuditLog audit,
    IOptions<MessagingOptions> messaging,
    IOptions<ReviewOptions> options,
    TimeProvider clock)
{
    public Task<ReviewOutcome> ApproveAsync(AccessScope scope, long proposalId, AuditActor actor, CancellationToken ct = default) =>
        DecideAsync(scope, proposalId, actor, AuditActions.ProposalApproved, (p, _) =>
        {
            p.Approve(actor.Name, Now);
            return Task.FromResult("Approved.");
        }, ct);

    public Task<ReviewOutcome> RejectAsync(AccessScope scope, long proposalId, string reason, AuditActor actor, CancellationToken ct = default) =>
        DecideAsync(scope, proposalId, actor, AuditActions.ProposalRejected, (p, _) =>
        {
            p.Reject(actor.Name, Now, reason);
            return Task.FromResult("Rejected.");
        }, ct);

    /// <summary>Replaces the SMS text, re-checks it with the guardrails, and approves only if every rule passes.</summary>
    public Task<ReviewOutcome> EditAndApproveAsync(AccessScope scope, long proposalId, string text, AuditActor actor, CancellationToken ct = default) =>
        DecideAsync(scope, proposalId, actor, AuditActions.ProposalEdited, async (p, db) =>
        {
            if (p.DraftText is null)
            {
                throw new DomainException("This proposal has no message to edit.");
            }
            var tokens = p.RewardId is { } rewardId ? (await db.Rewards.SingleAsync(r => r.Id == rewardId, ct)).OfferTokens : [];
            var verdicts = SmsContentRules.Check(text, messaging.Value.SmsPolicy, tokens, ["{first_name}"]);
            var broken = verdicts.Where(v => !v.Passed).ToList();
            if (broken.Count > 0)
            {
                throw new DomainException("The edited message breaks a rule and was not saved: " + string.Join(" ", broken.Select(b => b.Reason)));
            }
            p.Edit(text, verdicts);
            p.Approve(actor.Name, Now);
            return "Edited and approved.";
        }, ct);

    public Task<ReviewOutcome> UndoAsync(AccessScope scope, long proposalId, AuditActor actor, CancellationToken ct = default) =>
        DecideAsync(scope, proposalId, actor, AuditActions.ProposalUndone, (p, _) =>
        {
            p.Undo(actor.Name, Now, TimeSpan.FromMinutes(options.Value.UndoWindowMinutes));
            return Task.FromResult("Decision undone; the proposal is back in the queue.");
        }, ct);

    /// <summary>
    /// Approves or rejects several proposals, each in its own transaction so one refusal does not undo the others;
    /// every decision is audited, and the bulk action itself is recorded with what happened to each proposal.
    /// </summary>
    public async Task<ReviewOutcome> BulkAsync(AccessScope scope, IReadOnlyCollection<long> proposalIds, bool approve, string? reason, AuditActor actor, CancellationToken ct = default)
    {
        if (proposalIds.Count == 0)
        {
            return ReviewOutcome.Refused("Select at least one proposal.");
        }
        if (!approve && string.IsNullOrWhiteSpace(reason))
        {
            return ReviewOutcome.Refused("Give a reason for rejecting.");
        }
        var results = new Dictionary<long, ReviewOutcome>();
        foreach (var id in proposalIds.Distinct())
        {
            results[id] = approve ? await ApproveAsync(scope, id, actor, ct) : await RejectAsync(scope, id, reason!, actor, ct);
        }
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await audit.AppendAsync(db, actor, AuditActions.ProposalBulk, "Proposal", null, null,
                new { Action = approve ? "approve" : "reject", Reason = reason, Results = results.Select(r => new { Proposal = r.Key, r.Value.Succeeded, r.Value.Message }) }, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        var done = results.Count(r => r.Value.Succeeded);
        var refused = results.Where(r => !r.Value.Succeeded).ToList();
        var verb = approve ? "approved" : "rejected";
        return done == results.Count
            ? ReviewOutcome.Done($"{done} {verb}.")
            : new ReviewOutcome(done > 0, $"{done} {verb}; {refused.Count} not: " + string.Join(" ", refused.Select(r => $"#{r.Key}: {r.Value.Message}")));
    }

    /// <summary>Expires open proposals older than the review window; each expiry is audited.</summary>
    public async Task<int> ExpireStaleAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var cutoff = Now.AddDays(-options.Value.ExpireAfterDays);
        var stale = await db.Proposals.AsTracking()
            .Where(p => (p.Status == ProposalStatus.PendingReview || p.Status == ProposalStatus.Blocked) && p.CreatedAt < cutoff)
            .ToListAsync(ct);
        foreach (var proposal in stale)
        {
            proposal.Expire(Now);
            await audit.AppendAsync(db, AuditActor.System, AuditActions.ProposalExpired, "Proposal", Id(proposal), null,
                new { Status = proposal.Status.ToString(), proposal.CreatedAt }, ct);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return stale.Count;
    }

    private async Task<ReviewOutcome> DecideAsync(
        AccessScope scope, long proposalId, AuditActor actor, string action, Func<Proposal, ApplicationDbContext, Task<string>> decide, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var proposal = await db.Proposals.AsTracking().SingleOrDefaultAsync(p => p.Id == proposalId, ct);
        // Out of scope looks the same as missing, so a reviewer cannot probe other locations' proposals.
        if (proposal is null || !scope.CanSee(proposal.LocationId))
        {
            return ReviewOutcome.Refused("This proposal does not exist or belongs to a location you are not assigned to.");
        }
        var before = Snapshot(proposal);
        string message;
        try
        {
            message = await decide(proposal, db);
        }
        catch (DomainException ex)
        {
            return ReviewOutcome.Refused(ex.Message);
        }
        await audit.AppendAsync(db, actor, action, "Proposal", Id(proposal), before, Snapshot(proposal), ct);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await dbFactory.CreateDbContextAsync(ct);
            var winner = await fresh.Proposals.AsNoTracking().SingleAsync(p => p.Id == proposalId, ct);
            return ReviewOutcome.Refused(string.Create(CultureInfo.InvariantCulture,
                $"Already {winner.Status.ToString().ToLowerInvariant()} by {winner.DecidedBy} at {winner.DecidedAt:yyyy-MM-dd HH:mm} UTC."));
        }
        return ReviewOutcome.Done(message);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private static string Id(Proposal p) => p.Id.ToString(CultureInfo.InvariantCulture);

    private static object Snapshot(Proposal p) => new { Status = p.Status.ToString(), p.DraftText, p.DecidedBy, p.DecisionReason, p.Revision };
}
