using System.Collections.Concurrent;
using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Execution;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Drafting;
using LoyaltyConsole.Execution;
using LoyaltyConsole.Review;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Tests.Execution;

/// <summary>A clock that stands still where a test puts it.</summary>
public sealed class FixedClock(DateTime utc) : TimeProvider
{
    public DateTime UtcNow { get; set; } = utc;

    public override DateTimeOffset GetUtcNow() => new(UtcNow, TimeSpan.Zero);
}

/// <summary>An SMS provider for tests: counts what it was asked to send per action, and can fail after the request left.</summary>
public sealed class CountingSmsSender(Func<SmsMessage, ExecutionResult>? answer = null, TimeSpan? delay = null) : ISmsSender
{
    public ConcurrentDictionary<long, int> Sends { get; } = new();

    public string Name => "TestSms";

    public async Task<ExecutionResult> SendAsync(SmsMessage message, CancellationToken ct)
    {
        if (delay is { } wait)
        {
            await Task.Delay(wait, ct);
        }
        Sends.AddOrUpdate(message.ActionId, 1, (_, n) => n + 1);
        return answer is null ? ExecutionResult.Done(Name, "SM" + message.ActionId, "sent") : answer(message);
    }
}

/// <summary>Wraps a platform writer and counts the calls per action.</summary>
public sealed class CountingPlatformWriter(IPlatformWriter inner, TimeSpan? delay = null) : IPlatformWriter
{
    public ConcurrentDictionary<long, int> Calls { get; } = new();

    public string Name => inner.Name;

    public async Task<ExecutionResult> WriteAsync(ActionRequest request, CancellationToken ct)
    {
        if (delay is { } wait)
        {
            await Task.Delay(wait, ct);
        }
        Calls.AddOrUpdate(request.ActionId, 1, (_, n) => n + 1);
        return await inner.WriteAsync(request, ct);
    }
}

public static class OutboxTestSupport
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A dispatcher on this app's database reading the time from <paramref name="clock"/>, with the given executors.</summary>
    public static OutboxDispatcher Dispatcher(this TestApp app, TimeProvider clock, ISmsSender? sms = null, IPlatformWriter? platform = null, int batchSize = 20)
    {
        var catalog = app.Get<ExecutorCatalog>();
        var options = app.Get<IOptions<ExecutionOptions>>().Value;
        var tuned = new ExecutionOptions
        {
            Sms = options.Sms, WriteBack = options.WriteBack, LeaseSeconds = options.LeaseSeconds, BatchSize = batchSize, MaxAttempts = options.MaxAttempts,
            RetryAfterSeconds = options.RetryAfterSeconds, TimeoutSeconds = options.TimeoutSeconds, MaxRunSeconds = options.MaxRunSeconds,
        };
        return new OutboxDispatcher(app.Get<IDbContextFactory<ApplicationDbContext>>(), app.CommandsAt(clock),
            new ExecutorCatalog(sms ?? catalog.Sms, platform ?? catalog.Platform), Options.Create(tuned), app.Get<IOptions<MessagingOptions>>(), clock,
            NullLogger<OutboxDispatcher>.Instance);
    }

    /// <summary>Approves <paramref name="count"/> open SMS proposals (any open proposals with <paramref name="smsOnly"/> false) as the marketing lead.</summary>
    public static async Task<List<Proposal>> ApproveSmsProposalsAsync(this TestApp app, int count, bool smsOnly = true)
    {
        var actor = AuditActor.From(await app.PrincipalAsync(TestUsers.Marketing));
        await using var db = await app.CreateDbContextAsync();
        var candidates = await db.Proposals.AsNoTracking()
            .Where(p => p.Status == ProposalStatus.PendingReview && (!smsOnly || p.DraftText != null) && !p.DraftFlagged)
            .OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(Ct);
        var approved = new List<long>();
        var refusals = new List<string>();
        foreach (var id in candidates)
        {
            if (approved.Count == count)
            {
                break;
            }
            var outcome = await app.Get<ReviewService>().ApproveAsync(id, actor, Ct);
            if (outcome.Succeeded)
            {
                approved.Add(id);
            }
            else
            {
                refusals.Add(outcome.Message);
            }
        }
        Assert.True(approved.Count == count, $"only {approved.Count} of {count} proposals could be approved of {candidates.Count}: " + string.Join(" | ", refusals.Distinct().Take(5)));
        return await db.Proposals.AsNoTracking().Where(p => approved.Contains(p.Id)).ToListAsync(Ct);
    }

    public static async Task<List<OutboxAction>> ActionsOfAsync(this TestApp app, IEnumerable<long> proposalIds)
    {
        var ids = proposalIds.ToList();
        await using var db = await app.CreateDbContextAsync();
        return await db.OutboxActions.AsNoTracking().Include(a => a.Attempts).Where(a => ids.Contains(a.ProposalId)).OrderBy(a => a.ProposalId).ThenBy(a => a.Sequence).ToListAsync(Ct);
    }

    /// <summary>The first instant at or after <paramref name="from"/> (in 15-minute steps) when every one of the locations is inside the send window.</summary>
    public static async Task<DateTime> InsideSendWindowAsync(this TestApp app, DateTime from, IEnumerable<int> locationIds)
    {
        var quiet = app.Get<IOptions<MessagingOptions>>().Value.QuietHours;
        var ids = locationIds.Distinct().ToList();
        await using var db = await app.CreateDbContextAsync();
        var zones = await db.Locations.Where(l => ids.Contains(l.Id)).Select(l => l.TimeZoneId).ToListAsync(Ct);
        var at = new DateTime(from.Ticks - from.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc).AddMinutes(1);
        while (!zones.All(z => quiet.IsAllowed(at, z)))
        {
            at = at.AddMinutes(15);
        }
        return at;
    }

    /// <summary>The first instant at or after <paramref name="from"/> when it is 03:xx at the location: inside quiet hours.</summary>
    public static async Task<DateTime> NightAtAsync(this TestApp app, DateTime from, int locationId)
    {
        await using var db = await app.CreateDbContextAsync();
        var location = await db.Locations.SingleAsync(l => l.Id == locationId, Ct);
        var at = new DateTime(from.Ticks - from.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc).AddMinutes(1);
        while (location.ToLocal(at).Hour != 3)
        {
            at = at.AddMinutes(15);
        }
        return at;
    }
}
