using System.Security.Claims;

namespace LoyaltyConsole.Auditing;

/// <summary>Who did something: a signed-in user, a CLI operator or the system itself.</summary>
public sealed record AuditActor(string Id, string Name)
{
    public static readonly AuditActor System = new("system", "System");

    public static AuditActor Cli(string who) => new("cli", $"CLI ({who})");

    public static AuditActor From(ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The user is not signed in."),
        user.Identity?.Name ?? "unknown");
}
