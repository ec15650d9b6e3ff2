using System.Globalization;

namespace LoyaltyConsole.Domain.Guardrails;

/// <summary>How an SMS is encoded on the wire: GSM 03.38 7-bit when every character allows it, UCS-2 otherwise.</summary>
public enum SmsEncodingKind
{
    Gsm7,
    Ucs2,
}

/// <summary>
/// What one SMS text costs: its encoding, its length in encoding units (GSM-7 septets or UTF-16 code units), the number
/// of segments the carrier bills, and the characters that forced UCS-2 (empty for GSM-7).
/// </summary>
public sealed record SmsAnalysis(SmsEncodingKind Encoding, int Units, int Segments, IReadOnlyList<string> NonGsmCharacters);

/// <summary>
/// Counts SMS segments the way carriers do, so a draft's cost is known before it is sent. One character outside the GSM
/// alphabet (a curly apostrophe pasted from a word processor, an emoji) switches the whole message to UCS-2 and more
/// than halves the characters per segment, which is why the offending characters are reported.
/// </summary>
public static class SmsEncoding
{
    private const int Gsm7SingleSegmentUnits = 160;
    private const int Gsm7MultipartSegmentUnits = 153;
    private const int Ucs2SingleSegmentUnits = 70;
    private const int Ucs2MultipartSegmentUnits = 67;

    // GSM 03.38 basic table, minus ESC (0x1B): ESC only introduces an extension character and is not text to send.
    private const string BasicTable =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    // GSM 03.38 extension table: each is sent as ESC plus a septet, so it costs two units.
    private const string ExtensionTable = "\f^{}\\[~]|€";

    /// <summary>True when <paramref name="c"/> is sent as ESC plus a septet and so costs two GSM-7 units.</summary>
    internal static bool IsGsmExtension(char c) => ExtensionTable.Contains(c, StringComparison.Ordinal);

    /// <summary>True when <paramref name="c"/> can be sent in GSM-7 (basic or extension table).</summary>
    internal static bool IsGsm(char c) => BasicTable.Contains(c, StringComparison.Ordinal) || IsGsmExtension(c);

    /// <summary>Encoding, units and billed segments of <paramref name="text"/>; an empty text is 0 units in 0 segments.</summary>
    public static SmsAnalysis Analyze(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        var nonGsm = NonGsmCharacters(text);
        if (nonGsm.Count == 0)
        {
            var costs = text.Select(c => IsGsmExtension(c) ? 2 : 1).ToList();
            var units = costs.Sum();
            return new SmsAnalysis(SmsEncodingKind.Gsm7, units, Segments(costs, units, Gsm7SingleSegmentUnits, Gsm7MultipartSegmentUnits), nonGsm);
        }

        var ucs2Costs = Ucs2Costs(text);
        return new SmsAnalysis(SmsEncodingKind.Ucs2, text.Length, Segments(ucs2Costs, text.Length, Ucs2SingleSegmentUnits, Ucs2MultipartSegmentUnits), nonGsm);
    }

    // Reported per user-perceived character (grapheme), so "❤️" or a decomposed "é" shows as one entry a reviewer recognises.
    private static List<string> NonGsmCharacters(string text)
    {
        var found = new List<string>();
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            if (!element.All(IsGsm) && !found.Contains(element, StringComparer.Ordinal))
            {
                found.Add(element);
            }
        }
        return found;
    }

    // A surrogate pair is one character and must travel in one segment, so it is priced as a single indivisible 2-unit item.
    private static List<int> Ucs2Costs(string text)
    {
        var costs = new List<int>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                costs.Add(2);
                i++;
            }
            else
            {
                costs.Add(1);
            }
        }
        return costs;
    }

    // Multipart segments lose units to the concatenation header; an item that would straddle a boundary starts the next
    // segment instead, because handsets cannot reassemble a character split across two messages.
    private static int Segments(List<int> costs, int units, int singleLimit, int multipartLimit)
    {
        if (units == 0)
        {
            return 0;
        }
        if (units <= singleLimit)
        {
            return 1;
        }
        var segments = 1;
        var used = 0;
        foreach (var cost in costs)
        {
            if (used + cost > multipartLimit)
            {
                segments++;
                used = 0;
            }
            used += cost;
        }
        return segments;
    }
}
