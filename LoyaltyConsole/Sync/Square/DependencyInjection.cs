using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace LoyaltyConsole.Sync.Square;

public static class DependencyInjection
{
    /// <summary>
    /// The Square connector and its HTTP client: the standard resilience pipeline (total and per-attempt timeouts, a
    /// circuit breaker, retries with exponential backoff, jitter and Retry-After), whose retries are off for POST, PUT,
    /// PATCH and DELETE — a write is never repeated blindly — except for requests marked as reads, Square's searches.
    /// </summary>
    public static IHostApplicationBuilder AddSquare(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SquareOptions>().BindConfiguration(SquareOptions.SectionName)
            .Validate(o => o.CustomersPageSize is >= 1 and <= 100, "Sync:Square:CustomersPageSize must be between 1 and 100.")
            .Validate(o => o.OrdersPageSize is >= 1 and <= 1000, "Sync:Square:OrdersPageSize must be between 1 and 1000.")
            .Validate(o => o.LoyaltyEventsPageSize is >= 1 and <= 30, "Sync:Square:LoyaltyEventsPageSize must be between 1 and 30.")
            .Validate(o => o.LoyaltyAccountsPageSize is >= 1 and <= 200, "Sync:Square:LoyaltyAccountsPageSize must be between 1 and 200.")
            .Validate(o => o.MaxRetries is >= 1 and <= 20 && o.RetryDelayMilliseconds is >= 1 and <= 60_000, "Sync:Square retries must be 1–20 with a first delay of 1–60000 ms.")
            .Validate(o => o.AttemptTimeoutSeconds is >= 1 and <= 600 && o.RequestTimeoutSeconds > o.AttemptTimeoutSeconds && o.RequestTimeoutSeconds <= 3600,
                "Sync:Square:AttemptTimeoutSeconds must be 1–600 and RequestTimeoutSeconds above it, at most 3600.")
            .ValidateOnStart();
        builder.Services.AddHttpClient(SquareApi.HttpClientName, (sp, http) =>
                // The pipeline's timeouts govern; this one only catches a response body that stalls after its headers.
                http.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<SquareOptions>>().Value.RequestTimeoutSeconds + 30))
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) =>
            {
                var o = sp.GetRequiredService<IOptions<SquareOptions>>().Value;
                resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(o.RequestTimeoutSeconds);
                resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(o.AttemptTimeoutSeconds);
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(Math.Max(30, 2 * o.AttemptTimeoutSeconds));
                resilience.Retry.MaxRetryAttempts = o.MaxRetries;
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(o.RetryDelayMilliseconds);
                resilience.Retry.MaxDelay = TimeSpan.FromMinutes(1);
                resilience.Retry.BackoffType = DelayBackoffType.Exponential;
                resilience.Retry.UseJitter = true;
                resilience.Retry.ShouldRetryAfterHeader = true;
                var anyMethod = resilience.Retry.ShouldHandle;
                resilience.Retry.DisableForUnsafeHttpMethods();
                var safeMethodsOnly = resilience.Retry.ShouldHandle;
                resilience.Retry.ShouldHandle = args =>
                    args.Context.GetRequestMessage() is { } request && request.Options.TryGetValue(SquareApi.ReadOnlyRequest, out var read) && read
                        ? anyMethod(args)
                        : safeMethodsOnly(args);
            });
        builder.Services.AddSingleton<SquareApi>();
        builder.Services.AddSingleton<ISourceLocations>(sp => sp.GetRequiredService<SquareApi>());
        builder.Services.AddSingleton<ISourceConnector, SquareConnector>();
        return builder;
    }
}
