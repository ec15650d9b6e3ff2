using System.Globalization;
using System.Text.Json;
using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Execution;

namespace LoyaltyConsole.Execution;

/// <summary>
/// A local stand-in for the business's platform: records the tier, points grant or reward code it would hold, keyed
/// by the action's idempotency key as Square keys its writes: a repeat of a key returns the first result and writes
/// nothing more. The default write-back, and the demo's.
/// </summary>
public sealed class DemoPlatformWriter(IDbContextFactory<ApplicationDbContext> dbFactory, TimeProvider clock) : IPlatformWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => ExecutionOptions.DemoPlatform;

    public async Task<ExecutionResult> WriteAsync(ActionRequest request, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.ExecutionRecords.AsNoTracking().SingleOrDefaultAsync(r => r.IdempotencyKey == request.IdempotencyKey, ct);
        if (existing is not null)
        {
            return ExecutionResult.Done(Name, existing.Reference);
        }
        var (content, reference) = request.Kind switch
        {
            ActionKind.TierWriteBack => ($"Tier of {request.ClientSource}/{request.ClientExternalId} set to {request.Payload.TierName}", "tier:" + request.Payload.TierName),
            ActionKind.PointsGrant => (string.Create(CultureInfo.InvariantCulture, $"{request.Payload.Points} points granted to {request.ClientSource}/{request.ClientExternalId}"),
                "points:" + request.IdempotencyKey),
            ActionKind.RewardCode => ($"Code {request.Payload.Code} created for {request.ClientSource}/{request.ClientExternalId}: {request.Payload.Offer}", request.Payload.Code!),
            _ => throw new InvalidOperationException($"The platform does not carry out {request.Kind} actions."),
        };
        db.ExecutionRecords.Add(new ExecutionRecord
        {
            OutboxActionId = request.ActionId, Channel = ExecutionRecord.PlatformChannel, Provider = Name, Kind = request.Kind.ToString(), ClientId = request.ClientId,
            Content = content + " " + JsonSerializer.Serialize(request.Payload, Json), IdempotencyKey = request.IdempotencyKey, Reference = reference,
            RecordedAt = clock.GetUtcNow().UtcDateTime,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            // Another attempt with the same key got there first: its result stands.
            await using var fresh = await dbFactory.CreateDbContextAsync(ct);
            var first = await fresh.ExecutionRecords.AsNoTracking().SingleAsync(r => r.IdempotencyKey == request.IdempotencyKey, ct);
            return ExecutionResult.Done(Name, first.Reference);
        }
        return ExecutionResult.Done(Name, reference);
    }
}
