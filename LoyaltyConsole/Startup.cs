using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.DemoData;
using LoyaltyConsole.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole;

public sealed class BootstrapOptions
{
    public const string SectionName = "Bootstrap";

    /// <summary>Creates this Admin at start-up when no Admin exists (production's alternative to <c>-- create-admin</c>).</summary>
    public string? AdminEmail { get; set; }

    /// <summary>Its password; supply through an environment variable or a secret store, never appsettings in the repo.</summary>
    public string? AdminPassword { get; set; }
}

/// <summary>
/// Runs before the scheduler and the web server start (hosted services start in registration order): schema, roles,
/// the bootstrap Admin and, when the demo is enabled, the demo business on an empty database.
/// </summary>
internal sealed class Startup(IServiceProvider root) : IHostedService
{
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // No audit key, no start: every change is audited, and an unsigned entry would be refused later anyway.
        _ = root.GetRequiredService<AuditChainKeySource>().Key;
        await root.GetRequiredService<DatabaseInitializer>().MigrateOnStartupAsync(cancellationToken);

        await using var scope = root.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var seeder = services.GetRequiredService<IdentitySeeder>();
        await seeder.EnsureRolesAsync();
        await CreateBootstrapAdminAsync(services, seeder, cancellationToken);

        var demo = services.GetRequiredService<IOptions<DemoOptions>>().Value;
        if (demo.Enabled && demo.SeedOnEmptyDatabase)
        {
            var demoSeeder = services.GetRequiredService<DemoSeeder>();
            if (await demoSeeder.IsDatabaseEmptyAsync(cancellationToken))
            {
                Console.WriteLine($"Generating the demo business ({demo.Clients:N0} clients, seed {demo.Seed})...");
                var result = await demoSeeder.SeedAsync(demo.Clients, demo.Seed, progress: null, ct: cancellationToken);
                Console.WriteLine($"Demo business ready: {result.Clients:N0} clients, {result.Visits:N0} visits in {result.Elapsed.TotalSeconds:N1} s.");
                // Score the new business at once so segments and scores are there on first sign-in.
                var scored = await services.GetRequiredService<Scoring.SegmentationService>()
                    .RunAsync(DateOnly.FromDateTime(services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime), "demo seeding", cancellationToken);
                Console.WriteLine($"Scored {scored.ClientsScored:N0} clients in {scored.Elapsed.TotalSeconds:N1} s.");
                await services.GetRequiredService<DemoProgram>().EnsureAsync(cancellationToken);
                var proposed = await services.GetRequiredService<Proposals.ProposalService>().RunAsync(scored.AsOf, Auditing.AuditActor.System, cancellationToken);
                Console.WriteLine($"Demo program: {proposed.Sum(p => p.Pending):N0} proposals to review, {proposed.Sum(p => p.Blocked):N0} blocked by guardrails.");
            }
            var created = await services.GetRequiredService<DemoUsers>().EnsureAsync(cancellationToken);
            PrintDemoUsers(created, demo.UserPassword);
        }
    }

    public static void PrintDemoUsers(IReadOnlyList<DemoUser> created, string password)
    {
        if (created.Count == 0)
        {
            return;
        }
        Console.WriteLine();
        Console.WriteLine("Demo users (Development only), all with password " + password + ":");
        foreach (var user in created)
        {
            Console.WriteLine($"  {user.Role,-14} {user.Email}{(user.LocationKey is null ? "" : $"  (location: {user.LocationKey})")}");
        }
        Console.WriteLine();
    }

    private static async Task CreateBootstrapAdminAsync(IServiceProvider services, IdentitySeeder seeder, CancellationToken ct)
    {
        var options = services.GetRequiredService<IOptions<BootstrapOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.AdminEmail))
        {
            return;
        }
        var users = services.GetRequiredService<UserManager<ApplicationUser>>();
        if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count > 0)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(options.AdminPassword))
        {
            throw new InvalidOperationException("Bootstrap:AdminEmail is set but Bootstrap:AdminPassword is not.");
        }
        await seeder.CreateAdminAsync(options.AdminEmail, options.AdminPassword, AuditActor.System, ct);
    }
}

internal static class StartupRegistration
{
    /// <summary>Register before <c>AddJobs</c>: the scheduler must not start on an unmigrated database.</summary>
    public static IHostApplicationBuilder AddStartupTasks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<Startup>();
        return builder;
    }
}
