using System.Globalization;

namespace LoyaltyConsole.Domain.Guardrails;

/// <summary>
/// Messages go out only between <see cref="Start"/> and <see cref="End"/> on the client's location's local clock
/// (default 08:00–21:00), computed with the IANA zone so daylight-saving changes are honoured.
/// </summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    public const string Code = "quiet-hours";

    public static readonly QuietHours Default = new(new TimeOnly(8, 0), new TimeOnly(21, 0));

    public bool IsAllowed(DateTime plannedUtc, string timeZoneId)
    {
        var local = TimeOnly.FromDateTime(ToLocal(plannedUtc, timeZoneId));
        return Start <= End ? local >= Start && local < End : local >= Start || local < End;
    }

    public GuardrailResult Check(DateTime plannedUtc, string timeZoneId)
    {
        var local = ToLocal(plannedUtc, timeZoneId);
        var window = $"{Start:HH\\:mm}–{End:HH\\:mm}";
        return IsAllowed(plannedUtc, timeZoneId)
            ? GuardrailResult.Pass(Code, $"Sends at {local.ToString("HH:mm", CultureInfo.InvariantCulture)} local time ({timeZoneId}), inside {window}.")
            : GuardrailResult.Block(Code,
                $"Would send at {local.ToString("HH:mm", CultureInfo.InvariantCulture)} local time ({timeZoneId}), outside {window}; next allowed {ToLocal(NextAllowed(plannedUtc, timeZoneId), timeZoneId).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} local.");
    }

    /// <summary>The first UTC instant at or after <paramref name="plannedUtc"/> inside the window.</summary>
    public DateTime NextAllowed(DateTime plannedUtc, string timeZoneId)
    {
        if (IsAllowed(plannedUtc, timeZoneId))
        {
            return plannedUtc;
        }
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
        var local = ToLocal(plannedUtc, timeZoneId);
        var day = DateOnly.FromDateTime(local);
        if (TimeOnly.FromDateTime(local) >= Start)
        {
            day = day.AddDays(1);
        }
        var start = day.ToDateTime(Start);
        // A start time inside a spring-forward gap does not exist locally; the first valid minute after it does.
        while (zone.IsInvalidTime(start))
        {
            start = start.AddMinutes(1);
        }
        return TimeZoneInfo.ConvertTimeToUtc(start, zone);
    }

    private static DateTime ToLocal(DateTime utc, string timeZoneId)
    {
        if (utc.Kind != DateTimeKind.Utc)
        {
            throw new Common.DomainException("Planned send times must be UTC.");
        }
        return TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.FindSystemTimeZoneById(timeZoneId));
    }
}
