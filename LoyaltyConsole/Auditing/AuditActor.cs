using System.Security.Claims;

namespace LoyaltyConsole.Auditing;

/// <summary>Who did something: a signed-in user, a CLI operator or the system itself.</summary>
public sealed record AuditActor(string Id, string Name)
{
    public const string SystemId = "system";
    public const string CliId = "cli";

    public static readonly AuditActor System = new(SystemId, "System");

    /// <summary>A signed-in person, whose current access every command re-reads; the system and CLI operators act unrestricted.</summary>
    public bool IsUser => Id is not (SystemId or CliId);

    public static AuditActor Cli(string who) => new(CliId, $"CLI ({who})");

    public static AuditActor From(ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The user is not signed in."),
        user.Identity?.Name ?? "unknown");
}
