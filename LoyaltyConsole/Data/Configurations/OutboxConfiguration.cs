using LoyaltyConsole.Domain.Execution;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Execution;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LoyaltyConsole.Data.Configurations;

internal sealed class OutboxActionConfiguration : IEntityTypeConfiguration<OutboxAction>
{
    public void Configure(EntityTypeBuilder<OutboxAction> builder)
    {
        builder.Property(a => a.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.PayloadJson).HasMaxLength(OutboxAction.PayloadMaxLength);
        builder.Property(a => a.IdempotencyKey).HasMaxLength(OutboxAction.KeyMaxLength);
        builder.Property(a => a.LeaseOwner).HasMaxLength(OutboxAction.LeaseOwnerMaxLength);
        builder.Property(a => a.Provider).HasMaxLength(OutboxAction.ProviderMaxLength);
        builder.Property(a => a.ProviderReference).HasMaxLength(OutboxAction.ReferenceMaxLength);
        builder.Property(a => a.DeliveryStatus).HasMaxLength(OutboxAction.DeliveryMaxLength);
        builder.Property(a => a.LastError).HasMaxLength(OutboxAction.ReasonMaxLength);
        builder.Property(a => a.Revision).IsConcurrencyToken();
        builder.Ignore(a => a.IsFinished);
        builder.HasOne<Proposal>().WithMany().HasForeignKey(a => a.ProposalId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(a => a.Attempts).WithOne().HasForeignKey(t => t.OutboxActionId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(a => a.Attempts).UsePropertyAccessMode(PropertyAccessMode.Field);
        // One action of each kind per proposal, and one key per action: a retry or a re-approval never queues a second.
        builder.HasIndex(a => a.IdempotencyKey).IsUnique();
        builder.HasIndex(a => new { a.ProposalId, a.Kind }).IsUnique();
        // The dispatcher's claim: due Pending actions in due order; the lapsed-lease sweep: InFlight by lease end.
        builder.HasIndex(a => new { a.State, a.DueAt });
        builder.HasIndex(a => new { a.State, a.LeaseUntil });
        builder.HasIndex(a => a.ClientId);
    }
}

internal sealed class OutboxAttemptConfiguration : IEntityTypeConfiguration<OutboxAttempt>
{
    public void Configure(EntityTypeBuilder<OutboxAttempt> builder)
    {
        builder.Property(t => t.Dispatcher).HasMaxLength(OutboxAction.LeaseOwnerMaxLength);
        builder.Property(t => t.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.Error).HasMaxLength(OutboxAttempt.ErrorMaxLength);
        builder.Property(t => t.ProviderReference).HasMaxLength(OutboxAction.ReferenceMaxLength);
        builder.HasIndex(t => new { t.OutboxActionId, t.Number }).IsUnique();
    }
}

internal sealed class ExecutionRecordConfiguration : IEntityTypeConfiguration<ExecutionRecord>
{
    public void Configure(EntityTypeBuilder<ExecutionRecord> builder)
    {
        builder.Property(r => r.Channel).HasMaxLength(ExecutionRecord.ChannelMaxLength);
        builder.Property(r => r.Provider).HasMaxLength(ExecutionRecord.ProviderMaxLength);
        builder.Property(r => r.Kind).HasMaxLength(ExecutionRecord.KindMaxLength);
        builder.Property(r => r.Recipient).HasMaxLength(ExecutionRecord.RecipientMaxLength);
        builder.Property(r => r.Content).HasMaxLength(ExecutionRecord.ContentMaxLength);
        builder.Property(r => r.IdempotencyKey).HasMaxLength(OutboxAction.KeyMaxLength);
        builder.Property(r => r.Reference).HasMaxLength(ExecutionRecord.ReferenceMaxLength);
        builder.Property(r => r.Delivery).HasMaxLength(32);
        builder.HasOne<OutboxAction>().WithMany().HasForeignKey(r => r.OutboxActionId).OnDelete(DeleteBehavior.Cascade);
        // The demo platform's idempotency: a key is written once (null for log SMS records, which have none).
        builder.HasIndex(r => r.IdempotencyKey).IsUnique();
        builder.HasIndex(r => r.OutboxActionId);
    }
}
