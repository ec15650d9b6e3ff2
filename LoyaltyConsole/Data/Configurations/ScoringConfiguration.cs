using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Locations;
using LoyaltyConsole.Domain.Segments;
using LoyaltyConsole.Scoring;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LoyaltyConsole.Data.Configurations;

internal sealed class SegmentDefinitionConfiguration : IEntityTypeConfiguration<SegmentDefinition>
{
    public void Configure(EntityTypeBuilder<SegmentDefinition> builder)
    {
        builder.Property(s => s.Key).HasMaxLength(SegmentDefinition.KeyMaxLength);
        builder.Property(s => s.Name).HasMaxLength(SegmentDefinition.NameMaxLength);
        builder.Property(s => s.Description).HasMaxLength(SegmentDefinition.DescriptionMaxLength);
        builder.Property(s => s.ChangedBy).HasMaxLength(256);
        builder.ComplexProperty(s => s.Rule);
        builder.HasIndex(s => s.Key).IsUnique();
    }
}

internal sealed class ModelFitConfiguration : IEntityTypeConfiguration<ModelFit>
{
    public void Configure(EntityTypeBuilder<ModelFit> builder)
    {
        builder.Property(f => f.Version).HasMaxLength(64);
        builder.HasIndex(f => f.AsOf).IsUnique();
        builder.HasIndex(f => f.Version).IsUnique();
    }
}

internal sealed class ClientScoreConfiguration : IEntityTypeConfiguration<ClientScore>
{
    public void Configure(EntityTypeBuilder<ClientScore> builder)
    {
        builder.Property(s => s.FavouriteCategory).HasMaxLength(50);
        builder.Property(s => s.TopBrand).HasMaxLength(100);
        builder.Property(s => s.RfmSegment).HasMaxLength(32);
        builder.Property(s => s.TierRationale).HasMaxLength(500);
        builder.HasOne<Client>().WithMany().HasForeignKey(s => s.ClientId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ModelFit>().WithMany().HasForeignKey(s => s.ModelFitId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => new { s.ClientId, s.AsOf }).IsUnique();
        builder.HasIndex(s => new { s.AsOf, s.HomeLocationId });
        // A segment's members page lists the day's most valuable first: walked in this order, the first page is found
        // without sorting every member.
        builder.HasIndex(s => new { s.AsOf, s.PredictedValueMinor, s.ClientId }).IsDescending(false, true, false);
    }
}

internal sealed class SegmentMembershipConfiguration : IEntityTypeConfiguration<SegmentMembership>
{
    public void Configure(EntityTypeBuilder<SegmentMembership> builder)
    {
        builder.HasOne<SegmentDefinition>().WithMany().HasForeignKey(m => m.SegmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Client>().WithMany().HasForeignKey(m => m.ClientId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(m => new { m.SegmentId, m.ExitedOn, m.ClientId });
        builder.HasIndex(m => new { m.ClientId, m.ExitedOn });
    }
}

internal sealed class SegmentationRunConfiguration : IEntityTypeConfiguration<SegmentationRun>
{
    public void Configure(EntityTypeBuilder<SegmentationRun> builder)
    {
        builder.Property(r => r.TriggeredBy).HasMaxLength(256);
        builder.HasMany(r => r.Segments).WithOne().HasForeignKey(c => c.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.LocationCounts).WithOne().HasForeignKey(c => c.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.TopMembers).WithOne().HasForeignKey(c => c.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => r.AsOf);
    }
}

internal sealed class SegmentRunLocationCountConfiguration : IEntityTypeConfiguration<SegmentRunLocationCount>
{
    public void Configure(EntityTypeBuilder<SegmentRunLocationCount> builder)
    {
        builder.HasOne<SegmentDefinition>().WithMany().HasForeignKey(c => c.SegmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Location>().WithMany().HasForeignKey(c => c.LocationId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SegmentRunTopMemberConfiguration : IEntityTypeConfiguration<SegmentRunTopMember>
{
    public void Configure(EntityTypeBuilder<SegmentRunTopMember> builder)
    {
        builder.HasOne<SegmentDefinition>().WithMany().HasForeignKey(c => c.SegmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Location>().WithMany().HasForeignKey(c => c.LocationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => new { c.RunId, c.SegmentId, c.LocationId });
    }
}

internal sealed class SegmentRunCountConfiguration : IEntityTypeConfiguration<SegmentRunCount>
{
    public void Configure(EntityTypeBuilder<SegmentRunCount> builder)
    {
        builder.HasOne<SegmentDefinition>().WithMany().HasForeignKey(c => c.SegmentId).OnDelete(DeleteBehavior.Cascade);
    }
}
