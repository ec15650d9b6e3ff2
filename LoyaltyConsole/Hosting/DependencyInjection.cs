using System.Net;
using LoyaltyConsole.Data;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Hosting;

/// <summary>What running behind a load balancer needs: forwarded headers from known proxies, and a health endpoint.</summary>
public static class DependencyInjection
{
    public const string HealthPath = "/health";

    public static IHostApplicationBuilder AddHosting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReverseProxyOptions>().BindConfiguration(ReverseProxyOptions.SectionName)
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)), "Every ReverseProxy:KnownProxies entry must be an IP address.")
            .Validate(o => o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)), "Every ReverseProxy:KnownNetworks entry must be a network in CIDR notation, e.g. 10.0.0.0/24.")
            .Validate(o => o.ForwardLimit is >= 1 and <= 10, "ReverseProxy:ForwardLimit must be between 1 and 10.")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ReverseProxyOptions>>((forwarded, proxy) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = proxy.Value.ForwardLimit;
            foreach (var address in proxy.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(address));
            }
            foreach (var network in proxy.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        // A startup filter runs ahead of everything the app adds, routing and authentication included, so that the login
        // redirect, HSTS and secure cookies see the client's scheme rather than the proxy's plain HTTP.
        builder.Services.AddTransient<IStartupFilter, ForwardedHeadersStartupFilter>();

        builder.Services.AddHealthChecks().AddDbContextCheck<ApplicationDbContext>("database");
        return builder;
    }

    /// <summary>
    /// <c>/health</c>: <c>Healthy</c> (200) or <c>Unhealthy</c> (503) in plain text, for load balancers, without signing in.
    /// Which check failed, and why, is logged.
    /// </summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks(HealthPath).AllowAnonymous();
        return app;
    }

    private sealed class ForwardedHeadersStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseForwardedHeaders();
            next(app);
        };
    }
}
