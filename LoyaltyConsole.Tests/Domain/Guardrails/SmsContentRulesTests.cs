using LoyaltyConsole.Domain.Guardrails;

namespace LoyaltyConsole.Tests.Domain.Guardrails;

public sealed class SmsContentRulesTests
{
    private const string OptOut = "Reply STOP to opt out.";

    private static readonly SmsPolicy Policy = new(2, OptOut, ["lumiere.example"], ["free", "guaranteed", "act now"]);

    private const string Compliant = "Hi {first_name}, enjoy 20% off your next facial: lumiere.example/book. " + OptOut;

    private static GuardrailResult Rule(string code, string text, IReadOnlyList<string>? offerTokens = null, IReadOnlyList<string>? placeholders = null, SmsPolicy? policy = null) =>
        Assert.Single(SmsContentRules.Check(text, policy ?? Policy, offerTokens ?? ["20%", "20 percent"], placeholders ?? ["{first_name}"]), r => r.Code == code);

    private static void AssertPass(GuardrailResult result, string reason) => Assert.Equal(result with { Passed = true, Reason = reason }, result);

    private static void AssertBlock(GuardrailResult result, string reason) => Assert.Equal(result with { Passed = false, Reason = reason }, result);

    [Fact]
    public void A_compliant_message_passes_every_rule_in_a_fixed_order()
    {
        var results = SmsContentRules.Check(Compliant, Policy, ["20%", "20 percent"], ["{first_name}"]);

        Assert.Equal(
            [SmsContentRules.LengthCode, SmsContentRules.OptOutCode, SmsContentRules.LinksCode, SmsContentRules.BannedWordsCode, SmsContentRules.OfferCode, SmsContentRules.PlaceholdersCode],
            results.Select(r => r.Code));
        Assert.All(results, r => Assert.True(r.Passed, r.Reason));
    }

    // Length

    [Fact]
    public void A_GSM_message_within_the_segment_limit_passes_with_its_size()
    {
        AssertPass(Rule(SmsContentRules.LengthCode, new string('a', 187)), "2 segments (GSM-7, 187 characters); the limit is 2.");
    }

    [Fact]
    public void A_GSM_message_over_the_segment_limit_is_blocked_with_its_size()
    {
        AssertBlock(Rule(SmsContentRules.LengthCode, new string('a', 307)), "3 segments (GSM-7, 307 characters); the limit is 2.");
    }

    [Fact]
    public void A_single_segment_message_is_described_in_the_singular()
    {
        AssertPass(Rule(SmsContentRules.LengthCode, "See you soon."), "1 segment (GSM-7, 13 characters); the limit is 2.");
    }

    [Fact]
    public void The_first_name_placeholder_is_priced_as_a_typical_ten_character_name()
    {
        // "Hi Alexandria!" is 14 units; the raw "{first_name}" would be 14 on its own because braces count double.
        AssertPass(Rule(SmsContentRules.LengthCode, "Hi {first_name}!"), "1 segment (GSM-7, 14 characters); the limit is 2.");
    }

    [Fact]
    public void Extension_characters_are_named_when_they_inflate_the_count()
    {
        AssertPass(Rule(SmsContentRules.LengthCode, "Save 20€ [today]"), "1 segment (GSM-7, 19 characters counting €, [, ] as two each); the limit is 2.");
    }

    [Fact]
    public void Characters_that_force_UCS2_are_named_when_they_push_the_message_over_the_limit()
    {
        // Short enough for one GSM-7 segment, but the curly apostrophe and emoji make it 153 UCS-2 units: three segments.
        var text = "We’ve missed you 😊 " + new string('a', 133);

        AssertBlock(Rule(SmsContentRules.LengthCode, text), "Uses characters outside GSM-7 (’, 😊): sent as UCS-2, 3 segments; the limit is 2.");
    }

    [Fact]
    public void A_short_UCS2_message_passes_but_still_names_the_characters()
    {
        AssertPass(Rule(SmsContentRules.LengthCode, "We’ve missed you"), "Uses characters outside GSM-7 (’): sent as UCS-2, 1 segment; the limit is 2.");
    }

    // Opt-out

    [Fact]
    public void The_opt_out_sentence_is_found_ignoring_case_and_spacing()
    {
        AssertPass(Rule(SmsContentRules.OptOutCode, "Book now. reply  stop\nto OPT out."), "Includes the opt-out sentence \"Reply STOP to opt out.\".");
    }

