using System.Globalization;
using LoyaltyConsole.Domain.Clients;

namespace LoyaltyConsole.Domain.Guardrails;

public enum Channel
{
    None,
    Sms,
    Email,
}

/// <summary>A message a client sent back, e.g. an SMS reply.</summary>
public sealed record InboundReply(DateTime ReceivedAtUtc, string Text);

/// <summary>No marketing message without opt-in, and an opt-out reply (STOP and its family) always wins over older consent.</summary>
public static class ConsentRule
{
    public const string Code = "consent";

    private static readonly HashSet<string> OptOutWords = new(StringComparer.Ordinal)
    {
        "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT",
    };

    /// <summary>
    /// True when the reply is an opt-out: the whole message, ignoring case, spaces, punctuation and hyphens, is one of
    /// STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE or OPT OUT. "Stop by tomorrow?" is not an opt-out.
    /// </summary>
    public static bool IsOptOut(string reply)
    {
        var letters = new string(reply.Where(char.IsLetter).ToArray()).ToUpperInvariant();
        return OptOutWords.Contains(letters) && reply.Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length <= 2;
    }

    public static GuardrailResult Check(Channel channel, Consent consent, IEnumerable<InboundReply> replies)
    {
        if (channel == Channel.None)
        {
            return GuardrailResult.Pass(Code, "No message is sent.");
        }
        var name = channel == Channel.Sms ? "SMS" : "email";
        if (channel == Channel.Sms)
        {
            var optOut = replies.Where(r => IsOptOut(r.Text) && (consent.ChangedAt is null || r.ReceivedAtUtc >= consent.ChangedAt))
                .OrderByDescending(r => r.ReceivedAtUtc).FirstOrDefault();
            if (optOut is not null)
            {
                return GuardrailResult.Block(Code, string.Create(CultureInfo.InvariantCulture,
                    $"The client replied \"{optOut.Text.Trim()}\" on {optOut.ReceivedAtUtc:yyyy-MM-dd}: opted out of SMS."));
            }
        }
        if (!consent.Granted)
        {
            return GuardrailResult.Block(Code, consent.ChangedAt is null
                ? $"No {name} consent on record."
                : string.Create(CultureInfo.InvariantCulture, $"The client withdrew {name} consent on {consent.ChangedAt:yyyy-MM-dd} ({consent.Source})."));
        }
        return GuardrailResult.Pass(Code, string.Create(CultureInfo.InvariantCulture, $"Opted in to {name} on {consent.ChangedAt:yyyy-MM-dd} ({consent.Source})."));
    }
}
