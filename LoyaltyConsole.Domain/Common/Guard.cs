namespace LoyaltyConsole.Domain.Common;

/// <summary>The checks every entity makes of what it is given; a failure is a <see cref="DomainException"/> naming the field.</summary>
public static class Guard
{
    public static string Text(string? value, string name, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new DomainException($"{name} is required.");
        }
        if (trimmed.Length > maxLength)
        {
            throw new DomainException($"{name} must be at most {maxLength} characters.");
        }
        return trimmed;
    }

    public static string? OptionalText(string? value, string name, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }
        return trimmed.Length > maxLength
            ? throw new DomainException($"{name} must be at most {maxLength} characters.")
            : trimmed;
    }

    public static DateTime Utc(DateTime value, string name) =>
        value.Kind == DateTimeKind.Utc ? value : throw new DomainException($"{name} must be a UTC time.");
}
