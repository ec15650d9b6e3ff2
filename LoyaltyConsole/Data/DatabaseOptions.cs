namespace LoyaltyConsole.Data;

public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>Apply pending migrations when the app starts. Turn off when deployments run <c>-- migrate</c>.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