    [Fact]
    public void A_message_without_the_opt_out_sentence_is_blocked()
    {
        AssertBlock(Rule(SmsContentRules.OptOutCode, "Book now. Text STOP to end."), "Missing the opt-out sentence \"Reply STOP to opt out.\".");
    }

    // Links

    [Fact]
    public void A_message_without_links_passes_the_link_rule()
    {
        AssertPass(Rule(SmsContentRules.LinksCode, "Rated 4.5 stars, e.g. by Vogue. Call us!"), "No links.");
    }

    [Theory]
    [InlineData("Book at https://lumiere.example/book?x=1", "lumiere.example")]
    [InlineData("Book at http://LUMIERE.example:8080/book", "LUMIERE.example")]
    [InlineData("Book at lumiere.example/book.", "lumiere.example")]
    [InlineData("Book at lumiere.example.", "lumiere.example")]
    [InlineData("Book at www.lumiere.example", "www.lumiere.example")]
    [InlineData("Book at https://book.chicago.lumiere.example/x", "book.chicago.lumiere.example")]
    public void Links_to_an_allowed_domain_or_its_subdomains_pass(string text, string host)
    {
        AssertPass(Rule(SmsContentRules.LinksCode, text), $"Links only to allowed domains ({host}).");
    }

    [Theory]
    [InlineData("Book at evil-lumiere.example/book", "evil-lumiere.example")]
    [InlineData("Book at https://lumiere.example.evil.example/book", "lumiere.example.evil.example")]
    [InlineData("Book at https://lumiere.example@evil.example/book", "evil.example")]
    [InlineData("Book at www.evil.example", "www.evil.example")]
    [InlineData("Book at bit.ly/abc", "bit.ly")]
    public void Links_to_any_other_domain_are_blocked_and_named(string text, string host)
    {
        AssertBlock(Rule(SmsContentRules.LinksCode, text), $"Links to domains that are not allowed ({host}); allowed: lumiere.example.");
    }

    [Fact]
    public void Every_offending_host_is_named_once_while_allowed_ones_are_not()
    {
        var text = "See lumiere.example/a, evil.example/b, https://evil.example/c and spam.example.";

        AssertBlock(Rule(SmsContentRules.LinksCode, text), "Links to domains that are not allowed (evil.example, spam.example); allowed: lumiere.example.");
    }

    [Fact]
    public void A_look_alike_domain_in_another_script_is_blocked()
    {
        // The 'і' is Cyrillic; the host reads as lumiere.example but is a different domain.
        AssertBlock(Rule(SmsContentRules.LinksCode, "Book at lumіere.example/book"), "Links to domains that are not allowed (lumіere.example); allowed: lumiere.example.");
    }

    [Fact]
    public void With_no_allowed_domains_every_link_is_blocked()
    {
        var policy = Policy with { AllowedLinkDomains = [] };

        AssertBlock(Rule(SmsContentRules.LinksCode, "Book at lumiere.example", policy: policy), "Links to domains that are not allowed (lumiere.example); no domains are allowed.");
    }

    // Banned words

    [Fact]
    public void A_message_without_banned_words_passes()
    {
        AssertPass(Rule(SmsContentRules.BannedWordsCode, "Our freesia facial is back, now guaranteeing nothing but calm."), "No banned words.");
    }

    [Fact]
    public void A_banned_word_blocks_whatever_its_case()
    {
        AssertBlock(Rule(SmsContentRules.BannedWordsCode, "A FREE facial!"), "Uses banned word: free.");
    }

    [Fact]
    public void A_banned_word_inside_another_word_does_not_block()
    {
        AssertPass(Rule(SmsContentRules.BannedWordsCode, "Freesia season is here, carefree days ahead."), "No banned words.");
    }

    [Fact]
    public void Every_banned_word_and_phrase_present_is_named_in_policy_order()
    {
        AssertBlock(Rule(SmsContentRules.BannedWordsCode, "Act\nnow: results guaranteed, and a free-for-all."), "Uses banned words: free, guaranteed, act now.");
    }

    // Offer

    [Theory]
    [InlineData("Enjoy 20% off.", "20%")]
    [InlineData("Enjoy 20 PERCENT off.", "20 percent")]
    [InlineData("Enjoy 20 % off.", "20%")]
    public void A_message_that_mentions_the_offer_in_an_accepted_phrasing_passes(string text, string mentioned)
    {
        AssertPass(Rule(SmsContentRules.OfferCode, text), $"Mentions the offer ({mentioned}).");
    }

