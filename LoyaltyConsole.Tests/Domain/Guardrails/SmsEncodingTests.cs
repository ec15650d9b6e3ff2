using LoyaltyConsole.Domain.Guardrails;

namespace LoyaltyConsole.Tests.Domain.Guardrails;

public sealed class SmsEncodingTests
{
    // 'á' is outside GSM-7, so one of it forces UCS-2 while costing a single UTF-16 unit like the 'a's around it.
    private static string Ucs2(int units) => "á" + new string('a', units - 1);

    private static string Gsm(int characters) => new('a', characters);

    [Fact]
    public void A_160_character_GSM_message_is_one_segment()
    {
        var analysis = SmsEncoding.Analyze(Gsm(160));

        Assert.Equal(new SmsAnalysis(SmsEncodingKind.Gsm7, 160, 1, analysis.NonGsmCharacters), analysis);
        Assert.Empty(analysis.NonGsmCharacters);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    [InlineData(459, 3)]
    [InlineData(460, 4)]
    public void GSM_messages_over_160_characters_are_billed_in_153_character_segments(int characters, int segments)
    {
        var analysis = SmsEncoding.Analyze(Gsm(characters));

        Assert.Equal(SmsEncodingKind.Gsm7, analysis.Encoding);
        Assert.Equal(characters, analysis.Units);
        Assert.Equal(segments, analysis.Segments);
    }

    [Fact]
    public void An_empty_message_costs_nothing()
    {
        var analysis = SmsEncoding.Analyze("");

        Assert.Equal(SmsEncodingKind.Gsm7, analysis.Encoding);
        Assert.Equal(0, analysis.Units);
        Assert.Equal(0, analysis.Segments);
    }

    [Theory]
    [InlineData('^')]
    [InlineData('{')]
    [InlineData('}')]
    [InlineData('\\')]
    [InlineData('[')]
    [InlineData('~')]
    [InlineData(']')]
    [InlineData('|')]
    [InlineData('€')]
    [InlineData('\f')]
    public void Each_extension_character_is_GSM_but_costs_two_units(char extension)
    {
        var analysis = SmsEncoding.Analyze("a" + extension);

        Assert.Equal(SmsEncodingKind.Gsm7, analysis.Encoding);
        Assert.Equal(3, analysis.Units);
    }

    [Fact]
    public void A_159_character_message_with_one_euro_sign_fills_exactly_one_segment()
    {
        var analysis = SmsEncoding.Analyze(Gsm(158) + "€");

        Assert.Equal(SmsEncodingKind.Gsm7, analysis.Encoding);
        Assert.Equal(160, analysis.Units);
        Assert.Equal(1, analysis.Segments);
    }

    [Fact]
    public void A_160_character_message_with_one_euro_sign_needs_two_segments()
    {
        var analysis = SmsEncoding.Analyze(Gsm(159) + "€");

        Assert.Equal(161, analysis.Units);
        Assert.Equal(2, analysis.Segments);
    }

    [Fact]
    public void An_extension_character_that_would_straddle_the_153_unit_boundary_moves_to_the_next_segment()
    {
        // 152 + 2 + 152 = 306 units would fit two segments if the euro sign could be split; it cannot, so segment
        // one holds 152 units, segment two the euro sign and 151 letters, and the last letter spills into a third.
        var straddling = SmsEncoding.Analyze(Gsm(152) + "€" + Gsm(152));

        Assert.Equal(306, straddling.Units);
        Assert.Equal(3, straddling.Segments);
    }

    [Fact]
    public void An_extension_character_that_ends_exactly_on_the_153_unit_boundary_stays_in_its_segment()
    {
        var aligned = SmsEncoding.Analyze(Gsm(151) + "€" + Gsm(153));

        Assert.Equal(306, aligned.Units);
        Assert.Equal(2, aligned.Segments);
    }

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    [InlineData(201, 3)]
    [InlineData(202, 4)]
    public void UCS2_messages_are_70_units_in_one_segment_and_67_per_segment_beyond(int units, int segments)
    {
        var analysis = SmsEncoding.Analyze(Ucs2(units));

        Assert.Equal(SmsEncodingKind.Ucs2, analysis.Encoding);
        Assert.Equal(units, analysis.Units);
        Assert.Equal(segments, analysis.Segments);
    }

    [Fact]
    public void An_emoji_counts_two_UTF16_units_and_forces_UCS2()
    {
        var analysis = SmsEncoding.Analyze("Hi 😊");

        Assert.Equal(SmsEncodingKind.Ucs2, analysis.Encoding);
        Assert.Equal(5, analysis.Units);
        Assert.Equal(1, analysis.Segments);
        Assert.Equal(["😊"], analysis.NonGsmCharacters);
    }

    [Fact]
    public void An_emoji_that_would_straddle_the_67_unit_boundary_moves_to_the_next_segment()
    {
        // 66 + 2 + 66 = 134 units would fit two segments if the surrogate pair could be split.
        var straddling = SmsEncoding.Analyze(Ucs2(66) + "😊" + Gsm(66));

        Assert.Equal(134, straddling.Units);
        Assert.Equal(3, straddling.Segments);
    }

    [Fact]
    public void An_emoji_that_ends_exactly_on_the_67_unit_boundary_stays_in_its_segment()
    {
        var aligned = SmsEncoding.Analyze(Ucs2(65) + "😊" + Gsm(67));

        Assert.Equal(134, aligned.Units);
        Assert.Equal(2, aligned.Segments);
    }

    [Theory]
    [InlineData("é")]
    [InlineData("è")]
    [InlineData("ù")]
    [InlineData("ì")]
    [InlineData("ò")]
    [InlineData("Ç")]
    [InlineData("Ø")]
    [InlineData("ø")]
    [InlineData("Å")]
    [InlineData("å")]
    [InlineData("Ä")]
    [InlineData("Ö")]
    [InlineData("Ñ")]
    [InlineData("Ü")]
    [InlineData("§")]
    [InlineData("¿")]
    [InlineData("ä")]
    [InlineData("ö")]
    [InlineData("ñ")]
    [InlineData("ü")]
    [InlineData("à")]
    [InlineData("Æ")]
    [InlineData("æ")]
    [InlineData("ß")]
    [InlineData("É")]
    [InlineData("£")]
    [InlineData("¥")]
    [InlineData("Δ")]
    [InlineData("Φ")]
    [InlineData("Γ")]
    [InlineData("Λ")]
    [InlineData("Ω")]
    [InlineData("Π")]
    [InlineData("Ψ")]
    [InlineData("Σ")]
    [InlineData("Θ")]
    [InlineData("Ξ")]
    [InlineData("¡")]
    [InlineData("¤")]
    [InlineData("@")]
    [InlineData("$")]
    [InlineData("_")]
    [InlineData("\n")]
    public void Characters_of_the_GSM_basic_table_keep_the_message_GSM7_at_one_unit(string character)
    {
        var analysis = SmsEncoding.Analyze("Caf" + character);

        Assert.Equal(SmsEncodingKind.Gsm7, analysis.Encoding);
        Assert.Equal(4, analysis.Units);
        Assert.Empty(analysis.NonGsmCharacters);
    }

    [Theory]
    [InlineData("á")]
    [InlineData("’")]
    [InlineData("“")]
    [InlineData("—")]
    [InlineData("ç")]
    [InlineData("`")]
    public void Characters_outside_GSM7_force_UCS2_and_are_reported(string character)
    {
        var analysis = SmsEncoding.Analyze("Caf" + character);

        Assert.Equal(SmsEncodingKind.Ucs2, analysis.Encoding);
        Assert.Equal(4, analysis.Units);
        Assert.Equal([character], analysis.NonGsmCharacters);
    }

    [Fact]
    public void Non_GSM_characters_are_reported_once_each_in_order_of_appearance()
    {
        var analysis = SmsEncoding.Analyze("We’ve missed you 😊 — it’s been a while 😊");

        Assert.Equal(["’", "😊", "—"], analysis.NonGsmCharacters);
    }

    [Fact]
    public void A_decomposed_accent_is_reported_as_the_letter_the_reader_sees()
    {
        var analysis = SmsEncoding.Analyze("Cafe\u0301");

        Assert.Equal(SmsEncodingKind.Ucs2, analysis.Encoding);
        Assert.Equal(5, analysis.Units);
        Assert.Equal(["e\u0301"], analysis.NonGsmCharacters);
    }
}
