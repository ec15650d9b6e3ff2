using System.Text.RegularExpressions;

namespace LoyaltyConsole.Drafting;

/// <summary>
/// Last line of defence before text leaves for a language model: anything shaped like an email address or a phone
/// number is removed. Prompts are built from pseudonymous fields only; this catches what a future field might leak.
/// </summary>
public static partial class PromptPrivacyFilter
{
    public static string Scrub(string prompt) =>
        PhonePattern().Replace(EmailPattern().Replace(prompt, "[removed]"), "[removed]");

    [GeneratedRegex(@"[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}", RegexOptions.IgnoreCase)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"\+?\d[\d\s().-]{7,}\d")]
    private static partial Regex PhonePattern();
}
