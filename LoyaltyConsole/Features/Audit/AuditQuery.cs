using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Auditing;
using LoyaltyConsole.Features.Clients;

namespace LoyaltyConsole.Features.Audit;

public sealed record AuditFilter(
    string? Actor = null, string? Action = null, string? EntityType = null, string? EntityId = null,
    DateOnly? From = null, DateOnly? To = null, int Page = 0, int PageSize = 50);

/// <summary>Read side of the audit log: filtered, newest first, paged in the database.</summary>
public sealed class AuditQuery(IDbContextFactory<ApplicationDbContext> dbFactory)
{
    public async Task<Page<AuditEntry>> SearchAsync(AuditFilter filter, CancellationToken ct = default)
    {
        if (filter.From is { } from && filter.To is { } to && from > to)
        {
            throw new ArgumentException("The start date is after the end date.", nameof(filter));
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            var actor = filter.Actor.Trim();
            entries = entries.WhereAnyMatches(db, (e => e.ActorName, TextSearch.ContainsPattern(actor)), (e => e.ActorId, TextSearch.Escape(actor)));
        }
        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            entries = entries.Where(e => e.Action == filter.Action);
        }
        if (!string.IsNullOrWhiteSpace(filter.EntityType))
        {
            entries = entries.Where(e => e.EntityType == filter.EntityType);
        }
        if (!string.IsNullOrWhiteSpace(filter.EntityId))
        {
            entries = entries.Where(e => e.EntityId == filter.EntityId.Trim());
        }
        if (filter.From is { } start)
        {
            var since = start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.At >= since);
        }
        if (filter.To is { } end)
        {
            var until = end.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.At < until);
        }
        var total = await entries.CountAsync(ct);
        var items = await entries.OrderByDescending(e => e.Sequence)
            .Skip(filter.Page * filter.PageSize).Take(filter.PageSize).ToListAsync(ct);
        return new Page<AuditEntry>(items, total);
    }

    public async Task<IReadOnlyList<string>> EntityTypesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AuditEntries.Select(e => e.EntityType).Distinct().OrderBy(t => t).ToListAsync(ct);
    }
}
