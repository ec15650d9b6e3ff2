using LoyaltyConsole.Auditing;
using LoyaltyConsole.DemoData;
using LoyaltyConsole.Execution;
using LoyaltyConsole.Identity;
using LoyaltyConsole.Proposals;
using LoyaltyConsole.Review;
using LoyaltyConsole.Scoring;
using LoyaltyConsole.Sync;

namespace LoyaltyConsole;

internal static class ConsoleStages
{
    /// <summary>
    /// The pipeline's stages and what they stand on (auditing, users and roles, the demo), registered alike for the web
    /// app and for the command-line verbs, so that a stage added here is there for both. Each stage keeps its own
    /// <c>DependencyInjection.cs</c>; the database (<c>AddData</c>) comes first in both hosts, and the web app adds
    /// sign-in (<c>AddConsoleIdentity</c>) on top.
    /// </summary>
    public static IHostApplicationBuilder AddConsoleStages(this IHostApplicationBuilder builder)
    {
        builder.AddAuditing();
        builder.AddIdentityStores();
        builder.AddDemoData();
        builder.AddScoring();
        builder.AddProposals();
        builder.AddReview();
        builder.AddExecution();
        builder.AddSync();
        return builder;
    }
}
