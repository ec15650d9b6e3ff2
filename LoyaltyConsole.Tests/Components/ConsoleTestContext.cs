using System.Security.Claims;
using Bunit;
using LoyaltyConsole.DemoData;
using LoyaltyConsole.Features.Clients;
using LoyaltyConsole.Identity;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace LoyaltyConsole.Tests.Components;

/// <summary>
/// Shared bUnit setup: MudBlazor services, loose JS interop, a popover provider, the app's real services over a
/// real (per-test) SQLite database, and a fake signed-in user whose policies follow the app's role map.
/// </summary>
public abstract class ConsoleTestContext : BunitContext, IAsyncLifetime
{
    protected TestApp App { get; }

    protected ConsoleTestContext(int clients = 80)
    {
        App = new TestApp(clients: clients);
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public ValueTask InitializeAsync()
    {
        Services.AddSingleton(App.Get<ClientDirectory>());
        Services.AddSingleton(App.Get<AccessScopeResolver>());
        Services.AddSingleton(App.Get<LoyaltyConsole.Scoring.ScoringQuery>());
        Services.AddSingleton(App.Get<LoyaltyConsole.Scoring.SegmentCatalog>());
        Services.AddSingleton(App.Get<LoyaltyConsole.Proposals.ProgramCatalog>());
        Services.AddSingleton(App.Get<LoyaltyConsole.Review.ReviewQueue>());
        Services.AddSingleton(App.Get<LoyaltyConsole.Review.ReviewService>());
        Services.AddSingleton(App.Get<LoyaltyConsole.Features.Audit.AuditQuery>());
        Services.AddSingleton(App.Get<LoyaltyConsole.Auditing.AuditVerifier>());
        Services.AddSingleton(App.Get<LoyaltyConsole.Features.Webhooks.WebhookInbox>());
        Services.AddSingleton(App.Get<LoyaltyConsole.Execution.OutboxAdministration>());
        Services.AddSingleton(App.Get<LoyaltyConsole.Jobs.JobCatalog>());
        return ValueTask.CompletedTask;
    }

    protected async Task SignInAsync(DemoUser demo)
    {
        var principal = await App.PrincipalAsync(demo);
        var roles = Roles.All.Where(principal.IsInRole).ToArray();
        AddAuthorization()
            .SetAuthorized(demo.Email)
            .SetRoles(roles)
            .SetPolicies(Policies.RolesByPolicy.Where(p => p.Value.Intersect(roles).Any()).Select(p => p.Key).ToArray())
            .SetClaims(new Claim(ClaimTypes.NameIdentifier, principal.FindFirstValue(ClaimTypes.NameIdentifier)!));
        Render<MudPopoverProvider>();
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await App.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public static class RenderedComponentExtensions
{
    /// <summary>
    /// Finds and clicks on the renderer's own thread, so a render in between (a grid filling in its rows) can never
    /// leave the click on an element that has just been replaced.
    /// </summary>
    public static Task ClickAsync<TComponent>(this IRenderedComponent<TComponent> cut, string selector, Func<AngleSharp.Dom.IElement, bool>? which = null)
        where TComponent : Microsoft.AspNetCore.Components.IComponent =>
        cut.InvokeAsync(() => cut.FindAll(selector).First(which ?? (_ => true)).Click());
}
