using System.Collections.Concurrent;
using LoyaltyConsole.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LoyaltyConsole.Tests.Infrastructure;

/// <summary>
/// The real app on its own database (a SQLite file, or a PostgreSQL database with <c>TEST_DATABASE=PostgreSql</c>; see
/// <see cref="TestDatabase"/>), with a small demo business and the demo users. Each instance gets a fresh
/// database, so tests never share state. <paramref name="kestrel"/> serves on a real loopback port for the browser.
/// Seeding (demo business, scoring, first proposals, users) dominates a host's start, so it runs once per distinct
/// demo and settings, and every later host starts from a copy of that seeded file.
/// </summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Templates = new();
    private static readonly string TemplateDirectory = Path.Combine(Path.GetTempPath(), "loyaltyconsole-tests", "templates-" + Environment.ProcessId);

    /// <summary>The audit chain's key for every host of this test run (templates are per run too).</summary>
    public static readonly string ChainKey = LoyaltyConsole.Domain.Auditing.AuditChainKey.Generate();

    public const string Password = "Test-Pass-2026";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loyaltyconsole-tests", Guid.NewGuid().ToString("N"));
    private readonly int _clients;
    private readonly int _seed;
    private readonly bool _seedDemo;
    private readonly bool _kestrel;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly string _environment;
    private bool _buildsTemplate;
    private string? _databaseName;

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

    public static TestDatabase Database => TestDatabase.Current;

    /// <summary>This host's database: a file path on SQLite, a database name on PostgreSQL.</summary>
    public string DatabaseName => _databaseName ??= Database.NewName(_directory);

    public string ConnectionString => Database.ConnectionString(DatabaseName);

    public bool DatabaseExists => Database.Exists(DatabaseName);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // A host whose services are replaced may seed differently (its drafter writes the first drafts): it seeds itself.
        if (_seedDemo && _services is null && !_buildsTemplate && !DatabaseExists)
        {
            Database.CopyTemplate(Templates.GetOrAdd(TemplateKey, _ => new Lazy<string>(BuildTemplate)).Value, DatabaseName);
        }
        // Every host runs the app the way the README does: Development, with static web assets served from the build
        // and the demo users (which start-up refuses outside Development).
        builder.UseEnvironment(_environment);
        builder.UseSetting("Database:Provider", Database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:DefaultConnection", ConnectionString);
        builder.UseSetting("Audit:ChainKey", ChainKey);
        builder.UseSetting("Audit:CheckpointPath", Path.Combine(_directory, "audit-checkpoint.json"));
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

    private string TemplateKey => string.Join("|",
        [Database.Provider.ToString(), _environment, _clients.ToString(System.Globalization.CultureInfo.InvariantCulture), _seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            DateOnly.FromDateTime(DateTime.UtcNow).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            .. _settings.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")]);

    /// <summary>Starts a host that seeds into its own database, seals it, and keeps it (or a copy of the file) as the template.</summary>
    private string BuildTemplate()
    {
        Directory.CreateDirectory(TemplateDirectory);
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(TemplateKey)))[..16].ToLowerInvariant();
        var seeding = new TestApp(_clients, _seed, kestrel: false, seedDemo: true, _settings, services: null, _environment) { _buildsTemplate = true };
        if (Database.Provider != DatabaseProvider.Sqlite)
        {
            seeding._databaseName = $"lct_{Environment.ProcessId}_{hash}";
        }
        try
        {
            _ = seeding.Services;
        }
        finally
        {
            seeding.StopHostOnly();
        }
        Database.SealTemplate(seeding.DatabaseName);
        if (Database.Provider != DatabaseProvider.Sqlite)
        {
            // Server templates outlive their hosts; the run drops them when it ends.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Database.Drop(seeding.DatabaseName);
            return seeding.DatabaseName;
        }
        var path = Path.Combine(TemplateDirectory, hash + ".db");
        File.Copy(seeding.DatabaseName, path, overwrite: true);
        seeding.DeleteFiles();
        return path;
    }

    private void StopHostOnly() => base.DisposeAsync().AsTask().GetAwaiter().GetResult();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Database.Drop(DatabaseName);
        DeleteFiles();
        GC.SuppressFinalize(this);
    }

    private void DeleteFiles()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the OS is left for the temp cleaner; it does not affect other tests.
        }
    }
}
