using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Locations;
using LoyaltyConsole.Domain.Loyalty;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LoyaltyConsole.Data.Configurations;

internal sealed class ClientConfiguration : IEntityTypeConfiguration<Client>
{
    public void Configure(EntityTypeBuilder<Client> builder)
    {
        builder.Property(c => c.FirstName).HasMaxLength(Client.NameMaxLength);
        builder.Property(c => c.LastName).HasMaxLength(Client.NameMaxLength);
        builder.Property(c => c.Email).HasMaxLength(Client.EmailMaxLength);
        builder.Property(c => c.Notes).HasMaxLength(Client.NotesMaxLength);
        builder.Property(c => c.PhoneE164).HasMaxLength(PhoneNumber.MaxLength);
        builder.Ignore(c => c.Phone);
        // Two writers moving one client's points at once (a sync batch, a webhook, an approval): the second is refused and retries.
        builder.Property(c => c.PointsBalance).IsConcurrencyToken();
        builder.ComplexProperty(c => c.SmsConsent, ConfigureConsent);
        builder.ComplexProperty(c => c.EmailConsent, ConfigureConsent);

        builder.HasOne<Location>().WithMany().HasForeignKey(c => c.HomeLocationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TierDefinition>().WithMany().HasForeignKey(c => c.TierId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(c => c.Ledger).WithOne().HasForeignKey(e => e.ClientId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.TierHistory).WithOne().HasForeignKey(t => t.ClientId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(c => c.Ledger).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.Navigation(c => c.TierHistory).UsePropertyAccessMode(PropertyAccessMode.Field);

        builder.HasIndex(c => new { c.HomeLocationId, c.LastName, c.FirstName });
        builder.HasIndex(c => new { c.LastName, c.FirstName });
        builder.HasIndex(c => c.LastVisitAt);
        builder.HasIndex(c => c.Email);
        builder.HasIndex(c => c.PhoneE164);
        builder.HasOne<Client>().WithMany().HasForeignKey(c => c.MergedIntoClientId).OnDelete(DeleteBehavior.Restrict);
        builder.ConfigureSynced();
        builder.Ignore(c => c.DisplayName);
    }

    private static void ConfigureConsent(ComplexPropertyBuilder<Consent> consent)
    {
        consent.Property(c => c.Source).HasMaxLength(Consent.SourceMaxLength);
    }
}

internal sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> builder)
    {
        builder.Property(e => e.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.Reason).HasMaxLength(LedgerEntry.ReasonMaxLength);
        builder.HasIndex(e => new { e.ClientId, e.OccurredAt });
        builder.HasIndex(e => e.VisitId);
        builder.ConfigureSynced();
    }
}

internal sealed class TierDefinitionConfiguration : IEntityTypeConfiguration<TierDefinition>
{
    public void Configure(EntityTypeBuilder<TierDefinition> builder)
    {
        builder.Property(t => t.Name).HasMaxLength(TierDefinition.NameMaxLength);
        builder.Property(t => t.Color).HasMaxLength(TierDefinition.ColorMaxLength);
        builder.HasIndex(t => t.Name).IsUnique();
        builder.HasIndex(t => t.Rank).IsUnique();
    }
}

internal sealed class TierChangeConfiguration : IEntityTypeConfiguration<TierChange>
{
    public void Configure(EntityTypeBuilder<TierChange> builder)
    {
        builder.Property(t => t.Reason).HasMaxLength(TierChange.ReasonMaxLength);
        builder.HasOne<TierDefinition>().WithMany().HasForeignKey(t => t.FromTierId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TierDefinition>().WithMany().HasForeignKey(t => t.ToTierId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(t => new { t.ClientId, t.ChangedAt });
    }
}
