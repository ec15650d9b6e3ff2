using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.AzureOpenAI;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace LoyaltyConsole.Drafting;

public static class DependencyInjection
{
    public const string HttpClientName = "drafting";

    /// <summary>The offline drafter always; a Semantic Kernel drafter in front of it when a provider is configured.</summary>
    public static IHostApplicationBuilder AddDrafting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DraftingOptions>().BindConfiguration(DraftingOptions.SectionName)
            .Validate(o => o.Provider == DraftingProvider.Offline || !string.IsNullOrWhiteSpace(o.Model), "Drafting:Model is required for a language-model provider.")
            .Validate(o => o.Provider is not (DraftingProvider.AzureOpenAI or DraftingProvider.OpenAICompatible) || Uri.TryCreate(o.Endpoint, UriKind.Absolute, out _),
                "Drafting:Endpoint must be an absolute URL for Azure OpenAI and compatible servers.")
            .Validate(o => o.Provider is not (DraftingProvider.OpenAI or DraftingProvider.AzureOpenAI) || !string.IsNullOrWhiteSpace(o.ApiKey), "Drafting:ApiKey is required for OpenAI and Azure OpenAI.")
            .Validate(o => o.TimeoutSeconds is >= 1 and <= 300 && o.MaxAttempts is >= 1 and <= 5, "Drafting timeout must be 1–300 s and attempts 1–5.")
            .ValidateOnStart();
        builder.Services.AddHttpClient(HttpClientName);
        builder.Services.AddSingleton<OfflineSmsDrafter>();
        var provider = builder.Configuration.GetSection(DraftingOptions.SectionName).GetValue<DraftingProvider?>(nameof(DraftingOptions.Provider)) ?? DraftingProvider.Offline;
        if (provider == DraftingProvider.Offline)
        {
            builder.Services.AddSingleton<ISmsDrafter>(sp => sp.GetRequiredService<OfflineSmsDrafter>());
            return builder;
        }
        builder.Services.AddSingleton<IChatCompletionService>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<DraftingOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            http.Timeout = TimeSpan.FromSeconds(o.TimeoutSeconds + 5);
            return o.Provider switch
            {
                DraftingProvider.AzureOpenAI => new AzureOpenAIChatCompletionService(o.Model!, o.Endpoint!, o.ApiKey!, httpClient: http),
                // A custom endpoint is marked experimental in Semantic Kernel; it is how Ollama, vLLM and LM Studio are reached.
#pragma warning disable SKEXP0010
                DraftingProvider.OpenAICompatible => new OpenAIChatCompletionService(o.Model!, new Uri(o.Endpoint!), o.ApiKey ?? "not-needed", httpClient: http),
#pragma warning restore SKEXP0010
                _ => new OpenAIChatCompletionService(o.Model!, o.ApiKey!, httpClient: http),
            };
        });
        builder.Services.AddSingleton<ISmsDrafter, SemanticKernelSmsDrafter>();
        return builder;
    }
}
