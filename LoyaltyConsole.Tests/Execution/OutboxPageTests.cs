using System.Net;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Domain.Execution;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Execution;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Execution;

public sealed class OutboxPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Admins_marketing_leads_and_owners_open_the_outbox_page_and_managers_do_not()
    {
        await using var app = new TestApp(clients: 5);

        foreach (var user in new[] { TestUsers.Admin, TestUsers.Marketing, TestUsers.Owner })
        {
            var response = await (await app.SignedInClientAsync(user)).GetAsync("/admin/outbox", Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{user.Email}: {response.StatusCode}");
        }
        var manager = await (await app.SignedInClientAsync(TestUsers.ManagerSoho)).GetAsync("/admin/outbox", Ct);
        Assert.NotEqual(HttpStatusCode.OK, manager.StatusCode);
    }

    [Fact]
    public async Task Only_an_admin_retries_or_cancels_and_an_unknown_sms_retried_by_a_person_is_sent_again_once()
    {
        await using var app = new TestApp(clients: 300);
        var proposal = (await app.ApproveSmsProposalsAsync(1)).Single();
        var actions = await app.ActionsOfAsync([proposal.Id]);
        var clock = new FixedClock(await app.InsideSendWindowAsync(actions.Max(a => a.DueAt), [proposal.LocationId]));
        var failing = new CountingSmsSender(_ => throw new TimeoutException("no answer"));
        await app.Dispatcher(clock, failing).DispatchDueAsync(Ct);
        var sms = (await app.ActionsOfAsync([proposal.Id])).Single(a => a.Kind == ActionKind.Sms);
        Assert.Equal(ActionState.Unknown, sms.State);
        var outbox = app.Get<OutboxAdministration>();
        var lead = AuditActor.From(await app.PrincipalAsync(TestUsers.Marketing));
        var owner = AuditActor.From(await app.PrincipalAsync(TestUsers.Owner));
        var admin = AuditActor.From(await app.PrincipalAsync(TestUsers.Admin));

        Assert.Equal("Your role does not allow this.", (await outbox.RetryAsync(sms.Id, lead, Ct)).Message);
        Assert.Equal("Your role does not allow this.", (await outbox.CancelAsync(sms.Id, "not needed", owner, Ct)).Message);
        var retried = await outbox.RetryAsync(sms.Id, admin, Ct);
        Assert.True(retried.Succeeded, retried.Message);
        var working = new CountingSmsSender();
        await app.Dispatcher(clock, working).DispatchDueAsync(Ct);
        await app.Dispatcher(clock, working).DispatchDueAsync(Ct);

        Assert.Equal(1, working.Sends[sms.Id]);
        var done = (await app.ActionsOfAsync([proposal.Id])).Single(a => a.Kind == ActionKind.Sms);
        Assert.Equal(ActionState.Done, done.State);
        Assert.Equal([AttemptOutcome.Unknown, AttemptOutcome.Succeeded], done.Attempts.OrderBy(t => t.Number).Select(t => t.Outcome));
        await using var db = await app.CreateDbContextAsync();
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.ExecutionRetried && e.EntityId == sms.Id.ToString() && e.ActorId == admin.Id, Ct));
        Assert.Equal(ProposalStatus.Sent, (await db.Proposals.AsNoTracking().SingleAsync(p => p.Id == proposal.Id, Ct)).Status);
    }

    [Fact]
    public async Task An_admin_cancelling_a_failed_write_back_cancels_the_message_behind_it_and_releases_the_reservation()
    {
        await using var app = new TestApp(clients: 300);
        var proposal = (await app.ApproveSmsProposalsAsync(1)).Single();
        var actions = await app.ActionsOfAsync([proposal.Id]);
        var clock = new FixedClock(await app.InsideSendWindowAsync(actions.Max(a => a.DueAt), [proposal.LocationId]));
        var refusing = new RefusingWriter();
        await app.Dispatcher(clock, platform: refusing).DispatchDueAsync(Ct);
        var writeBack = (await app.ActionsOfAsync([proposal.Id])).First();
        Assert.Equal(ActionState.Failed, writeBack.State);

        var cancelled = await app.Get<OutboxAdministration>().CancelAsync(writeBack.Id, "The platform will not take it", AuditActor.From(await app.PrincipalAsync(TestUsers.Admin)), Ct);

        Assert.True(cancelled.Succeeded, cancelled.Message);
        Assert.All(await app.ActionsOfAsync([proposal.Id]), a => Assert.Equal(ActionState.Cancelled, a.State));
        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(ProposalStatus.Cancelled, (await db.Proposals.AsNoTracking().SingleAsync(p => p.Id == proposal.Id, Ct)).Status);
    }

    private sealed class RefusingWriter : IPlatformWriter
    {
        public string Name => "Refusing";

        public Task<ExecutionResult> WriteAsync(ActionRequest request, CancellationToken ct) =>
            Task.FromResult(ExecutionResult.Rejected(Name, "The platform refused the write (400)."));
    }
}
