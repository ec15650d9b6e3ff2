using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Jobs;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Integration;

/// <summary>
/// Two app instances on one PostgreSQL database, as behind a load balancer: this test's host and the real app started
/// as a second process. Jobs fire once across both, a sign-in from one is accepted by the other, and writers in both
/// processes extend one intact audit chain.
/// </summary>
public sealed partial class TwoInstancesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_instances_on_one_database_fire_each_job_once_accept_each_others_sign_in_and_share_one_audit_chain()
    {
        if (TestApp.Database.Provider == DatabaseProvider.Sqlite)
        {
            Assert.Skip("Several instances share a server database; this runs with TEST_DATABASE=PostgreSql, as CI does.");
        }
        var scheduler = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        var checkpoint = Path.Combine(Path.GetTempPath(), "loyaltyconsole-tests", scheduler + "-checkpoint.json");
        var settings = new Dictionary<string, string>
        {
            ["Jobs:SchedulerName"] = scheduler,
            ["Jobs:RunSchedules"] = "true",
            ["Audit:CheckpointPath"] = checkpoint,
        };
        foreach (var job in new[] { ScheduledJobs.Segmentation, ScheduledJobs.Proposals, ScheduledJobs.ExpireProposals, ScheduledJobs.ReviewDigest, ScheduledJobs.DemoDailyVisits })
        {
            settings[$"Jobs:Schedules:{job.Name}"] = "0 0 0 1 1 ? 2099";
        }
        // The audit check every two seconds: the job whose firings are counted.
        settings[$"Jobs:Schedules:{ScheduledJobs.VerifyAudit.Name}"] = "0/2 * * * * ?";
        await using var first = new TestApp(clients: 60, settings: settings);
        using var firstHttp = first.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var startedAt = DateTime.UtcNow;

        using var second = await SecondInstance.StartAsync(first, settings);

        // A sign-in cookie issued by the first instance opens a page on the second.
        var cookie = await SignIn.CookieAsync(firstHttp, TestUsers.Owner.Email);
        using var request = new HttpRequestMessage(HttpMethod.Get, second.BaseAddress + "clients");
        request.Headers.Add("Cookie", cookie);
        using var secondHttp = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        var page = await secondHttp.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // Writers in both processes at once: this host's commands and the other process's CLI.
        var writes = Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => first.Get<CommandRunner>().RunAsync(AuditActor.System, null, async command =>
        {
            await command.AuditAsync("test.write", "Test", i.ToString(System.Globalization.CultureInfo.InvariantCulture), null, new { instance = 1 });
            return "written";
        }, ct: Ct))));
        var admins = Enumerable.Range(0, 3).Select(i => SecondInstance.RunCliAsync(first, settings, "create-admin", "--email", $"admin{i}-{scheduler}@example.com")).ToList();
        Assert.All(await writes, w => Assert.True(w.Succeeded, w.Message));
        Assert.All(await Task.WhenAll(admins), exit => Assert.Equal(0, exit));

        // Let the two-second schedule fire several times with both instances up.
        await Task.Delay(TimeSpan.FromSeconds(9), Ct);
        var window = DateTime.UtcNow - startedAt;
        await using var db = await first.CreateDbContextAsync();
        var runs = await db.JobRuns.AsNoTracking().Where(r => r.JobKey == ScheduledJobs.VerifyAudit.Name).ToListAsync(Ct);
        var slots = (int)Math.Ceiling(window.TotalSeconds / 2) + 1;
        Assert.NotEmpty(runs);
        Assert.True(runs.Count <= slots, $"{runs.Count} runs of a job scheduled every 2 s in {window.TotalSeconds:N0} s: some firings ran on both instances.");
        Assert.Equal(runs.Count, runs.Select(r => r.FireInstanceId).Distinct().Count());

        Assert.Equal(12, await db.AuditEntries.CountAsync(e => e.Action == "test.write", Ct));
        Assert.Equal(3, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.UserCreated && e.ActorName.StartsWith("CLI ("), Ct));
        var verification = await first.Get<AuditVerifier>().VerifyAsync(Ct);
        Assert.True(verification.IsIntact, verification.ToString());
    }


    /// <summary>The real app, from its own build output, as a second process on the first instance's database.</summary>
    private sealed class SecondInstance : IDisposable
    {
        private readonly Process _process;

        private SecondInstance(Process process, Uri baseAddress)
        {
            _process = process;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        public static async Task<SecondInstance> StartAsync(TestApp first, IReadOnlyDictionary<string, string> settings)
        {
            var port = FreePort();
            var process = Start(first, settings, $"http://127.0.0.1:{port}", []);
            var instance = new SecondInstance(process, new Uri($"http://127.0.0.1:{port}/"));
            using var http = new HttpClient();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                Assert.False(process.HasExited, $"The second instance exited with {(process.HasExited ? process.ExitCode : 0)}.");
                try
                {
                    if ((await http.GetAsync(instance.BaseAddress + "health", Ct)).IsSuccessStatusCode)
                    {
                        return instance;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                Assert.True(DateTime.UtcNow < deadline, "The second instance did not answer /health within 60 s.");
                await Task.Delay(250, Ct);
            }
        }

        public static async Task<int> RunCliAsync(TestApp first, IReadOnlyDictionary<string, string> settings, params string[] args)
        {
            using var process = Start(first, settings, null, args);
            await process.WaitForExitAsync(Ct);
            return process.ExitCode;
        }

        private static Process Start(TestApp first, IReadOnlyDictionary<string, string> settings, string? urls, string[] args)
        {
            var project = Path.Combine(RepositoryRoot(), "LoyaltyConsole");
            var dll = Path.Combine(project, "bin", "Debug", "net10.0", "LoyaltyConsole.dll");
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = project, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(dll);
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }
            var environment = new Dictionary<string, string>(settings)
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Database:Provider"] = TestApp.Database.Provider.ToString(),
                ["ConnectionStrings:DefaultConnection"] = first.ConnectionString,
                ["Audit:ChainKey"] = TestApp.ChainKey,
                ["Demo:Enabled"] = "true",
                ["Demo:SeedOnEmptyDatabase"] = "false",
                ["Demo:UserPassword"] = TestApp.Password,
                ["Logging:LogLevel:Default"] = "Warning",
            };
            if (urls is not null)
            {
                environment["ASPNETCORE_URLS"] = urls;
            }
            foreach (var (key, value) in environment)
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
            var process = Process.Start(start)!;
            // Drain the output so a chatty process never blocks on a full pipe.
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
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

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
            _process.Dispose();
        }
    }
}
