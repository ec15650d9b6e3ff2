using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Auditing;

namespace LoyaltyConsole.Auditing;

/// <summary>Re-computes every entry's hash in sequence order, streaming so the whole log is never in memory.</summary>
public sealed class AuditVerifier(IDbContextFactory<ApplicationDbContext> dbFactory)
{
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var verifier = new AuditChainVerifier();
        await foreach (var entry in db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (!verifier.Check(entry))
            {
                break;
            }
        }
        return verifier.Result;
    }
}
