using System.Globalization;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Guardrails;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Identity;

namespace LoyaltyConsole.Proposals;

public sealed record RewardForm(string Name, RewardKind Kind, int? Points, int? Percent, string? Item, int? DurationDays, decimal EstimatedCost, bool IsActive);

public sealed record WorkflowForm(
    string Name, WorkflowKind Kind, IReadOnlyCollection<int> SegmentIds, int? RewardId, Channel Channel, WorkflowPhase Phase, WorkflowCaps Caps,
    int PilotPercent, int ControlPercent, bool Resume, string? Cron = null);

public sealed record LocationBudgetRow(int LocationId, string Location, string Currency, long? CapMinor, int PeriodDays);

public sealed record ProposalRow(
    long Id, DateOnly RunDate, string Workflow, string Client, string Location, ProposalStatus Status, string Rationale, string? DraftText,
    IReadOnlyList<GuardrailResult> Guardrails, bool RequiresReview, DateTime? PlannedSendAtUtc);

/// <summary>The marketing lead's program: rewards and workflows (validated, audited), and what the workflows proposed.</summary>
public sealed class ProgramCatalog(IDbContextFactory<ApplicationDbContext> dbFactory, CommandRunner commands)
{
    public async Task<IReadOnlyList<Reward>> RewardsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Rewards.AsNoTracking().OrderBy(r => r.Name).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<Workflow>> WorkflowsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Workflows.AsNoTracking().OrderBy(w => w.Name).ToListAsync(ct);
    }

    /// <summary>Creates (id null) or changes a reward. Returns the problems, empty when saved.</summary>
    public async Task<IReadOnlyList<string>> SaveRewardAsync(int? id, RewardForm form, AuditActor actor, CancellationToken ct = default)
    {
        var result = await commands.RunAsync(actor, Policies.ManageProgram, async command =>
        {
            var db = command.Db;
            var currency = await db.Locations.OrderBy(l => l.Id).Select(l => l.Currency).FirstOrDefaultAsync(ct) ?? "USD";
            var cost = Money.ParseMajor(form.EstimatedCost, "The estimated cost");
            if (await db.Rewards.AnyAsync(r => r.Name == form.Name.Trim() && r.Id != id, ct))
            {
                throw CommandContext.Refuse($"A reward called {form.Name.Trim()} already exists.");
            }
            Reward reward;
            object? before = null;
            if (id is null)
            {
                reward = new Reward(form.Name, form.Kind, form.Points, form.Percent, form.Item, form.DurationDays, cost, currency, command.Now, actor.Name);
                db.Rewards.Add(reward);
            }
            else
            {
                reward = await db.Rewards.AsTracking().SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw new DomainException("That reward no longer exists.");
                before = Describe(reward);
                reward.Change(form.Name, form.Kind, form.Points, form.Percent, form.Item, form.DurationDays, cost, reward.Currency, form.IsActive, command.Now, actor.Name);
            }
            await command.SaveAsync();
            await command.AuditAsync(AuditActions.RewardChanged, "Reward", reward.Id.ToString(CultureInfo.InvariantCulture), before, Describe(reward));
            return "Saved.";
        }, ct: ct);
        return result.Succeeded ? [] : [result.Message];
    }

    public async Task<IReadOnlyList<string>> SaveWorkflowAsync(int? id, WorkflowForm form, AuditActor actor, CancellationToken ct = default)
    {
        var result = await commands.RunAsync(actor, Policies.ManageProgram, async command =>
        {
            var db = command.Db;
            if (await db.Workflows.AnyAsync(w => w.Name == form.Name.Trim() && w.Id != id, ct))
            {
                throw CommandContext.Refuse($"A workflow called {form.Name.Trim()} already exists.");
            }
            if (form.RewardId is { } rewardId && !await db.Rewards.AnyAsync(r => r.Id == rewardId && r.IsActive, ct))
            {
                throw CommandContext.Refuse("The chosen reward does not exist or is inactive.");
            }
            if (!string.IsNullOrWhiteSpace(form.Cron) && !Quartz.CronExpression.IsValidExpression(form.Cron.Trim()))
            {
                throw CommandContext.Refuse($"'{form.Cron.Trim()}' is not a schedule; use a Quartz cron expression such as 0 0 9 ? * MON (Mondays), or leave it empty for every day.");
            }
            var segmentIds = form.SegmentIds.ToList();
            if (await db.Segments.CountAsync(s => segmentIds.Contains(s.Id), ct) != segmentIds.Distinct().Count())
            {
                throw CommandContext.Refuse("One of the chosen segments no longer exists.");
            }
            Workflow workflow;
            object? before = null;
            if (id is null)
            {
                workflow = new Workflow(form.Name, form.Kind, form.SegmentIds, form.RewardId, form.Channel, form.Caps, form.PilotPercent, form.ControlPercent, form.Cron, command.Now, actor.Name, form.Phase);
                db.Workflows.Add(workflow);
            }
            else
            {
                workflow = await db.Workflows.AsTracking().SingleOrDefaultAsync(w => w.Id == id, ct) ?? throw new DomainException("That workflow no longer exists.");
                before = Describe(workflow);
                workflow.Change(form.Name, form.SegmentIds, form.RewardId, form.Channel, form.Phase, form.Caps, form.PilotPercent, form.ControlPercent, form.Cron, form.Resume, command.Now, actor.Name);
            }
            await command.SaveAsync();
            await command.AuditAsync(AuditActions.WorkflowChanged, "Workflow", workflow.Id.ToString(CultureInfo.InvariantCulture), before, Describe(workflow));
            return "Saved.";
        }, ct: ct);
        return result.Succeeded ? [] : result.Message.Split(". ", StringSplitOptions.RemoveEmptyEntries).Select(m => m.EndsWith('.') ? m : m + ".").ToList();
    }

    public async Task<IReadOnlyList<LocationBudgetRow>> LocationBudgetsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var budgets = await db.LocationBudgets.AsNoTracking().ToDictionaryAsync(b => b.LocationId, ct);
        return (await db.Locations.AsNoTracking().OrderBy(l => l.Name).ToListAsync(ct))
            .Select(l => new LocationBudgetRow(l.Id, l.Name, l.Currency, budgets.GetValueOrDefault(l.Id)?.CapMinor, budgets.GetValueOrDefault(l.Id)?.PeriodDays ?? 30))
            .ToList();
    }

    /// <summary>Sets a location's budget, or removes it when <paramref name="cap"/> is null. Returns the problems, empty when saved.</summary>
    public async Task<IReadOnlyList<string>> SaveLocationBudgetAsync(int locationId, decimal? cap, int periodDays, AuditActor actor, CancellationToken ct = default)
    {
        var result = await commands.RunAsync(actor, Policies.ManageProgram, async command =>
        {
            var db = command.Db;
            if (!await db.Locations.AnyAsync(l => l.Id == locationId, ct))
            {
                throw CommandContext.Refuse("That location no longer exists.");
            }
            var capMinor = cap is { } major ? Money.ParseMajor(major, "A location budget") : (long?)null;
            var budget = await db.LocationBudgets.AsTracking().SingleOrDefaultAsync(b => b.LocationId == locationId, ct);
            object? before = budget is null ? null : new { budget.CapMinor, budget.PeriodDays };
            if (capMinor is null)
            {
                if (budget is not null)
                {
                    db.LocationBudgets.Remove(budget);
                }
            }
            else if (budget is null)
            {
                db.LocationBudgets.Add(new LocationBudget(locationId, capMinor.Value, periodDays, command.Now, actor.Name));
            }
            else
            {
                budget.Change(capMinor.Value, periodDays, command.Now, actor.Name);
            }
            await command.AuditAsync(AuditActions.LocationBudgetChanged, "Location", locationId.ToString(CultureInfo.InvariantCulture), before,
                capMinor is null ? null : new { CapMinor = capMinor, PeriodDays = periodDays });
            return "Saved.";
        }, ct: ct);
        return result.Succeeded ? [] : [result.Message];
    }

    /// <summary>Marks an alert as seen, with an optional note; audited. Marketing leads and Admins acknowledge alerts.</summary>
    public Task<CommandResult> AcknowledgeAlertAsync(long alertId, string? note, AuditActor actor, CancellationToken ct = default) =>
        commands.RunAsync(actor, Policies.ViewAlerts, async command =>
        {
            var alert = await command.Db.Alerts.AsTracking().SingleOrDefaultAsync(a => a.Id == alertId, ct)
                ?? throw CommandContext.Refuse("That alert no longer exists.");
            if (alert.AcknowledgedAt is not null)
            {
                throw CommandContext.Refuse(string.Create(CultureInfo.InvariantCulture, $"Already acknowledged by {alert.AcknowledgedBy} at {alert.AcknowledgedAt:yyyy-MM-dd HH:mm} UTC."));
            }
            var trimmed = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
            if (trimmed is { Length: > Alert.NoteMaxLength })
            {
                throw CommandContext.Refuse($"Keep the note under {Alert.NoteMaxLength} characters.");
            }
            alert.AcknowledgedAt = command.Now;
            alert.AcknowledgedBy = actor.Name;
            alert.AcknowledgementNote = trimmed;
            await command.AuditAsync(AuditActions.AlertAcknowledged, "Alert", alert.Id.ToString(CultureInfo.InvariantCulture), null,
                new { alert.Title, Note = trimmed });
            return "Acknowledged.";
        }, ct: ct);

    public async Task<IReadOnlyList<Alert>> OpenAlertsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Alerts.AsNoTracking().Where(a => a.AcknowledgedAt == null).OrderByDescending(a => a.CreatedAt).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<ProposalRow>> ProposalsAsync(AccessScope scope, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await (from p in db.Proposals.AsNoTracking()
                          join w in db.Workflows on p.WorkflowId equals w.Id
                          join c in db.Clients.VisibleTo(scope) on p.ClientId equals c.Id
                          join l in db.Locations on p.LocationId equals l.Id
                          orderby p.Id descending
                          select new { p, Workflow = w.Name, Client = c.FirstName + " " + c.LastName, Location = l.Name })
            .Take(take).ToListAsync(ct);
        return rows.Select(r => new ProposalRow(r.p.Id, r.p.RunDate, r.Workflow, r.Client, r.Location, r.p.Status, r.p.Rationale, r.p.DraftText,
            r.p.Guardrails, r.p.RequiresReview, r.p.PlannedSendAtUtc)).ToList();
    }

    private static object Describe(Reward r) => new { r.Name, Kind = r.Kind.ToString(), r.Points, r.Percent, r.Item, r.DurationDays, r.EstimatedCostMinor, r.IsActive };

    private static object Describe(Workflow w) => new
    {
        w.Name, Kind = w.Kind.ToString(), w.SegmentIds, w.RewardId, Channel = w.Channel.ToString(), Phase = w.Phase.ToString(), w.Caps,
        w.PilotPercent, w.ControlPercent, w.Cron, w.IsPaused, w.Version,
    };
}
