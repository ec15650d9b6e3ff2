using LoyaltyConsole.Data;
using LoyaltyConsole.Features.Clients;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Integration;

public sealed class LocationScopeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Manager_sees_only_clients_of_their_own_location()
    {
        await using var app = new TestApp(clients: 200);
        var scope = await app.ScopeAsync(TestUsers.ManagerSoho);
        var soho = Assert.Single(scope.LocationIds);

        var page = await app.Get<ClientDirectory>().SearchAsync(scope, new ClientQuery(PageSize: 500), Ct);

        await using var db = await app.CreateDbContextAsync();
        Assert.Equal(await db.Clients.CountAsync(c => c.HomeLocationId == soho, Ct), page.TotalCount);
        Assert.All(page.Items, row => Assert.Equal(soho, row.LocationId));
        Assert.True(page.TotalCount < await db.Clients.CountAsync(Ct));
    }

    [Fact]
    public async Task Manager_of_location_A_cannot_read_a_client_of_location_B()
    {
        await using var app = new TestApp(clients: 200);
        var soho = await app.ScopeAsync(TestUsers.ManagerSoho);
        var wickerPark = await app.ScopeAsync(TestUsers.ManagerWickerPark);
        await using var db = await app.CreateDbContextAsync();
        var wickerParkClient = await db.Clients.FirstAsync(c => c.HomeLocationId == wickerPark.LocationIds.Single(), Ct);
        var directory = app.Get<ClientDirectory>();

        Assert.Null(await directory.GetAsync(soho, wickerParkClient.Id, Ct));
        Assert.NotNull(await directory.GetAsync(wickerPark, wickerParkClient.Id, Ct));
        Assert.DoesNotContain(
            (await directory.SearchAsync(soho, new ClientQuery(Search: wickerParkClient.LastName, PageSize: 500), Ct)).Items,
            row => row.Id == wickerParkClient.Id);
    }

    [Fact]
    public async Task Owner_and_marketing_lead_see_every_location_and_admin_sees_no_clients()
    {
        await using var app = new TestApp(clients: 60);
        var directory = app.Get<ClientDirectory>();

        Assert.Equal(60, (await directory.SearchAsync(await app.ScopeAsync(TestUsers.Owner), new ClientQuery(), Ct)).TotalCount);
        Assert.Equal(60, (await directory.SearchAsync(await app.ScopeAsync(TestUsers.Marketing), new ClientQuery(), Ct)).TotalCount);
        Assert.Equal(0, (await directory.SearchAsync(await app.ScopeAsync(TestUsers.Admin), new ClientQuery(), Ct)).TotalCount);
    }

    [Fact]
    public async Task Search_finds_clients_by_name_email_or_phone_digits_and_sorts_server_side()
    {
        await using var app = new TestApp(clients: 100);
        var owner = await app.ScopeAsync(TestUsers.Owner);
        var directory = app.Get<ClientDirectory>();
        await using var db = await app.CreateDbContextAsync();
        var sample = await db.Clients.FirstAsync(c => c.PhoneE164 != null && c.Email != null, Ct);

        var byName = await directory.SearchAsync(owner, new ClientQuery(Search: $"{sample.FirstName} {sample.LastName}"), Ct);
        var byEmail = await directory.SearchAsync(owner, new ClientQuery(Search: sample.Email!.ToUpperInvariant()), Ct);
        var byPhone = await directory.SearchAsync(owner, new ClientQuery(Search: sample.PhoneE164![^7..]), Ct);
        var byLastVisit = await directory.SearchAsync(owner, new ClientQuery(SortBy: "LastVisit", Descending: true, PageSize: 100), Ct);

        Assert.Contains(byName.Items, r => r.Id == sample.Id);
        Assert.Contains(byEmail.Items, r => r.Id == sample.Id);
        Assert.Contains(byPhone.Items, r => r.Id == sample.Id);
        Assert.Equal(byLastVisit.Items.Select(r => r.LastVisitAt).OrderByDescending(d => d), byLastVisit.Items.Select(r => r.LastVisitAt));
    }
}
