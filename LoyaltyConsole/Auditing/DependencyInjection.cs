namespace LoyaltyConsole.Auditing;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddAuditing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName);
        builder.Services.AddSingleton<AuditChainKeySource>();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<AuditVerifier>();
        return builder;
    }
}
