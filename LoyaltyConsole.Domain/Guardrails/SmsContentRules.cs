using System.Globalization;
using System.Text.RegularExpressions;

namespace LoyaltyConsole.Domain.Guardrails;

/// <summary>The marketing team's limits on SMS copy, set per business.</summary>
/// <param name="MaxSegments">Most billed segments one message may cost.</param>
/// <param name="OptOutSentence">Sentence every message must carry, e.g. "Reply STOP to opt out.".</param>
/// <param name="AllowedLinkDomains">Domains links may point to; their subdomains are allowed too.</param>
/// <param name="BannedWords">Words or phrases that must not appear, matched as whole words ignoring case.</param>
public sealed record SmsPolicy(
    int MaxSegments,
    string OptOutSentence,
    IReadOnlyList<string> AllowedLinkDomains,
    IReadOnlyList<string> BannedWords);

/// <summary>
/// Checks drafted SMS copy against <see cref="SmsPolicy"/> and against the offer it is meant to carry. Every rule
/// returns a verdict with a sentence a reviewer can act on, so a blocked draft says what to change rather than just "no".
/// </summary>
public static partial class SmsContentRules
{
    public const string LengthCode = "sms.length";
    public const string OptOutCode = "sms.opt-out";
    public const string LinksCode = "sms.links";
    public const string BannedWordsCode = "sms.banned-words";
    public const string OfferCode = "sms.offer";
    public const string PlaceholdersCode = "sms.placeholders";

    // Length is judged on what a real client receives, so placeholders are priced at a typical long value rather than
    // their own "{...}" text (whose braces are 2-unit GSM extension characters). Placeholders without a typical value
    // keep their written length.
    private static readonly Dictionary<string, string> TypicalValues = new(StringComparer.Ordinal)
    {
        ["{first_name}"] = "Alexandria",
    };

    // Enough to tell a reviewer what to fix without flooding the sentence when a whole paragraph is pasted in.
    private const int MaxCharactersListed = 8;

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Runs every rule and returns one verdict per rule, in the order of the codes above.</summary>
    public static IReadOnlyList<GuardrailResult> Check(
        string text, SmsPolicy policy, IReadOnlyList<string> offerTokens, IReadOnlyList<string> allowedPlaceholders)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(offerTokens);
        ArgumentNullException.ThrowIfNull(allowedPlaceholders);

