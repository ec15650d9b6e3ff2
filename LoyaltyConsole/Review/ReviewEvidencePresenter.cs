using System.Globalization;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Scoring;
using LoyaltyConsole.Identity;

namespace LoyaltyConsole.Review;

/// <summary>
/// One line of a proposal's evidence as a reviewer reads it. <paramref name="Href"/> is where to read more, for users
/// whom <paramref name="HrefPolicy"/> lets open it.
/// </summary>
public sealed record EvidenceLine(string Label, string Text, string? Href = null, string? HrefPolicy = null);

/// <summary>
/// Puts a proposal's evidence (flattened JSON of raw scores, minor units, UTC instants and ids) into words: percentages,
/// money in the proposal's currency, dates in the location's time zone, segment and tier names, versions that link
/// to the program and the model. Keys the proposal does not carry are left out.
/// </summary>
public static class ReviewEvidencePresenter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IReadOnlyList<EvidenceLine> Present(ReviewItem item, IReadOnlyDictionary<int, string> tierNames) =>
        Present(item.Evidence, item.Proposal.Currency, item.TimeZoneId, item.Workflow, tierNames);

    public static IReadOnlyList<EvidenceLine> Present(
        IReadOnlyDictionary<string, string> evidence, string currency, string timeZoneId, string workflowName, IReadOnlyDictionary<int, string> tierNames)
    {
        var lines = new List<EvidenceLine>();
        var asOf = DateOnly.TryParse(Get(evidence, "asOf"), Invariant, out var scoredOn) ? scoredOn : (DateOnly?)null;

        if (Get(evidence, "segments") is { Length: > 0 } segments)
        {
            lines.Add(new("Segments", segments));
        }
        if (Number(evidence, "probabilityAlive") is { } alive)
        {
            lines.Add(new("Activity", $"{Percent(alive)} likely still active"));
        }
        if (Number(evidence, "expectedVisits90Days") is { } expected)
        {
            lines.Add(new("Expected visits", string.Create(Invariant, $"{expected:0.#} in the next 90 days")));
        }
        if (Whole(evidence, "predictedValueMinor") is { } value)
        {
            lines.Add(new("Predicted value", $"{new Money(value, currency)} predicted 12-month value"));
        }
        if (Visits(evidence, currency) is { } visits)
        {
            lines.Add(new("Last 12 months", visits));
        }
        if (Rhythm(evidence, timeZoneId, asOf) is { } rhythm)
        {
            lines.Add(new("Rhythm", rhythm));
        }
        if (Get(evidence, "rfmSegment") is { } rfm)
        {
            lines.Add(new("RFM segment", Enum.TryParse<RfmSegment>(rfm, out var segment) ? Rfm.DisplayName(segment) : rfm));
        }
        if (Get(evidence, "favouriteCategory") is { } category)
        {
            lines.Add(new("Favourite", category));
        }
        if (Points(evidence) is { } points)
        {
            lines.Add(new("Points", points));
        }
        if (Tiers(evidence, tierNames) is { } tiers)
        {
            lines.Add(new("Tier", tiers));
        }
        if (Get(evidence, "assignment") is { } assignment)
        {
            lines.Add(new("Pilot", assignment switch
            {
                "Treatment" => "treatment group: gets the action once approved",
                "Control" => "control group: held back to measure the effect",
                _ => assignment,
            }));
        }
        if (Get(evidence, "workflowVersion") is { } workflowVersion)
        {
            lines.Add(new("Workflow", $"{workflowName}, version {workflowVersion}", "program", Policies.ManageProgram));
        }
        if (Get(evidence, "modelVersion") is { } model)
        {
            var scored = asOf is { } day ? $", scores of {day.ToString("d MMM yyyy", Invariant)}" : "";
            lines.Add(new("Model", model + scored, "model", Policies.ViewModels));
        }
        return lines;
    }

    /// <summary>Whole percent; never "0%" or "100%" for a probability that is neither.</summary>
    internal static string Percent(double probability)
    {
        var percent = Math.Round(probability * 100, MidpointRounding.AwayFromZero);
        return percent switch
        {
            0 when probability > 0 => "under 1%",
            100 when probability < 1 => "over 99%",
            _ => string.Create(Invariant, $"{percent:0}%"),
        };
    }

    private static string? Visits(IReadOnlyDictionary<string, string> evidence, string currency)
    {
        var parts = new List<string>();
        if (Whole(evidence, "visits12Months") is { } visits)
        {
            parts.Add(visits == 1 ? "1 visit" : string.Create(Invariant, $"{visits:N0} visits"));
        }
        if (Whole(evidence, "spend12MonthsMinor") is { } spend)
        {
            parts.Add($"{new Money(spend, currency)} spent");
        }
        if (Whole(evidence, "daysSinceLastVisit") is { } days)
        {
            parts.Add(days switch
            {
                0 => "last visit today",
                1 => "last visit yesterday",
                _ => string.Create(Invariant, $"last visit {days:N0} days ago"),
            });
        }
        return parts.Count == 0 ? null : string.Join(" · ", parts);
    }

    /// <summary>The client's own visiting rhythm and the day after which the next visit is overdue, in the location's zone.</summary>
    private static string? Rhythm(IReadOnlyDictionary<string, string> evidence, string timeZoneId, DateOnly? asOf)
    {
        var parts = new List<string>();
        if (Number(evidence, "meanIntervalDays") is { } interval)
        {
            parts.Add(string.Create(Invariant, $"comes every {interval:0} days on average"));
        }
        if (Get(evidence, "lapseAfter") is { } lapseText)
        {
            var utc = DateTime.Parse(lapseText, Invariant, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.FindSystemTimeZoneById(timeZoneId)));
            var format = asOf is { } day && day.Year == local.Year ? "d MMM" : "d MMM yyyy";
            var date = local.ToString(format, Invariant);
            parts.Add(asOf is { } scoredOn && local < scoredOn ? $"overdue since {date}" : $"due back by {date}");
        }
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private static string? Points(IReadOnlyDictionary<string, string> evidence)
    {
        if (Whole(evidence, "pointsBalance") is not { } balance)
        {
            return null;
        }
        var text = string.Create(Invariant, $"{balance:N0} points");
        return Whole(evidence, "pointsExpiring30Days") is { } expiring and > 0
            ? text + string.Create(Invariant, $", {expiring:N0} expiring within 30 days")
            : text;
    }

    private static string? Tiers(IReadOnlyDictionary<string, string> evidence, IReadOnlyDictionary<int, string> tierNames)
    {
        var current = Whole(evidence, "currentTierId");
        var eligible = Whole(evidence, "eligibleTierId");
        if (current is null && eligible is null)
        {
            return null;
        }
        var now = current is { } c ? TierName(c, tierNames) : "no tier";
        return eligible is not { } e ? now
            : e == current ? $"{now}, and eligible to stay there"
            : $"{now}, eligible for {TierName(e, tierNames)}";
    }

    private static string TierName(long id, IReadOnlyDictionary<int, string> tierNames) =>
        tierNames.TryGetValue((int)id, out var name) ? name : string.Create(Invariant, $"tier #{id}");

    private static string? Get(IReadOnlyDictionary<string, string> evidence, string key) =>
        evidence.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static double? Number(IReadOnlyDictionary<string, string> evidence, string key) =>
        Get(evidence, key) is { } text && double.TryParse(text, NumberStyles.Float, Invariant, out var value) ? value : null;

    private static long? Whole(IReadOnlyDictionary<string, string> evidence, string key) =>
        Get(evidence, key) is { } text && long.TryParse(text, NumberStyles.Integer, Invariant, out var value) ? value : null;
}
