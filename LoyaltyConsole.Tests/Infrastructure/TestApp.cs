using LoyaltyConsole.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LoyaltyConsole.Tests.Infrastructure;

/// <summary>
/// The real app on its own SQLite file, with a small demo business and the demo users. Each instance gets a fresh
/// database, so tests never share state. <paramref name="kestrel"/> serves on a real loopback port for the browser.
/// </summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    public const string Password = "Test-Pass-2026";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loyaltyconsole-tests", Guid.NewGuid().ToString("N"));
    private readonly int _clients;
    private readonly int _seed;
    private readonly bool _seedDemo;
    private readonly bool _kestrel;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly string _environment;

    /// <param name="services">Replaces app services for this test, e.g. a drafter that takes its time.</param>
    /// <param name="environment">Development, as the README runs it: the demo (and its users) is refused anywhere else.</param>
    public TestApp(
        int clients = 120, int seed = 7, bool kestrel = false, bool seedDemo = true, IReadOnlyDictionary<string, string>? settings = null,
        Action<IServiceCollection>? services = null, string environment = "Development")
    {
        _services = services;
        _environment = environment;
        _clients = clients;
        _seed = seed;
        _seedDemo = seedDemo;
        Directory.CreateDirectory(_directory);
        _kestrel = kestrel;
        _settings = settings ?? new Dictionary<string, string>();
        if (kestrel)
        {
            UseKestrel(0);
        }
    }

    public string DatabasePath => Path.Combine(_directory, "test.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Every host runs the app the way the README does: Development, with static web assets served from the build
        // and the demo users (which start-up refuses outside Development).
        builder.UseEnvironment(_environment);
        builder.UseSetting("ConnectionStrings:DefaultConnection", $"Data Source={DatabasePath}");
        builder.UseSetting("Demo:Enabled", "true");
        builder.UseSetting("Demo:SeedOnEmptyDatabase", _seedDemo ? "true" : "false");
        builder.UseSetting("Demo:Clients", _clients.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Demo:Seed", _seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Demo:UserPassword", Password);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Quartz keeps schedulers in a process-wide registry by name; each test host needs its own.
        builder.UseSetting("Jobs:SchedulerName", "tests-" + Path.GetFileName(_directory));
        // Jobs run only when a test asks (run now); a schedule firing at its wall-clock time would change data under a test.
        builder.UseSetting("Jobs:RunSchedules", "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    /// <summary>This app's command runner reading the time from <paramref name="clock"/>: a decision made later than now.</summary>
    public CommandRunner CommandsAt(TimeProvider clock) =>
        new(Get<IServiceScopeFactory>(), Get<Auditing.AuditLog>(), clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<CommandRunner>.Instance);

    public LoyaltyConsole.Review.ReviewService ReviewServiceAt(TimeProvider clock) =>
        new(CommandsAt(clock), Get<IDbContextFactory<ApplicationDbContext>>(), Get<Microsoft.Extensions.Options.IOptions<Drafting.MessagingOptions>>(),
            Get<Microsoft.Extensions.Options.IOptions<LoyaltyConsole.Review.ReviewOptions>>());

    /// <summary>A fresh context on this app's database, for arranging and asserting.</summary>
    public Task<ApplicationDbContext> CreateDbContextAsync() =>
        Get<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the OS is left for the temp cleaner; it does not affect other tests.
        }
        GC.SuppressFinalize(this);
    }
}
