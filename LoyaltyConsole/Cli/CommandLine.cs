using System.Globalization;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.DemoData;
using LoyaltyConsole.Identity;
using LoyaltyConsole.Scoring;
using LoyaltyConsole.Sync;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Cli;

/// <summary>
/// Operator verbs: <c>dotnet run --project LoyaltyConsole -- &lt;verb&gt; [options]</c>, or <c>dotnet LoyaltyConsole.dll
/// &lt;verb&gt; [options]</c> from the build output. Each calls the same services as the app, in a host of its own
/// that starts nothing in the background (no web server, scheduler or other hosted service); a verb that needs no
/// database (backtest) builds no host at all. Exit code 0 on success, 1 on failure, 2 on bad usage: an unknown verb
/// or option prints the verbs with their options.
/// </summary>
/// <remarks>To add a verb, add a <see cref="Verb"/> to <see cref="Verbs"/>: its options are checked and listed in the usage from there.</remarks>
public static class CommandLine
{
    private static readonly Verb[] Verbs =
    [
        new("migrate", "Apply pending database migrations.", [], MigrateAsync),
        new("seed-demo", "Generate the demo business into an empty database.",
            [new("clients", "N", "clients to generate (default Demo:Clients)"), new("seed", "S", "random seed (default Demo:Seed)"),
             new("visit-rate", "F", "every client comes F times as often and is F times less likely to leave per visit (default 1)")], SeedDemoAsync),
        new("create-admin", "Create an Admin user; a password is generated and shown once when none is given.",
            [new("email", "EMAIL", "the Admin's email", Required: true), new("password", "PASSWORD", "the Admin's password")], CreateAdminAsync),
        new("verify-audit", "Verify the audit log's hash chain; reports the first broken entry (exit 1).", [], VerifyAuditAsync),
        new("segment", "Score and segment every client now.", [new("as-of", "YYYY-MM-DD", "the scoring day (default today, UTC)")], SegmentAsync),
        new("backtest", "Fit BG/NBD + Gamma-Gamma on a calibration window and compare predictions with a holdout (docs/backtest.md).",
            [
                new("transactions", "FILE", "purchases: CDNOW's layouts or any CSV with a customer id, a date and an amount", Required: true),
                new("calibration-end", "YYYY-MM-DD", "the models see purchases up to this day", Required: true),
                new("holdout-end", "YYYY-MM-DD", "predictions are compared up to this day (default the file's last date)"),
                new("mapping", "FILE", "a column mapping (JSON) instead of detecting the columns"),
                new("json", "OUT", "also write the figures as JSON"),
            ],
            context => BacktestCommand.RunAsync(context.Options, context.Output, context.Cancellation), UsesServices: false),
        new("import", "Import exported files through a CSV connection, as the Import page does (docs/admin-connections.md).",
            [
                new("connection", "NAME", "the CSV connection's name or source name", Required: true),
                new("clients", "FILE", "a client list (Fresha, Square or Shopify export, or any CSV with a customer id)"),
                new("visits", "FILE", "sales line by line (Shopify orders, Square item sales)"),
                new("transactions", "FILE", "one purchase per row: customer id, date, amount"),
                new("mapping", "FILE", "a column mapping (JSON) for the file of its kind, instead of the saved or detected one"),
                new("report", "OUT", "write every skipped and failed row to this CSV"),
                new("create", "true", "create the CSV connection when there is none of that name"),
                new("location", "NAME", "with --create: the new connection's default location (needed when there are several)"),
            ],
            context => ImportCommand.RunAsync(context.Services, context.Options, context.Output, context.Cancellation)),
        new("benchmark-pages", "Time the queries of the Clients, Segments and Review pages (docs/benchmarks.md).",
            [new("propose", "true", "set up the demo program and run its proposals first"), new("runs", "N", "timed runs per query (default 5)")],
            context => PageQueriesBenchmark.RunAsync(context.Services, context.Options, context.Output)),
        new("webhook-sender", "Create an enabled connection for a generic webhook sender and print its new signing secret once (docs/webhooks.md).",
            [new("source", "NAME", "the source name its records carry and its X-Webhook-Source header", Required: true), new("name", "NAME", "the connection's name (default the source)")],
            CreateWebhookSenderAsync),
        new("help", "Show this help.", [], context => Task.FromResult(Usage(context.Output)), UsesServices: false),
    ];

    /// <summary>
    /// Whether the arguments name a verb, known or not, rather than settings for the web server (<c>--urls …</c>,
    /// <c>Key=Value</c>): then the verb runs, or the usage is printed, and the web server never starts.
    /// </summary>
    public static bool IsCommand(string[] args) => args.Length > 0 && !args[0].StartsWith('-') && !args[0].Contains('=', StringComparison.Ordinal);

