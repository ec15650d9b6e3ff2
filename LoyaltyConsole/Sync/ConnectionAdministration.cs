using System.Globalization;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Identity;
using Quartz;

namespace LoyaltyConsole.Sync;

/// <summary>A connection as the Connections page lists it: settings, sync state and the latest run, never its secrets.</summary>
public sealed record ConnectionRow(
    int Id, string Name, ConnectionKind Kind, string Source, bool Enabled, string? Schedule, int? DefaultLocationId,
    IReadOnlyList<(string SourceLocationId, int LocationId)> Locations, ConnectionSettings Settings, string? MappingJson,
    bool HasCredentials, bool HasWebhookSecret, DateTime? Watermark, bool Resumable, DateTime? LastRunAt, string? LastError,
    SyncRun? LastRun, long? SourceClientCount, long? OurClientCount, DateTime? ReconciledAt, bool IsRunning, int Version)
{
    /// <summary>"Square counts 2,410 customers; we hold 2,410" — or why there is no such line.</summary>
    public string Reconciliation => (SourceClientCount, OurClientCount) switch
    {
        ({ } theirs, { } ours) when theirs == ours => string.Create(CultureInfo.InvariantCulture, $"{theirs:N0} clients at the source, {ours:N0} here: in step"),
        ({ } theirs, { } ours) => string.Create(CultureInfo.InvariantCulture, $"{theirs:N0} clients at the source, {ours:N0} here: {Math.Abs(theirs - ours):N0} apart"),
        (null, { } ours) => string.Create(CultureInfo.InvariantCulture, $"{ours:N0} clients here; the source cannot count its own"),
        _ => "Not reconciled yet",
    };
}

/// <summary>What an Admin enters for a connection. Secrets are write-only: blank keeps the stored one.</summary>
public sealed class ConnectionForm
{
    public string Name { get; set; } = "";
    public ConnectionKind Kind { get; set; } = ConnectionKind.CsvImport;
    public string Source { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public string? Schedule { get; set; }
    public int? DefaultLocationId { get; set; }
    public string? BaseUrl { get; set; }
    public string? ShopDomain { get; set; }
    public string? ApiVersion { get; set; }
    public string? NotificationUrl { get; set; }
    public bool SourceKeepsLedger { get; set; }
    public string? NewCredentials { get; set; }
    public bool ClearCredentials { get; set; }
    public string? NewWebhookSecret { get; set; }
    public bool ClearWebhookSecret { get; set; }
    public List<LocationMapping> Locations { get; set; } = [];

    public static ConnectionForm From(ConnectionRow row) => new()
    {
        Name = row.Name,
        Kind = row.Kind,
        Source = row.Source,
        Enabled = row.Enabled,
        Schedule = row.Schedule,
        DefaultLocationId = row.DefaultLocationId,
        BaseUrl = row.Settings.BaseUrl,
        ShopDomain = row.Settings.ShopDomain,
        ApiVersion = row.Settings.ApiVersion,
        NotificationUrl = row.Settings.NotificationUrl,
        SourceKeepsLedger = row.Settings.SourceKeepsLedger,
        Locations = row.Locations.Select(l => new LocationMapping { SourceLocationId = l.SourceLocationId, LocationId = l.LocationId }).ToList(),
    };
}

public sealed class LocationMapping
{
    public string SourceLocationId { get; set; } = "";
    public int LocationId { get; set; }