        return
        [
            Length(text, policy.MaxSegments),
            OptOut(text, policy.OptOutSentence),
            Links(text, policy.AllowedLinkDomains),
            BannedWords(text, policy.BannedWords),
            Offer(text, offerTokens),
            Placeholders(text, allowedPlaceholders),
        ];
    }

    private static GuardrailResult Length(string text, int maxSegments)
    {
        var sample = TypicalValues.Aggregate(text, (current, typical) => current.Replace(typical.Key, typical.Value, StringComparison.Ordinal));
        var analysis = SmsEncoding.Analyze(sample);
        var passed = analysis.Segments <= maxSegments;
        var segments = Plural(analysis.Segments, "segment");

        string reason;
        if (analysis.Encoding == SmsEncodingKind.Ucs2)
        {
            reason = $"Uses characters outside GSM-7 ({List(analysis.NonGsmCharacters)}): sent as UCS-2, {segments}; the limit is {maxSegments}.";
        }
        else
        {
            // Extension characters cost two units each, which explains a count that exceeds what the reviewer sees.
            var doubled = sample.Where(SmsEncoding.IsGsmExtension).Distinct().Select(c => c == '\f' ? "form feed" : c.ToString()).ToList();
            var counting = doubled.Count == 0 ? "" : $" counting {List(doubled)} as two each";
            reason = $"{segments} (GSM-7, {analysis.Units} characters{counting}); the limit is {maxSegments}.";
        }
        return passed ? GuardrailResult.Pass(LengthCode, reason) : GuardrailResult.Block(LengthCode, reason);
    }

    private static GuardrailResult OptOut(string text, string sentence)
    {
        var wanted = NormaliseWhitespace(sentence ?? "");
        if (wanted.Length == 0)
        {
            return GuardrailResult.Pass(OptOutCode, "No opt-out sentence is required.");
        }
        return NormaliseWhitespace(text).Contains(wanted, StringComparison.OrdinalIgnoreCase)
            ? GuardrailResult.Pass(OptOutCode, $"Includes the opt-out sentence \"{wanted}\".")
            : GuardrailResult.Block(OptOutCode, $"Missing the opt-out sentence \"{wanted}\".");
    }

    private static GuardrailResult Links(string text, IReadOnlyList<string> allowedDomains)
    {
        var hosts = LinkHosts(text);
        if (hosts.Count == 0)
        {
            return GuardrailResult.Pass(LinksCode, "No links.");
        }

        var allowed = allowedDomains
            .Select(d => ComparableHost(d.Trim().TrimStart('.')))
            .Where(d => d.Length > 0)
            .ToList();
        var offending = hosts
            .Where(h => !allowed.Any(d => IsSameOrSubdomain(ComparableHost(h), d)))
            .ToList();
        var allowedText = allowedDomains.Count == 0 ? "no domains are allowed" : $"allowed: {string.Join(", ", allowedDomains)}";
        return offending.Count == 0
            ? GuardrailResult.Pass(LinksCode, $"Links only to allowed domains ({string.Join(", ", hosts)}).")
            : GuardrailResult.Block(LinksCode, $"Links to domains that are not allowed ({string.Join(", ", offending)}); {allowedText}.");
    }

    private static GuardrailResult BannedWords(string text, IReadOnlyList<string> bannedWords)
    {
        var found = bannedWords
            .Where(w => !string.IsNullOrWhiteSpace(w) && WholeWord(w).IsMatch(text))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return found.Count == 0
            ? GuardrailResult.Pass(BannedWordsCode, "No banned words.")
            : GuardrailResult.Block(BannedWordsCode, $"Uses banned {(found.Count == 1 ? "word" : "words")}: {string.Join(", ", found)}.");
    }

    private static GuardrailResult Offer(string text, IReadOnlyList<string> offerTokens)
    {
        var tokens = offerTokens.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).ToList();
        if (tokens.Count == 0)
        {
            return GuardrailResult.Pass(OfferCode, "No offer to check.");
        }

        var reward = tokens[0];
        var allowedPercents = tokens.SelectMany(t => PercentRegex().Matches(t)).Select(m => Number(m.Groups["value"].Value)).ToHashSet();
        var allowedMoney = tokens.SelectMany(t => MoneyRegex().Matches(t)).Select(Money).ToHashSet();

        // A different figure is the costly mistake (promising 30% when the reward is 20%), so it is named even when the
        // right figure also appears.
        var wrong = new List<string>();
        wrong.AddRange(PercentRegex().Matches(text)
            .Where(m => !allowedPercents.Contains(Number(m.Groups["value"].Value)))
            .Select(m => m.Value));
        wrong.AddRange(MoneyRegex().Matches(text)
            .Where(m => !allowedMoney.Contains(Money(m)))
            .Select(m => m.Value));
        wrong = wrong.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (wrong.Count > 0)
        {
            return GuardrailResult.Block(OfferCode, $"Mentions {string.Join(", ", wrong)} but the reward is {reward}.");
        }

        var textPercents = PercentRegex().Matches(text).Select(m => Number(m.Groups["value"].Value)).ToHashSet();
        var textMoney = MoneyRegex().Matches(text).Select(Money).ToHashSet();
        // The phrasing the text actually uses is named first; a same-value spelling ("20 %") only when none is used verbatim.
        var mentioned = tokens.FirstOrDefault(t => MentionsToken(text, t)) ?? tokens.FirstOrDefault(t => SameFigure(t, textPercents, textMoney));
        return mentioned is null
            ? GuardrailResult.Block(OfferCode, $"Does not mention the offer ({string.Join(" or ", tokens)}).")
            : GuardrailResult.Pass(OfferCode, $"Mentions the offer ({mentioned}).");
    }

    private static GuardrailResult Placeholders(string text, IReadOnlyList<string> allowedPlaceholders)
    {
        var allowed = allowedPlaceholders
            .Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => p.Trim())
            .Select(p => p.StartsWith('{') ? p : "{" + p + "}")
            .ToList();
        var used = PlaceholderRegex().Matches(text).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
        var unknown = used.Where(p => !allowed.Contains(p, StringComparer.Ordinal)).ToList();
        var stray = PlaceholderRegex().Replace(text, "").Any(c => c is '{' or '}');

        var problems = new List<string>();
        if (unknown.Count > 0)
        {
            var allowedText = allowed.Count == 0 ? "no placeholders are allowed" : $"allowed: {string.Join(", ", allowed)}";
            problems.Add($"Unknown {(unknown.Count == 1 ? "placeholder" : "placeholders")} {string.Join(", ", unknown)} would be sent as written; {allowedText}.");
        }
        if (stray)
        {
            problems.Add("A lone { or } would be sent as written; close or remove it.");
        }
        if (problems.Count > 0)
        {
            return GuardrailResult.Block(PlaceholdersCode, string.Join(" ", problems));
        }
        return used.Count == 0
            ? GuardrailResult.Pass(PlaceholdersCode, "No placeholders.")
            : GuardrailResult.Pass(PlaceholdersCode, $"Placeholders are all allowed ({string.Join(", ", used)}).");
    }

    // Hosts of every link a handset would make tappable, in order of appearance, without repeats. Explicit http(s) URLs
    // are read first and blanked out so their hosts are not found a second time as bare domains.
    private static List<string> LinkHosts(string text)
    {
        var hosts = new List<string>();
        void Add(string host)
        {
            host = host.TrimEnd('.');
            if (host.Length > 0 && !hosts.Contains(host, StringComparer.OrdinalIgnoreCase))
            {
                hosts.Add(host);
            }
        }

        foreach (Match url in SchemeUrlRegex().Matches(text))
        {
            // "https://lumiere.example@evil.example" goes to evil.example: everything before the last @ is user info.
            var authority = url.Groups["authority"].Value;
            var host = authority[(authority.LastIndexOf('@') + 1)..];
            var port = host.LastIndexOf(':');
            Add(port >= 0 ? host[..port] : host);
        }
        var rest = SchemeUrlRegex().Replace(text, " ");
        foreach (Match bare in BareDomainRegex().Matches(rest))
        {
            Add(bare.Value);
        }
        return hosts;
    }

    // IDN hosts are compared in their ASCII (punycode) form so a look-alike letter from another script cannot pass as
    // an allowed domain.
    private static string ComparableHost(string host)
    {
        try
        {
            return new IdnMapping().GetAscii(host.TrimEnd('.'));
        }
        catch (ArgumentException)
        {
            return host.TrimEnd('.');
        }
    }

    // Only a dot boundary makes a subdomain: "evil-lumiere.example" merely ends with the same letters.
    private static bool IsSameOrSubdomain(string host, string domain) =>
        host.Equals(domain, StringComparison.OrdinalIgnoreCase)
        || host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);

    // Whole word means no letter, digit or underscore on either side, so "free" does not match "freesia" and a
    // multi-word phrase matches across any run of whitespace.
    private static Regex WholeWord(string word)
    {
        var pattern = Regex.Escape(word.Trim()).Replace("\\ ", "\\s+", StringComparison.Ordinal);
        return new Regex($"(?<![\\p{{L}}\\p{{N}}_]){pattern}(?![\\p{{L}}\\p{{N}}_])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeout);
    }

    // A token counts only as a whole figure: "20%" is not mentioned by "120%", nor "$20" by "$200".
    private static bool MentionsToken(string text, string token)
    {
        var before = char.IsLetterOrDigit(token[0]) ? "(?<![\\p{L}\\p{N}])" : "";
        var after = char.IsLetterOrDigit(token[^1]) ? "(?![\\p{L}\\p{N}]|[.,][0-9])" : "";
        var pattern = before + Regex.Escape(token).Replace("\\ ", "\\s+", StringComparison.Ordinal) + after;
        return Regex.IsMatch(text, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeout);
    }

    // A token that is nothing but a figure is mentioned by any spelling of the same value ("$20.00" for "$20", "20 %" for "20%").
    private static bool SameFigure(string token, HashSet<decimal> textPercents, HashSet<decimal> textMoney)
    {
        var percent = PercentRegex().Match(token);
        if (percent.Success && percent.Length == token.Length)
        {
            return textPercents.Contains(Number(percent.Groups["value"].Value));
        }
        var money = MoneyRegex().Match(token);
        return money.Success && money.Length == token.Length && textMoney.Contains(Money(money));
    }

    private static decimal Number(string digits) => decimal.Parse(digits.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    // "$20" and "$20.00" are the same amount, so money is compared by value, not by spelling.
    private static decimal Money(Match match) =>
        Number(match.Groups["amount"].Value) + (match.Groups["cents"].Success ? Number(match.Groups["cents"].Value.PadRight(2, '0')) / 100 : 0);

    private static string NormaliseWhitespace(string value) => WhitespaceRegex().Replace(value, " ").Trim();

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string List(IReadOnlyList<string> items) =>
        items.Count <= MaxCharactersListed
            ? string.Join(", ", items)
            : string.Join(", ", items.Take(MaxCharactersListed)) + $" and {items.Count - MaxCharactersListed} more";

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRegex();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex PlaceholderRegex();

    [GeneratedRegex(@"https?://(?<authority>[^\s/?#]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SchemeUrlRegex();

    // www.x and bare domain.tld (with or without a path): labels of letters, digits and inner hyphens, ending in an
    // all-letter top-level label so decimals ("4.5") and abbreviations ("e.g.") are not taken for domains.
    [GeneratedRegex(@"(?<![\p{L}\p{N}_.-])(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,63}(?![\p{L}\p{N}_-])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BareDomainRegex();

    // "20%", "20 %", "20 percent", "12.5%"; not the tail of a longer figure such as "1.20%".
    [GeneratedRegex(@"(?<![\p{N}.,])(?<value>[0-9]+(?:\.[0-9]+)?)\s*(?:%|percent\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PercentRegex();

    // "$20", "$ 20", "$1,250", "$20.50".
    [GeneratedRegex(@"\$\s?(?<amount>[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.(?<cents>[0-9]{1,2})(?![0-9]))?", RegexOptions.CultureInvariant)]
    private static partial Regex MoneyRegex();
}
