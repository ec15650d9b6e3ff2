using Bunit;
using LoyaltyConsole.Features.Clients;
using LoyaltyConsole.Features.Model;
using LoyaltyConsole.Features.Segments;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using TestContext = Xunit.TestContext;

namespace LoyaltyConsole.Tests.Components;

public sealed class ScoringPagesTests : ConsoleTestContext
{
    [Fact]
    public async Task Segments_page_lists_every_segment_with_its_size_and_lets_a_marketing_lead_edit()
    {
        await SignInAsync(TestUsers.Marketing);
        var cut = Render<SegmentsPage>();

        cut.WaitForAssertion(() => Assert.Equal(7, cut.FindAll("#segments-table tbody tr").Count), TimeSpan.FromSeconds(10));
        Assert.Contains("High-value at risk", cut.Markup, StringComparison.Ordinal);

        cut.FindAll("#segments-table tbody tr")[0].Click();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#segment-editor")), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_manager_sees_segments_of_their_locations_but_no_editor()
    {
        await SignInAsync(TestUsers.ManagerSoho);
        var cut = Render<SegmentsPage>();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#segments-table tbody tr")), TimeSpan.FromSeconds(10));
        Assert.Contains("Members (your locations)", cut.Markup, StringComparison.Ordinal);
        cut.FindAll("#segments-table tbody tr")[0].Click();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#members-grid")), TimeSpan.FromSeconds(5));
        Assert.Empty(cut.FindAll("#segment-editor"));
    }

    [Fact]
    public async Task Model_page_shows_the_latest_fit_diagnostics()
    {
        await SignInAsync(TestUsers.Owner);
        var cut = Render<ModelPage>();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#model-fit")), TimeSpan.FromSeconds(10));
        Assert.Contains("bgnbd-gg/", cut.Find("#model-fit").TextContent, StringComparison.Ordinal);
        Assert.Contains("log-likelihood", cut.Find("#model-fit").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_page_explains_in_words_why_the_client_is_in_each_segment()
    {
        await SignInAsync(TestUsers.Owner);
        await using var db = await App.CreateDbContextAsync();
        var member = await db.SegmentMemberships.Where(m => m.ExitedOn == null).Select(m => m.ClientId).FirstAsync(TestContext.Current.CancellationToken);

        var cut = Render<ClientDetailPage>(p => p.Add(x => x.ClientId, member));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".client-segment")), TimeSpan.FromSeconds(10));
        Assert.Contains(" because ", cut.Find(".client-segment").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(cut.Find("#score-alive").TextContent);
    }
}
