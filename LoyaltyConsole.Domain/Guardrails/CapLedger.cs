using LoyaltyConsole.Domain.Workflows;

namespace LoyaltyConsole.Domain.Guardrails;

/// <summary>What one proposal would take from the caps: its cost and, for a message, one send at a planned time.</summary>
public sealed record CapClaim(int ClientId, int LocationId, long CostMinor, DateTime? MessageAtUtc);

/// <summary>The caps that apply to one proposal, named as reviewers know them.</summary>
public sealed record CapLimits(string WorkflowName, WorkflowCaps Caps, string LocationName, LocationBudget? LocationBudget, string Currency);

/// <summary>
/// What is already reserved (queued for review), approved or sent against a workflow's budget, the locations'
/// budgets, each client's cost cap and each client's message cap. A proposal is checked against it and, when it is
/// queued, reserves its share, so the next proposal of the same run — or the next approval — sees it.
/// </summary>
public sealed class CapLedger
{
    private long _workflowSpent;
    private readonly Dictionary<int, long> _locationSpent;
    private readonly Dictionary<int, long> _clientSpent;
    private readonly Dictionary<int, List<DateTime>> _messages;

    public CapLedger(
        long workflowSpentMinor, IReadOnlyDictionary<int, long> locationSpentMinor, IReadOnlyDictionary<int, long> clientSpentMinor,
        ILookup<int, DateTime> clientMessagesUtc)
    {
        _workflowSpent = workflowSpentMinor;
        _locationSpent = new Dictionary<int, long>(locationSpentMinor);
        _clientSpent = new Dictionary<int, long>(clientSpentMinor);
        _messages = clientMessagesUtc.ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>Every cap's verdict on <paramref name="claim"/>: workflow budget, location budget, per-client cost, message frequency.</summary>
    public IReadOnlyList<GuardrailResult> Check(CapLimits limits, CapClaim claim)
    {
        var caps = limits.Caps;
        var results = new List<GuardrailResult>();
        if (caps.BudgetPerPeriodMinor is { } budget)
        {
            results.Add(SpendCaps.Budget($"{limits.WorkflowName}, last {caps.BudgetPeriodDays} days", budget, _workflowSpent, claim.CostMinor, limits.Currency));
        }
        if (limits.LocationBudget is { } locationBudget)
        {
            results.Add(SpendCaps.Budget($"{limits.LocationName}, last {locationBudget.PeriodDays} days", locationBudget.CapMinor,
                _locationSpent.GetValueOrDefault(claim.LocationId), claim.CostMinor, limits.Currency));
        }
        if (caps.CostPerClientMinor is { } perClient)
        {
            results.Add(SpendCaps.ClientCost(perClient, _clientSpent.GetValueOrDefault(claim.ClientId), claim.CostMinor,
                $"in the last {caps.BudgetPeriodDays} days", limits.Currency));
        }
        if (claim.MessageAtUtc is { } at)
        {
            results.Add(new FrequencyCap("SMS", caps.MaxMessagesPerClient, TimeSpan.FromDays(caps.MessageWindowDays))
                .Check(_messages.GetValueOrDefault(claim.ClientId) ?? [], at));
        }
        return results;
    }

    /// <summary>Counts <paramref name="claim"/> against every cap from now on.</summary>
    public void Reserve(CapClaim claim)
    {
        _workflowSpent += claim.CostMinor;
        _locationSpent[claim.LocationId] = _locationSpent.GetValueOrDefault(claim.LocationId) + claim.CostMinor;
        _clientSpent[claim.ClientId] = _clientSpent.GetValueOrDefault(claim.ClientId) + claim.CostMinor;
        if (claim.MessageAtUtc is { } at)
        {
            if (!_messages.TryGetValue(claim.ClientId, out var list))
            {
                _messages[claim.ClientId] = list = [];
            }
            list.Add(at);
        }
    }
}
