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
            .Validate(o => o.HighValueThresholdMinor is >= 0 and <= Domain.Common.Money.MaxMinor,
                "Messaging:HighValueThresholdMinor must be between 0 and 100000000000 (minor units).")
            .ValidateOnStart();
        builder.AddDrafting();
        builder.Services.AddSingleton<ProposalService>();
        builder.Services.AddSingleton<ProgramCatalog>();
        return builder;
    }
}
