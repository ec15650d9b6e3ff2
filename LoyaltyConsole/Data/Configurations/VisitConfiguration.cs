using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Locations;
using LoyaltyConsole.Domain.Visits;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LoyaltyConsole.Data.Configurations;

internal sealed class VisitConfiguration : IEntityTypeConfiguration<Visit>
{
    public void Configure(EntityTypeBuilder<Visit> builder)
    {
        builder.Property(v => v.Currency).HasMaxLength(Money.CurrencyCodeLength).IsFixedLength();
        builder.HasOne<Client>().WithMany().HasForeignKey(v => v.ClientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Location>().WithMany().HasForeignKey(v => v.LocationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(v => v.Lines).WithOne().HasForeignKey(l => l.VisitId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(v => v.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasIndex(v => new { v.ClientId, v.OccurredAt });
        builder.HasIndex(v => new { v.LocationId, v.OccurredAt });
        builder.ConfigureSynced();
        builder.Ignore(v => v.Total);
    }
}

internal sealed class VisitLineConfiguration : IEntityTypeConfiguration<VisitLine>
{
    public void Configure(EntityTypeBuilder<VisitLine> builder)
    {
        builder.Property(l => l.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(l => l.Item).HasMaxLength(VisitLine.ItemMaxLength);
        builder.Property(l => l.Category).HasMaxLength(VisitLine.CategoryMaxLength);
        builder.Property(l => l.Brand).HasMaxLength(VisitLine.BrandMaxLength);
        builder.HasOne<Staff>().WithMany().HasForeignKey(l => l.StaffId).OnDelete(DeleteBehavior.Restrict);
    }
}