    /// <summary>The source's name for it, when listed from the platform (shown only, not stored).</summary>
    public string? SourceName { get; set; }
}

/// <summary>
/// Admin operations on connections, each a command (access re-read, change and audit entry in one transaction).
/// Audit entries say whether a secret was set or cleared, never what it is.
/// </summary>
public sealed class ConnectionAdministration(
    IServiceScopeFactory scopes, CommandRunner commands, ConnectionSecrets secrets, SyncRunner runner, IEnumerable<ISourceLocations> locationSources, TimeProvider clock)
{
    public async Task<IReadOnlyList<ConnectionRow>> ListAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        var connections = await db.Connections.AsNoTracking().Include(c => c.Locations).OrderBy(c => c.Name).ToListAsync(ct);
        var latest = db.SyncRuns.GroupBy(r => r.ConnectionId).Select(g => g.Max(r => r.Id));
        var runs = await db.SyncRuns.AsNoTracking().Where(r => latest.Contains(r.Id)).ToDictionaryAsync(r => r.ConnectionId, ct);
        var stale = clock.GetUtcNow().UtcDateTime - SyncRunner.Lease;
        return connections.Select(c => new ConnectionRow(
            c.Id, c.Name, c.Kind, c.Source, c.Enabled, c.Schedule, c.DefaultLocationId,
            c.Locations.OrderBy(l => l.SourceLocationId).Select(l => (l.SourceLocationId, l.LocationId)).ToList(),
            ConnectionSettings.Parse(c.SettingsJson), c.MappingJson, c.ProtectedCredentials is not null, c.ProtectedWebhookSecret is not null,
            c.Watermark, c.ResumeState is not null, c.LastRunAt, c.LastError, runs.GetValueOrDefault(c.Id),
            c.SourceClientCount, c.OurClientCount, c.ReconciledAt, c.RunningSince > stale, c.Version)).ToList();
    }

    /// <summary>
    /// The connection's locations as its platform lists them, each with the location of ours it is mapped to or that
    /// has its name, for the Admin to map; or, in words, why they cannot be listed (a CSV connection, no token yet,
    /// the platform refused).
    /// </summary>
    public async Task<SourceLocationsResult> SourceLocationsAsync(int id, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        var connection = await db.Connections.AsNoTracking().Include(c => c.Locations).SingleOrDefaultAsync(c => c.Id == id, ct);
        if (connection is null)
        {
            return new(false, "This connection no longer exists.", []);
        }
        var source = locationSources.FirstOrDefault(s => s.Kind == connection.Kind);
        if (source is null)
        {
            return new(false, "A CSV export names its locations in a column: map each name as it appears in the file.", []);
        }
        if (connection.ProtectedCredentials is null)
        {
            return new(false, $"Enter and save the access token of {connection.Name} first.", []);
        }
        IReadOnlyList<(string Id, string Name)> listed;
        try
        {
            listed = await source.ListLocationsAsync(connection, ct);
        }
        catch (SyncFailedException ex)
        {
            return new(false, ex.Message, []);
        }
        var ours = await db.Locations.AsNoTracking().Select(l => new { l.Id, l.Name }).ToListAsync(ct);
        var options = listed.Select(l => new SourceLocationOption(
            l.Id, l.Name,
            connection.Locations.FirstOrDefault(m => m.SourceLocationId == l.Id)?.LocationId,
            ours.FirstOrDefault(o => string.Equals(o.Name.Trim(), l.Name.Trim(), StringComparison.OrdinalIgnoreCase))?.Id)).ToList();
        return new(true, options.Count == 0 ? $"{connection.Name} lists no locations." : $"{connection.Name} lists {options.Count} location(s).", options);
    }

    public async Task<IReadOnlyList<SyncRun>> RunsAsync(int connectionId, int take, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        return await db.SyncRuns.AsNoTracking().Where(r => r.ConnectionId == connectionId).OrderByDescending(r => r.Id).Take(take).ToListAsync(ct);
    }

    public async Task<CommandResult> CreateAsync(ConnectionForm form, AuditActor actor, CancellationToken ct = default)
    {
        if (Validate(form, isNew: true) is { } problem)
        {
            return CommandResult.Refused(problem);
        }
        return await commands.RunAsync(actor, Policies.ManageConnections, async command =>
        {
            await RefuseDuplicatesAsync(command.Db, form, null, ct);
            var connection = new Connection(form.Name, form.Kind, form.Source, command.Now);
            await ApplyAsync(command.Db, connection, form, ct);
            command.Db.Connections.Add(connection);
            await command.SaveAsync();
            await command.AuditAsync("connection.created", "Connection", Id(connection), null, Describe(connection, form));
            return $"Connection {connection.Name} created.";
        }, ct: ct);
    }

