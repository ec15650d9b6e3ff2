namespace LoyaltyConsole.Auditing;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddAuditing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<AuditVerifier>();
        return builder;
    }
}
