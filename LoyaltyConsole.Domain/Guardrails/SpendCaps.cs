using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Guardrails;

/// <summary>
/// Money caps. Each counts what is already reserved (queued for review), approved or sent plus what this proposal would
/// add; reaching the cap exactly is allowed, going one cent over is not, and a refusal says by how much.
/// </summary>
public static class SpendCaps
{
    public const string BudgetCode = "budget";
    public const string ClientCostCode = "client-cost";
    public const string MarginCode = "margin";

    /// <param name="scope">What the budget belongs to, as reviewers know it: "Win-back, November" or "SoHo, this week".</param>
    public static GuardrailResult Budget(string scope, long capMinor, long committedMinor, long proposedMinor, string currency)
    {
        Validate(capMinor, committedMinor, proposedMinor);
        var after = committedMinor + proposedMinor;
        var facts = $"{Money.Format(committedMinor, currency)} reserved + {Money.Format(proposedMinor, currency)} proposed = {Money.Format(after, currency)} of the {Money.Format(capMinor, currency)} budget for {scope}";
        return after <= capMinor
            ? GuardrailResult.Pass(BudgetCode, $"Within budget: {facts}.")
            : GuardrailResult.Block(BudgetCode, $"Over budget by {Money.Format(after - capMinor, currency)}: {facts}.");
    }

    public static GuardrailResult ClientCost(long capMinor, long clientCommittedMinor, long proposedMinor, string period, string currency)
    {
        Validate(capMinor, clientCommittedMinor, proposedMinor);
        var after = clientCommittedMinor + proposedMinor;
        var facts = $"{Money.Format(after, currency)} on this client {period} (cap {Money.Format(capMinor, currency)})";
        return after <= capMinor
            ? GuardrailResult.Pass(ClientCostCode, $"Within the per-client cap: {facts}.")
            : GuardrailResult.Block(ClientCostCode, $"Over the per-client cap by {Money.Format(after - capMinor, currency)}: {facts}.");
    }

    /// <summary>The reward may cost at most <paramref name="maxShare"/> of the client's predicted 12-month value.</summary>
    public static GuardrailResult Margin(long rewardCostMinor, long predictedValueMinor, double maxShare, string currency)
    {
        if (maxShare is < 0 or > 1)
        {
            throw new DomainException("The margin share must be between 0% and 100%.");
        }
        Validate(0, 0, rewardCostMinor);
        var limit = (long)Math.Floor(Math.Max(0, predictedValueMinor) * maxShare);
        var facts = $"reward costs {Money.Format(rewardCostMinor, currency)}; {maxShare * 100:0.#}% of the predicted 12-month value {Money.Format(predictedValueMinor, currency)} is {Money.Format(limit, currency)}";
        return rewardCostMinor <= limit
            ? GuardrailResult.Pass(MarginCode, $"Margin kept: {facts}.")
            : GuardrailResult.Block(MarginCode, $"Reward too costly for this client: {facts}.");
    }

    private static void Validate(long cap, long committed, long proposed)
    {
        if (cap < 0 || committed < 0 || proposed < 0)
        {
            throw new DomainException("Caps and amounts cannot be negative.");
        }
        if (cap > Money.MaxMinor || committed > Money.MaxMinor || proposed > Money.MaxMinor)
        {
            throw new DomainException($"Caps and amounts cannot exceed {Money.Format(Money.MaxMinor, "USD")}.");
        }
    }
}
