using Bunit;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Features.Webhooks;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using TestContext = Xunit.TestContext;

namespace LoyaltyConsole.Tests.Components;

public sealed class WebhooksPageTests : ConsoleTestContext
{
    public WebhooksPageTests()
        : base(clients: 5)
    {
    }

    [Fact]
    public async Task An_admin_sees_failed_deliveries_with_their_error_reads_the_body_and_replays_one()
    {
        await SignInAsync(TestUsers.Admin);
        long failedId;
        await using (var db = await App.CreateDbContextAsync())
        {
            var failed = new InboxEvent(null, "fresha", "evt-failed", null, "client", """{"id":"evt-failed","data":{"email":"ada@example.com"}}""", DateTime.UtcNow);
            failed.AttemptFailed(DateTime.UtcNow, "Client c-1 names no location", 1, TimeSpan.FromSeconds(30));
            var applied = new InboxEvent(null, "fresha", "evt-applied", null, "visit", "{}", DateTime.UtcNow);
            applied.Applied(DateTime.UtcNow);
            db.InboxEvents.AddRange(failed, applied, new InboxEvent(null, "fresha", "evt-waiting", null, "visit", "{}", DateTime.UtcNow));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            failedId = failed.Id;
        }

        var cut = Render<WebhooksPage>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("#webhooks-grid tbody tr.mud-table-row")), TimeSpan.FromSeconds(10));
        var grid = cut.Find("#webhooks-grid").TextContent;
        Assert.Contains("evt-failed", grid, StringComparison.Ordinal);
        Assert.Contains("Client c-1 names no location", grid, StringComparison.Ordinal);
        Assert.DoesNotContain("evt-applied", grid, StringComparison.Ordinal);
        // The counts are a query of their own, and may arrive after the grid.
        cut.WaitForAssertion(() =>
        {
            var counts = cut.Find("#webhook-counts").TextContent;
            Assert.Contains("Failed: 1", counts, StringComparison.Ordinal);
            Assert.Contains("Pending: 1", counts, StringComparison.Ordinal);
            Assert.Contains("Applied: 1", counts, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10));

        await cut.ClickAsync($"#body-{failedId}");
        cut.WaitForAssertion(() => Assert.Contains("ada@example.com", cut.Find("#webhook-body").TextContent, StringComparison.Ordinal));

        await cut.ClickAsync($"#replay-{failedId}");

        await using var after = await App.CreateDbContextAsync();
        cut.WaitForAssertion(() => Assert.True(after.AuditEntries.Any(e => e.Action == AuditActions.WebhookReplayed)), TimeSpan.FromSeconds(10));
        var replayed = await after.InboxEvents.AsNoTracking().SingleAsync(e => e.Id == failedId, TestContext.Current.CancellationToken);
        Assert.Equal(InboxStatus.Pending, replayed.Status);
        cut.WaitForAssertion(() => Assert.Contains("Failed: 0", cut.Find("#webhook-counts").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }
}
