using LoyaltyConsole.Sync.Webhooks;

namespace LoyaltyConsole.Sync;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddSync(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ConnectionSecrets>();
        builder.AddWebhooks();
        return builder;
    }
}
