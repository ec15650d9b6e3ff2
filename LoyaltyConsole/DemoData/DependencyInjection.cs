namespace LoyaltyConsole.DemoData;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddDemoData(this IHostApplicationBuilder builder)
    {
        var environment = builder.Environment;
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.SectionName)
            .Validate(o => o.Clients is >= 1 and <= 1_000_000, "Demo:Clients must be between 1 and 1,000,000.")
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.UserPassword), "Demo:UserPassword is required when the demo is enabled.")
            // The demo users' password is printed in the README: anywhere but a developer's machine they would be open doors.
            .Validate(o => !o.Enabled || environment.IsDevelopment(),
                $"Demo:Enabled is true in the '{environment.EnvironmentName}' environment. The demo creates users whose password is " +
                "published, so it runs only in Development: set Demo:Enabled to false (or unset it) outside Development.")
            .ValidateOnStart();
        builder.Services.AddSingleton<DemoSeeder>();
        builder.Services.AddSingleton<DemoDailyVisits>();
        builder.Services.AddScoped<DemoUsers>();
        builder.Services.AddSingleton<DemoProgram>();
        return builder;
    }
}
