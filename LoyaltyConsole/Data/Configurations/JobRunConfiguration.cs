using LoyaltyConsole.Jobs;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LoyaltyConsole.Data.Configurations;

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> builder)
    {
        builder.Property(r => r.JobKey).HasMaxLength(JobRun.JobKeyMaxLength);
        builder.Property(r => r.FireInstanceId).HasMaxLength(100);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Message).HasMaxLength(JobRun.MessageMaxLength);
        builder.Property(r => r.TriggeredBy).HasMaxLength(JobRun.TriggeredByMaxLength);
        builder.HasIndex(r => new { r.JobKey, r.StartedAt });
        builder.HasIndex(r => r.FireInstanceId).IsUnique();
    }
}
