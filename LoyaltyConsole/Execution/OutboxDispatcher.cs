using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Execution;
using LoyaltyConsole.Domain.Guardrails;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Drafting;
using LoyaltyConsole.Proposals;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Execution;

/// <summary>What one dispatch run did.</summary>
public sealed record DispatchResult(int Done, int Deferred, int Cancelled, int Retrying, int Failed, int Unknown, int Recovered)
{
    public int Total => Done + Deferred + Cancelled + Retrying + Failed + Unknown;

    public override string ToString() => Total + Recovered == 0
        ? "Nothing was due."
        : $"{Done:N0} done, {Deferred:N0} deferred, {Cancelled:N0} cancelled, {Retrying:N0} to retry, {Failed:N0} failed, {Unknown:N0} unknown, {Recovered:N0} lapsed leases recovered.";
}

/// <summary>
/// Carries out due outbox actions. Each is claimed with a lease (<see cref="OutboxClaims"/>), so two instances never
/// hold the same action; then, in a short transaction, checked again as it stands now — the proposal still approved,
/// consent, the caps (the frequency cap included) and, for an SMS, quiet hours in the client's location's time zone —
/// and its attempt recorded and audited; then carried out by the configured executor with no transaction open; then its
/// outcome recorded and audited in a second transaction. A send a guardrail refuses is cancelled with its reason and,
/// when nothing of its proposal took effect, the proposal's reservation is released. An SMS whose outcome cannot be
/// known becomes Unknown and is never sent again by itself.
/// </summary>
public sealed class OutboxDispatcher(
    IDbContextFactory<ApplicationDbContext> dbFactory,
    CommandRunner commands,
    ExecutorCatalog executors,
    IOptions<ExecutionOptions> options,
    IOptions<MessagingOptions> messaging,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>This dispatcher's lease owner name: the machine, the process and an instance id.</summary>
    public string Name { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    private ExecutionOptions Options => options.Value;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<DispatchResult> DispatchDueAsync(CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        var recovered = await RecoverLapsedLeasesAsync(ct);
        var counts = new Dictionary<Verdict, int>();
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(Options.MaxRunSeconds))
        {
            IReadOnlyList<long> claimed;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                claimed = await OutboxClaims.ClaimAsync(db, Name, Now, Now + Options.Lease, Options.BatchSize, ct);
            }
            if (claimed.Count == 0)
            {
                break;
            }
            foreach (var id in claimed)
            {
                var verdict = await ProcessAsync(id, ct);
                counts[verdict] = counts.GetValueOrDefault(verdict) + 1;
            }
        }
        return new DispatchResult(counts.GetValueOrDefault(Verdict.Done), counts.GetValueOrDefault(Verdict.Deferred), counts.GetValueOrDefault(Verdict.Cancelled),
            counts.GetValueOrDefault(Verdict.Retrying), counts.GetValueOrDefault(Verdict.Failed), counts.GetValueOrDefault(Verdict.Unknown), recovered);
    }

    private enum Verdict
    {
        Done,
        Deferred,
        Cancelled,
        Retrying,
        Failed,
        Unknown,
        Lost,
    }

    /// <summary>One claimed action: gate, attempt, outcome.</summary>
    private async Task<Verdict> ProcessAsync(long id, CancellationToken ct)
    {
        Verdict? gateVerdict = null;
        Func<CancellationToken, Task<ExecutionResult>>? call = null;
        string provider = "";
        var gate = await commands.RunAsync(AuditActor.System, policy: null, async command =>
        {
            var db = command.Db;
            var action = await db.OutboxActions.AsTracking().Include(a => a.Attempts).SingleAsync(a => a.Id == id, ct);
            if (action.State != ActionState.InFlight || action.LeaseOwner != Name)
            {
                gateVerdict = Verdict.Lost;
                return "Claimed by another dispatcher.";
            }
            var proposal = await db.Proposals.AsTracking().SingleAsync(p => p.Id == action.ProposalId, ct);
            var client = await db.Clients.AsTracking().SingleAsync(c => c.Id == action.ClientId, ct);
            var siblings = await db.OutboxActions.AsTracking().Where(a => a.ProposalId == action.ProposalId && a.Id != action.Id).ToListAsync(ct);
            var refusal = await RefusalAsync(command, action, proposal, client, siblings, ct);
            if (refusal is not null)
            {
                await CancelRestAsync(command, proposal, [action, .. siblings], refusal, ct);
                gateVerdict = Verdict.Cancelled;
                return refusal;
            }
            if (action.Kind == ActionKind.Sms)
            {
                var location = await db.Locations.AsNoTracking().SingleAsync(l => l.Id == action.LocationId, ct);
                var quiet = messaging.Value.QuietHours;
                if (!quiet.IsAllowed(command.Now, location.TimeZoneId))
                {
                    var next = quiet.NextAllowed(command.Now, location.TimeZoneId);
                    var reason = quiet.Check(command.Now, location.TimeZoneId).Reason;
                    action.Defer(next, reason);
                    await AuditAsync(command, AuditActions.ExecutionDeferred, action, new { Until = next, Reason = reason });
                    gateVerdict = Verdict.Deferred;
                    return reason;
                }
            }
            var payload = JsonSerializer.Deserialize<ActionPayload>(action.PayloadJson, Json) ?? new ActionPayload();
            if (action.Kind == ActionKind.Sms)
            {
                provider = executors.Sms.Name;
                if (client.PhoneE164 is null)
                {
                    await CancelRestAsync(command, proposal, [action, .. siblings], "The client has no mobile number.", ct);
                    gateVerdict = Verdict.Cancelled;
                    return "No number.";
                }
                var message = new SmsMessage(action.Id, action.IdempotencyKey, client.Id, client.PhoneE164,
                    (payload.MessageTemplate ?? "").Replace("{first_name}", client.FirstName, StringComparison.Ordinal));
                call = token => executors.Sms.SendAsync(message, token);
            }
            else
            {
                provider = executors.Platform.Name;
                var request = new ActionRequest(action.Id, action.ProposalId, action.Kind, action.IdempotencyKey, client.Id, client.Source, client.ExternalId, payload);
                call = token => executors.Platform.WriteAsync(request, token);
            }
            var attempt = action.StartAttempt(Name, command.Now);
            await AuditAsync(command, AuditActions.ExecutionAttempted, action, new { attempt.Number, Dispatcher = Name, Provider = provider });
            return "Attempt started.";
        }, ct: ct);
        if (!gate.Succeeded)
        {
            // The action stays claimed; when its lease lapses the sweep makes it due again (nothing was attempted).
            logger.LogWarning("Outbox action {Id} could not be checked before sending: {Message}", id, gate.Message);
            return Verdict.Lost;
        }
        if (gateVerdict is { } decided)
        {
            return decided;
        }

        var result = await CallAsync(call!, provider, ct);
        return await RecordOutcomeAsync(id, result);
    }

    /// <summary>The provider call, bounded by the timeout; anything thrown after the request may have left is an unknown outcome.</summary>
    private async Task<ExecutionResult> CallAsync(Func<CancellationToken, Task<ExecutionResult>> call, string provider, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(Options.TimeoutSeconds));
        try
        {
            return await call(timeout.Token);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExecutionResult.Unknown(provider, "The app stopped while the request was out.");
        }
        catch (OperationCanceledException)
        {
            return ExecutionResult.Unknown(provider, $"No answer within {Options.TimeoutSeconds} s.");
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "The {Provider} call threw; its outcome is unknown", provider);
            return ExecutionResult.Unknown(provider, ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message);
        }
    }

    private async Task<Verdict> RecordOutcomeAsync(long id, ExecutionResult result)
    {
        var verdict = Verdict.Lost;
        // The outcome is recorded even when the app is stopping: it is what happened.
        var recorded = await commands.RunAsync(AuditActor.System, policy: null, async command =>
        {
            var db = command.Db;
            var action = await db.OutboxActions.AsTracking().Include(a => a.Attempts).SingleAsync(a => a.Id == id, CancellationToken.None);
            if (action.State != ActionState.InFlight || action.LeaseOwner != Name)
            {
                logger.LogWarning("Outbox action {Id} answered {Outcome} after its lease was lost ({State})", id, result.Outcome, action.State);
                return "Lease lost.";
            }
            var attempt = action.Attempts.Single(a => a.Outcome == AttemptOutcome.Started).Number;
            var retryAt = command.Now + Backoff(attempt);
            switch (result.Outcome)
            {
                case ExecutionOutcome.Succeeded:
                    action.Succeeded(result.Provider, result.Reference, result.Delivery, command.Now);
                    verdict = Verdict.Done;
                    break;
                case ExecutionOutcome.Failed:
                    action.AttemptFailed(result.Provider, result.Error ?? "Failed.", command.Now, attempt < Options.MaxAttempts ? retryAt : null);
                    verdict = action.State == ActionState.Pending ? Verdict.Retrying : Verdict.Failed;
                    break;
                case ExecutionOutcome.Rejected:
                    action.AttemptFailed(result.Provider, result.Error ?? "Rejected.", command.Now, null);
                    verdict = Verdict.Failed;
                    break;
                default:
                    action.OutcomeUnknown(result.Provider, result.Error ?? "Unknown outcome.", command.Now, retryAt);
                    verdict = action.State == ActionState.Pending ? Verdict.Retrying : Verdict.Unknown;
                    break;
            }
            var auditAction = verdict switch
            {
                Verdict.Done => AuditActions.ExecutionSucceeded,
                Verdict.Unknown => AuditActions.ExecutionUnknown,
                _ => AuditActions.ExecutionFailed,
            };
            await AuditAsync(command, auditAction, action, new
            {
                Attempt = attempt, result.Provider, Outcome = result.Outcome.ToString(), State = action.State.ToString(), result.Reference, result.Delivery, result.Error,
                RetryAt = action.State == ActionState.Pending ? action.DueAt : (DateTime?)null,
            });
            if (result.RecipientOptedOut)
            {
                var client = await db.Clients.AsTracking().SingleAsync(c => c.Id == action.ClientId, CancellationToken.None);
                client.SetSmsConsent(Consent.Withdraw(command.Now, result.Provider.ToLowerInvariant()));
                await command.AuditAsync(AuditActions.ClientOptedOut, "Client", client.Id.ToString(CultureInfo.InvariantCulture), null,
                    new { Provider = result.Provider, Reason = result.Error });
            }
            await FinishProposalIfCompleteAsync(command, action, CancellationToken.None);
            return verdict.ToString();
        }, ct: CancellationToken.None);
        if (!recorded.Succeeded)
        {
            logger.LogError("The outcome {Outcome} of outbox action {Id} could not be recorded: {Message}; the lease sweep will pick it up", result.Outcome, id, recorded.Message);
        }
        return verdict;
    }

    /// <summary>
    /// Why the action must not go now, or null. The proposal must still be approved; until something of it took effect,
    /// its caps are checked again as they stand (this proposal's own share left out), and a proposal with a message needs
    /// consent, checked before every one of its actions so a reward is not granted to a client who just opted out.
    /// </summary>
    private async Task<string?> RefusalAsync(
        CommandContext command, OutboxAction action, Proposal proposal, Client client, List<OutboxAction> siblings, CancellationToken ct)
    {
        if (proposal.Status != ProposalStatus.Approved)
        {
            return $"The proposal is {proposal.Status.ToString().ToLowerInvariant()} now, no longer approved.";
        }
        var hasMessage = action.Kind == ActionKind.Sms || siblings.Any(s => s.Kind == ActionKind.Sms);
        if (hasMessage)
        {
            var consent = ConsentRule.Check(Channel.Sms, client.SmsConsent, []);
            if (!consent.Passed)
            {
                return consent.Reason;
            }
        }
        if (siblings.Any(s => s.State == ActionState.Done))
        {
            return null;
        }
        var db = command.Db;
        var workflow = await db.Workflows.AsNoTracking().SingleAsync(w => w.Id == proposal.WorkflowId, ct);
        var location = await db.Locations.AsNoTracking().SingleAsync(l => l.Id == proposal.LocationId, ct);
        var budgets = await db.LocationBudgets.AsNoTracking().Where(b => b.LocationId == proposal.LocationId).ToDictionaryAsync(b => b.LocationId, ct);
        var sendAt = hasMessage ? command.Now : (DateTime?)null;
        var ledger = await CapUsage.ReadAsync(db, workflow, budgets, [proposal.ClientId], proposal.RunDate, sendAt ?? command.Now, proposal.Id, ct);
        var limits = new CapLimits(workflow.Name, workflow.Caps, location.Name, budgets.GetValueOrDefault(location.Id), location.Currency);
        var broken = ledger.Check(limits, new CapClaim(proposal.ClientId, proposal.LocationId, proposal.CostMinor, sendAt)).Where(r => !r.Passed).ToList();
        return broken.Count == 0 ? null : string.Join(" ", broken.Select(b => b.Reason));
    }

    /// <summary>
    /// Cancels every action of the proposal not yet finished or attempted elsewhere (Failed and Unknown ones wait for a
    /// person); when nothing of it took effect, the proposal is cancelled too, which releases its reservation.
    /// </summary>
    internal static async Task CancelRestAsync(CommandContext command, Proposal proposal, List<OutboxAction> actions, string reason, CancellationToken ct)
    {
        foreach (var action in actions.Where(a => a.State is ActionState.Pending || (a.State == ActionState.InFlight && a.Attempts.All(t => t.Outcome != AttemptOutcome.Started))))
        {
            action.Cancel(reason, command.Now);
            await AuditAsync(command, AuditActions.ExecutionCancelled, action, new { Reason = reason });
        }
        await FinishProposalAsync(command, proposal, actions);
    }

    private static async Task FinishProposalIfCompleteAsync(CommandContext command, OutboxAction action, CancellationToken ct)
    {
        var proposal = await command.Db.Proposals.AsTracking().SingleAsync(p => p.Id == action.ProposalId, ct);
        var actions = await command.Db.OutboxActions.AsTracking().Where(a => a.ProposalId == action.ProposalId).ToListAsync(ct);
        await FinishProposalAsync(command, proposal, actions);
    }

    /// <summary>When every action is finished: Sent if any took effect, otherwise Cancelled (its reservation released).</summary>
    internal static async Task FinishProposalAsync(CommandContext command, Proposal proposal, IReadOnlyCollection<OutboxAction> actions)
    {
        if (proposal.Status != ProposalStatus.Approved || !actions.All(a => a.IsFinished))
        {
            return;
        }
        var id = proposal.Id.ToString(CultureInfo.InvariantCulture);
        if (actions.Any(a => a.State == ActionState.Done))
        {
            proposal.MarkSent();
            await command.AuditAsync(AuditActions.ProposalSent, "Proposal", id, null,
                new { Actions = actions.Select(a => new { Kind = a.Kind.ToString(), State = a.State.ToString(), a.ProviderReference }) });
        }
        else
        {
            var reason = actions.Select(a => a.LastError).FirstOrDefault(e => e is not null) ?? "Its actions were cancelled.";
            proposal.CancelApproved("System", command.Now, reason);
            await command.AuditAsync(AuditActions.ProposalCancelled, "Proposal", id, null,
                new { Reason = reason, Released = proposal.CostMinor, Status = proposal.Status.ToString() });
        }
    }

    /// <summary>
    /// Actions whose dispatcher stopped holding them (its lease lapsed): back to Pending when nothing was attempted or the
    /// kind is idempotent, Unknown for an SMS whose attempt had started — it may have been sent.
    /// </summary>
    public async Task<int> RecoverLapsedLeasesAsync(CancellationToken ct)
    {
        List<long> lapsed;
        var now = Now;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            lapsed = await db.OutboxActions.Where(a => a.State == ActionState.InFlight && a.LeaseUntil < now).Select(a => a.Id).Take(500).ToListAsync(ct);
        }
        var recovered = 0;
        foreach (var id in lapsed)
        {
            var result = await commands.RunAsync(AuditActor.System, policy: null, async command =>
            {
                var action = await command.Db.OutboxActions.AsTracking().Include(a => a.Attempts).SingleAsync(a => a.Id == id, ct);
                if (action.State != ActionState.InFlight || action.LeaseUntil >= command.Now)
                {
                    return "Not lapsed any more.";
                }
                var owner = action.LeaseOwner;
                action.LeaseLapsed(command.Now);
                await AuditAsync(command, AuditActions.ExecutionLeaseLapsed, action, new { Dispatcher = owner, State = action.State.ToString() });
                recovered++;
                return "Recovered.";
            }, ct: ct);
            if (!result.Succeeded)
            {
                logger.LogWarning("Lapsed outbox action {Id} could not be recovered: {Message}", id, result.Message);
            }
        }
        return recovered;
    }

    /// <summary>The wait before retry <paramref name="attempt"/> + 1: doubling from RetryAfterSeconds, ± 25 % so failures do not retry in step.</summary>
    private TimeSpan Backoff(int attempt) =>
        TimeSpan.FromSeconds(Options.RetryAfterSeconds * Math.Pow(2, Math.Min(attempt - 1, 10)) * (0.75 + Random.Shared.NextDouble() / 2));

    internal static Task AuditAsync(CommandContext command, string auditAction, OutboxAction action, object details) =>
        command.AuditAsync(auditAction, "OutboxAction", action.Id.ToString(CultureInfo.InvariantCulture), null,
            new { action.ProposalId, Kind = action.Kind.ToString(), action.IdempotencyKey, State = action.State.ToString(), Details = details });
}
