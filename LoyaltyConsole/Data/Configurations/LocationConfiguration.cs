using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Locations;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LoyaltyConsole.Data.Configurations;

internal sealed class LocationConfiguration : IEntityTypeConfiguration<Location>
{
    public void Configure(EntityTypeBuilder<Location> builder)
    {
        builder.Property(l => l.Name).HasMaxLength(Location.NameMaxLength);
        builder.Property(l => l.TimeZoneId).HasMaxLength(Location.TimeZoneMaxLength);
        builder.Property(l => l.Currency).HasMaxLength(Money.CurrencyCodeLength).IsFixedLength();
        builder.ConfigureSynced();
        builder.Ignore(l => l.TimeZone);
    }
}

internal sealed class StaffConfiguration : IEntityTypeConfiguration<Staff>
{
    public void Configure(EntityTypeBuilder<Staff> builder)
    {
        builder.Property(s => s.FirstName).HasMaxLength(Staff.NameMaxLength);
        builder.Property(s => s.LastName).HasMaxLength(Staff.NameMaxLength);
        builder.Property(s => s.Role).HasMaxLength(Staff.NameMaxLength);
        builder.HasOne<Location>().WithMany().HasForeignKey(s => s.LocationId).OnDelete(DeleteBehavior.Restrict);
        builder.ConfigureSynced();
        builder.Ignore(s => s.DisplayName);
    }
}
