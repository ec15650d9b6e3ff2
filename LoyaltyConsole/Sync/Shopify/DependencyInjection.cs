using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace LoyaltyConsole.Sync.Shopify;

public static class DependencyInjection
{
    /// <summary>
    /// The Shopify connector and its two HTTP clients. The GraphQL client has the standard resilience pipeline (total and
    /// per-attempt timeouts, a circuit breaker, retries with exponential backoff, jitter and Retry-After) whose retries
    /// are off for POST — so a mutation is never repeated blindly — except for requests marked as reads, which every
    /// GraphQL query is. The download client fetches bulk results from the storage address Shopify gives, without the
    /// access token, and has no overall timeout of its own: the download sets one that fits a large file.
    /// </summary>
    public static IHostApplicationBuilder AddShopify(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ShopifyOptions>().BindConfiguration(ShopifyOptions.SectionName)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DefaultApiVersion), "Sync:Shopify:DefaultApiVersion must name an Admin API version, e.g. 2026-01.")
            .Validate(o => o.CustomersPageSize is >= 1 and <= 250 && o.OrdersPageSize is >= 1 and <= 250, "Sync:Shopify page sizes must be between 1 and 250.")
            .Validate(o => o.LineItemsPerOrder is >= 1 and <= 250 && o.RefundsPerOrder is >= 1 and <= 250 && o.RefundsPerCall is >= 1 and <= 250 && o.LinesPerRefund is >= 1 and <= 250,
                "Sync:Shopify line item and refund sizes must be between 1 and 250.")
            .Validate(o => o.BulkThreshold is >= 1 and <= ShopifyOptions.PaginationCap, "Sync:Shopify:BulkThreshold must be between 1 and 25000 (Shopify paginates no further).")
            .Validate(o => o.BulkBatchSize is >= 1 and <= 100_000 && o.BulkPollMilliseconds is >= 10 and <= 600_000 && o.BulkMaxWaitMinutes is >= 1 and <= 10_080,
                "Sync:Shopify bulk settings are out of range (batch 1–100000, poll 10–600000 ms, wait 1–10080 minutes).")
            .Validate(o => o.MaxThrottledRetries is >= 1 and <= 100, "Sync:Shopify:MaxThrottledRetries must be between 1 and 100.")
            .Validate(o => o.MaxRetries is >= 1 and <= 20 && o.RetryDelayMilliseconds is >= 1 and <= 60_000, "Sync:Shopify retries must be 1–20 with a first delay of 1–60000 ms.")
            .Validate(o => o.AttemptTimeoutSeconds is >= 1 and <= 600 && o.RequestTimeoutSeconds > o.AttemptTimeoutSeconds && o.RequestTimeoutSeconds <= 3600,
                "Sync:Shopify:AttemptTimeoutSeconds must be 1–600 and RequestTimeoutSeconds above it, at most 3600.")
            .Validate(o => o.DownloadTimeoutMinutes is >= 1 and <= 1440, "Sync:Shopify:DownloadTimeoutMinutes must be between 1 and 1440.")
            .ValidateOnStart();
        builder.Services.AddHttpClient(ShopifyApi.HttpClientName, (sp, http) =>
                // The pipeline's timeouts govern; this one only catches a response body that stalls after its headers.
                http.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<ShopifyOptions>>().Value.RequestTimeoutSeconds + 30))
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) => ConfigureReads(resilience, sp.GetRequiredService<IOptions<ShopifyOptions>>().Value));
        builder.Services.AddHttpClient(ShopifyApi.DownloadClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) => ConfigureReads(resilience, sp.GetRequiredService<IOptions<ShopifyOptions>>().Value));
        builder.Services.AddSingleton<ShopifyApi>();
        builder.Services.AddSingleton<ISourceLocations>(sp => sp.GetRequiredService<ShopifyApi>());
        builder.Services.AddSingleton<ISourceConnector, ShopifyConnector>();
        return builder;
    }

    private static void ConfigureReads(HttpStandardResilienceOptions resilience, ShopifyOptions o)
    {
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
            args.Context.GetRequestMessage() is { } request && request.Options.TryGetValue(ShopifyApi.ReadOnlyRequest, out var read) && read
                ? anyMethod(args)
                : safeMethodsOnly(args);
    }
}
