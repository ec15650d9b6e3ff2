using Bunit;
using LoyaltyConsole.Data;
using LoyaltyConsole.Features.Clients;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using TestContext = Xunit.TestContext;

namespace LoyaltyConsole.Tests.Components;

public sealed class ClientPagesTests : ConsoleTestContext
{
    private async Task<(int Own, int Other)> ClientsOfAsync()
    {
        var soho = (await App.ScopeAsync(TestUsers.ManagerSoho)).LocationIds.Single();
        await using var db = await App.CreateDbContextAsync();
        var own = await db.Clients.Where(c => c.HomeLocationId == soho).Select(c => c.Id).FirstAsync(TestContext.Current.CancellationToken);
        var other = await db.Clients.Where(c => c.HomeLocationId != soho).Select(c => c.Id).FirstAsync(TestContext.Current.CancellationToken);
        return (own, other);
    }

    [Fact]
    public async Task Client_page_shows_profile_visits_ledger_and_tier_history_of_an_own_client()
    {
        await SignInAsync(TestUsers.ManagerSoho);
        var (own, _) = await ClientsOfAsync();

        var cut = Render<ClientDetailPage>(p => p.Add(x => x.ClientId, own));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.Find("#client-name").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("#forbidden"));
        Assert.Contains("Visits (", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("Points ledger (", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("Tier history (", cut.Markup, StringComparison.Ordinal);
        Assert.NotEmpty(cut.FindAll("#visits tbody tr"));
    }

    [Fact]
    public async Task Manager_opening_a_client_of_another_location_gets_403_without_any_of_its_data()
    {
        await SignInAsync(TestUsers.ManagerSoho);
        var (_, other) = await ClientsOfAsync();
        await using var db = await App.CreateDbContextAsync();
        var client = await db.Clients.SingleAsync(c => c.Id == other, TestContext.Current.CancellationToken);

        var cut = Render<ClientDetailPage>(p => p.Add(x => x.ClientId, other));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#forbidden")), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(client.LastName, cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("#visits"));
    }

    [Fact]
    public async Task Clients_grid_lists_only_clients_of_the_managers_location()
    {
        await SignInAsync(TestUsers.ManagerSoho);

        var cut = Render<ClientsPage>();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#clients-grid tbody tr.clickable")), TimeSpan.FromSeconds(10));
        var locations = cut.FindAll("#clients-grid tbody tr.clickable").Select(r => r.Children[3].TextContent.Trim()).Distinct().ToList();
        Assert.Equal(["Lumière Salon & Spa — SoHo"], locations);
        // The caption comes with the page's own data, which may arrive just after the grid's first rows.
        cut.WaitForAssertion(() => Assert.Contains("Showing clients of your locations: Lumière Salon & Spa — SoHo.", System.Net.WebUtility.HtmlDecode(cut.Markup), StringComparison.Ordinal), TimeSpan.FromSeconds(5));
    }
}
