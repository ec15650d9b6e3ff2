using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Sync;

public enum ConnectionKind
{
    CsvImport,
    Square,
    Shopify,
}

/// <summary>
/// One source of the business's data: a platform account (Square, Shopify) or a stream of exported files (Fresha,
/// anything with a CSV export). Records from it carry its <see cref="Source"/>, so (source, external id) identifies
/// them across re-syncs. Secrets are stored encrypted with Data Protection (<see cref="ConnectionSecrets"/>) and
/// never shown back.
/// </summary>
public sealed class Connection
{
    public const int NameMaxLength = 100;
    public const int ScheduleMaxLength = 120;
    public const int ErrorMaxLength = 2000;

    private readonly List<ConnectionLocation> _locations = [];

    private Connection()
    {
    }

    public Connection(string name, ConnectionKind kind, string source, DateTime createdAt)
    {
        Name = Guard.Text(name, "Name", NameMaxLength);
        Kind = kind;
        Source = ValidSource(source);
        CreatedAt = Guard.Utc(createdAt, "Created time");
    }

    public int Id { get; private set; }
    public string Name { get; private set; } = "";
    public ConnectionKind Kind { get; private set; }

    /// <summary>The source name its records carry, e.g. "fresha" or "square"; fixed once records exist.</summary>
    public string Source { get; private set; } = "";

    public bool Enabled { get; private set; }

    /// <summary>A Quartz cron expression, or null for "only when started by hand" (CSV imports).</summary>
    public string? Schedule { get; private set; }

    /// <summary>Where clients and visits go when the source names no location (a file without a location column).</summary>
    public int? DefaultLocationId { get; private set; }

    /// <summary>Non-secret settings as JSON (<see cref="ConnectionSettings"/>).</summary>
    public string SettingsJson { get; private set; } = "{}";

    /// <summary>The CSV column mapping last used, as JSON; null until a file was mapped.</summary>
    public string? MappingJson { get; private set; }

    /// <summary>Credentials (access token, API key) as Data Protection ciphertext; null when none are set.</summary>
    public string? ProtectedCredentials { get; private set; }

    /// <summary>The webhook signing secret as Data Protection ciphertext; null when webhooks are not set up.</summary>
    public string? ProtectedWebhookSecret { get; private set; }

    /// <summary>The source's update time up to which everything is in: the next incremental sync reads from here (less an overlap).</summary>
    public DateTime? Watermark { get; private set; }

    /// <summary>Where an interrupted run stopped (phase, cursor, location batch) as JSON; the next run resumes from it.</summary>
    public string? ResumeState { get; private set; }

    /// <summary>
    /// Set while a run holds the connection (claimed with a conditional update, renewed as it goes): a second run
    /// for the connection, on this instance or another, is refused until it ends or its lease lapses.
    /// </summary>
    public DateTime? RunningSince { get; private set; }

    public long? RunningRunId { get; private set; }

    public DateTime? LastRunAt { get; private set; }
    public string? LastError { get; private set; }

    /// <summary>The source's own count of clients at the last reconciliation, where it can count.</summary>
    public long? SourceClientCount { get; private set; }

    public long? OurClientCount { get; private set; }
    public DateTime? ReconciledAt { get; private set; }

    public DateTime CreatedAt { get; private set; }

    /// <summary>Concurrency token, moved by <see cref="MarkEdited"/>; a sync's progress does not move it.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<ConnectionLocation> Locations => _locations.AsReadOnly();

    /// <summary>Called once by every edit an Admin saves, so two edits of one connection at once cannot both win.</summary>
    public void MarkEdited() => Version++;

    public void Rename(string name) => Name = Guard.Text(name, "Name", NameMaxLength);

    public void SetEnabled(bool enabled) => Enabled = enabled;

    public void SetSchedule(string? cron) => Schedule = string.IsNullOrWhiteSpace(cron) ? null : Guard.Text(cron, "Schedule", ScheduleMaxLength);

    public void SetDefaultLocation(int? locationId) => DefaultLocationId = locationId;

    public void SetSettings(string json) => SettingsJson = json;

    public void SetMapping(string? json) => MappingJson = json;

    public void SetCredentials(string? ciphertext) => ProtectedCredentials = ciphertext;

    public void SetWebhookSecret(string? ciphertext) => ProtectedWebhookSecret = ciphertext;

    /// <summary>Replaces the source-location mapping; each source location maps to exactly one of ours.</summary>
    public void MapLocations(IEnumerable<(string SourceLocationId, int LocationId)> map)
    {
        var wanted = map.Select(m => (Id: Guard.Text(m.SourceLocationId, "Source location id", SyncedEntity.ExternalIdMaxLength), m.LocationId)).ToList();
        var duplicate = wanted.GroupBy(m => m.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DomainException($"Source location '{duplicate.Key}' is mapped twice.");
        }
        _locations.RemoveAll(l => !wanted.Any(w => w.Id == l.SourceLocationId));
        foreach (var (id, locationId) in wanted.Select(w => (w.Id, w.LocationId)))
        {
            var existing = _locations.FirstOrDefault(l => l.SourceLocationId == id);
            if (existing is null)
            {
                _locations.Add(new ConnectionLocation(id, locationId));
            }
            else
            {
                existing.MapTo(locationId);
            }
        }
    }

    /// <summary>
    /// Our location for a source location id: the mapped one; the default when the source names none; null for a
    /// location the source names that is not mapped (its records wait in the unmatched list until it is).
    /// </summary>
    public int? LocationFor(string? sourceLocationId) =>
        string.IsNullOrEmpty(sourceLocationId)
            ? DefaultLocationId
            : _locations.FirstOrDefault(l => l.SourceLocationId == sourceLocationId)?.LocationId;

    public void RecordProgress(DateTime? watermark, string? resumeState)
    {
        if (watermark is not null && (Watermark is null || watermark > Watermark))
        {
            Watermark = watermark;
        }
        ResumeState = resumeState;
    }

    public void RecordRun(DateTime at, string? error)
    {
        LastRunAt = at;
        LastError = error is { Length: > ErrorMaxLength } ? error[..ErrorMaxLength] : error;
    }

    public void RecordReconciliation(long? sourceCount, long ourCount, DateTime at)
    {
        SourceClientCount = sourceCount;
        OurClientCount = ourCount;
        ReconciledAt = at;
    }

    /// <summary>Forgets the watermark and any resume point: the next run reads everything again (idempotently).</summary>
    public void ResetSync()
    {
        Watermark = null;
        ResumeState = null;
    }

    private static string ValidSource(string source)
    {
        var value = Guard.Text(source, "Source", SyncedEntity.SourceMaxLength).ToLowerInvariant();
        if (!value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new DomainException($"Source '{source}' may hold only letters, digits, '-' and '_'.");
        }
        if (value is Sources.Demo or Sources.Console)
        {
            throw new DomainException($"Source '{value}' is reserved for the console's own records.");
        }
        return value;
    }
}

/// <summary>One source location id mapped to one of our locations.</summary>
public sealed class ConnectionLocation
{
    private ConnectionLocation()
    {
    }

    internal ConnectionLocation(string sourceLocationId, int locationId)
    {
        SourceLocationId = sourceLocationId;
        LocationId = locationId;
    }

    public int Id { get; private set; }
    public int ConnectionId { get; private set; }
    public string SourceLocationId { get; private set; } = "";
    public int LocationId { get; private set; }

    internal void MapTo(int locationId) => LocationId = locationId;
}
