using System.Globalization;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Execution;
using LoyaltyConsole.Identity;

namespace LoyaltyConsole.Execution;

/// <summary>One action as the outbox page lists it.</summary>
public sealed record OutboxRow(
    long Id, long ProposalId, string Workflow, int ClientId, string ClientName, string Location, ActionKind Kind, ActionState State, DateTime DueAt,
    int Attempts, string? Provider, string? Reference, string? Delivery, string? LastError, DateTime? CompletedAt, string IdempotencyKey);

public sealed record OutboxPage(IReadOnlyList<OutboxRow> Items, int TotalCount);

/// <summary>An attempt, or what the Log provider or demo platform recorded, for the detail of one action.</summary>
public sealed record OutboxDetail(IReadOnlyList<OutboxAttempt> Attempts, IReadOnlyList<ExecutionRecord> Records, string PayloadJson);

public sealed record OutboxFilter(ActionState? State = null, ActionKind? Kind = null, long? ProposalId = null, int? ClientId = null);

/// <summary>
/// The outbox for the people who watch it: counts by state, the actions with their attempts and errors, and — for
/// Admins, as audited commands that re-read the acting user's access — retry and cancel of failed and unknown actions.
/// Retrying an Unknown SMS is a person's decision that it was not delivered; the page says so before it is done.
/// </summary>
public sealed class OutboxAdministration(IDbContextFactory<ApplicationDbContext> dbFactory, CommandRunner commands)
{
    public async Task<IReadOnlyDictionary<ActionState, int>> CountsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = await db.OutboxActions.GroupBy(a => a.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return Enum.GetValues<ActionState>().ToDictionary(s => s, s => counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0);
    }

    /// <summary>Actions waiting to go out (pending or in flight) and those waiting for a person (failed or unknown), for the navigation.</summary>
    public async Task<(int Waiting, int NeedAttention)> WaitingAsync(CancellationToken ct = default)
    {
        var counts = await CountsAsync(ct);
        return (counts[ActionState.Pending] + counts[ActionState.InFlight], counts[ActionState.Failed] + counts[ActionState.Unknown]);
    }

    public async Task<OutboxPage> ListAsync(OutboxFilter filter, int page, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.OutboxActions.AsQueryable();
        if (filter.State is { } state)
        {
            query = query.Where(a => a.State == state);
        }
        if (filter.Kind is { } kind)
        {
            query = query.Where(a => a.Kind == kind);
        }
        if (filter.ProposalId is { } proposalId)
        {
            query = query.Where(a => a.ProposalId == proposalId);
        }
        if (filter.ClientId is { } clientId)
        {
            query = query.Where(a => a.ClientId == clientId);
        }
        var total = await query.CountAsync(ct);
        var rows = await (from a in query
                          join p in db.Proposals on a.ProposalId equals p.Id
                          join w in db.Workflows on p.WorkflowId equals w.Id
                          join c in db.Clients on a.ClientId equals c.Id
                          join l in db.Locations on a.LocationId equals l.Id
                          orderby a.DueAt descending, a.Id descending
                          select new OutboxRow(a.Id, a.ProposalId, w.Name, c.Id, c.FirstName + " " + c.LastName, l.Name, a.Kind, a.State, a.DueAt,
                              a.AttemptCount, a.Provider, a.ProviderReference, a.DeliveryStatus, a.LastError, a.CompletedAt, a.IdempotencyKey))
            .Skip(page * pageSize).Take(pageSize).ToListAsync(ct);
        return new OutboxPage(rows, total);
    }

    public async Task<OutboxDetail?> DetailAsync(long actionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var action = await db.OutboxActions.AsNoTracking().Include(a => a.Attempts).SingleOrDefaultAsync(a => a.Id == actionId, ct);
        if (action is null)
        {
            return null;
        }
        var records = await db.ExecutionRecords.AsNoTracking().Where(r => r.OutboxActionId == actionId).OrderBy(r => r.Id).ToListAsync(ct);
        return new OutboxDetail(action.Attempts.OrderBy(a => a.Number).ToList(), records, action.PayloadJson);
    }

    /// <summary>Makes a failed or unknown action due now, with its idempotency key unchanged.</summary>
    public Task<CommandResult> RetryAsync(long actionId, AuditActor actor, CancellationToken ct = default) =>
        commands.RunAsync(actor, Policies.ManageOutbox, async command =>
        {
            var action = await command.Db.OutboxActions.AsTracking().SingleOrDefaultAsync(a => a.Id == actionId, ct)
                ?? throw CommandContext.Refuse("This action does not exist.");
            var before = new { State = action.State.ToString(), action.LastError };
            action.Retry(command.Now);
            await OutboxDispatcher.AuditAsync(command, AuditActions.ExecutionRetried, action, new { Before = before, By = actor.Name });
            return $"Action #{actionId} will be tried again at the next dispatch.";
        }, ct: ct);

    /// <summary>
    /// Cancels a failed or unknown action and what of its proposal still waits behind it (a message never announces a
    /// reward that was not granted); when nothing of the proposal took effect, its reservation is released.
    /// </summary>
    public Task<CommandResult> CancelAsync(long actionId, string reason, AuditActor actor, CancellationToken ct = default) =>
        commands.RunAsync(actor, Policies.ManageOutbox, async command =>
        {
            if (string.IsNullOrWhiteSpace(reason))
            {
                throw CommandContext.Refuse("Give a reason for cancelling.");
            }
            var action = await command.Db.OutboxActions.AsTracking().Include(a => a.Attempts).SingleOrDefaultAsync(a => a.Id == actionId, ct)
                ?? throw CommandContext.Refuse("This action does not exist.");
            if (action.State is not (ActionState.Failed or ActionState.Unknown))
            {
                throw CommandContext.Refuse($"Only a failed or unknown action can be cancelled here; this one is {action.State.ToString().ToLowerInvariant()}.");
            }
            var why = $"Cancelled by {actor.Name}: {reason.Trim()}";
            action.Cancel(why, command.Now);
            await OutboxDispatcher.AuditAsync(command, AuditActions.ExecutionCancelled, action, new { Reason = why });
            var proposal = await command.Db.Proposals.AsTracking().SingleAsync(p => p.Id == action.ProposalId, ct);
            var siblings = await command.Db.OutboxActions.AsTracking().Include(a => a.Attempts)
                .Where(a => a.ProposalId == action.ProposalId && a.Id != action.Id).ToListAsync(ct);
            foreach (var later in siblings.Where(s => s.Sequence > action.Sequence && s.State == ActionState.Pending))
            {
                later.Cancel(why, command.Now);
                await OutboxDispatcher.AuditAsync(command, AuditActions.ExecutionCancelled, later, new { Reason = why });
            }
            await OutboxDispatcher.FinishProposalAsync(command, proposal, [action, .. siblings]);
            return string.Create(CultureInfo.InvariantCulture, $"Action #{actionId} cancelled.");
        }, ct: ct);
}