    /// <param name="configure">Adds to the verb's host (tests: settings, a database).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null,
        Action<IHostApplicationBuilder>? configure = null, CancellationToken ct = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        try
        {
            var verb = Verbs.FirstOrDefault(v => string.Equals(v.Name, args.ElementAtOrDefault(0), StringComparison.OrdinalIgnoreCase))
                ?? throw new UsageException(args.Length == 0 ? "No verb given." : $"Unknown verb '{args[0]}'.");
            var options = ParseOptions(verb, args[1..]);
            if (!verb.UsesServices)
            {
                return await verb.RunAsync(new VerbContext(options, EmptyServices.Instance, output, ct));
            }
            using var host = BuildHost(configure);
            return await verb.RunAsync(new VerbContext(options, host.Services, output, ct));
        }
        catch (UsageException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            Usage(error);
            return 2;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or Domain.Common.DomainException or OptionsValidationException or IOException)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else is a fault, not the operator's: the whole story, and a failure exit rather than a crash.
            await error.WriteLineAsync($"error: {ex}");
            return 1;
        }
    }

    /// <summary>
    /// The services a verb uses: the app's stages and data, configured as the app is (appsettings, environment,
    /// user secrets in Development), with no hosted service and no web server. Options are validated as at start-up.
    /// </summary>
    /// <param name="environmentName">Tests: Development, where the container checks every registration can be built.</param>
    internal static IHost BuildHost(Action<IHostApplicationBuilder>? configure = null, string? environmentName = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = ContentRoot(),
            // As the web host reads it: ASPNETCORE_ENVIRONMENT (launch profiles, docs), else DOTNET_ENVIRONMENT.
            EnvironmentName = environmentName ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT"),
        });
        // Development validates every registration when the provider is built; the identity services include web-only
        // ones (the Blazor redirect manager, the authorization policy cache) whose dependencies a verb's host does not
        // have and no verb resolves, and the built app aborted on them (exit 134) for every verb in Development.
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = false }));
        configure?.Invoke(builder);
        builder.AddData();
        builder.AddConsoleStages();
        builder.AddConsoleFeatures();
        // A verb does its work and exits: nothing runs beside it (Data Protection's key-ring loader included).
        builder.Services.RemoveAll<IHostedService>();
        var host = builder.Build();
        host.Services.GetService<IStartupValidator>()?.Validate();
        return host;
    }

    /// <summary>
    /// The working directory when it holds the app's settings (dotnet run, the project folder), else the folder the
    /// app was built to, which has a copy of them (<c>dotnet path/to/LoyaltyConsole.dll</c> from anywhere).
    /// </summary>
    internal static string ContentRoot()
    {
        var current = Directory.GetCurrentDirectory();
        return File.Exists(Path.Combine(current, "appsettings.json")) ? current : AppContext.BaseDirectory;
    }

    /// <summary>For operators without the Connections page at hand, and for scripts/benchmark-webhooks.sh.</summary>
    private static async Task<int> CreateWebhookSenderAsync(VerbContext context)
    {
        var source = context.Options["source"];
        await context.Services.GetRequiredService<DatabaseInitializer>().MigrateAsync(context.Cancellation);
        var secret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        // The command encrypts the secret inside its transaction; on a new database Data Protection would create its
        // first key there, from a second connection that SQLite's writer lock keeps waiting. Create it now instead.
        _ = context.Services.GetRequiredService<ConnectionSecrets>().ProtectWebhookSecret(secret);
        var form = new ConnectionForm
        {
            Name = context.Options.GetValueOrDefault("name", source),
            Kind = ConnectionKind.CsvImport,
            Source = source,
            Enabled = true,
            NewWebhookSecret = secret,
        };
        var result = await context.Services.GetRequiredService<ConnectionAdministration>()
            .CreateAsync(form, AuditActor.Cli(Environment.UserName), context.Cancellation);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Message);
        }
        context.Output.WriteLine(result.Message);
        context.Output.WriteLine($"Webhook secret (shown once): {secret}");
        return 0;
    }

    private static async Task<int> MigrateAsync(VerbContext context)
    {
        await context.Services.GetRequiredService<DatabaseInitializer>().MigrateAsync(context.Cancellation);
        context.Output.WriteLine("Database is up to date.");
        return 0;
    }

    private static async Task<int> SeedDemoAsync(VerbContext context)
    {
        var services = context.Services;
        var demo = services.GetRequiredService<IOptions<DemoOptions>>().Value;
        var clients = IntOption(context.Options, "clients", demo.Clients, 1, 1_000_000);
        var seed = IntOption(context.Options, "seed", demo.Seed, int.MinValue, int.MaxValue);
        var visitRate = DoubleOption(context.Options, "visit-rate", 1.0, DemoSeeder.MinVisitRate, DemoSeeder.MaxVisitRate);
        await services.GetRequiredService<DatabaseInitializer>().MigrateAsync(context.Cancellation);
        var progress = new Progress<string>(line => context.Output.WriteLine("  " + line));
        var result = await services.GetRequiredService<DemoSeeder>().SeedAsync(clients, seed, progress: progress, visitRate: visitRate, ct: context.Cancellation);
        context.Output.WriteLine($"Demo business generated: {result.Locations} locations, {result.Staff} staff, {result.Clients:N0} clients, " +
                                 $"{result.Visits:N0} visits, {result.LedgerEntries:N0} ledger entries in {result.Elapsed.TotalSeconds:N1} s.");
        if (demo.Enabled)
        {
            await using var scope = services.CreateAsyncScope();
            var created = await scope.ServiceProvider.GetRequiredService<DemoUsers>().EnsureAsync(context.Cancellation);
            Startup.PrintDemoUsers(created, demo.UserPassword);
        }
        return 0;
    }

    private static async Task<int> CreateAdminAsync(VerbContext context)
    {
        var email = context.Options["email"];
        context.Options.TryGetValue("password", out var password);
        await context.Services.GetRequiredService<DatabaseInitializer>().MigrateAsync(context.Cancellation);
        await using var scope = context.Services.CreateAsyncScope();
        var set = await scope.ServiceProvider.GetRequiredService<IdentitySeeder>()
            .CreateAdminAsync(email, password, AuditActor.Cli(Environment.UserName), context.Cancellation);
        context.Output.WriteLine($"Admin {email} created.");
        if (password is null)
        {
            context.Output.WriteLine($"Generated password (shown once; change it after the first login): {set}");
        }
        return 0;
    }

    private static async Task<int> VerifyAuditAsync(VerbContext context)
    {
        var result = await context.Services.GetRequiredService<AuditVerifier>().VerifyAsync(context.Cancellation);
        context.Output.WriteLine(result.ToString());
        return result.IsIntact ? 0 : 1;
    }

    private static async Task<int> SegmentAsync(VerbContext context)
    {
        var services = context.Services;
        var asOf = context.Options.TryGetValue("as-of", out var raw)
            ? DateOnly.TryParseExact(raw, "yyyy-MM-dd", out var parsed) ? parsed : throw new UsageException($"--as-of must be a date like 2026-11-23; got '{raw}'.")
            : DateOnly.FromDateTime(services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        await services.GetRequiredService<DatabaseInitializer>().MigrateAsync(context.Cancellation);
        var summary = await services.GetRequiredService<SegmentationService>().RunAsync(asOf, AuditActor.Cli(Environment.UserName).Name, context.Cancellation);
        context.Output.WriteLine(summary.ToString());
        return 0;
    }

    /// <summary>Every verb with its options, as printed for <c>help</c> and after a usage error.</summary>
    public static int Usage(TextWriter output)
    {
        output.WriteLine("Usage: dotnet run --project LoyaltyConsole -- <verb> [options]   (or: dotnet LoyaltyConsole.dll <verb> [options])");
        output.WriteLine("Without a verb the web app starts. Verbs:");
        foreach (var verb in Verbs)
        {
            var synopsis = string.Join(' ', verb.Options.Select(o => o.Required ? $"--{o.Name} {o.Value}" : $"[--{o.Name} {o.Value}]"));
            output.WriteLine($"  {verb.Name} {synopsis}".TrimEnd());
            output.WriteLine($"      {verb.Summary}");
            foreach (var option in verb.Options)
            {
                output.WriteLine($"      --{option.Name,-16} {option.Description}");
            }
        }
        return 0;
    }

    private static Dictionary<string, string> ParseOptions(Verb verb, string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i].Length == 2)
            {
                throw new UsageException($"Unexpected argument '{args[i]}'.");
            }
            var name = args[i][2..];
            string value;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                (name, value) = (name[..eq], name[(eq + 1)..]);
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"Option --{name} needs a value.");
            }
            if (!verb.Options.Any(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new UsageException(verb.Options.Count == 0
                    ? $"{verb.Name} takes no options; got --{name}."
                    : $"{verb.Name} has no option --{name}; it takes {string.Join(", ", verb.Options.Select(o => "--" + o.Name))}.");
            }
            options[name] = value;
        }
        var missing = verb.Options.Where(o => o.Required && !options.ContainsKey(o.Name)).Select(o => $"--{o.Name} {o.Value}").ToList();
        if (missing.Count > 0)
        {
            throw new UsageException($"{verb.Name} needs {string.Join(" and ", missing)}.");
        }
        return options;
    }

    private static int IntOption(IReadOnlyDictionary<string, string> options, string name, int fallback, int min, int max)
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

    private static double DoubleOption(IReadOnlyDictionary<string, string> options, string name, double fallback, double min, double max)
    {
        if (!options.TryGetValue(name, out var raw))
        {
            return fallback;
        }
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} must be a number from {min} to {max}; got '{raw}'.");
        }
        return value;
    }

    /// <summary>A verb: its name and summary, its options, and what it runs; one that needs no database sets UsesServices false.</summary>
    private sealed record Verb(string Name, string Summary, IReadOnlyList<VerbOption> Options, Func<VerbContext, Task<int>> RunAsync, bool UsesServices = true);

    private sealed record VerbOption(string Name, string Value, string Description, bool Required = false);

    private sealed record VerbContext(IReadOnlyDictionary<string, string> Options, IServiceProvider Services, TextWriter Output, CancellationToken Cancellation);

    private sealed class UsageException(string message) : Exception(message);

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
