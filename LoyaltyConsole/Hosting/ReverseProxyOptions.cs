namespace LoyaltyConsole.Hosting;

/// <summary>
/// The proxies (load balancer, TLS terminator) whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> the app believes.
/// Loopback is always trusted; a request from any other address keeps its own client address and scheme.
/// </summary>
public sealed class ReverseProxyOptions
{
    public const string SectionName = "ReverseProxy";

    /// <summary>Addresses of the proxies, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; init; } = [];

    /// <summary>Networks the proxies are in, in CIDR notation, e.g. <c>10.0.0.0/24</c>.</summary>
    public List<string> KnownNetworks { get; init; } = [];

    /// <summary>How many proxies in a row to unwind (1: one load balancer in front of the app).</summary>
    public int ForwardLimit { get; init; } = 1;
}
