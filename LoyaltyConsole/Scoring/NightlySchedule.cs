namespace LoyaltyConsole.Scoring;

/// <summary>
/// Which day the nightly run should score. The job fires hourly; a day is scored once the night has come
/// (<see cref="ScoringOptions.NightlyLocalHour"/>) in every location's own time zone, so no location is scored
/// before its day is over.
/// </summary>
public static class NightlySchedule
{
    public static DateOnly CompletedDay(DateTime nowUtc, IEnumerable<string> timeZoneIds, int nightlyLocalHour)
    {
        var zones = timeZoneIds.DefaultIfEmpty("UTC");
        return zones
            .Select(id => TimeZoneInfo.ConvertTimeFromUtc(nowUtc, TimeZoneInfo.FindSystemTimeZoneById(id)).AddHours(-nightlyLocalHour))
            .Select(local => DateOnly.FromDateTime(local).AddDays(-1))
            .Min();
    }
}
