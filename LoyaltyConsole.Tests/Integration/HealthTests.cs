using System.Net;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace LoyaltyConsole.Tests.Integration;

public sealed class HealthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_answers_Healthy_to_anyone_and_Unhealthy_once_the_scheduler_stops_firing()
    {
        await using var app = new TestApp(clients: 5, seedDemo: false);
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        var healthy = await WaitUntilHealthyAsync(client);

        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal("Healthy", await healthy.Content.ReadAsStringAsync(Ct));

        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);
        await scheduler.Standby(Ct);
        var unhealthy = await client.GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy.StatusCode);
        Assert.Equal("Unhealthy", await unhealthy.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task The_client_address_and_scheme_are_taken_from_forwarded_headers_only_from_a_known_proxy()
    {
        await using var app = new TestApp(clients: 5, seedDemo: false, settings: new Dictionary<string, string>
        {
            ["ReverseProxy:KnownProxies:0"] = "10.1.2.3",
            ["ReverseProxy:KnownNetworks:0"] = "192.168.50.0/24",
        });
        // /health answers 503 until the scheduler has started, which takes longer on a server database.
        await WaitUntilHealthyAsync(app.CreateClient());

        var fromProxy = await ForwardedRequestAsync(app, from: "10.1.2.3");
        var fromProxyNetwork = await ForwardedRequestAsync(app, from: "192.168.50.7");
        var fromElsewhere = await ForwardedRequestAsync(app, from: "10.9.9.9");

        Assert.Equal(("https", "203.0.113.9"), fromProxy);
        Assert.Equal(("https", "203.0.113.9"), fromProxyNetwork);
        Assert.Equal(("http", "10.9.9.9"), fromElsewhere);
    }

    private static async Task<HttpResponseMessage> WaitUntilHealthyAsync(HttpClient client)
    {
        // Quartz's hosted service starts the scheduler in the background once the app has started: until then, Unhealthy.
        var health = await client.GetAsync("/health", Ct);
        for (var waited = 0; waited < 200 && health.StatusCode != HttpStatusCode.OK; waited++)
        {
            await Task.Delay(100, Ct);
            health = await client.GetAsync("/health", Ct);
        }
        return health;
    }

    private static async Task<(string Scheme, string? ClientAddress)> ForwardedRequestAsync(TestApp app, string from)
    {
        var context = await app.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Scheme = "http";
            c.Request.Path = "/health";
            c.Connection.RemoteIpAddress = IPAddress.Parse(from);
            c.Request.Headers["X-Forwarded-For"] = "203.0.113.9";
            c.Request.Headers["X-Forwarded-Proto"] = "https";
        }, Ct);
        Assert.Equal(200, context.Response.StatusCode);
        return (context.Request.Scheme, context.Connection.RemoteIpAddress?.ToString());
    }
}
