using Bunit;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Features.Audit;
using LoyaltyConsole.Review;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TestContext = Xunit.TestContext;

namespace LoyaltyConsole.Tests.Components;

public sealed class AuditLogPageTests : ConsoleTestContext
{
    public AuditLogPageTests()
        : base(clients: 300)
    {
    }

    [Fact]
    public async Task A_link_to_one_proposal_shows_its_whole_history_and_nothing_else()
    {
        await SignInAsync(TestUsers.Owner);
        var scope = await App.ScopeAsync(TestUsers.ManagerSoho);
        var actor = AuditActor.From(await App.PrincipalAsync(TestUsers.ManagerSoho));
        await using var db = await App.CreateDbContextAsync();
        var ids = scope.LocationIds.ToList();
        var proposal = await db.Proposals.FirstAsync(p => p.Status == LoyaltyConsole.Domain.Workflows.ProposalStatus.PendingReview && ids.Contains(p.LocationId), TestContext.Current.CancellationToken);
        var reviews = App.Get<ReviewService>();
        await reviews.RejectAsync(proposal.Id, "Wrong timing", actor, TestContext.Current.CancellationToken);
        await reviews.UndoAsync(proposal.Id, actor, TestContext.Current.CancellationToken);

        Services.GetRequiredService<NavigationManager>().NavigateTo($"audit?entity=Proposal&id={proposal.Id}");
        var cut = Render<AuditLogPage>();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("#audit-grid tbody tr.mud-table-row").Count), TimeSpan.FromSeconds(10));
        var text = cut.Find("#audit-grid").TextContent;
        Assert.Contains(AuditActions.ProposalCreated, text, StringComparison.Ordinal);
        Assert.Contains(AuditActions.ProposalRejected, text, StringComparison.Ordinal);
        Assert.Contains(AuditActions.ProposalUndone, text, StringComparison.Ordinal);
    }
}
