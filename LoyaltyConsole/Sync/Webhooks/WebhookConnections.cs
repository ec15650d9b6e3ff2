using LoyaltyConsole.Data;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Sync.Webhooks;

/// <summary>An enabled connection with a webhook secret, as the endpoints match deliveries against it.</summary>
public sealed record WebhookConnection(Connection Connection, ConnectionSettings Settings)
{
    public WebhookFormat Format => WebhookFormats.Of(Connection.Kind);
}

/// <summary>
/// The connections that accept webhooks, read at most every <see cref="WebhookOptions.ConnectionCacheSeconds"/> so
/// intake does not read the Connections table per delivery; a delivery that matches none forces a fresh read (at most
/// once a second), so a connection set up a moment ago is found. The cache holds the secrets as stored — encrypted —
/// and each check decrypts the one it needs.
/// </summary>
public sealed class WebhookConnections(
    IDbContextFactory<ApplicationDbContext> dbFactory, TimeProvider clock, IOptions<WebhookOptions> options) : IDisposable
{
    private static readonly TimeSpan MinimumRefresh = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot? _snapshot;

    public async ValueTask<IReadOnlyList<WebhookConnection>> ListAsync(WebhookFormat format, bool fresh, CancellationToken ct)
    {
        var snapshot = _snapshot;
        var now = clock.GetUtcNow();
        var maxAge = fresh ? MinimumRefresh : TimeSpan.FromSeconds(options.Value.ConnectionCacheSeconds);
        if (snapshot is null || now - snapshot.ReadAt >= maxAge)
        {
            snapshot = await RefreshAsync(maxAge, ct);
        }
        return snapshot.ByFormat.GetValueOrDefault(format, []);
    }

    private async Task<Snapshot> RefreshAsync(TimeSpan maxAge, CancellationToken ct)
    {
        await _refresh.WaitAsync(ct);
        try
        {
            // Another request may have refreshed while this one waited.
            if (_snapshot is { } current && clock.GetUtcNow() - current.ReadAt < maxAge)
            {
                return current;
            }
            var readAt = clock.GetUtcNow();
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var connections = await db.Connections.AsNoTracking()
                .Where(c => c.Enabled && c.ProtectedWebhookSecret != null)
                .OrderBy(c => c.Id)
                .ToListAsync(ct);
            var snapshot = new Snapshot(readAt, connections
                .Select(c => new WebhookConnection(c, SettingsOf(c)))
                .GroupBy(c => c.Format)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<WebhookConnection>)g.ToList()));
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();

    // Settings an Admin saved are valid JSON; should one not be, that connection matches nothing rather than stopping intake.
    private static ConnectionSettings SettingsOf(Connection connection)
    {
        try
        {
            return ConnectionSettings.Parse(connection.SettingsJson);
        }
        catch (System.Text.Json.JsonException)
        {
            return new ConnectionSettings();
        }
    }

    private sealed record Snapshot(DateTimeOffset ReadAt, Dictionary<WebhookFormat, IReadOnlyList<WebhookConnection>> ByFormat);
}
