using LoyaltyConsole.Data;
using LoyaltyConsole.Identity;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MimeKit;

namespace LoyaltyConsole.Review;

public sealed class DigestOptions
{
    public const string SectionName = "Digest";

    /// <summary>Off by default: a business turns the daily email on once SMTP is configured.</summary>
    public bool Enabled { get; set; }

    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    public bool UseStartTls { get; set; } = true;
    public string? Username { get; set; }

    /// <summary>Secret: supply as Digest__Password through the environment or a secret store.</summary>
    public string? Password { get; set; }

    public string From { get; set; } = "";
    public string ConsoleUrl { get; set; } = "http://localhost:5028";
}

/// <summary>Emails every reviewer how many proposals wait in their queues (their own locations only); nothing when none wait.</summary>
public sealed class ReviewDigest(
    IServiceScopeFactory scopes,
    IDbContextFactory<ApplicationDbContext> dbFactory,
    AccessScopeResolver scopeResolver,
    ReviewQueue queue,
    IOptions<DigestOptions> options,
    ILogger<ReviewDigest> logger)
{
    public async Task<int> SendAsync(CancellationToken ct = default)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var principals = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var reviewers = new List<ApplicationUser>();
        // Only those who decide get the digest; Owners read the queues but act on nothing in them.
        foreach (var role in new[] { Roles.Manager, Roles.MarketingLead })
        {
            reviewers.AddRange(await users.GetUsersInRoleAsync(role));
        }
        var messages = new List<MimeMessage>();
        foreach (var user in reviewers.DistinctBy(u => u.Id).Where(u => u.Email is not null && u.LockoutEnd is null))
        {
            var access = await scopeResolver.ResolveAsync(await principals.CreateAsync(user), ct);
            var counts = await queue.CountsAsync(access, ct);
            var total = counts.Values.Sum();
            if (total == 0)
            {
                continue;
            }
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(settings.From));
            message.To.Add(new MailboxAddress(user.DisplayName, user.Email!));
            message.Subject = $"{total} proposal{(total == 1 ? "" : "s")} waiting for review";
            message.Body = new TextPart("plain")
            {
                Text = $"Good morning {user.DisplayName},\n\nWaiting in your review queue:\n" +
                       $"  SMS copy: {counts[ReviewTab.Sms]}\n  Tier changes: {counts[ReviewTab.TierChanges]}\n  High-value rewards: {counts[ReviewTab.HighValue]}\n\n" +
                       $"Review them at {settings.ConsoleUrl.TrimEnd('/')}/review\n",
            };
            messages.Add(message);
        }
        if (messages.Count == 0)
        {
            return 0;
        }
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync(settings.Host, settings.Port, settings.UseStartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, ct);
        if (!string.IsNullOrEmpty(settings.Username))
        {
            await smtp.AuthenticateAsync(settings.Username, settings.Password ?? "", ct);
        }
        foreach (var message in messages)
        {
            await smtp.SendAsync(message, ct);
        }
        await smtp.DisconnectAsync(true, ct);
        logger.LogInformation("Review digest sent to {Count} reviewer(s).", messages.Count);
        return messages.Count;
    }
}
