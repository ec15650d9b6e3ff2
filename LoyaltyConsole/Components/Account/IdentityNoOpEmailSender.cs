using Microsoft.AspNetCore.Identity;
using LoyaltyConsole.Identity;

namespace LoyaltyConsole.Components.Account;

/// <summary>
/// Used until an SMTP sender is configured: nothing is sent, and the link is deliberately not logged because it
/// grants access to the account. Admins copy invite links from the Users page instead.
/// </summary>
internal sealed class IdentityNoOpEmailSender(ILogger<IdentityNoOpEmailSender> logger) : IEmailSender<ApplicationUser>
{
    public Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink) => Skip("confirmation", user);

    public Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink) => Skip("password reset", user);

    public Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode) => Skip("password reset code", user);

    private Task Skip(string what, ApplicationUser user)
    {
        logger.LogInformation("No email sender configured; {What} email for user {UserId} not sent.", what, user.Id);
        return Task.CompletedTask;
    }
}
