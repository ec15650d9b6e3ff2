using LoyaltyConsole.Domain.Workflows;

namespace LoyaltyConsole.Drafting;

/// <summary>
/// Everything a drafter may see. Pseudonymous by construction: no name, phone, email or notes exist here, so none can
/// reach a prompt. The client is addressed through the <c>{first_name}</c> placeholder, filled in only when sending.
/// </summary>
public sealed record SmsDraftContext(
    WorkflowKind Workflow, string? FavouriteService, string? StaffFirstName, int Points, string Offer, IReadOnlyList<string> OfferTokens,
    string BrandName, string BrandVoice, string OptOutSentence, int Variant);

public sealed record SmsDraft(string Text, string Provider, string? Model, string TemplateVersion, int? Tokens, bool Flagged);

public interface ISmsDrafter
{
    Task<SmsDraft> DraftAsync(SmsDraftContext context, CancellationToken ct);
}
