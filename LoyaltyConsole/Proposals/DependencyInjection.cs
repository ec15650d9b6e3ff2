using LoyaltyConsole.Drafting;

namespace LoyaltyConsole.Proposals;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddProposals(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.SectionName)
            .Validate(o => o.MaxSegments is >= 1 and <= 10, "Messaging:MaxSegments must be between 1 and 10.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.OptOutSentence), "Messaging:OptOutSentence is required.")
            .Validate(o => TimeOnly.TryParse(o.QuietHoursStart, System.Globalization.CultureInfo.InvariantCulture, out _)
                && TimeOnly.TryParse(o.QuietHoursEnd, System.Globalization.CultureInfo.InvariantCulture, out _), "Messaging quiet hours must be times like 08:00.")
            .Validate(o => o.HighValueThresholdMinor >= 0, "Messaging:HighValueThresholdMinor cannot be negative.")
            .ValidateOnStart();
        builder.AddDrafting();
        builder.Services.AddSingleton<ProposalService>();
        builder.Services.AddSingleton<ProgramCatalog>();
        builder.Services.AddOptions<Features.Review.ReviewOptions>().BindConfiguration(Features.Review.ReviewOptions.SectionName)
            .Validate(o => o.UndoWindowMinutes is >= 0 and <= 1440 && o.ExpireAfterDays is >= 1 and <= 365, "Review:UndoWindowMinutes must be 0–1440 and Review:ExpireAfterDays 1–365.")
            .ValidateOnStart();
        builder.Services.AddSingleton<Features.Review.ReviewService>();
        builder.Services.AddSingleton<Features.Review.ReviewQueue>();
        builder.Services.AddOptions<Features.Review.DigestOptions>().BindConfiguration(Features.Review.DigestOptions.SectionName)
            .Validate(o => !o.Enabled || (!string.IsNullOrWhiteSpace(o.Host) && o.Port is > 0 and < 65536 && MimeKit.MailboxAddress.TryParse(o.From, out _)),
                "With Digest:Enabled, Digest:Host, Digest:Port and a valid Digest:From are required.")
            .ValidateOnStart();
        builder.Services.AddSingleton<Features.Review.ReviewDigest>();
        return builder;
    }
}
