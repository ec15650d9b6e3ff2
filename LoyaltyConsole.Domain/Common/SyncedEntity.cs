namespace LoyaltyConsole.Domain.Common;

/// <summary>
/// A record that came from (or is mirrored to) one of the business's platforms.
/// <c>(Source, ExternalId)</c> is unique, so re-syncing or replaying a webhook never duplicates anything.
/// </summary>
public abstract class SyncedEntity
{
    public const int SourceMaxLength = 32;
    public const int ExternalIdMaxLength = 128;

    protected SyncedEntity()
    {
    }

    protected SyncedEntity(string source, string externalId)
    {
        if (string.IsNullOrWhiteSpace(source) || source.Length > SourceMaxLength)
        {
            throw new DomainException($"Source must be 1–{SourceMaxLength} characters.");
        }
        if (string.IsNullOrWhiteSpace(externalId) || externalId.Length > ExternalIdMaxLength)
        {
            throw new DomainException($"External id must be 1–{ExternalIdMaxLength} characters.");
        }
        Source = source;
        ExternalId = externalId;
    }

    public string Source { get; private set; } = "";
    public string ExternalId { get; private set; } = "";
}
