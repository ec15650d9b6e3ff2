namespace LoyaltyConsole.Drafting;

public enum DraftingProvider
{
    /// <summary>No language model: the built-in template drafter.</summary>
    Offline,
    OpenAI,
    AzureOpenAI,

    /// <summary>Any server speaking the OpenAI chat API: Ollama, vLLM, LM Studio.</summary>
    OpenAICompatible,
}

public sealed class DraftingOptions
{
    public const string SectionName = "Drafting";

    public DraftingProvider Provider { get; set; } = DraftingProvider.Offline;

    /// <summary>Model (OpenAI, compatible servers) or deployment name (Azure OpenAI).</summary>
    public string? Model { get; set; }

    /// <summary>Base address for Azure OpenAI and compatible servers, e.g. http://127.0.0.1:11434/v1 for Ollama.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Secret: supply through an environment variable or secret store, never appsettings in the repository.</summary>
    public string? ApiKey { get; set; }

    public int TimeoutSeconds { get; set; } = 20;
    public int MaxAttempts { get; set; } = 2;
}
