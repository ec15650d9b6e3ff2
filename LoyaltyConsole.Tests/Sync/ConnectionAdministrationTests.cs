using LoyaltyConsole.Auditing;
using LoyaltyConsole.Identity;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Sync;

public sealed class ConnectionAdministrationTests
{
    private const string Token = "EAAAl-secret-token-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Credentials_are_stored_encrypted_never_audited_and_kept_when_the_field_is_left_blank()
    {
        await using var app = new TestApp(clients: 5);
        var admin = (await app.CreateUsersAsync(1, Roles.Admin))[0];
        var administration = app.Get<ConnectionAdministration>();
        var form = new ConnectionForm { Name = "Square downtown", Kind = ConnectionKind.Square, Source = "square", Schedule = "0 0/15 * * * ?", NewCredentials = Token, NewWebhookSecret = "whsec-42" };

        var created = await administration.CreateAsync(form, admin, Ct);
        var row = (await administration.ListAsync(Ct)).Single();
        var edit = ConnectionForm.From(row);
        edit.Schedule = "0 0 * * * ?";
        var saved = await administration.UpdateAsync(row.Id, row.Version, edit, admin, Ct);
        var stale = await administration.UpdateAsync(row.Id, row.Version, edit, admin, Ct);

        Assert.True(created.Succeeded, created.Message);
        Assert.True(saved.Succeeded, saved.Message);
        Assert.False(stale.Succeeded);
        await using var db = await app.CreateDbContextAsync();
        var stored = await db.Connections.SingleAsync(Ct);
        Assert.NotNull(stored.ProtectedCredentials);
        Assert.DoesNotContain(Token, stored.ProtectedCredentials, StringComparison.Ordinal);
        Assert.Equal(Token, app.Get<ConnectionSecrets>().Credentials(stored));
        Assert.Equal("whsec-42", app.Get<ConnectionSecrets>().WebhookSecret(stored));
        Assert.Equal("0 0 * * * ?", stored.Schedule);
        var audited = await db.AuditEntries.Where(e => e.EntityType == "Connection").OrderBy(e => e.Sequence).ToListAsync(Ct);
        Assert.Equal(2, audited.Count);
        Assert.All(audited, e => Assert.DoesNotContain(Token, e.AfterJson ?? "", StringComparison.Ordinal));
        Assert.All(audited, e => Assert.DoesNotContain("whsec-42", (e.BeforeJson ?? "") + e.AfterJson, StringComparison.Ordinal));
        Assert.Contains("\"credentials\":\"replaced\"", audited[0].AfterJson, StringComparison.Ordinal);
        Assert.Contains("\"credentials\":\"kept\"", audited[1].AfterJson, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "fresha", null, "Enter a name")]
    [InlineData("Fresha", "", null, "source name")]
    [InlineData("Fresha", "fresha", "every day", "not a cron expression")]
    [InlineData("Fresha", "demo", null, "reserved")]
    [InlineData("Fresha", "fresh a", null, "letters, digits")]
    public async Task Bad_input_is_refused_with_a_clear_message_and_changes_nothing(string name, string source, string? schedule, string message)
    {
        await using var app = new TestApp(clients: 5);
        var result = await app.Get<ConnectionAdministration>().CreateAsync(
            new ConnectionForm { Name = name, Source = source, Schedule = schedule, Kind = ConnectionKind.Square }, AuditActor.System, Ct);

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(0, await db.Connections.CountAsync(Ct));
    }

    [Fact]
    public async Task A_manager_cannot_create_a_connection()
    {
        await using var app = new TestApp(clients: 5);
        var manager = (await app.CreateUsersAsync(1, Roles.Manager, 1))[0];

        var result = await app.Get<ConnectionAdministration>().CreateAsync(new ConnectionForm { Name = "X", Source = "x" }, manager, Ct);

        Assert.False(result.Succeeded);
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(0, await db.Connections.CountAsync(Ct));
    }

