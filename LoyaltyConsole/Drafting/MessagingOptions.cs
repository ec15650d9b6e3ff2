using LoyaltyConsole.Domain.Guardrails;

namespace LoyaltyConsole.Drafting;

public sealed class MessagingOptions
{
    public const string SectionName = "Messaging";

    public string BrandName { get; set; } = "Lumière";

    /// <summary>How the brand speaks, given to the drafter (e.g. "warm, brief, no exclamation marks").</summary>
    public string BrandVoice { get; set; } = "warm and brief";

    public string OptOutSentence { get; set; } = "Reply STOP to opt out.";
    public int MaxSegments { get; set; } = 2;
    public List<string> AllowedLinkDomains { get; set; } = [];
    public List<string> BannedWords { get; set; } = ["guaranteed", "winner", "cash", "urgent"];
    public string QuietHoursStart { get; set; } = "09:00";
    public string QuietHoursEnd { get; set; } = "20:00";

    /// <summary>Rewards costing more than this always need a person's decision.</summary>
    public long HighValueThresholdMinor { get; set; } = 5_000;

    public SmsPolicy SmsPolicy => new(MaxSegments, OptOutSentence, AllowedLinkDomains, BannedWords);

    public QuietHours QuietHours => new(TimeOnly.Parse(QuietHoursStart, System.Globalization.CultureInfo.InvariantCulture), TimeOnly.Parse(QuietHoursEnd, System.Globalization.CultureInfo.InvariantCulture));
}
