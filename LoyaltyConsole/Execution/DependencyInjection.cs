using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Execution;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddExecution(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ExecutionOptions>().BindConfiguration(ExecutionOptions.SectionName)
            .Validate(o => o.LeaseSeconds is >= 30 and <= 3600, "Execution:LeaseSeconds must be between 30 and 3600.")
            .Validate(o => o.BatchSize is >= 1 and <= 1000 && o.MaxAttempts is >= 1 and <= 50, "Execution:BatchSize (1–1000) and MaxAttempts (1–50) are out of range.")
            .Validate(o => o.RetryAfterSeconds > 0 && o.TimeoutSeconds > 0 && o.MaxRunSeconds > 0, "Execution: RetryAfterSeconds, TimeoutSeconds and MaxRunSeconds must be positive.")
            .Validate(o => o.TimeoutSeconds < o.LeaseSeconds, "Execution:TimeoutSeconds must be shorter than LeaseSeconds, or a slow call would outlive its lease.")
            .Validate(o => o.Sms.Provider is ExecutionOptions.LogProvider or ExecutionOptions.TwilioProvider, "Execution:Sms:Provider must be Log or Twilio.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ISmsSender, LogSmsSender>();
        builder.Services.AddSingleton<ISmsSender, TwilioSmsSender>();
        // One request per send and no retry handler: a send has no idempotency key, so only the outbox decides about a repeat.
        builder.Services.AddHttpClient(TwilioSmsSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .AddHttpMessageHandler(sp => sp.GetRequiredService<IOptions<ExecutionOptions>>().Value.Sms.Twilio.BaseUrl is { Length: > 0 } url
                ? new TwilioBaseUrlHandler(new Uri(url))
                : new PassThroughHandler());
        builder.Services.AddSingleton<IPlatformWriter, DemoPlatformWriter>();
        builder.Services.AddSingleton(sp => ExecutorCatalog.FromConfiguration(sp, sp.GetRequiredService<IOptions<ExecutionOptions>>().Value));
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddSingleton<OutboxAdministration>();
        return builder;
    }

    private sealed class PassThroughHandler : DelegatingHandler;
}
