namespace LoyaltyConsole.Sync;

/// <summary>A platform that can list its own locations, so that an Admin maps each to one of ours by name instead of by id.</summary>
public interface ISourceLocations
{
    ConnectionKind Kind { get; }

    /// <summary>The platform's locations, id and a name to show; throws <see cref="SyncFailedException"/> with what went wrong in words.</summary>
    Task<IReadOnlyList<(string Id, string Name)>> ListLocationsAsync(Connection connection, CancellationToken ct);
}

/// <summary>A location of the source, with the one of ours it is mapped to (or that has its name), if any.</summary>
public sealed record SourceLocationOption(string Id, string Name, int? MappedTo, int? SameName);

/// <summary>The source's locations, or why they could not be listed.</summary>
public sealed record SourceLocationsResult(bool Succeeded, string Message, IReadOnlyList<SourceLocationOption> Locations);