    public async Task<CommandResult> UpdateAsync(int id, int version, ConnectionForm form, AuditActor actor, CancellationToken ct = default)
    {
        if (Validate(form, isNew: false) is { } problem)
        {
            return CommandResult.Refused(problem);
        }
        return await commands.RunAsync(actor, Policies.ManageConnections, async command =>
        {
            var connection = await command.Db.Connections.Include(c => c.Locations).SingleOrDefaultAsync(c => c.Id == id, ct)
                ?? throw CommandContext.Refuse("This connection no longer exists.");
            if (connection.Version != version)
            {
                throw CommandContext.Refuse(CommandRunner.ConflictMessage);
            }
            await RefuseDuplicatesAsync(command.Db, form, id, ct);
            var before = Describe(connection, null);
            connection.Rename(form.Name);
            await ApplyAsync(command.Db, connection, form, ct);
            connection.MarkEdited();
            await command.SaveAsync();
            await command.AuditAsync("connection.updated", "Connection", Id(connection), before, Describe(connection, form));
            return $"Connection {connection.Name} saved.";
        }, ct: ct);
    }

    /// <summary>Forgets the watermark and resume point: the next sync reads everything again (nothing is duplicated).</summary>
    public Task<CommandResult> ResetSyncAsync(int id, AuditActor actor, CancellationToken ct = default) =>
        commands.RunAsync(actor, Policies.ManageConnections, async command =>
        {
            var connection = await command.Db.Connections.SingleOrDefaultAsync(c => c.Id == id, ct)
                ?? throw CommandContext.Refuse("This connection no longer exists.");
            var before = new { connection.Watermark, resumable = connection.ResumeState is not null };
            connection.ResetSync();
            await command.SaveAsync();
            await command.AuditAsync("connection.sync-reset", "Connection", Id(connection), before, new { Watermark = (DateTime?)null });
            return $"The next sync of {connection.Name} reads everything again.";
        }, ct: ct);

