namespace LoyaltyConsole.Sync;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddSync(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ConnectionSecrets>();
        return builder;
    }
}
