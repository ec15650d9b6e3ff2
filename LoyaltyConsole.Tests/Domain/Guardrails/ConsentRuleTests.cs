using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Guardrails;

namespace LoyaltyConsole.Tests.Domain.Guardrails;

public sealed class ConsentRuleTests
{
    private static readonly DateTime OptedIn = new(2026, 1, 10, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("STOP")]
    [InlineData("stop")]
    [InlineData(" Stop. ")]
    [InlineData("STOPALL")]
    [InlineData("Unsubscribe")]
    [InlineData("cancel")]
    [InlineData("END")]
    [InlineData("quit!")]
    [InlineData("REVOKE")]
    [InlineData("OPT OUT")]
    [InlineData("opt-out")]
    [InlineData("OptOut")]
    public void Every_STOP_family_reply_is_an_opt_out(string reply) => Assert.True(ConsentRule.IsOptOut(reply));

    [Theory]
    [InlineData("Stop by tomorrow?")]
    [InlineData("Can I cancel my 3pm appointment")]
    [InlineData("Thanks!")]
    [InlineData("STOPPED")]
    public void Ordinary_replies_are_not_opt_outs(string reply) => Assert.False(ConsentRule.IsOptOut(reply));

    [Fact]
    public void No_SMS_without_opt_in()
    {
        var result = ConsentRule.Check(Channel.Sms, Consent.None, []);

        Assert.False(result.Passed);
        Assert.Equal("No SMS consent on record.", result.Reason);
    }

    [Fact]
    public void A_STOP_reply_after_opt_in_blocks_even_though_consent_is_on_record()
    {
        var consent = Consent.Grant(OptedIn, "Booking form");

        var result = ConsentRule.Check(Channel.Sms, consent, [new InboundReply(OptedIn.AddDays(3), "STOP")]);

        Assert.False(result.Passed);
        Assert.Equal("The client replied \"STOP\" on 2026-01-13: opted out of SMS.", result.Reason);
    }

    [Fact]
    public void A_new_opt_in_after_a_STOP_counts()
    {
        var renewed = Consent.Grant(OptedIn.AddDays(10), "Front desk");

        Assert.True(ConsentRule.Check(Channel.Sms, renewed, [new InboundReply(OptedIn.AddDays(3), "STOP")]).Passed);
    }

    [Fact]
    public void Withdrawn_email_consent_blocks_with_when_and_where()
    {
        var withdrawn = Consent.Withdraw(OptedIn, "Unsubscribe link");

        Assert.Equal("The client withdrew email consent on 2026-01-10 (Unsubscribe link).", ConsentRule.Check(Channel.Email, withdrawn, []).Reason);
    }
}
