namespace LoyaltyConsole.DemoData;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddDemoData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.SectionName)
            .Validate(o => o.Clients is >= 1 and <= 1_000_000, "Demo:Clients must be between 1 and 1,000,000.")
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.UserPassword), "Demo:UserPassword is required when the demo is enabled.")
            .ValidateOnStart();
        builder.Services.AddSingleton<DemoSeeder>();
        builder.Services.AddSingleton<DemoDailyVisits>();
        builder.Services.AddScoped<DemoUsers>();
        builder.Services.AddSingleton<DemoProgram>();
        return builder;
    }
}
