using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Locations;
using LoyaltyConsole.Domain.Visits;
using LoyaltyConsole.Sync;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LoyaltyConsole.Data.Configurations;

internal sealed class ConnectionConfiguration : IEntityTypeConfiguration<Connection>
{
    public void Configure(EntityTypeBuilder<Connection> builder)
    {
        builder.Property(c => c.Name).HasMaxLength(Connection.NameMaxLength);
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Source).HasMaxLength(SyncedEntity.SourceMaxLength);
        builder.Property(c => c.Schedule).HasMaxLength(Connection.ScheduleMaxLength);
        builder.Property(c => c.LastError).HasMaxLength(Connection.ErrorMaxLength);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.HasIndex(c => c.Name).IsUnique();
        builder.HasIndex(c => c.Source).IsUnique();
        builder.HasOne<Location>().WithMany().HasForeignKey(c => c.DefaultLocationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(c => c.Locations).WithOne().HasForeignKey(l => l.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(c => c.Locations).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class ConnectionLocationConfiguration : IEntityTypeConfiguration<ConnectionLocation>
{
    public void Configure(EntityTypeBuilder<ConnectionLocation> builder)
    {
        builder.Property(l => l.SourceLocationId).HasMaxLength(SyncedEntity.ExternalIdMaxLength);
        builder.HasIndex(l => new { l.ConnectionId, l.SourceLocationId }).IsUnique();
        builder.HasOne<Location>().WithMany().HasForeignKey(l => l.LocationId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SyncRunConfiguration : IEntityTypeConfiguration<SyncRun>
{
    public void Configure(EntityTypeBuilder<SyncRun> builder)
    {
        builder.Property(r => r.Trigger).HasMaxLength(SyncRun.TriggerMaxLength);
        builder.Property(r => r.TriggeredBy).HasMaxLength(SyncRun.TriggeredByMaxLength);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(24);
        builder.Property(r => r.Summary).HasMaxLength(SyncRun.TextMaxLength);
        builder.Property(r => r.Error).HasMaxLength(SyncRun.TextMaxLength);
        builder.Ignore(r => r.Counts);
        builder.HasOne<Connection>().WithMany().HasForeignKey(r => r.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.ConnectionId, r.StartedAt });
    }
}

internal sealed class SyncIssueConfiguration : IEntityTypeConfiguration<SyncIssue>
{
    public void Configure(EntityTypeBuilder<SyncIssue> builder)
    {
        builder.Property(i => i.File).HasMaxLength(32);
        builder.Property(i => i.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.Reason).HasMaxLength(SyncIssue.ReasonMaxLength);
        builder.Property(i => i.Raw).HasMaxLength(SyncIssue.RawMaxLength);
        builder.HasOne<SyncRun>().WithMany().HasForeignKey(i => i.SyncRunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(i => new { i.SyncRunId, i.Line });
    }
}

internal sealed class InboxEventConfiguration : IEntityTypeConfiguration<InboxEvent>
{
    public void Configure(EntityTypeBuilder<InboxEvent> builder)
    {
        builder.Property(e => e.Source).HasMaxLength(InboxEvent.SourceMaxLength);
        builder.Property(e => e.EventId).HasMaxLength(InboxEvent.IdMaxLength);
        builder.Property(e => e.OtherId).HasMaxLength(InboxEvent.IdMaxLength);
        builder.Property(e => e.Topic).HasMaxLength(InboxEvent.TopicMaxLength);
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.LastError).HasMaxLength(InboxEvent.ErrorMaxLength);
        builder.HasOne<Connection>().WithMany().HasForeignKey(e => e.ConnectionId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(e => new { e.Source, e.EventId }).IsUnique();
        builder.HasIndex(e => new { e.Status, e.NextAttemptAt });
    }
}

internal sealed class UnmatchedRecordConfiguration : IEntityTypeConfiguration<UnmatchedRecord>
{
    public void Configure(EntityTypeBuilder<UnmatchedRecord> builder)
    {
        builder.Property(u => u.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(u => u.ExternalId).HasMaxLength(SyncedEntity.ExternalIdMaxLength);
        builder.Property(u => u.ClientExternalId).HasMaxLength(SyncedEntity.ExternalIdMaxLength);
        builder.Property(u => u.SourceLocationId).HasMaxLength(SyncedEntity.ExternalIdMaxLength);
        builder.Property(u => u.Reason).HasMaxLength(UnmatchedRecord.ReasonMaxLength);
        builder.HasOne<Connection>().WithMany().HasForeignKey(u => u.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(u => new { u.ConnectionId, u.Kind, u.ExternalId }).IsUnique();
        builder.HasIndex(u => new { u.ConnectionId, u.ResolvedAt });
    }
}

internal sealed class MergeSuggestionConfiguration : IEntityTypeConfiguration<MergeSuggestion>
{
    public void Configure(EntityTypeBuilder<MergeSuggestion> builder)
    {
        builder.Property(m => m.Reason).HasMaxLength(MergeSuggestion.ReasonMaxLength);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.DecidedBy).HasMaxLength(256);
        builder.Property(m => m.Version).IsConcurrencyToken();
        builder.HasOne<Client>().WithMany().HasForeignKey(m => m.ClientId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Client>().WithMany().HasForeignKey(m => m.OtherClientId).OnDelete(DeleteBehavior.NoAction);
        builder.HasIndex(m => new { m.ClientId, m.OtherClientId }).IsUnique();
        builder.HasIndex(m => m.Status);
    }
}

internal sealed class VisitReturnConfiguration : IEntityTypeConfiguration<VisitReturn>
{
    public void Configure(EntityTypeBuilder<VisitReturn> builder)
    {
        builder.Property(r => r.Currency).HasMaxLength(Money.CurrencyCodeLength).IsFixedLength();
        builder.HasOne<Client>().WithMany().HasForeignKey(r => r.ClientId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Location>().WithMany().HasForeignKey(r => r.LocationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Visit>().WithMany().HasForeignKey(r => r.VisitId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(r => new { r.ClientId, r.OccurredAt });
        builder.ConfigureSynced();
    }
}