    [Fact]
    public async Task A_run_whose_hold_was_taken_over_after_its_lease_stops_at_its_next_checkpoint_and_records_nothing_of_it()
    {
        await using var app = new TestApp(clients: 5);
        var connection = await SyncWriterTests.AddConnectionAsync(app, "shop");
        var runner = app.Get<SyncRunner>();
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource();

        var slow = Task.Run(() => runner.RunAsync(connection.Id, "Manual", AuditActor.System, async context =>
        {
            started.SetResult();
            await release.Task;
            await context.CheckpointAsync(new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), "page 7", "orders", 1);
        }, Ct), Ct);
        await started.Task;
        // As a second instance does once the lease has lapsed: the claim expired, and another run took the connection.
        await using (var db = await app.CreateDbContextAsync())
        {
            await db.Connections.Where(c => c.Id == connection.Id).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.RunningSince, DateTime.UtcNow - SyncRunner.Lease - TimeSpan.FromMinutes(1)), Ct);
        }
        var takeover = await runner.RunAsync(connection.Id, "Schedule", AuditActor.System, _ => Task.Delay(200, Ct), Ct);
        release.SetResult();
        var (run, _) = await slow;

        Assert.NotNull(takeover.Run);
        Assert.Equal(SyncRunStatus.Succeeded, takeover.Run.Status);
        Assert.NotNull(run);
        Assert.Equal(SyncRunStatus.Failed, run.Status);
        Assert.Contains("Another run took this connection over", run.Error, StringComparison.Ordinal);
        await using var after = await app.CreateDbContextAsync();
        var stored = await after.Connections.AsNoTracking().SingleAsync(c => c.Id == connection.Id, Ct);
        Assert.Null(stored.ResumeState);
        Assert.Null(stored.Watermark);
    }

    [Fact]
    public async Task One_run_per_connection_at_a_time_and_the_run_records_its_counts_issues_and_end()
    {
        await using var app = new TestApp(clients: 5);
        var connection = await SyncWriterTests.AddConnectionAsync(app, "shop");
        var runner = app.Get<SyncRunner>();
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource();

        var first = Task.Run(() => runner.RunAsync(connection.Id, "Manual", AuditActor.System, async context =>
        {
            started.SetResult();
            await release.Task;
            context.Input = "clients";
            var counts = await context.Writer.WriteClientsAsync(context.Connection, [new SourceClient("c-1", "Ada", null, null, null), new SourceClient("c-2", "", "", "bad", null, SourceLocationId: "elsewhere", Line: 9)], context.Issues, Ct);
            context.Count(counts);
            await context.CheckpointAsync(new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), null, "clients", 2);
        }, Ct), Ct);
        await started.Task;
        var second = await runner.RunAsync(connection.Id, "Schedule", AuditActor.System, _ => Task.CompletedTask, Ct);
        release.SetResult();
        var (run, message) = await first;

        Assert.Null(second.Run);
        Assert.Contains("already running", second.Message, StringComparison.Ordinal);
        Assert.NotNull(run);
        Assert.Equal(SyncRunStatus.CompletedWithIssues, run.Status);
        Assert.Equal((1L, 1L), (run.New, run.Failed));
        await using var db = await app.CreateDbContextAsync();
        var issues = await db.SyncIssues.OrderBy(i => i.Id).Select(i => new { i.File, i.Line, i.Kind }).ToListAsync(Ct);
        // The bad email is dropped with a warning; the unmapped location fails the row.
        Assert.Equal([("clients", 9L, SourceIssueKind.Warning), ("clients", 9L, SourceIssueKind.Failed)], issues.Select(i => (i.File, i.Line, i.Kind)));
        var stored = await db.Connections.SingleAsync(Ct);
        Assert.Null(stored.RunningSince);
        Assert.Equal(new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), stored.Watermark);
        Assert.Equal(["sync.started", "sync.finished"], await db.AuditEntries.Where(e => e.EntityType == "Connection").OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync(Ct));
        // The next run is free to start.
        Assert.NotNull((await runner.RunAsync(connection.Id, "Manual", AuditActor.System, _ => Task.CompletedTask, Ct)).Run);
    }

    [Fact]
    public async Task The_row_report_downloads_as_csv_for_an_admin_only_with_formulas_defused()
    {
        await using var app = new TestApp(clients: 5);
        var connection = await SyncWriterTests.AddConnectionAsync(app, "shop");
        var (run, _) = await app.Get<SyncRunner>().RunAsync(connection.Id, "Upload", AuditActor.System, context =>
        {
            context.Issues.Add(new SourceIssue(3, SourceIssueKind.Skipped, "No customer id.", "=HYPERLINK(\"http://x\"),,12.50"));
            return Task.CompletedTask;
        }, Ct);
        var url = $"/admin/connections/runs/{run!.Id}/report.csv";

        var asAdmin = await (await app.SignedInClientAsync(TestUsers.Admin)).GetAsync(url, Ct);
        var asOwner = await (await app.SignedInClientAsync(TestUsers.Owner)).GetAsync(url, Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, asAdmin.StatusCode);
        var csv = await asAdmin.Content.ReadAsStringAsync(Ct);
        Assert.Equal("file,line,outcome,reason,row", csv.TrimStart('\uFEFF').Split("\r\n")[0]);
        Assert.Contains("records,3,Skipped,No customer id.,\"'=HYPERLINK(\"\"http://x\"\"),,12.50\"", csv, StringComparison.Ordinal);
        Assert.NotEqual(System.Net.HttpStatusCode.OK, asOwner.StatusCode);
    }
}
