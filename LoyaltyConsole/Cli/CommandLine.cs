using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.DemoData;
using LoyaltyConsole.Identity;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Cli;

/// <summary>
/// Operator verbs: <c>dotnet run --project LoyaltyConsole -- &lt;verb&gt; [options]</c>. Each calls the same
/// services as the app; exit code 0 on success, 1 on failure, 2 on bad usage.
/// </summary>
public static class CommandLine
{
    private static readonly Dictionary<string, string> Verbs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["migrate"] = "Apply pending database migrations.",
        ["seed-demo"] = "Generate the demo business into an empty database: seed-demo [--clients N] [--seed S] [--visit-rate F] (F times the visits per client, default 1)",
        ["create-admin"] = "Create an Admin user: create-admin --email EMAIL [--password PASSWORD] (a password is generated when omitted)",
        ["verify-audit"] = "Verify the audit log's hash chain; reports the first broken entry.",
        ["segment"] = "Score and segment every client now: segment [--as-of YYYY-MM-DD] (default today, UTC)",
        ["backtest"] = "Fit BG/NBD + Gamma-Gamma on a calibration window and compare predictions with a holdout: backtest --transactions FILE --calibration-end YYYY-MM-DD [--holdout-end YYYY-MM-DD] [--json OUT]",
        ["benchmark-pages"] = "Time the queries of the Clients, Segments and Review pages: benchmark-pages [--propose true] [--runs N] (docs/benchmarks.md)",
        ["help"] = "Show this help.",
    };

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.ContainsKey(args[0]);

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        try
        {
            var options = ParseOptions(args.Skip(1).ToArray());
            return args[0].ToLowerInvariant() switch
            {
                "migrate" => await MigrateAsync(app),
                "seed-demo" => await SeedDemoAsync(app, options),
                "create-admin" => await CreateAdminAsync(app, options),
                "verify-audit" => await VerifyAuditAsync(app),
                "segment" => await SegmentAsync(app, options),
                "backtest" => BacktestCommand.Run(options, Console.Out),
                "benchmark-pages" => await PageQueriesBenchmark.RunAsync(app, options, Console.Out),
                _ => Help(),
            };
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            Help();
            return 2;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or Domain.Common.DomainException or OptionsValidationException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> MigrateAsync(WebApplication app)
    {
        await app.Services.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        Console.WriteLine("Database is up to date.");
        return 0;
    }

    private static async Task<int> SeedDemoAsync(WebApplication app, Dictionary<string, string> options)
    {
        var demo = app.Services.GetRequiredService<IOptions<DemoOptions>>().Value;
        var clients = IntOption(options, "clients", demo.Clients, 1, 1_000_000);
        var seed = IntOption(options, "seed", demo.Seed, int.MinValue, int.MaxValue);
        var visitRate = DoubleOption(options, "visit-rate", 1.0, DemoSeeder.MinVisitRate, DemoSeeder.MaxVisitRate);
        await app.Services.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        var progress = new Progress<string>(line => Console.WriteLine("  " + line));
        var result = await app.Services.GetRequiredService<DemoSeeder>().SeedAsync(clients, seed, progress: progress, visitRate: visitRate);
        Console.WriteLine($"Demo business generated: {result.Locations} locations, {result.Staff} staff, {result.Clients:N0} clients, " +
                          $"{result.Visits:N0} visits, {result.LedgerEntries:N0} ledger entries in {result.Elapsed.TotalSeconds:N1} s.");
        if (demo.Enabled)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var created = await scope.ServiceProvider.GetRequiredService<DemoUsers>().EnsureAsync();
            Startup.PrintDemoUsers(created, demo.UserPassword);
        }
        return 0;
    }

    private static async Task<int> CreateAdminAsync(WebApplication app, Dictionary<string, string> options)
    {
        if (!options.TryGetValue("email", out var email))
        {
            throw new UsageException("create-admin needs --email.");
        }
        options.TryGetValue("password", out var password);
        await app.Services.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var set = await scope.ServiceProvider.GetRequiredService<IdentitySeeder>()
            .CreateAdminAsync(email, password, AuditActor.Cli(Environment.UserName));
        Console.WriteLine($"Admin {email} created.");
        if (password is null)
        {
            Console.WriteLine($"Generated password (shown once; change it after the first login): {set}");
        }
        return 0;
    }

    private static async Task<int> VerifyAuditAsync(WebApplication app)
    {
        var result = await app.Services.GetRequiredService<AuditVerifier>().VerifyAsync();
        Console.WriteLine(result.ToString());
        return result.IsIntact ? 0 : 1;
    }

    private static async Task<int> SegmentAsync(WebApplication app, Dictionary<string, string> options)
    {
        var asOf = options.TryGetValue("as-of", out var raw)
            ? DateOnly.TryParseExact(raw, "yyyy-MM-dd", out var parsed) ? parsed : throw new UsageException($"--as-of must be a date like 2026-11-23; got '{raw}'.")
            : DateOnly.FromDateTime(app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        await app.Services.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        var summary = await app.Services.GetRequiredService<Scoring.SegmentationService>().RunAsync(asOf, AuditActor.Cli(Environment.UserName).Name);
        Console.WriteLine(summary.ToString());
        return 0;
    }

    private static int Help()
    {
        Console.WriteLine("Usage: dotnet run --project LoyaltyConsole -- <verb> [options]");
        foreach (var (verb, description) in Verbs)
        {
            Console.WriteLine($"  {verb,-14} {description}");
        }
        return 0;
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i].Length == 2)
            {
                throw new UsageException($"Unexpected argument '{args[i]}'.");
            }
            var name = args[i][2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                options[name[..eq]] = name[(eq + 1)..];
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                options[name] = args[++i];
            }
            else
            {
                throw new UsageException($"Option --{name} needs a value.");
            }
        }
        return options;
    }

    private static int IntOption(Dictionary<string, string> options, string name, int fallback, int min, int max)
    {
        if (!options.TryGetValue(name, out var raw))
        {
            return fallback;
        }
        if (!int.TryParse(raw, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} must be a whole number between {min:N0} and {max:N0}; got '{raw}'.");
        }
        return value;
    }

    private static double DoubleOption(Dictionary<string, string> options, string name, double fallback, double min, double max)
    {
        if (!options.TryGetValue(name, out var raw))
        {
            return fallback;
        }
        if (!double.TryParse(raw, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} must be a number from {min} to {max}; got '{raw}'.");
        }
        return value;
    }

    private sealed class UsageException(string message) : Exception(message);
}
