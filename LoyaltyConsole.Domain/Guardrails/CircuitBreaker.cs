using System.Globalization;

namespace LoyaltyConsole.Domain.Guardrails;

/// <summary>
/// Pauses a workflow whose run proposes more than <see cref="MaxShareOfSegment"/> of its target segment, or more than
/// <see cref="MaxMultipleOfAverage"/> times its trailing average: a sign of a bad rule or bad data, not of a good day.
/// </summary>
public sealed record CircuitBreaker(double MaxShareOfSegment, double MaxMultipleOfAverage, int MinimumTrailingRuns = 3)
{
    public const string Code = "circuit-breaker";

    public GuardrailResult Evaluate(int proposedThisRun, int segmentSize, IReadOnlyList<int> trailingRunCounts)
    {
        if (MaxShareOfSegment is <= 0 or > 1 || MaxMultipleOfAverage <= 1)
        {
            throw new Common.DomainException("The breaker needs a share between 0% and 100% and a multiple above 1.");
        }
        var inv = CultureInfo.InvariantCulture;
        if (segmentSize > 0 && proposedThisRun > segmentSize * MaxShareOfSegment)
        {
            return GuardrailResult.Block(Code, string.Create(inv,
                $"This run proposes {proposedThisRun:N0} actions for a segment of {segmentSize:N0} ({100.0 * proposedThisRun / segmentSize:0}%); the limit is {MaxShareOfSegment * 100:0}%. The workflow is paused."));
        }
        if (trailingRunCounts.Count >= MinimumTrailingRuns)
        {
            var average = trailingRunCounts.Average();
            if (average > 0 && proposedThisRun > average * MaxMultipleOfAverage)
            {
                return GuardrailResult.Block(Code, string.Create(inv,
                    $"This run proposes {proposedThisRun:N0} actions, {proposedThisRun / average:0.0}× the average of the last {trailingRunCounts.Count} runs ({average:0.#}); the limit is {MaxMultipleOfAverage:0.#}×. The workflow is paused."));
            }
        }
        return GuardrailResult.Pass(Code, string.Create(inv, $"{proposedThisRun:N0} proposals in this run are within the usual range."));
    }
}
