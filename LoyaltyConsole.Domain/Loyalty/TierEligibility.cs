using System.Globalization;
using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Loyalty;

/// <summary>The tier a client's last 12 months earn them, and why, in words a manager can repeat to the client.</summary>
public sealed record TierEvaluation(TierDefinition Target, bool MetByClvBoost, string Rationale);

public static class TierEligibility
{
    /// <summary>
    /// Picks the best tier whose 12-month visit and spend thresholds are met. With <paramref name="clvBoostMinor"/>
    /// set, a client whose predicted 12-month value reaches it qualifies for the next tier up even when one threshold
    /// falls short (high predicted value is worth keeping close).
    /// </summary>
    public static TierEvaluation Evaluate(
        IReadOnlyCollection<TierDefinition> tiers, int visits12Months, long spend12MonthsMinor, string currency,
        long? predictedValueMinor = null, long? clvBoostMinor = null)
    {
        var eligible = TierDefinition.Eligible(tiers, visits12Months, spend12MonthsMinor);
        var average = visits12Months == 0 ? 0 : spend12MonthsMinor / visits12Months;
        var facts = string.Create(CultureInfo.InvariantCulture,
            $"{visits12Months} visit{(visits12Months == 1 ? "" : "s")} in the last 12 months, average spend {Money.Format(average, currency)}");

        var next = tiers.Where(t => t.Rank > eligible.Rank).OrderBy(t => t.Rank).FirstOrDefault();
        if (next is not null && clvBoostMinor is { } boost && predictedValueMinor is { } value && value >= boost)
        {
            return new TierEvaluation(next, true,
                $"{facts}; predicted 12-month value {Money.Format(value, currency)} reaches the {Money.Format(boost, currency)} boost: qualifies for {next.Name}.");
        }

        var rationale = eligible.MinVisits12Months == 0 && eligible.MinSpend12MonthsMinor == 0
            ? $"{facts}: entry tier {eligible.Name}"
            : $"{facts}: meets {eligible.Name}, {eligible.MinVisits12Months} visits and {Money.Format(eligible.MinSpend12MonthsMinor, currency)}";
        if (next is not null)
        {
            var missing = new List<string>();
            if (visits12Months < next.MinVisits12Months)
            {
                missing.Add($"{next.MinVisits12Months - visits12Months} more visit{(next.MinVisits12Months - visits12Months == 1 ? "" : "s")}");
            }
            if (spend12MonthsMinor < next.MinSpend12MonthsMinor)
            {
                missing.Add($"{Money.Format(next.MinSpend12MonthsMinor - spend12MonthsMinor, currency)} more spend");
            }
            rationale += $"; {string.Join(" and ", missing)} for {next.Name}";
        }
        return new TierEvaluation(eligible, false, rationale + ".");
    }
}
