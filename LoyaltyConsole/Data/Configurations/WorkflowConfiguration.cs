using System.Text.Json;
using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Guardrails;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Proposals;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LoyaltyConsole.Data.Configurations;

internal sealed class RewardConfiguration : IEntityTypeConfiguration<Reward>
{
    public void Configure(EntityTypeBuilder<Reward> builder)
    {
        builder.Property(r => r.Name).HasMaxLength(Reward.NameMaxLength);
        builder.Property(r => r.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(r => r.Item).HasMaxLength(100);
        builder.Property(r => r.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(r => r.ChangedBy).HasMaxLength(256);
        builder.HasIndex(r => r.Name).IsUnique();
    }
}

internal sealed class WorkflowConfiguration : IEntityTypeConfiguration<Workflow>
{
    public void Configure(EntityTypeBuilder<Workflow> builder)
    {
        builder.Property(w => w.Name).HasMaxLength(Workflow.NameMaxLength);
        builder.Property(w => w.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(w => w.Channel).HasConversion<string>().HasMaxLength(16);
        builder.Property(w => w.Phase).HasConversion<string>().HasMaxLength(16);
        builder.Property(w => w.Cron).HasMaxLength(100);
        builder.Property(w => w.PausedReason).HasMaxLength(500);
        builder.Property(w => w.ChangedBy).HasMaxLength(256);
        builder.PrimitiveCollection(w => w.SegmentIds);
        builder.ComplexProperty(w => w.Caps);
        builder.HasOne<Reward>().WithMany().HasForeignKey(w => w.RewardId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(w => w.Name).IsUnique();
    }
}

internal sealed class ProposalConfiguration : IEntityTypeConfiguration<Proposal>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<Proposal> builder)
    {
        builder.Property(p => p.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(p => p.Rationale).HasMaxLength(Proposal.RationaleMaxLength);
        builder.Property(p => p.DraftText).HasMaxLength(Proposal.DraftMaxLength);
        builder.Property(p => p.DraftProvider).HasMaxLength(64);
        builder.Property(p => p.DraftModel).HasMaxLength(100);
        builder.Property(p => p.PromptTemplateVersion).HasMaxLength(32);
        builder.Property(p => p.Guardrails)
            .HasConversion(
                v => JsonSerializer.Serialize(v, Json),
                s => JsonSerializer.Deserialize<List<GuardrailResult>>(s, Json) ?? new List<GuardrailResult>(),
                new ValueComparer<List<GuardrailResult>>((a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, g) => HashCode.Combine(h, g.GetHashCode())), v => v.ToList()));
        builder.Ignore(p => p.Blocked);
        builder.Ignore(p => p.IsOpen);
        builder.Property(p => p.DecidedBy).HasMaxLength(256);
        builder.Property(p => p.DecisionReason).HasMaxLength(500);
        builder.Property(p => p.OriginalDraftText).HasMaxLength(Proposal.DraftMaxLength);
        // Optimistic concurrency: of two reviewers deciding at once, the second save finds the revision moved on.
        builder.Property(p => p.Revision).IsConcurrencyToken();
        builder.HasOne<Workflow>().WithMany().HasForeignKey(p => p.WorkflowId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Client>().WithMany().HasForeignKey(p => p.ClientId).OnDelete(DeleteBehavior.Restrict);
        // One proposal per workflow, client and day: re-running a day never duplicates.
        builder.HasIndex(p => new { p.WorkflowId, p.ClientId, p.RunDate }).IsUnique();
        builder.HasIndex(p => new { p.Status, p.LocationId });
        builder.HasIndex(p => new { p.ClientId, p.Status });
        // One open proposal per workflow and client: the run checks first, and the database refuses a second anyway.
        builder.HasIndex(p => new { p.WorkflowId, p.ClientId }).IsUnique()
            .HasFilter("\"Status\" IN ('PendingReview', 'Blocked')").HasDatabaseName("IX_Proposals_OneOpenPerWorkflowAndClient");
    }
}

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        builder.Property(a => a.Title).HasMaxLength(200);
        builder.Property(a => a.Message).HasMaxLength(1000);
        builder.Property(a => a.AcknowledgedBy).HasMaxLength(256);
        builder.Property(a => a.AcknowledgementNote).HasMaxLength(Alert.NoteMaxLength);
        builder.HasIndex(a => a.AcknowledgedAt);
    }
}

internal sealed class LocationBudgetConfiguration : IEntityTypeConfiguration<LocationBudget>
{
    public void Configure(EntityTypeBuilder<LocationBudget> builder)
    {
        builder.Property(b => b.ChangedBy).HasMaxLength(256);
        builder.HasOne<Domain.Locations.Location>().WithMany().HasForeignKey(b => b.LocationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(b => b.LocationId).IsUnique();
    }
}

internal sealed class ProposalRunConfiguration : IEntityTypeConfiguration<ProposalRun>
{
    public void Configure(EntityTypeBuilder<ProposalRun> builder)
    {
        builder.HasOne<Workflow>().WithMany().HasForeignKey(r => r.WorkflowId).OnDelete(DeleteBehavior.Restrict);
        // A workflow's proposals are written once per day: the second of two racing runs violates this and is skipped.
        builder.HasIndex(r => new { r.WorkflowId, r.RunDate }).IsUnique();
    }
}

internal sealed class DatabaseLockConfiguration : IEntityTypeConfiguration<DatabaseLock>
{
    public void Configure(EntityTypeBuilder<DatabaseLock> builder)
    {
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(DatabaseLock.NameMaxLength);
        builder.HasData(DatabaseLock.All.Select(name => new DatabaseLock { Name = name, Version = 0 }));
    }
}
