using LoyaltyConsole.Auditing;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Identity;

namespace LoyaltyConsole.Data;

/// <summary>The one way a command reports back: done, or refused with a sentence for the person who asked.</summary>
public sealed record CommandResult(bool Succeeded, string Message)
{
    public static CommandResult Done(string message) => new(true, message);

    public static CommandResult Refused(string message) => new(false, message);
}

/// <summary>Thrown inside a command to refuse it: everything it changed is rolled back and the message is returned.</summary>
public sealed class CommandRefusedException(string message) : Exception(message);

/// <summary>What a command works with: one context and transaction, the acting user's current access, and the audit log.</summary>
public sealed class CommandContext
{
    private readonly AuditLog _audit;
    private readonly AuditActor _actor;

    internal CommandContext(ApplicationDbContext db, IServiceProvider services, AuditActor actor, CurrentAccess access, AuditLog audit, DateTime now, CancellationToken ct)
    {
        Db = db;
        Services = services;
        _actor = actor;
        Access = access;
        _audit = audit;
        Now = now;
        CancellationToken = ct;
    }

    public ApplicationDbContext Db { get; }

    /// <summary>The command's scope: Identity's managers resolved here share <see cref="Db"/> and its transaction.</summary>
    public IServiceProvider Services { get; }

    /// <summary>The acting user's roles, lockout and locations as the database holds them at the start of the command.</summary>
    public CurrentAccess Access { get; }

    public AccessScope Scope => Access.Scope;

    public DateTime Now { get; }

    public CancellationToken CancellationToken { get; }

    public Task SaveAsync() => Db.SaveChangesAsync(CancellationToken);

    /// <summary>Appends an audit entry in the command's transaction; it commits with the change or not at all.</summary>
    public Task AuditAsync(string action, string entityType, string? entityId, object? before, object? after) =>
        _audit.AppendAsync(Db, _actor, action, entityType, entityId, before, after, CancellationToken);

    public static CommandRefusedException Refuse(string message) => new(message);
}

/// <summary>
/// Runs every write of the console the same way: a scope and context of its own, the provider's execution strategy,
/// a transaction, the acting user's current access re-read and checked against the command's policy, the change and
/// its audit entries, commit. A refusal (a broken domain rule, a failed check, a lost race, a duplicate) rolls
/// everything back and comes back as a <see cref="CommandResult"/>, never as an unhandled exception.
/// </summary>
public sealed class CommandRunner(IServiceScopeFactory scopes, AuditLog audit, TimeProvider clock, ILogger<CommandRunner> logger)
{
    public const string ConflictMessage = "Someone else changed this at the same time; reload and try again.";

    /// <param name="policy">The authorization policy the acting user must satisfy now; null for the system's own work.</param>
    /// <param name="onConflict">Explains a lost optimistic-concurrency race, e.g. who decided first.</param>
    public async Task<CommandResult> RunAsync(
        AuditActor actor, string? policy, Func<CommandContext, Task<string>> change, Func<Task<string>>? onConflict = null,
        CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApplicationDbContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        try
        {
            return await strategy.ExecuteAsync(async () =>
            {
                // A retried attempt starts from what the database holds, not from the failed attempt's changes.
                db.ChangeTracker.Clear();
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var now = clock.GetUtcNow();
                var access = await AccessOfAsync(db, actor, now, ct);
                if (!access.IsAllowed)
                {
                    return CommandResult.Refused(access.Refusal!);
                }
                if (policy is not null && !access.Satisfies(policy))
                {
                    return CommandResult.Refused("Your role does not allow this.");
                }
                var context = new CommandContext(db, scope.ServiceProvider, actor, access, audit, now.UtcDateTime, ct);
                string message;
                try
                {
                    message = await change(context);
                }
                catch (Exception ex) when (ex is DomainException or CommandRefusedException)
                {
                    return CommandResult.Refused(ex.Message);
                }
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return CommandResult.Done(message);
            });
        }
        catch (DbUpdateConcurrencyException)
        {
            return CommandResult.Refused(onConflict is null ? ConflictMessage : await onConflict());
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            logger.LogInformation(ex, "A command by {Actor} collided with an existing record", actor.Name);
            return CommandResult.Refused("This would duplicate a record that already exists; reload to see it.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The transaction rolled back; a fault in one command must not end the person's session (a Blazor circuit) or a job's other work.
            logger.LogError(ex, "A command by {Actor} failed; nothing was changed", actor.Name);
            return CommandResult.Refused("Something went wrong and nothing was changed; the error is in the application log.");
        }
    }

    private static async Task<CurrentAccess> AccessOfAsync(ApplicationDbContext db, AuditActor actor, DateTimeOffset now, CancellationToken ct) =>
        actor.IsUser
            ? await CurrentAccess.ReadAsync(db, actor.Id, now, ct)
            : CurrentAccess.Unrestricted(actor.Id, actor.Name);
}
