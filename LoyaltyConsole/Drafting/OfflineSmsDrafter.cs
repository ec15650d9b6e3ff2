using LoyaltyConsole.Domain.Workflows;

namespace LoyaltyConsole.Drafting;

/// <summary>
/// Writes SMS copy from templates when no language model is configured, so the console works out of the box and in
/// tests. Several phrasings per workflow, chosen per client, keep messages from all reading alike. Labelled "offline".
/// </summary>
public sealed class OfflineSmsDrafter : ISmsDrafter
{
    public const string Provider = "offline";
    public const string TemplateVersion = "offline-v1";

    private static readonly Dictionary<WorkflowKind, string[]> Templates = new()
    {
        [WorkflowKind.WinBack] =
        [
            "Hi {first_name}, we've missed you at {brand}. Come back for {service}{staff} and enjoy {offer}. {opt_out}",
            "{first_name}, it's been a while! Your next {service}{staff} comes with {offer}. Book when it suits you. {opt_out}",
            "Hello {first_name}, time for a little care? Book {service}{staff} at {brand} and get {offer}. {opt_out}",
        ],
        [WorkflowKind.PointsExpiryNudge] =
        [
            "Hi {first_name}, your {points} {brand} points expire soon. Use them on your next visit, plus {offer}. {opt_out}",
            "{first_name}, don't lose your {points} points at {brand}: book before they expire and enjoy {offer}. {opt_out}",
        ],
        [WorkflowKind.SegmentDoublePoints] =
        [
            "Hi {first_name}, you've earned a treat: {offer} on every visit at {brand}. {opt_out}",
            "{first_name}, thank you for being with {brand}. Enjoy {offer} on your next visits. {opt_out}",
        ],
        [WorkflowKind.NextBestOffer] =
        [
            "Hi {first_name}, fancy something new at {brand}? Try it with {offer}. {opt_out}",
            "{first_name}, we think you'd love our next treatment. Book with {offer} at {brand}. {opt_out}",
        ],
        [WorkflowKind.Birthday] =
        [
            "Happy birthday {first_name}! Celebrate with {offer} at {brand}. {opt_out}",
            "{first_name}, happy birthday from all of us at {brand}. Enjoy {offer} this month. {opt_out}",
        ],
        [WorkflowKind.TierChange] =
        [
            "Hi {first_name}, good news from {brand}: {offer}. {opt_out}",
        ],
    };

    public Task<SmsDraft> DraftAsync(SmsDraftContext context, CancellationToken ct)
    {
        var options = Templates[context.Workflow];
        var template = options[Math.Abs(context.Variant) % options.Length];
        var text = template
            .Replace("{brand}", context.BrandName, StringComparison.Ordinal)
            .Replace("{service}", (context.FavouriteService ?? "a visit").ToLowerInvariant(), StringComparison.Ordinal)
            .Replace("{staff}", context.StaffFirstName is null ? "" : $" with {context.StaffFirstName}", StringComparison.Ordinal)
            .Replace("{offer}", context.Offer, StringComparison.Ordinal)
            .Replace("{points}", context.Points.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{opt_out}", context.OptOutSentence, StringComparison.Ordinal);
        return Task.FromResult(new SmsDraft(text, Provider, null, TemplateVersion, null, false));
    }
}
