using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Auditing;
using LoyaltyConsole.Features.Users;
using LoyaltyConsole.Identity;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LoyaltyConsole.Tests.Integration;

public sealed class AuditLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Creating_a_user_writes_a_chained_audit_entry_with_the_actor_and_the_new_state()
    {
        await using var app = new TestApp(clients: 10);
        var admin = AuditActor.From(await app.PrincipalAsync(TestUsers.Admin));
        var form = new NewUserForm { Email = "new.manager@demo.example", DisplayName = "New Manager", Roles = [Roles.Manager], LocationIds = [1] };

        var result = await app.Get<UserAdministration>().CreateAsync(form, admin, "http://localhost/", Ct);

        Assert.True(result.Succeeded, result.Message);
        Assert.StartsWith("http://localhost/Account/ResetPassword?code=", result.InviteLink, StringComparison.Ordinal);
        await using var db = await app.CreateDbContextAsync();
        var entry = await db.AuditEntries.OrderByDescending(e => e.Sequence).FirstAsync(Ct);
        Assert.Equal(AuditActions.UserCreated, entry.Action);
        Assert.Equal(admin.Id, entry.ActorId);
        Assert.Contains("new.manager@demo.example", entry.AfterJson, StringComparison.Ordinal);
        Assert.True((await app.Get<AuditVerifier>().VerifyAsync(Ct)).IsIntact);
    }

    [Fact]
    public async Task A_refused_change_writes_neither_the_change_nor_an_audit_entry()
    {
        await using var app = new TestApp(clients: 10);
        var admin = AuditActor.From(await app.PrincipalAsync(TestUsers.Admin));
        await using var db = await app.CreateDbContextAsync();
        var entriesBefore = await db.AuditEntries.CountAsync(Ct);
        var usersBefore = await db.Users.CountAsync(Ct);

        var noLocation = await app.Get<UserAdministration>().CreateAsync(
            new NewUserForm { Email = "m@demo.example", DisplayName = "M", Roles = [Roles.Manager] }, admin, "http://localhost/", Ct);
        var duplicate = await app.Get<UserAdministration>().CreateAsync(
            new NewUserForm { Email = TestUsers.Owner.Email, DisplayName = "Dup", Roles = [Roles.Owner] }, admin, "http://localhost/", Ct);

        Assert.Equal("A Manager must be assigned to at least one location.", noLocation.Message);
        Assert.Contains("already exists", duplicate.Message, StringComparison.Ordinal);
        Assert.Equal(entriesBefore, await db.AuditEntries.CountAsync(Ct));
        Assert.Equal(usersBefore, await db.Users.CountAsync(Ct));
    }

    [Fact]
    public async Task Role_location_and_lock_changes_are_each_audited_with_before_and_after()
    {
        await using var app = new TestApp(clients: 10);
        var admin = AuditActor.From(await app.PrincipalAsync(TestUsers.Admin));
        var target = await app.PrincipalAsync(TestUsers.ManagerSoho);
        var targetId = AuditActor.From(target).Id;
        var users = app.Get<UserAdministration>();

        Assert.True((await users.UpdateAccessAsync(targetId, [Roles.Manager, Roles.MarketingLead], [1, 2], admin, Ct)).Succeeded);
        Assert.True((await users.SetLockedAsync(targetId, true, admin, Ct)).Succeeded);
        Assert.True((await users.ListAsync(Ct)).Single(u => u.Id == targetId).IsLocked);
        Assert.True((await users.SetLockedAsync(targetId, false, admin, Ct)).Succeeded);

        await using var db = await app.CreateDbContextAsync();
        var actions = await db.AuditEntries.Where(e => e.EntityId == targetId && e.ActorId == admin.Id).OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync(Ct);
        Assert.Equal([AuditActions.UserRolesChanged, AuditActions.UserLocationsChanged, AuditActions.UserLocked, AuditActions.UserUnlocked], actions);
        var roles = await db.AuditEntries.SingleAsync(e => e.EntityId == targetId && e.Action == AuditActions.UserRolesChanged, Ct);
        Assert.Contains("\"Manager\"", roles.BeforeJson, StringComparison.Ordinal);
        Assert.Contains("MarketingLead", roles.AfterJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_cannot_lock_themselves_or_drop_their_own_admin_role()
    {
        await using var app = new TestApp(clients: 10);
        var admin = AuditActor.From(await app.PrincipalAsync(TestUsers.Admin));
        var users = app.Get<UserAdministration>();

        Assert.False((await users.SetLockedAsync(admin.Id, true, admin, Ct)).Succeeded);
        Assert.False((await users.UpdateAccessAsync(admin.Id, [Roles.Owner], [], admin, Ct)).Succeeded);
    }

    [Fact]
    public async Task Audit_entries_cannot_be_updated_or_deleted_through_the_data_layer_or_in_SQL()
    {
        await using var app = new TestApp(clients: 10);
        await using var db = await app.CreateDbContextAsync();
        var entry = await db.AuditEntries.FirstAsync(Ct);

        db.Remove(entry);
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct));
        db.ChangeTracker.Clear();

        foreach (var sql in new[] { """UPDATE "AuditEntries" SET "ActorName" = 'x'""", """DELETE FROM "AuditEntries" WHERE "Sequence" = 1""" })
        {
            var sqlError = await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync(sql, Ct));
            Assert.Contains("append-only", sqlError.Message, StringComparison.Ordinal);
        }
        if (TestApp.Database.Provider == DatabaseProvider.PostgreSql)
        {
            var truncate = await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("""TRUNCATE "AuditEntries" """, Ct));
            Assert.Contains("append-only", truncate.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_verifier_reports_the_first_entry_tampered_with_outside_the_app()
    {
        await using var app = new TestApp(clients: 10);
        await using var db = await app.CreateDbContextAsync();
        var count = await db.AuditEntries.CountAsync(Ct);
        Assert.True(count >= 3, "seeding writes several entries");

        // An attacker with database access removes the trigger and edits entry #2.
        await DropAppendOnlyTriggersAsync(db);
        await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "AfterJson" = 'tampered' WHERE "Sequence" = 2""", Ct);

        var result = await app.Get<AuditVerifier>().VerifyAsync(Ct);

        Assert.False(result.IsIntact);
        Assert.Equal(2, result.FirstBrokenSequence);
        Assert.Equal(1, result.EntriesChecked);
    }

    [Fact]
    public async Task An_entry_appended_in_SQL_without_the_chain_key_does_not_verify()
    {
        await using var app = new TestApp(clients: 10);
        await using var db = await app.CreateDbContextAsync();
        var last = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).FirstAsync(Ct);
        // Everything the attacker can compute without the key: a well-formed entry with a correct SHA-256 link.
        var forged = AuditEntry.AppendUnkeyed(last, DateTime.UtcNow, "x", "someone", "user.created", "User", "1", null, "{}");
        db.AuditEntries.Add(forged);
        await db.SaveChangesAsync(Ct);

        var result = await app.Get<AuditVerifier>().VerifyAsync(Ct);

        Assert.Equal(forged.Sequence, result.FirstBrokenSequence);
        Assert.Contains("not signed with the chain key", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_removed_from_the_end_after_a_nightly_checkpoint_are_reported()
    {
        await using var app = new TestApp(clients: 10);
        var verifier = app.Get<AuditVerifier>();
        var checkpointed = await verifier.VerifyAndCheckpointAsync(Ct);
        Assert.True(checkpointed.IsIntact);
        Assert.True(File.Exists(verifier.CheckpointPath));
        await using var db = await app.CreateDbContextAsync();

        await DropAppendOnlyTriggersAsync(db);
        var keep = checkpointed.Newest!.Sequence - 2;
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "AuditEntries" WHERE "Sequence" > {keep}""", Ct);
        var result = await verifier.VerifyAsync(Ct);

        Assert.False(result.IsIntact);
        Assert.Contains("removed from the end", result.Problem, StringComparison.Ordinal);
    }

    private static async Task DropAppendOnlyTriggersAsync(ApplicationDbContext db)
    {
        string[] statements = TestApp.Database.Provider switch
        {
            DatabaseProvider.PostgreSql => ["""DROP TRIGGER "AuditEntries_NoUpdateOrDelete" ON "AuditEntries" """],
            _ => ["DROP TRIGGER AuditEntries_NoUpdate", "DROP TRIGGER AuditEntries_NoDelete"],
        };
        foreach (var sql in statements)
        {
            await db.Database.ExecuteSqlRawAsync(sql, Ct);
        }
    }
}
