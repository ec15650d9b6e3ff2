using Bunit;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Review;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Web;
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

        await cut.ClickAsync("#review-grid tbody tr.clickable");
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
        await cut.ClickAsync("#review-grid tbody tr.clickable", r => r.QuerySelectorAll(".mud-chip").Length == 0);
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#approve")), TimeSpan.FromSeconds(5));
        cut.Find("#approve").Click();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#undo")), TimeSpan.FromSeconds(5));
        Assert.Equal(before - 1, (await App.Get<ReviewQueue>().CountsAsync(scope, TestContext.Current.CancellationToken))[ReviewTab.Sms]);
        await using var db = await App.CreateDbContextAsync();
        Assert.Equal(1, await db.Proposals.CountAsync(p => p.Status == ProposalStatus.Approved, TestContext.Current.CancellationToken));
    }

    private static readonly string[] DecisionControls = ["#approve", "#edit-approve", "#reject", "#reject-reason", "#sms-edit", ".row-check", "#bulk-approve", "#bulk-reject", "#undo"];

    [Fact]
    public async Task The_owner_reads_the_queue_and_its_details_without_any_way_to_decide()
    {
        await SignInAsync(TestUsers.Owner);
        var cut = Render<ReviewPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#review-grid tbody tr.clickable")), TimeSpan.FromSeconds(10));

        await cut.ClickAsync("#review-grid tbody tr.clickable");
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#review-detail")), TimeSpan.FromSeconds(5));
        Assert.NotEmpty(cut.FindAll("#sms-preview"));
        Assert.NotEmpty(cut.FindAll("#evidence tr"));
        Assert.NotEmpty(cut.FindAll("#read-only"));
        Assert.All(DecisionControls, control => Assert.Empty(cut.FindAll(control)));

        // The keys that decide do nothing for the Owner; the proposal stays selected and open.
        cut.Find("#review-queue").KeyDown(new KeyboardEventArgs { Key = "a" });
        cut.Find("#review-queue").KeyDown(new KeyboardEventArgs { Key = "r" });
        Assert.NotEmpty(cut.FindAll("#review-detail"));
        await using var db = await App.CreateDbContextAsync();
        Assert.False(await db.Proposals.AnyAsync(p => p.DecidedBy != null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_manager_gets_the_decision_controls_and_evidence_in_words_without_links_to_pages_they_cannot_open()
    {
        await SignInAsync(TestUsers.ManagerSoho);
        var cut = Render<ReviewPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#review-grid tbody tr.clickable")), TimeSpan.FromSeconds(10));

        await cut.ClickAsync("#review-grid tbody tr.clickable");
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#review-detail")), TimeSpan.FromSeconds(5));
        foreach (var control in new[] { "#approve", "#reject", "#reject-reason", "#sms-edit", ".row-check" })
        {
            Assert.NotEmpty(cut.FindAll(control));
        }
        Assert.Empty(cut.FindAll("#read-only"));
        var evidence = cut.Find("#evidence").TextContent;
        Assert.Contains("likely still active", evidence, StringComparison.Ordinal);
        Assert.Contains("predicted 12-month value", evidence, StringComparison.Ordinal);
        Assert.DoesNotContain("probabilityAlive", evidence, StringComparison.Ordinal);
        Assert.DoesNotContain("predictedValueMinor", evidence, StringComparison.Ordinal);
        // The program and the model are not the Manager's pages.
        Assert.Empty(cut.FindAll("#evidence a"));
    }

    [Fact]
    public async Task A_marketing_lead_reads_tier_names_and_follows_the_workflow_and_model_versions()
    {
        await SignInAsync(TestUsers.Marketing);
        var cut = Render<ReviewPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#review-grid tbody tr.clickable")), TimeSpan.FromSeconds(10));
        cut.Find("#tab-TierChanges").Click();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#review-grid tbody tr.clickable")), TimeSpan.FromSeconds(10));

        await cut.ClickAsync("#review-grid tbody tr.clickable");
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#review-detail")), TimeSpan.FromSeconds(5));
        await using var db = await App.CreateDbContextAsync();
        var tierNames = await db.Tiers.Select(t => t.Name).ToListAsync(TestContext.Current.CancellationToken);
        var tierLine = cut.FindAll("#evidence tr").Single(r => r.QuerySelector("th")!.TextContent == "Tier").QuerySelector("td")!.TextContent;
        Assert.Contains(tierNames, name => tierLine.Contains(name, StringComparison.Ordinal));
        Assert.DoesNotMatch("[0-9]", tierLine);
        Assert.Equal(["program", "model"], cut.FindAll("#evidence a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public async Task The_selection_is_cleared_when_the_tab_a_filter_or_the_page_changes()
    {
        await SignInAsync(TestUsers.Marketing);
        var counts = await App.Get<ReviewQueue>().CountsAsync(await App.ScopeAsync(TestUsers.Marketing), TestContext.Current.CancellationToken);
        // A tab long enough for a second page, and another tab to switch to.
        var tab = counts.Where(c => c.Value > 25).Select(c => (ReviewTab?)c.Key).FirstOrDefault();
        Assert.True(tab is not null, "a review tab has a second page");
        var other = tab == ReviewTab.TierChanges ? ReviewTab.Sms : ReviewTab.TierChanges;
        var cut = Render<ReviewPage>();
        var rows = "#review-grid tbody tr.clickable";
        await cut.InvokeAsync(() => cut.Find($"#tab-{tab}").Click());
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(rows)), TimeSpan.FromSeconds(10));

        async Task CheckTwoRows()
        {
            cut.WaitForAssertion(() => Assert.True(cut.FindAll(".row-check input").Count >= 2), TimeSpan.FromSeconds(10));
            await cut.InvokeAsync(() => cut.FindAll(".row-check input")[0].Change(true));
            await cut.InvokeAsync(() => cut.FindAll(".row-check input")[1].Change(true));
            cut.WaitForAssertion(() => Assert.Contains("Approve 2 selected", cut.Find("#bulk-approve").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        }

        await CheckTwoRows();
        await cut.InvokeAsync(() => cut.Find($"#tab-{other}").Click());
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#bulk-approve")), TimeSpan.FromSeconds(5));
        await cut.InvokeAsync(() => cut.Find($"#tab-{tab}").Click());
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(rows)), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("#bulk-approve"));

        await CheckTwoRows();
        await cut.InvokeAsync(() => cut.Find(".mud-switch input").Change(true));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#bulk-approve")), TimeSpan.FromSeconds(5));
        await cut.InvokeAsync(() => cut.Find(".mud-switch input").Change(false));
        // Select only once the unfiltered page is back: selecting rows of the filtered page would race the reload.
        cut.WaitForAssertion(() => Assert.Equal(Math.Min(25, counts[tab!.Value]), cut.FindAll(rows).Count), TimeSpan.FromSeconds(10));

        await CheckTwoRows();
        await cut.InvokeAsync(() => cut.Find("button[aria-label='Next page']").Click());
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#bulk-approve")), TimeSpan.FromSeconds(5));
        await cut.InvokeAsync(() => cut.Find("button[aria-label='Previous page']").Click());
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(rows)), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("#bulk-approve"));
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
        var keys = cut.Find("#review-queue");

        keys.KeyDown(new KeyboardEventArgs { Key = "j" });
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#review-detail")), TimeSpan.FromSeconds(5));
        var first = cut.Find("#review-detail h6").TextContent;
        keys.KeyDown(new KeyboardEventArgs { Key = "j" });
        keys.KeyDown(new KeyboardEventArgs { Key = "k" });
        Assert.Equal(first, cut.Find("#review-detail h6").TextContent);

        // Move to a proposal without guardrail flags, then approve it with A.
        var rows = cut.FindAll("#review-grid tbody tr.clickable");
        var cleanIndex = rows.Select((r, i) => (r, i)).First(x => x.r.QuerySelectorAll(".mud-chip").Length == 0).i;
        for (var i = 0; i < cleanIndex; i++)
        {
            cut.Find("#review-queue").KeyDown(new KeyboardEventArgs { Key = "j" });
        }
        cut.Find("#review-queue").KeyDown(new KeyboardEventArgs { Key = "a" });

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#undo")), TimeSpan.FromSeconds(5));
        await using var db = await App.CreateDbContextAsync();
        Assert.Equal(1, await db.Proposals.CountAsync(p => p.Status == ProposalStatus.Approved, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Keys_typed_in_a_filter_or_the_message_do_not_act_on_the_queue()
    {
        // The marketing lead's queue spans every location, so it always holds more than one SMS proposal.
        await SignInAsync(TestUsers.Marketing);
        var cut = Render<ReviewPage>();
        cut.WaitForAssertion(() => Assert.True(cut.FindAll("#review-grid tbody tr.clickable").Count >= 2), TimeSpan.FromSeconds(10));
        // A proposal without guardrail flags, so that A would approve it if the key reached the queue.
        await cut.ClickAsync("#review-grid tbody tr.clickable", r => r.QuerySelectorAll(".mud-chip").Length == 0);
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#review-detail")), TimeSpan.FromSeconds(5));
        var selected = cut.Find("#review-detail h6").TextContent;

        foreach (var field in new[] { "#filter-age", "#sms-edit" })
        {
            foreach (var key in new[] { "j", "a", "r" })
            {
                cut.Find(field).KeyDown(new KeyboardEventArgs { Key = key });
            }
        }

        Assert.Equal(selected, cut.Find("#review-detail h6").TextContent);
        Assert.Empty(cut.FindAll("#undo"));
        await using (var db = await App.CreateDbContextAsync())
        {
            Assert.False(await db.Proposals.AnyAsync(p => p.DecidedBy != null, TestContext.Current.CancellationToken));
        }

        // The same key with the queue focused does act.
        cut.Find("#review-queue").KeyDown(new KeyboardEventArgs { Key = "a" });
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#undo")), TimeSpan.FromSeconds(5));
    }
}
