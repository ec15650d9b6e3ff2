using LoyaltyConsole.Domain.Common;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LoyaltyConsole.Data.Configurations;

internal static class SyncedEntityConfiguration
{
    /// <summary>Every synced record is unique by (source, external id).</summary>
    public static void ConfigureSynced<T>(this EntityTypeBuilder<T> builder)
        where T : SyncedEntity
    {
        builder.Property(e => e.Source).HasMaxLength(SyncedEntity.SourceMaxLength);
        builder.Property(e => e.ExternalId).HasMaxLength(SyncedEntity.ExternalIdMaxLength);
        builder.HasIndex(e => new { e.Source, e.ExternalId }).IsUnique();
    }
}
