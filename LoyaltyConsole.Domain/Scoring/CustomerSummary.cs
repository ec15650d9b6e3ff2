namespace LoyaltyConsole.Domain.Scoring;

/// <summary>
/// A customer's calibration history. Frequency = x, repeat transactions; Recency = t_x, time of the last repeat
/// since the first purchase (0 when x = 0); Age = T, time since the first purchase. Recency and Age share one unit.
/// </summary>
public readonly record struct CustomerSummary(double Frequency, double Recency, double Age);
