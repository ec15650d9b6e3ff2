using LoyaltyConsole;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Cli;
using LoyaltyConsole.Data;
using LoyaltyConsole.DemoData;
using LoyaltyConsole.Execution;
using LoyaltyConsole.Hosting;
using LoyaltyConsole.Identity;
using LoyaltyConsole.Jobs;
using LoyaltyConsole.Proposals;
using LoyaltyConsole.Review;
using LoyaltyConsole.Scoring;
using LoyaltyConsole.Sync;
using LoyaltyConsole.Sync.Webhooks;

// A verb (migrate, backtest, …) runs in a host of its own and exits; the web app never starts for it.
if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddData();
// Start-up (schema, roles, demo) runs before every other hosted service, e.g. Data Protection's key ring load.
builder.AddStartupTasks();
builder.AddAuditing();
builder.AddConsoleIdentity();
builder.AddDemoData();
builder.AddScoring();
builder.AddProposals();
builder.AddReview();
builder.AddExecution();
builder.AddSync();
builder.AddJobs();
builder.AddConsoleUi();
builder.AddHosting();

var app = builder.Build();
app.UseConsoleUi();
app.MapHealth();
app.MapSyncEndpoints();
app.MapWebhooks();
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to <c>WebApplicationFactory&lt;Program&gt;</c> in tests.</summary>
public partial class Program;
