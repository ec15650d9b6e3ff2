using Bunit;
using LoyaltyConsole.Components.Layout;
using LoyaltyConsole.DemoData;
using LoyaltyConsole.Tests.Infrastructure;

namespace LoyaltyConsole.Tests.Components;

public sealed class NavMenuTests : ConsoleTestContext
{
    public static TheoryData<string, string[], string[]> Expectations => new()
    {
        { "manager.soho@demo.example", ["Home", "Clients", "Segments", "Review", "Proposals"], ["Audit log", "Users", "Jobs", "Webhooks", "Model", "Program", "Outbox"] },
        { "marketing@demo.example", ["Home", "Clients", "Segments", "Review", "Proposals", "Program", "Model", "Outbox"], ["Audit log", "Users", "Jobs", "Webhooks"] },
        { "owner@demo.example", ["Home", "Clients", "Segments", "Review", "Proposals", "Model", "Audit log", "Outbox"], ["Users", "Jobs", "Webhooks", "Program"] },
        { "admin@demo.example", ["Home", "Audit log", "Users", "Jobs", "Webhooks", "Outbox"], ["Clients", "Segments", "Review", "Proposals", "Program", "Model"] },
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public async Task Navigation_shows_each_role_only_what_it_may_use(string email, string[] visible, string[] hidden)
    {
        await SignInAsync(DemoUsers.All.Single(u => u.Email == email));

        var cut = Render<NavMenu>();

        var links = cut.FindAll("a").Select(a => a.TextContent.Trim()).ToList();
        Assert.All(visible, label => Assert.Contains(label, links));
        Assert.All(hidden, label => Assert.DoesNotContain(label, links));
    }
}
