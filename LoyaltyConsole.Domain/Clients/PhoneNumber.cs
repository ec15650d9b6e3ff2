using LoyaltyConsole.Domain.Common;
using PhoneNumbers;

namespace LoyaltyConsole.Domain.Clients;

/// <summary>A phone number in E.164 form (+14155550123), normalised with libphonenumber.</summary>
public sealed record PhoneNumber
{
    public const int MaxLength = 16;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    private PhoneNumber(string e164) => E164 = e164;

    public string E164 { get; }

    /// <summary>Parses what a person or a platform typed; national numbers are read in <paramref name="defaultRegion"/>.</summary>
    public static PhoneNumber Parse(string raw, string defaultRegion = "US") =>
        TryParse(raw, defaultRegion, out var phone, out var error) ? phone : throw new DomainException(error);

    public static bool TryParse(string? raw, string defaultRegion, out PhoneNumber phone, out string error)
    {
        phone = null!;
        if (string.IsNullOrWhiteSpace(raw))
        {
            error = "Phone number is empty.";
            return false;
        }
        try
        {
            var parsed = Util.Parse(raw, defaultRegion);
            if (!Util.IsPossibleNumber(parsed))
            {
                error = $"'{raw}' is not a possible phone number.";
                return false;
            }
            phone = new PhoneNumber(Util.Format(parsed, PhoneNumberFormat.E164));
            error = "";
            return true;
        }
        catch (NumberParseException ex)
        {
            error = $"'{raw}' is not a phone number ({ex.Message}).";
            return false;
        }
    }

    /// <summary>Restores a value that was stored already normalised.</summary>
    public static PhoneNumber FromE164(string e164) => Parse(e164, "ZZ");

    /// <summary>Human form, e.g. +1 212-555-0123.</summary>
    public string International => Util.Format(Util.Parse(E164, "ZZ"), PhoneNumberFormat.INTERNATIONAL);

    public override string ToString() => E164;
}
