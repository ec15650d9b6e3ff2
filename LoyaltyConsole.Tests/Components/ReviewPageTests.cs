using Bunit;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Features.Review;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using TestContext = Xunit.TestContext;

namespace LoyaltyConsole.Tests.Components;

public sealed class ReviewPageTests : ConsoleTestContext
{
    // Enough clients that every location has SMS proposals waiting.
    public ReviewPageTests()
        : base(clients: 300)
    {
    }

    [Fact]
    public async Task The_queue_shows_counts_per_tab_and_only_the_managers_location()
    {
        await SignInAsync(TestUsers.ManagerSoho);
        var counts = await App.Get<ReviewQueue>().CountsAsync(await App.ScopeAsync(TestUsers.ManagerSoho), TestContext.Current.CancellationToken);

        var cut = Render<ReviewPage>();

        Assert.True(counts[ReviewTab.Sms] > 0, "the demo program queues SMS for SoHo");
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#review-grid tbody tr.clickable")), TimeSpan.FromSeconds(10));
        Assert.Contains($"SMS copy ({counts[ReviewTab.Sms]})", cut.Find("#tab-Sms").TextContent, StringComparison.Ordinal);
        Assert.Contains($"Tier changes ({counts[ReviewTab.TierChanges]})", cut.Find("#tab-TierChanges").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Wicker Park", cut.Find("#review-grid").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_detail_panel_counts_characters_and_segments_live_while_editing()
    {
        await SignInAsync(TestUsers.ManagerSoho);
        var cut = Render<ReviewPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#review-grid tbody tr.clickable")), TimeSpan.FromSeconds(10));

        cut.FindAll("#review-grid tbody tr.clickable")[0].Click();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#review-detail")), TimeSpan.FromSeconds(5));
        Assert.NotEmpty(cut.FindAll(".guardrail-result"));

        cut.Find("#sms-edit").Input("{first_name}, " + new string('x', 200) + " 20% Reply STOP to opt out.");
        cut.WaitForAssertion(() => Assert.Contains("2 segments · GSM-7", cut.Find("#sms-counter").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        cut.Find("#sms-edit").Input("{first_name}, come back soon!");
        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll(".live-violation"), v => v.TextContent.Contains("Reply STOP to opt out.", StringComparison.Ordinal)), TimeSpan.FromSeconds(5));
        cut.Find("#sms-edit").Input("{first_name}, 😊 20% Reply STOP to opt out.");
        cut.WaitForAssertion(() => Assert.Contains("1 segment · UCS-2", cut.Find("#sms-counter").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        Assert.NotEmpty(cut.FindAll("#edit-approve"));
    }

    [Fact]
    public async Task Approving_from_the_detail_panel_removes_the_item_and_offers_undo()
    {
        await SignInAsync(TestUsers.ManagerSoho);
        var scope = await App.ScopeAsync(TestUsers.ManagerSoho);
        var cut = Render<ReviewPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#review-grid tbody tr.clickable")), TimeSpan.FromSeconds(10));
        var before = (await App.Get<ReviewQueue>().CountsAsync(scope, TestContext.Current.CancellationToken))[ReviewTab.Sms];

        // Rows without a red flag pass every guardrail.
        var row = cut.FindAll("#review-grid tbody tr.clickable").First(r => r.QuerySelectorAll(".mud-chip").Length == 0);
        row.Click();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#approve")), TimeSpan.FromSeconds(5));
        cut.Find("#approve").Click();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#undo")), TimeSpan.FromSeconds(5));
        Assert.Equal(before - 1, (await App.Get<ReviewQueue>().CountsAsync(scope, TestContext.Current.CancellationToken))[ReviewTab.Sms]);
        await using var db = await App.CreateDbContextAsync();
        Assert.Equal(1, await db.Proposals.CountAsync(p => p.Status == ProposalStatus.Approved, TestContext.Current.CancellationToken));
    }
}

public sealed class ReviewKeyboardTests : ConsoleTestContext
{
    public ReviewKeyboardTests()
        : base(clients: 300)
    {
    }

    [Fact]
    public async Task J_and_K_move_through_the_queue_and_A_approves_the_selected_proposal()
    {
        // The marketing lead's queue spans every location, so it always holds more than one SMS proposal.
        await SignInAsync(TestUsers.Marketing);
        var cut = Render<ReviewPage>();
        cut.WaitForAssertion(() => Assert.True(cut.FindAll("#review-grid tbody tr.clickable").Count >= 2), TimeSpan.FromSeconds(10));
        var keys = cut.Find("#review-keys");

        keys.KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "j" });
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#review-detail")), TimeSpan.FromSeconds(5));
        var first = cut.Find("#review-detail h6").TextContent;
        keys.KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "j" });
        keys.KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "k" });
        Assert.Equal(first, cut.Find("#review-detail h6").TextContent);

        // Move to a proposal without guardrail flags, then approve it with A.
        var rows = cut.FindAll("#review-grid tbody tr.clickable");
        var cleanIndex = rows.Select((r, i) => (r, i)).First(x => x.r.QuerySelectorAll(".mud-chip").Length == 0).i;
        for (var i = 0; i < cleanIndex; i++)
        {
            cut.Find("#review-keys").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "j" });
        }
        cut.Find("#review-keys").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "a" });

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#undo")), TimeSpan.FromSeconds(5));
        await using var db = await App.CreateDbContextAsync();
        Assert.Equal(1, await db.Proposals.CountAsync(p => p.Status == ProposalStatus.Approved, TestContext.Current.CancellationToken));
    }
}
