using System.Diagnostics;
using LoyaltyConsole.Cli;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LoyaltyConsole.Tests.Cli;

public sealed class CommandLineTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(new[] { "frobnicate" }, "Unknown verb 'frobnicate'.")]
    [InlineData(new[] { "backtest", "--transactions", "x.txt", "--calibration-end", "1997-09-30", "--holdout", "1998-06-30" },
        "backtest has no option --holdout; it takes --transactions, --calibration-end, --holdout-end, --mapping, --json.")]
    [InlineData(new[] { "migrate", "--force", "yes" }, "migrate takes no options; got --force.")]
    [InlineData(new[] { "create-admin" }, "create-admin needs --email EMAIL.")]
    [InlineData(new[] { "segment", "2026-01-01" }, "Unexpected argument '2026-01-01'.")]
    public async Task An_unknown_verb_or_option_prints_every_verb_with_its_options_and_exits_2(string[] args, string message)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await CommandLine.RunAsync(args, stdout, stderr, ct: Ct);

        Assert.Equal(2, exit);
        var text = stderr.ToString();
        Assert.StartsWith($"error: {message}", text, StringComparison.Ordinal);
        foreach (var verb in new[] { "migrate", "seed-demo [--clients N] [--seed S]", "create-admin --email EMAIL [--password PASSWORD]", "verify-audit",
                     "segment [--as-of YYYY-MM-DD]", "backtest --transactions FILE --calibration-end YYYY-MM-DD [--holdout-end YYYY-MM-DD]", "benchmark-pages", "webhook-sender --source NAME [--name NAME]", "help" })
        {
            Assert.Contains("  " + verb, text, StringComparison.Ordinal);
        }
        Assert.Empty(stdout.ToString());
    }

    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:5028" }, false)]
    [InlineData(new[] { "Logging:LogLevel:Default=Warning" }, false)]
    [InlineData(new[] { "migrate" }, true)]
    [InlineData(new[] { "nosuchverb" }, true)]
    public void Settings_start_the_web_app_and_any_word_is_a_verb(string[] args, bool isVerb) =>
        Assert.Equal(isVerb, CommandLine.IsCommand(args));

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public void A_verbs_host_has_the_apps_services_and_starts_nothing_neither_web_server_nor_scheduler_nor_hosted_service(string environment)
    {
        // Development also builds every registration once (ValidateOnBuild): nothing may stand on the web app's services.
        var database = Path.Combine(Path.GetTempPath(), $"cli-{Guid.NewGuid():N}.db");
        using var host = CommandLine.BuildHost(builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:DefaultConnection"] = $"Data Source={database}",
            ["Audit:ChainKey"] = TestApp.ChainKey,
        }), environment);

        Assert.Empty(host.Services.GetServices<IHostedService>());
        Assert.Null(host.Services.GetService<IServer>());
        Assert.Null(host.Services.GetService<Quartz.ISchedulerFactory>());
        Assert.NotNull(host.Services.GetService<LoyaltyConsole.Scoring.SegmentationService>());
        Assert.NotNull(host.Services.GetService<LoyaltyConsole.Features.Clients.ClientDirectory>());
        Assert.False(File.Exists(database));
    }

    [Fact]
    public async Task Every_database_verb_runs_in_process_on_the_test_database()
    {
        await using var app = new TestApp(clients: 60);
        _ = app.Services;
        var folder = Path.Combine(Path.GetTempPath(), "loyaltyconsole-tests", $"cli{Guid.NewGuid():N}"[..20]);
        Directory.CreateDirectory(folder);
        var fresh = TestApp.Database.NewName(folder);
        try
        {
            Assert.Equal((0, "Database is up to date."), await RunAsync(app.ConnectionString, "migrate"));
            Assert.Equal(0, (await RunAsync(app.ConnectionString, "verify-audit")).Exit);
            var segmented = await RunAsync(app.ConnectionString, "segment", "--as-of", DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(0, segmented.Exit);
            var admin = await RunAsync(app.ConnectionString, "create-admin", "--email", $"cli-{Guid.NewGuid():N}@example.com");
            Assert.Equal(0, admin.Exit);
            Assert.Contains("Generated password", admin.Output, StringComparison.Ordinal);
            var benchmark = await RunAsync(app.ConnectionString, "benchmark-pages", "--runs", "1");
            Assert.Equal(0, benchmark.Exit);
            Assert.Contains("owner: Clients, first page, default sort", benchmark.Output, StringComparison.Ordinal);
            var sender = await RunAsync(app.ConnectionString, "webhook-sender", "--source", "bridge");
            Assert.Equal(0, sender.Exit);
            var secret = sender.Output.Split('\n').Single(l => l.StartsWith("Webhook secret (shown once): ", StringComparison.Ordinal))["Webhook secret (shown once): ".Length..].Trim();
            await using (var db = await app.CreateDbContextAsync())
            {
                var connection = await db.Connections.SingleAsync(c => c.Source == "bridge", Ct);
                Assert.True(connection.Enabled);
                Assert.Equal(secret, app.Get<LoyaltyConsole.Sync.ConnectionSecrets>().WebhookSecret(connection));
            }
            var seeded = await RunAsync(TestApp.Database.ConnectionString(fresh), "seed-demo", "--clients", "40", "--seed", "3");
            Assert.Equal(0, seeded.Exit);
            Assert.Contains("40 clients", seeded.Output, StringComparison.Ordinal);
        }
        finally
        {
            TestApp.Database.Drop(fresh);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_built_app_runs_a_verb_from_any_folder_and_refuses_an_unknown_one_without_starting_the_web_server()
    {
        await using var app = new TestApp(clients: 60);
        _ = app.Services;
        var elsewhere = Directory.CreateTempSubdirectory("cli-").FullName;
        var environment = new Dictionary<string, string>
        {
            // As the README runs it; Development also has the container check every registration once.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Demo__SeedOnEmptyDatabase"] = "false",
            ["Database__Provider"] = TestApp.Database.Provider.ToString(),
            ["ConnectionStrings__DefaultConnection"] = app.ConnectionString,
            ["Audit__ChainKey"] = TestApp.ChainKey,
        };
        try
        {
            var unknown = await AppProcess.RunAsync(elsewhere, environment, Ct, "serve-everything");
            var help = await AppProcess.RunAsync(elsewhere, environment, Ct, "help");
            var fromOutput = await AppProcess.RunAsync(Path.GetDirectoryName(AppProcess.Dll)!, environment, Ct, "migrate");
            var fromElsewhere = await AppProcess.RunAsync(elsewhere, environment, Ct, "verify-audit");
            output.WriteLine($"help took {help.Elapsed.TotalMilliseconds:N0} ms, migrate {fromOutput.Elapsed.TotalMilliseconds:N0} ms, verify-audit {fromElsewhere.Elapsed.TotalMilliseconds:N0} ms (process start included)");

            Assert.Equal(2, unknown.Exit);
            Assert.Contains("error: Unknown verb 'serve-everything'.", unknown.Error, StringComparison.Ordinal);
            Assert.Contains("backtest --transactions FILE", unknown.Error, StringComparison.Ordinal);
            Assert.Equal(0, help.Exit);
            Assert.Contains("verify-audit", help.Output, StringComparison.Ordinal);
            Assert.Equal((0, "Database is up to date."), (fromOutput.Exit, fromOutput.Output.Trim().Split('\n')[^1].Trim()));
            Assert.Equal(0, fromElsewhere.Exit);
            Assert.Contains("intact", fromElsewhere.Output, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(string connectionString, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(args, stdout, stderr, builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = TestApp.Database.Provider.ToString(),
            ["ConnectionStrings:DefaultConnection"] = connectionString,
            ["Audit:ChainKey"] = TestApp.ChainKey,
            ["Audit:CheckpointPath"] = Path.Combine(Path.GetTempPath(), $"cli-checkpoint-{Guid.NewGuid():N}.json"),
            ["Logging:LogLevel:Default"] = "Warning",
        }), Ct);
        Assert.True(exit == 0, $"{string.Join(' ', args)} exited {exit}: {stderr}");
        return (exit, stdout.ToString().Trim());
    }
}

/// <summary>The app as its build output runs it: <c>dotnet LoyaltyConsole.dll …</c> in a working directory of the test's choosing.</summary>
internal static class AppProcess
{
    public static string Dll { get; } = Path.Combine(RepositoryRoot(), "LoyaltyConsole", "bin", "Debug", "net10.0", "LoyaltyConsole.dll");

    public static async Task<(int Exit, string Output, string Error, TimeSpan Elapsed)> RunAsync(
        string workingDirectory, IReadOnlyDictionary<string, string> environment, CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LoyaltyConsole.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("LoyaltyConsole.sln not found above the test output.");
    }
}
