namespace LoyaltyConsole.DemoData;

public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Demo business features (daily visits job, demo users). Development only: start-up refuses it in any other environment.</summary>
    public bool Enabled { get; set; }

    /// <summary>Generate the demo business when the app starts on an empty database.</summary>
    public bool SeedOnEmptyDatabase { get; set; }

    public int Clients { get; set; } = 5000;
    public int Seed { get; set; } = 42;

    /// <summary>Password of the demo users. Development only; never used in Production.</summary>
    public string UserPassword { get; set; } = "Demo-Pass-2026";
}
