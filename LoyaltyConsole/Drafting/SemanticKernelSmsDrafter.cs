using System.Text;
using LoyaltyConsole.Domain.Guardrails;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace LoyaltyConsole.Drafting;

/// <summary>
/// Drafts SMS copy with a language model through Semantic Kernel. The model sees only the pseudonymous
/// <see cref="SmsDraftContext"/>; its output is untrusted and checked by the SMS guardrails. On a violation the model
/// gets one retry with the violations explained; after that, or on any error or timeout, the offline drafter writes
/// the copy and the draft is flagged.
/// </summary>
public sealed class SemanticKernelSmsDrafter(
    IChatCompletionService chat,
    OfflineSmsDrafter fallback,
    IOptions<DraftingOptions> drafting,
    IOptions<MessagingOptions> messaging,
    ILogger<SemanticKernelSmsDrafter> logger) : ISmsDrafter
{
    public const string TemplateVersion = "sk-sms-v1";

    public async Task<SmsDraft> DraftAsync(SmsDraftContext context, CancellationToken ct)
    {
        var options = drafting.Value;
        var history = new ChatHistory();
        history.AddSystemMessage(PromptPrivacyFilter.Scrub(SystemPrompt(context)));
        history.AddUserMessage(PromptPrivacyFilter.Scrub(UserPrompt(context)));
        var tokens = 0;
        for (var attempt = 1; attempt <= Math.Max(1, options.MaxAttempts); attempt++)
        {
            string text;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
                var reply = await chat.GetChatMessageContentAsync(history, new OpenAIPromptExecutionSettings { Temperature = 0.7, MaxTokens = 200 }, null, timeout.Token);
                text = (reply.Content ?? "").Trim().Trim('"');
                tokens += TokensOf(reply);
            }
            catch (Exception ex) when (ex is HttpOperationException or OperationCanceledException or HttpRequestException or KernelException && !ct.IsCancellationRequested)
            {
                logger.LogWarning("Drafting with {Provider} failed ({Error}); the offline drafter takes over.", options.Provider, ex.GetType().Name);
                return await FallbackAsync(context, tokens, ct);
            }
            var violations = SmsContentRules.Check(text, messaging.Value.SmsPolicy, context.OfferTokens, ["{first_name}"]).Where(r => !r.Passed).ToList();
            if (violations.Count == 0)
            {
                return new SmsDraft(text, options.Provider.ToString(), options.Model, TemplateVersion, tokens, attempt > 1);
            }
            history.AddAssistantMessage(text);
            history.AddUserMessage("That draft breaks these rules: " + string.Join(" ", violations.Select(v => v.Reason)) + " Write it again, following every rule.");
        }
        return await FallbackAsync(context, tokens, ct);
    }

    private async Task<SmsDraft> FallbackAsync(SmsDraftContext context, int tokens, CancellationToken ct)
    {
        var draft = await fallback.DraftAsync(context, ct);
        return draft with { Flagged = true, Tokens = tokens == 0 ? null : tokens };
    }

    private static int TokensOf(ChatMessageContent reply) =>
        reply.Metadata is { } metadata && metadata.TryGetValue("Usage", out var usage) && usage is OpenAI.Chat.ChatTokenUsage chatUsage
            ? chatUsage.TotalTokenCount
            : 0;

    internal static string SystemPrompt(SmsDraftContext c) => new StringBuilder()
        .Append("You write one marketing SMS for ").Append(c.BrandName).Append(", a salon and spa. Voice: ").Append(c.BrandVoice).AppendLine(".")
        .AppendLine("Rules: at most 2 SMS segments; address the client only as {first_name} (keep the braces, it is filled in later);")
        .Append("mention the offer exactly as given; no links; end with this sentence exactly: ").AppendLine(c.OptOutSentence)
        .AppendLine("Reply with the message text only.")
        .ToString();

    internal static string UserPrompt(SmsDraftContext c) => new StringBuilder()
        .Append("Purpose: ").AppendLine(c.Workflow.ToString())
        .Append("Offer: ").AppendLine(c.Offer)
        .Append("Favourite service: ").AppendLine(c.FavouriteService ?? "none")
        .Append("Usual stylist's first name: ").AppendLine(c.StaffFirstName ?? "none")
        .Append("Points balance: ").AppendLine(c.Points.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .ToString();
}
