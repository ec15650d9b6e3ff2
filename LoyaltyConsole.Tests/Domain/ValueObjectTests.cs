using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Locations;

namespace LoyaltyConsole.Tests.Domain;

public sealed class ValueObjectTests
{
    [Theory]
    [InlineData("(212) 555-0142", "US", "+12125550142")]
    [InlineData("+44 20 7946 0958", "US", "+442079460958")]
    [InlineData("020 7946 0958", "GB", "+442079460958")]
    [InlineData("212.555.0142", "US", "+12125550142")]
    public void Phone_numbers_are_normalised_to_E164(string raw, string region, string expected) =>
        Assert.Equal(expected, PhoneNumber.Parse(raw, region).E164);

    [Theory]
    [InlineData("")]
    [InlineData("call me")]
    [InlineData("12")]
    public void Impossible_phone_numbers_are_refused_with_a_clear_message(string raw)
    {
        Assert.False(PhoneNumber.TryParse(raw, "US", out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Money_adds_only_the_same_currency_and_formats_minor_units()
    {
        var total = new Money(8500, "USD") + new Money(1999, "USD");

        Assert.Equal(10499, total.Minor);
        Assert.Equal("$104.99", total.ToString());
        Assert.Throws<DomainException>(() => new Money(1, "USD") + new Money(1, "EUR"));
    }

    [Fact]
    public void Location_requires_an_IANA_time_zone_and_an_ISO_currency()
    {
        var ok = new Location("SoHo", "America/New_York", "usd", Sources.Demo, "l1");
        Assert.Equal("USD", ok.Currency);

        Assert.Contains("IANA", Assert.Throws<DomainException>(() => new Location("X", "Eastern Time", "USD", Sources.Demo, "l2")).Message, StringComparison.Ordinal);
        Assert.Throws<DomainException>(() => new Location("X", "America/New_York", "DOLLARS", Sources.Demo, "l3"));
    }

    [Fact]
    public void Location_converts_local_business_hours_across_daylight_saving()
    {
        var location = new Location("SoHo", "America/New_York", "USD", Sources.Demo, "l1");

        Assert.Equal(new DateTime(2026, 1, 15, 14, 0, 0, DateTimeKind.Utc), location.ToUtc(new DateTime(2026, 1, 15, 9, 0, 0)));
        Assert.Equal(new DateTime(2026, 7, 15, 13, 0, 0, DateTimeKind.Utc), location.ToUtc(new DateTime(2026, 7, 15, 9, 0, 0)));
    }

    [Fact]
    public void Synced_records_need_a_source_and_an_external_id() =>
        Assert.Throws<DomainException>(() => new Location("SoHo", "America/New_York", "USD", Sources.Demo, " "));
}
