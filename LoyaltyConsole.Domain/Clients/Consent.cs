using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Clients;

/// <summary>Whether a client agreed to be contacted on a channel, when, and where that was recorded.</summary>
public sealed record Consent
{
    public const int SourceMaxLength = 64;

    public static readonly Consent None = new(false, null, null);

    private Consent(bool granted, DateTime? changedAt, string? source)
    {
        Granted = granted;
        ChangedAt = changedAt;
        Source = source;
    }

    public bool Granted { get; private init; }
    public DateTime? ChangedAt { get; private init; }
    public string? Source { get; private init; }

    public static Consent Grant(DateTime at, string source) =>
        new(true, Guard.Utc(at, "Consent time"), Guard.Text(source, "Consent source", SourceMaxLength));

    public static Consent Withdraw(DateTime at, string source) =>
        new(false, Guard.Utc(at, "Consent time"), Guard.Text(source, "Consent source", SourceMaxLength));
}
