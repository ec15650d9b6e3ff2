using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LoyaltyConsole.Data;

internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => EnsureUtc(v),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc))
{
    private static DateTime EnsureUtc(DateTime value) => value.Kind == DateTimeKind.Utc
        ? value
        : throw new InvalidOperationException($"Only UTC times are stored; got a {value.Kind} time.");
}