    [Fact]
    public void A_message_that_never_mentions_the_offer_is_blocked()
    {
        AssertBlock(Rule(SmsContentRules.OfferCode, "Something special awaits you."), "Does not mention the offer (20% or 20 percent).");
    }

    [Fact]
    public void A_different_percentage_is_blocked_and_named()
    {
        AssertBlock(Rule(SmsContentRules.OfferCode, "Enjoy 30% off your next visit."), "Mentions 30% but the reward is 20%.");
    }

    [Fact]
    public void A_different_percentage_blocks_even_beside_the_right_one()
    {
        AssertBlock(Rule(SmsContentRules.OfferCode, "20% off facials, 30% off retail."), "Mentions 30% but the reward is 20%.");
    }

    [Fact]
    public void A_percentage_that_merely_ends_in_the_offer_is_not_the_offer()
    {
        AssertBlock(Rule(SmsContentRules.OfferCode, "Be 120% pampered."), "Mentions 120% but the reward is 20%.");
    }

    [Theory]
    [InlineData("Take $20 off.", "$20")]
    [InlineData("Take $20.00 off.", "$20")]
    [InlineData("Take twenty dollars off.", "twenty dollars")]
    public void A_money_offer_is_recognised_by_value_or_accepted_phrasing(string text, string mentioned)
    {
        AssertPass(Rule(SmsContentRules.OfferCode, text, offerTokens: ["$20", "twenty dollars"]), $"Mentions the offer ({mentioned}).");
    }

    [Theory]
    [InlineData("Take $25 off.", "$25")]
    [InlineData("Take $200 off.", "$200")]
    [InlineData("Take $20.50 off.", "$20.50")]
    [InlineData("Spend $1,250 and take $20 off.", "$1,250")]
    public void A_different_money_amount_is_blocked_and_named(string text, string wrong)
    {
        AssertBlock(Rule(SmsContentRules.OfferCode, text, offerTokens: ["$20"]), $"Mentions {wrong} but the reward is $20.");
    }

    [Fact]
    public void A_percentage_in_a_money_offer_is_a_different_offer()
    {
        AssertBlock(Rule(SmsContentRules.OfferCode, "Take 20% off.", offerTokens: ["$20"]), "Mentions 20% but the reward is $20.");
    }

    [Fact]
    public void Without_an_offer_there_is_nothing_to_check()
    {
        AssertPass(Rule(SmsContentRules.OfferCode, "Enjoy 30% off.", offerTokens: []), "No offer to check.");
    }

    // Placeholders

    [Fact]
    public void Allowed_placeholders_pass()
    {
        AssertPass(Rule(SmsContentRules.PlaceholdersCode, "Hi {first_name}, bye {first_name}."), "Placeholders are all allowed ({first_name}).");
    }

    [Fact]
    public void A_message_without_placeholders_passes()
    {
        AssertPass(Rule(SmsContentRules.PlaceholdersCode, "Hi there."), "No placeholders.");
    }

    [Fact]
    public void An_unknown_placeholder_is_blocked_and_named()
    {
        AssertBlock(Rule(SmsContentRules.PlaceholdersCode, "Hi {first_name} {last_name}, {}"), "Unknown placeholders {last_name}, {} would be sent as written; allowed: {first_name}.");
    }

    [Fact]
    public void Placeholders_are_matched_exactly()
    {
        AssertBlock(Rule(SmsContentRules.PlaceholdersCode, "Hi {First_Name}"), "Unknown placeholder {First_Name} would be sent as written; allowed: {first_name}.");
    }

    [Theory]
    [InlineData("Hi {first_name")]
    [InlineData("Hi first_name}")]
    [InlineData("Hi {{first_name}}")]
    [InlineData("Smile :-}")]
    public void A_lone_brace_is_blocked(string text)
    {
        AssertBlock(Rule(SmsContentRules.PlaceholdersCode, text), "A lone { or } would be sent as written; close or remove it.");
    }

    [Fact]
    public void Unknown_placeholders_and_lone_braces_are_both_reported()
    {
        AssertBlock(Rule(SmsContentRules.PlaceholdersCode, "Hi {name} {", placeholders: []),
            "Unknown placeholder {name} would be sent as written; no placeholders are allowed. A lone { or } would be sent as written; close or remove it.");
    }
}
