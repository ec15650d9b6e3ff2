namespace LoyaltyConsole.Review;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddReview(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReviewOptions>().BindConfiguration(ReviewOptions.SectionName)
            .Validate(o => o.UndoWindowMinutes is >= 0 and <= ReviewOptions.MaxUndoWindowMinutes,
                $"Review:UndoWindowMinutes must be between 0 and {ReviewOptions.MaxUndoWindowMinutes}.")
            .Validate(o => o.ExpireAfterDays is >= 1 and <= ReviewOptions.MaxExpireAfterDays,
                $"Review:ExpireAfterDays must be between 1 and {ReviewOptions.MaxExpireAfterDays}.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ReviewService>();
        builder.Services.AddSingleton<ReviewQueue>();
        builder.Services.AddOptions<DigestOptions>().BindConfiguration(DigestOptions.SectionName)
            .Validate(o => !o.Enabled || (!string.IsNullOrWhiteSpace(o.Host) && o.Port is > 0 and < 65536 && MimeKit.MailboxAddress.TryParse(o.From, out _)),
                "With Digest:Enabled, Digest:Host, Digest:Port and a valid Digest:From are required.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ReviewDigest>();
        return builder;
    }
}
