using LoyaltyConsole.Domain.Auditing;
using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Execution;
using LoyaltyConsole.Execution;
using LoyaltyConsole.Domain.Locations;
using LoyaltyConsole.Domain.Loyalty;
using LoyaltyConsole.Domain.Segments;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Proposals;
using LoyaltyConsole.Domain.Visits;
using LoyaltyConsole.Identity;
using LoyaltyConsole.Jobs;
using LoyaltyConsole.Scoring;
using LoyaltyConsole.Sync;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace LoyaltyConsole.Data;

/// <summary>
/// The console's database. SQLite uses this type; SQL Server and PostgreSQL use the derived
/// <see cref="SqlServerDbContext"/> and <see cref="PostgreSqlDbContext"/>, which differ only in the migrations EF Core
/// finds for them (each provider keeps its own under Data/Migrations/&lt;Provider&gt;). Code asks for this type.
/// </summary>
public class ApplicationDbContext : IdentityDbContext<ApplicationUser>, IDataProtectionKeyContext
{
    public ApplicationDbContext(DbContextOptions<ApplicationDbContext> options)
        : base(options)
    {
    }

    protected ApplicationDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Location> Locations => Set<Location>();
    public DbSet<Staff> Staff => Set<Staff>();
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<Visit> Visits => Set<Visit>();
    public DbSet<VisitLine> VisitLines => Set<VisitLine>();
    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();
    public DbSet<TierDefinition> Tiers => Set<TierDefinition>();
    public DbSet<TierChange> TierChanges => Set<TierChange>();
    public DbSet<UserLocation> UserLocations => Set<UserLocation>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<JobRun> JobRuns => Set<JobRun>();
    public DbSet<SegmentDefinition> Segments => Set<SegmentDefinition>();
    public DbSet<ModelFit> ModelFits => Set<ModelFit>();
    public DbSet<ClientScore> ClientScores => Set<ClientScore>();
    public DbSet<SegmentMembership> SegmentMemberships => Set<SegmentMembership>();
    public DbSet<SegmentationRun> SegmentationRuns => Set<SegmentationRun>();
    public DbSet<Reward> Rewards => Set<Reward>();
    public DbSet<Workflow> Workflows => Set<Workflow>();
    public DbSet<Proposal> Proposals => Set<Proposal>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<LocationBudget> LocationBudgets => Set<LocationBudget>();
    public DbSet<ProposalRun> ProposalRuns => Set<ProposalRun>();
    public DbSet<DatabaseLock> Locks => Set<DatabaseLock>();
    public DbSet<VisitReturn> VisitReturns => Set<VisitReturn>();
    public DbSet<Connection> Connections => Set<Connection>();
    public DbSet<ConnectionLocation> ConnectionLocations => Set<ConnectionLocation>();
    public DbSet<SyncRun> SyncRuns => Set<SyncRun>();
    public DbSet<SyncIssue> SyncIssues => Set<SyncIssue>();
    public DbSet<InboxEvent> InboxEvents => Set<InboxEvent>();
    public DbSet<UnmatchedRecord> UnmatchedRecords => Set<UnmatchedRecord>();
    public DbSet<MergeSuggestion> MergeSuggestions => Set<MergeSuggestion>();
    public DbSet<OutboxAction> OutboxActions => Set<OutboxAction>();
    public DbSet<OutboxAttempt> OutboxAttempts => Set<OutboxAttempt>();
    public DbSet<ExecutionRecord> ExecutionRecords => Set<ExecutionRecord>();

    /// <summary>ASP.NET Core Data Protection's keys, shared by every app instance (cookies, invite links).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Locks taken in this context's transactions (see <see cref="DatabaseLocks"/>).</summary>
    internal HashSet<(Guid Transaction, string Name)> HeldLocks { get; } = [];

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(ApplicationDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Times are UTC everywhere; the converter restores DateTimeKind.Utc on read, which SQLite does not keep.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseAuditRewrites();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseAuditRewrites();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    // The audit log is append-only: no code path may update or delete an entry.
    private void RefuseAuditRewrites()
    {
        if (ChangeTracker.Entries<AuditEntry>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("Audit entries are append-only and cannot be changed or deleted.");
        }
    }
}