    /// <summary>
    /// Starts a sync of the connection in the background for an Admin (access checked now, the request audited by the
    /// run itself). Progress arrives through <see cref="SyncRunner.ProgressChanged"/>.
    /// </summary>
    public async Task<CommandResult> StartSyncAsync(int id, AuditActor actor, CancellationToken ct = default)
    {
        var allowed = await commands.RunAsync(actor, Policies.ManageConnections, async command =>
        {
            var connection = await command.Db.Connections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct)
                ?? throw CommandContext.Refuse("This connection no longer exists.");
            if (connection.Kind == ConnectionKind.CsvImport)
            {
                throw CommandContext.Refuse("A CSV connection syncs by importing a file: use Import.");
            }
            if (connection.ProtectedCredentials is null)
            {
                throw CommandContext.Refuse($"Enter the access token of {connection.Name} first.");
            }
            return $"Sync of {connection.Name} started.";
        }, ct: ct);
        if (!allowed.Succeeded)
        {
            return allowed;
        }
        // The run outlives the request and the circuit: it has its own token, and records its end itself.
        _ = Task.Run(() => runner.RunConnectorAsync(id, "Manual", actor, CancellationToken.None), CancellationToken.None);
        return allowed;
    }

    private static string? Validate(ConnectionForm form, bool isNew)
    {
        if (string.IsNullOrWhiteSpace(form.Name))
        {
            return "Enter a name for the connection.";
        }
        if (isNew && string.IsNullOrWhiteSpace(form.Source))
        {
            return "Enter the source name its records carry, e.g. fresha or square.";
        }
        if (!string.IsNullOrWhiteSpace(form.Schedule) && !CronExpression.IsValidExpression(form.Schedule.Trim()))
        {
            return $"'{form.Schedule}' is not a cron expression (seconds minutes hours day-of-month month day-of-week, e.g. 0 0/15 * * * ?).";
        }
        if (form.Kind != ConnectionKind.CsvImport && !string.IsNullOrWhiteSpace(form.BaseUrl)
            && (!Uri.TryCreate(form.BaseUrl.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)))
        {
            return "The API address must be an https:// address.";
        }
        if (form.Kind == ConnectionKind.Shopify && string.IsNullOrWhiteSpace(form.ShopDomain))
        {
            return "Enter the shop's myshopify.com domain.";
        }
        var duplicate = form.Locations.Where(l => !string.IsNullOrWhiteSpace(l.SourceLocationId)).GroupBy(l => l.SourceLocationId.Trim()).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? null : $"Source location '{duplicate.Key}' is mapped twice.";
    }

    private static async Task RefuseDuplicatesAsync(ApplicationDbContext db, ConnectionForm form, int? id, CancellationToken ct)
    {
        var name = form.Name.Trim();
        if (await db.Connections.AnyAsync(c => c.Name == name && c.Id != id, ct))
        {
            throw CommandContext.Refuse($"A connection named {name} already exists.");
        }
        var source = form.Source.Trim().ToLowerInvariant();
        if (id is null && await db.Connections.AnyAsync(c => c.Source == source, ct))
        {
            throw CommandContext.Refuse($"Another connection already uses the source name {source}.");
        }
    }

    private async Task ApplyAsync(ApplicationDbContext db, Connection connection, ConnectionForm form, CancellationToken ct)
    {
        var locationIds = form.Locations.Select(l => l.LocationId).Append(form.DefaultLocationId ?? 0).Where(i => i != 0).Distinct().ToList();
        var known = await db.Locations.Where(l => locationIds.Contains(l.Id)).Select(l => l.Id).ToListAsync(ct);
        if (known.Count != locationIds.Count)
        {
            throw CommandContext.Refuse("One of the chosen locations no longer exists; reload the page.");
        }
        connection.SetEnabled(form.Enabled);
        connection.SetSchedule(form.Schedule?.Trim());
        connection.SetDefaultLocation(form.DefaultLocationId);
        connection.SetSettings(new ConnectionSettings
        {
            BaseUrl = Blank(form.BaseUrl),
            ShopDomain = Blank(form.ShopDomain)?.ToLowerInvariant(),
            ApiVersion = Blank(form.ApiVersion),
            NotificationUrl = Blank(form.NotificationUrl),
            SourceKeepsLedger = form.SourceKeepsLedger,
        }.ToJson());
        connection.MapLocations(form.Locations.Where(l => !string.IsNullOrWhiteSpace(l.SourceLocationId) && l.LocationId != 0)
            .Select(l => (l.SourceLocationId.Trim(), l.LocationId)));
        if (form.ClearCredentials)
        {
            connection.SetCredentials(null);
        }
        else if (Blank(form.NewCredentials) is { } credentials)
        {
            connection.SetCredentials(secrets.Protect(credentials));
        }
        if (form.ClearWebhookSecret)
        {
            connection.SetWebhookSecret(null);
        }
        else if (Blank(form.NewWebhookSecret) is { } secret)
        {
            connection.SetWebhookSecret(secrets.ProtectWebhookSecret(secret));
        }
    }

    private static object Describe(Connection c, ConnectionForm? form) => new
    {
        c.Name,
        Kind = c.Kind.ToString(),
        c.Source,
        c.Enabled,
        c.Schedule,
        c.DefaultLocationId,
        Settings = c.SettingsJson,
        Locations = c.Locations.Select(l => $"{l.SourceLocationId}→{l.LocationId}").ToList(),
        Credentials = form is null ? (c.ProtectedCredentials is null ? "none" : "set")
            : form.ClearCredentials ? "cleared" : Blank(form.NewCredentials) is not null ? "replaced" : c.ProtectedCredentials is null ? "none" : "kept",
        WebhookSecret = form is null ? (c.ProtectedWebhookSecret is null ? "none" : "set")
            : form.ClearWebhookSecret ? "cleared" : Blank(form.NewWebhookSecret) is not null ? "replaced" : c.ProtectedWebhookSecret is null ? "none" : "kept",
    };

    private static string Id(Connection c) => c.Id.ToString(CultureInfo.InvariantCulture);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
