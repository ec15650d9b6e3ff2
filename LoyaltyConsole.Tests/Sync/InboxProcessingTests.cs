using System.Net;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Features.Webhooks;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Sync.Webhooks;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static LoyaltyConsole.Tests.Sync.WebhookTestSupport;

namespace LoyaltyConsole.Tests.Sync;

/// <summary>
/// From the inbox to our data: one row and one applied effect however often and however concurrently an event is
/// sent, retries with growing waits, Failed after the last attempt, listed, and applied after an Admin's replay.
/// </summary>
public sealed class InboxProcessingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_event_sent_ten_times_at_once_is_stored_once_and_applied_once()
    {
        await using var app = new TestApp(clients: 5, services: s => Use<CountingGenericHandler>(s));
        await AddConnectionAsync(app, ConnectionKind.CsvImport, "fresha");
        var http = app.CreateClient(new() { AllowAutoRedirect = false });
        var body = ClientEvent("evt-1", "c-1");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => SendAsync(http, Generic("fresha", body))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Single(responses, r => r.Text == "Stored.");
        Assert.Equal(1, await InboxCountAsync(app));

        // Two runs at once, as two instances' would be: the claim lets only one of them apply the event.
        var processor = app.Get<InboxProcessor>();
        var runs = await Task.WhenAll(processor.ApplyDueAsync(Ct), processor.ApplyDueAsync(Ct));
        var late = await SendAsync(http, Generic("fresha", body));
        var rerun = await processor.ApplyDueAsync(Ct);

        Assert.Equal(1, runs.Sum(r => r.Applied));
        Assert.Equal((HttpStatusCode.OK, "Already stored."), late);
        Assert.Equal(0, rerun.Applied);
        Assert.Equal(1, app.Get<CountingGenericHandler>().Calls);
        await using var db = await app.CreateDbContextAsync();
        var stored = await db.InboxEvents.SingleAsync(Ct);
        Assert.Equal((InboxStatus.Applied, 1), (stored.Status, stored.Attempts));
        var client = await db.Clients.SingleAsync(c => c.Source == "fresha", Ct);
        Assert.Equal(("c-1", "Ada", "c-1@example.com"), (client.ExternalId, client.FirstName, client.Email));
    }

    [Fact]
    public async Task A_failing_event_is_retried_with_growing_waits_then_failed_listed_and_applied_once_an_admin_replays_it()
    {
        await using var app = new TestApp(clients: 5, services: s => Use<FlakyHandler>(s));
        var flaky = app.Get<FlakyHandler>();
        await AddConnectionAsync(app, ConnectionKind.CsvImport, "fresha");
        var http = app.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, Generic("fresha", ClientEvent("evt-1", "c-1")))).Status);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var start = clock.GetUtcNow().UtcDateTime;
        var processor = new InboxProcessor(
            app.Get<IDbContextFactory<ApplicationDbContext>>(), [flaky], clock,
            Options.Create(new WebhookOptions { MaxAttempts = 3, RetryAfterSeconds = 10 }), NullLogger<InboxProcessor>.Instance);

        var first = await processor.ApplyDueAsync(Ct);
        var afterFirst = await EventAsync(app);
        var notYet = await processor.ApplyDueAsync(Ct);
        clock.Advance(TimeSpan.FromSeconds(13));
        var second = await processor.ApplyDueAsync(Ct);
        var afterSecond = await EventAsync(app);
        clock.Advance(TimeSpan.FromSeconds(26));
        var third = await processor.ApplyDueAsync(Ct);
        var afterThird = await EventAsync(app);
        clock.Advance(TimeSpan.FromHours(1));
        var failedStays = await processor.ApplyDueAsync(Ct);

        Assert.Equal(new InboxRunResult(0, 1, 0), first);
        Assert.Equal(new InboxRunResult(0, 0, 0), notYet);
        Assert.Equal(new InboxRunResult(0, 1, 0), second);
        Assert.Equal(new InboxRunResult(0, 0, 1), third);
        Assert.Equal(new InboxRunResult(0, 0, 0), failedStays);
        Assert.Equal((InboxStatus.Pending, 1, FlakyHandler.Error), (afterFirst.Status, afterFirst.Attempts, afterFirst.LastError));
        // 10 s, then 20 s, each ± a quarter.
        Assert.InRange((afterFirst.NextAttemptAt - start).TotalSeconds, 7.5, 12.5);
        Assert.InRange((afterSecond.NextAttemptAt - start.AddSeconds(13)).TotalSeconds, 15, 25);
        Assert.Equal((InboxStatus.Failed, 3), (afterThird.Status, afterThird.Attempts));
        Assert.Equal(3, flaky.Calls);

        var inbox = app.Get<WebhookInbox>();
        Assert.Equal(1, (await inbox.CountsAsync(Ct))[InboxStatus.Failed]);
        var listed = Assert.Single((await inbox.ListAsync(InboxStatus.Failed, 0, 25, Ct)).Items);
        Assert.Equal(("fresha", "Test fresha", "evt-1", "client", 3, FlakyHandler.Error), (listed.Source, listed.ConnectionName, listed.EventId, listed.Topic, listed.Attempts, listed.LastError));

        flaky.Failing = false;
        var admin = AuditActor.From(await app.PrincipalAsync(TestUsers.Admin));
        var replayed = await inbox.ReplayAsync(listed.Id, admin, Ct);
        Assert.True(replayed.Succeeded, replayed.Message);

        // The replay starts the app's apply job at once, which applies the event with the same (now healthy) handler.
        var applied = await EventAsync(app);
        for (var i = 0; i < 150 && applied.Status != InboxStatus.Applied; i++)
        {
            await Task.Delay(100, Ct);
            applied = await EventAsync(app);
        }
        Assert.Equal((InboxStatus.Applied, 1, null), (applied.Status, applied.Attempts, applied.LastError));
        Assert.Equal(4, flaky.Calls);
        Assert.False((await inbox.ReplayAsync(listed.Id, admin, Ct)).Succeeded);
        await using var db = await app.CreateDbContextAsync();
        var audit = await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.WebhookReplayed, Ct);
        Assert.Equal((admin.Id, listed.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), (audit.ActorId, audit.EntityId));
        Assert.DoesNotContain("Ada", audit.AfterJson ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_an_admin_may_replay_and_a_refused_replay_changes_nothing()
    {
        await using var app = new TestApp(clients: 5);
        await AddConnectionAsync(app, ConnectionKind.CsvImport, "fresha");
        await using (var arrange = await app.CreateDbContextAsync())
        {
            var failed = new InboxEvent(null, "fresha", "evt-9", null, "client", "{}", DateTime.UtcNow);
            failed.AttemptFailed(DateTime.UtcNow, "boom", 1, TimeSpan.FromSeconds(30));
            arrange.InboxEvents.Add(failed);
            await arrange.SaveChangesAsync(Ct);
        }
        var owner = AuditActor.From(await app.PrincipalAsync(TestUsers.Owner));

        var refused = await app.Get<WebhookInbox>().ReplayFailedAsync(owner, Ct);

        Assert.False(refused.Succeeded);
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(InboxStatus.Failed, (await db.InboxEvents.SingleAsync(Ct)).Status);
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.WebhookReplayed, Ct));
    }

    private static void Use<THandler>(IServiceCollection services)
        where THandler : class, IInboxEventHandler
    {
        services.RemoveAll<IInboxEventHandler>();
        services.AddSingleton<THandler>();
        services.AddSingleton<IInboxEventHandler>(sp => sp.GetRequiredService<THandler>());
    }

    private static async Task<InboxEvent> EventAsync(TestApp app)
    {
        await using var db = await app.CreateDbContextAsync();
        return await db.InboxEvents.AsNoTracking().SingleAsync(Ct);
    }

    /// <summary>The real generic handler, counting how often it is asked to apply an event.</summary>
    private sealed class CountingGenericHandler(SyncWriter writer) : IInboxEventHandler
    {
        private readonly GenericInboxHandler _inner = new(writer);
        private int _calls;

        public int Calls => _calls;

        public WebhookFormat Format => WebhookFormat.Generic;

        public Task ApplyAsync(InboxEvent inboxEvent, Connection connection, CancellationToken ct)
        {
            Interlocked.Increment(ref _calls);
            return _inner.ApplyAsync(inboxEvent, connection, ct);
        }
    }

    private sealed class FlakyHandler : IInboxEventHandler
    {
        public const string Error = "Simulated outage of the platform";
        private int _calls;

        public bool Failing { get; set; } = true;

        public int Calls => _calls;

        public WebhookFormat Format => WebhookFormat.Generic;

        public Task ApplyAsync(InboxEvent inboxEvent, Connection connection, CancellationToken ct)
        {
            Interlocked.Increment(ref _calls);
            return Failing ? throw new InvalidOperationException(Error) : Task.CompletedTask;
        }
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
