using LoyaltyConsole.Components;
using LoyaltyConsole.Features.Audit;
using LoyaltyConsole.Features.Clients;
using LoyaltyConsole.Features.Users;
using LoyaltyConsole.Features.Webhooks;
using MudBlazor.Services;

namespace LoyaltyConsole;

internal static class ConsoleUi
{
    public static IHostApplicationBuilder AddConsoleUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        // The webhook inbox starts the apply job after a replay: the web app's, which has the scheduler.
        builder.Services.AddSingleton<WebhookInbox>();
        return builder.AddConsoleFeatures();
    }

    /// <summary>The pages' queries and the clock, without the pages: what the command-line verbs share with them.</summary>
    public static IHostApplicationBuilder AddConsoleFeatures(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ClientDirectory>();
        builder.Services.AddSingleton<AuditQuery>();
        builder.Services.AddSingleton<UserAdministration>();
        return builder;
    }

    public static WebApplication UseConsoleUi(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            app.UseMigrationsEndPoint();
        }
        else
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();
        // The fallback policy requires a signed-in user for every endpoint without its own rule; stylesheets and scripts
        // hold nothing private, and the login, password and error pages need them before anyone has signed in.
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();
        return app;
    }
}
