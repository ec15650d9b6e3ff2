namespace LoyaltyConsole.Execution;

public sealed class ExecutionOptions
{
    public const string SectionName = "Execution";

    public const string LogProvider = "Log";
    public const string TwilioProvider = "Twilio";
    public const string DemoPlatform = "Demo";

    public SmsProviderOptions Sms { get; init; } = new();

    public WriteBackOptions WriteBack { get; init; } = new();

    /// <summary>How long a claimed action is a dispatcher's; after that another instance treats the dispatcher as gone.</summary>
    public int LeaseSeconds { get; init; } = 300;

    /// <summary>Actions claimed at once by one dispatcher.</summary>
    public int BatchSize { get; init; } = 20;

    /// <summary>Attempts of an idempotent action before it is marked Failed and waits for a person.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The first wait before a retry; it doubles with every attempt, with ± 25 % jitter.</summary>
    public int RetryAfterSeconds { get; init; } = 60;

    /// <summary>How long one provider call may take before its outcome counts as unknown.</summary>
    public int TimeoutSeconds { get; init; } = 30;

    /// <summary>A dispatch run stops claiming after this long, so the per-minute job does not pile up.</summary>
    public int MaxRunSeconds { get; init; } = 50;

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);
}

public sealed class SmsProviderOptions
{
    /// <summary><c>Log</c> (the default: records what would be sent, nothing leaves the app) or <c>Twilio</c>.</summary>
    public string Provider { get; init; } = ExecutionOptions.LogProvider;

    public TwilioOptions Twilio { get; init; } = new();
}

public sealed class TwilioOptions
{
    public string? AccountSid { get; init; }

    /// <summary>Supply through an environment variable (<c>Execution__Sms__Twilio__AuthToken</c>) or a secret store.</summary>
    public string? AuthToken { get; init; }

    /// <summary>The sending number in E.164 form, or leave empty and set <see cref="MessagingServiceSid"/>.</summary>
    public string? From { get; init; }

    public string? MessagingServiceSid { get; init; }

    /// <summary>Twilio's API base address; tests point it at a local fake.</summary>
    public string? BaseUrl { get; init; }
}

public sealed class WriteBackOptions
{
    /// <summary>
    /// Where tier, points and reward-code write-backs go: <c>Demo</c> (the default: a local demo platform records them).
    /// Square and Shopify executors plug in as further <see cref="IPlatformWriter"/>s.
    /// </summary>
    public string Provider { get; init; } = ExecutionOptions.DemoPlatform;
}
