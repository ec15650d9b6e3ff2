using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Guardrails;
using LoyaltyConsole.Domain.Workflows;

namespace LoyaltyConsole.Proposals;

/// <summary>
/// Reads what is reserved, approved or sent against the caps, in the caller's transaction, so the check and the
/// decision that follows it see the same state. A budget window counts every proposal whose run date could share a
/// rolling period with <c>runDate</c> (before or after it): approving an old proposal cannot squeeze past a newer one.
/// </summary>
internal static class CapUsage
{
    public static async Task<CapLedger> ReadAsync(
        ApplicationDbContext db, Workflow workflow, IReadOnlyDictionary<int, LocationBudget> locationBudgets, IReadOnlyCollection<int> clientIds,
        DateOnly runDate, DateTime messagesFromUtc, long? excludeProposalId, CancellationToken ct)
    {
        // Held until the transaction ends: a second decision or run reads the caps only after this one's reservations commit.
        await db.AcquireAsync(DatabaseLock.Ledger, ct);
        var reserving = Proposal.ReservingStatuses.ToList();
        var proposals = db.Proposals.Where(p => reserving.Contains(p.Status));
        if (excludeProposalId is { } excluded)
        {
            proposals = proposals.Where(p => p.Id != excluded);
        }
        var (from, to) = Window(runDate, workflow.Caps.BudgetPeriodDays);
        var workflowSpent = await proposals.Where(p => p.WorkflowId == workflow.Id && p.RunDate >= from && p.RunDate <= to).SumAsync(p => p.CostMinor, ct);

        var locationSpent = new Dictionary<int, long>();
        foreach (var budget in locationBudgets.Values)
        {
            var (bFrom, bTo) = Window(runDate, budget.PeriodDays);
            locationSpent[budget.LocationId] = await proposals
                .Where(p => p.LocationId == budget.LocationId && p.RunDate >= bFrom && p.RunDate <= bTo).SumAsync(p => p.CostMinor, ct);
        }

        var ids = clientIds.ToList();
        var clientSpent = await proposals.Where(p => ids.Contains(p.ClientId) && p.RunDate >= from && p.RunDate <= to)
            .GroupBy(p => p.ClientId).Select(g => new { g.Key, Sum = g.Sum(p => p.CostMinor) }).ToDictionaryAsync(x => x.Key, x => x.Sum, ct);
        var messageFrom = messagesFromUtc.AddDays(-workflow.Caps.MessageWindowDays);
        var messages = (await proposals.Where(p => ids.Contains(p.ClientId) && p.DraftText != null && p.PlannedSendAtUtc != null && p.PlannedSendAtUtc > messageFrom)
                .Select(p => new { p.ClientId, p.PlannedSendAtUtc }).ToListAsync(ct))
            .ToLookup(p => p.ClientId, p => p.PlannedSendAtUtc!.Value);
        return new CapLedger(workflowSpent, locationSpent, clientSpent, messages);
    }

    private static (DateOnly From, DateOnly To) Window(DateOnly runDate, int periodDays) =>
        (runDate.AddDays(-periodDays + 1), runDate.AddDays(periodDays - 1));
}
