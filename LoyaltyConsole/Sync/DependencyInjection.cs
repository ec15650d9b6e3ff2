using LoyaltyConsole.Sync.Shopify;
using LoyaltyConsole.Sync.Square;
using LoyaltyConsole.Sync.Webhooks;

namespace LoyaltyConsole.Sync;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddSync(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SyncOptions>().BindConfiguration(SyncOptions.SectionName)
            .Validate(o => o.PointsPerCurrencyUnit is >= 0 and <= 1000, "Sync:PointsPerCurrencyUnit must be between 0 and 1000.")
            .Validate(o => o.PointValueMinor is >= 0 and <= 100_000, "Sync:PointValueMinor must be between 0 and 100000.")
            .Validate(o => o.BatchSize is >= 100 and <= 100_000, "Sync:BatchSize must be between 100 and 100000.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ConnectionSecrets>();
        builder.Services.AddSingleton<SyncWriter>();
        builder.Services.AddSingleton<SyncRunner>();
        builder.Services.AddSingleton<ConnectionAdministration>();
        builder.Services.AddSingleton<DataQualityService>();
        builder.Services.AddSingleton<ImportService>();
        builder.AddWebhooks();
        builder.AddSquare();
        builder.AddShopify();
        return builder;
    }
}
