namespace LoyaltyConsole.Scoring;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddScoring(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ScoringOptions>().BindConfiguration(ScoringOptions.SectionName)
            .Validate(o => o.ValueHorizonMonths is >= 1 and <= 60, "Scoring:ValueHorizonMonths must be between 1 and 60.")
            .Validate(o => o.AnnualDiscountRate is >= 0 and < 1, "Scoring:AnnualDiscountRate must be between 0 and 1.")
            .Validate(o => o.ExpectedVisitsDays is >= 1 and <= 730, "Scoring:ExpectedVisitsDays must be between 1 and 730.")
            .Validate(o => o.RewardThresholdPoints is > 0 and <= 1_000_000 && o.PointsExpireAfterDaysIdle is > 0 and <= 3_650,
                "Scoring:RewardThresholdPoints must be 1–1,000,000 and Scoring:PointsExpireAfterDaysIdle 1–3,650.")
            .Validate(o => o.TierClvBoostMinor is null or (>= 0 and <= Domain.Common.Money.MaxMinor), "Scoring:TierClvBoostMinor must be between 0 and 100000000000 (minor units).")
            .Validate(o => o.NightlyLocalHour is >= 0 and <= 23, "Scoring:NightlyLocalHour must be an hour of the day (0–23).")
            .Validate(o => o.ClientsPerRange is >= 1 and <= 1_000_000, "Scoring:ClientsPerRange must be between 1 and 1,000,000.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SegmentationService>();
        builder.Services.AddSingleton<ScoringQuery>();
        builder.Services.AddSingleton<SegmentCatalog>();
        return builder;
    }
}
