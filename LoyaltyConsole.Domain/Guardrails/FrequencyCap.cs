namespace LoyaltyConsole.Domain.Guardrails;

/// <summary>At most <c>MaxMessages</c> marketing messages on one channel to one client within a rolling window.</summary>
public sealed record FrequencyCap(string Channel, int MaxMessages, TimeSpan Window)
{
    public const string Code = "frequency";

    /// <param name="sentAtUtc">
    /// What is already reserved, approved or sent to this client on this channel. Messages planned after
    /// <paramref name="plannedAtUtc"/> count too: an approved message for next Tuesday leaves no room for one on Monday.
    /// </param>
    public GuardrailResult Check(IEnumerable<DateTime> sentAtUtc, DateTime plannedAtUtc)
    {
        if (MaxMessages < 0 || Window <= TimeSpan.Zero)
        {
            throw new Common.DomainException("A frequency cap needs a non-negative count and a positive window.");
        }
        var windowStart = plannedAtUtc - Window;
        var windowEnd = plannedAtUtc + Window;
        var inWindow = sentAtUtc.Where(t => t > windowStart && t < windowEnd).OrderBy(t => t).ToList();
        var days = Window.TotalDays;
        var period = days >= 1 && days == Math.Floor(days) ? $"{days:0} day{(days == 1 ? "" : "s")}" : $"{Window.TotalHours:0.#} hours";
        if (MaxMessages == 0)
        {
            return GuardrailResult.Block(Code, $"The cap allows no {Channel} messages to a client.");
        }
        if (inWindow.Count < MaxMessages)
        {
            return GuardrailResult.Pass(Code, $"{inWindow.Count} {Channel} message(s) within {period} of this one; the cap is {MaxMessages}.");
        }
        if (inWindow[^1] <= plannedAtUtc)
        {
            // Only earlier messages: the oldest that must age out before another is allowed.
            var freeAt = inWindow[inWindow.Count - MaxMessages] + Window;
            return GuardrailResult.Block(Code,
                $"{inWindow.Count} {Channel} message(s) already in the last {period}; the cap is {MaxMessages}. Next allowed after {freeAt:yyyy-MM-dd HH:mm} UTC.");
        }
        return GuardrailResult.Block(Code,
            $"{inWindow.Count} {Channel} message(s) already reserved, approved or sent within {period} of this one (the next at {inWindow.First(t => t > plannedAtUtc):yyyy-MM-dd HH:mm} UTC); the cap is {MaxMessages}.");
    }
}
