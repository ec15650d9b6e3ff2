using System.Globalization;
using LoyaltyConsole.Data;

namespace LoyaltyConsole.Execution;

/// <summary>
/// The default SMS provider: nothing leaves the app. Each send is recorded (recipient, text) and reported delivered at
/// once, so the demo shows the whole loop. Like a real provider it has no idempotency: two sends are two records, which
/// is what the outbox's tests count.
/// </summary>
public sealed class LogSmsSender(IDbContextFactory<ApplicationDbContext> dbFactory, TimeProvider clock, ILogger<LogSmsSender> logger) : ISmsSender
{
    public string Name => ExecutionOptions.LogProvider;

    public async Task<ExecutionResult> SendAsync(SmsMessage message, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var record = new ExecutionRecord
        {
            OutboxActionId = message.ActionId, Channel = ExecutionRecord.SmsChannel, Provider = Name, Kind = "Sms", ClientId = message.ClientId,
            Recipient = message.To, Content = message.Body.Length > ExecutionRecord.ContentMaxLength ? message.Body[..ExecutionRecord.ContentMaxLength] : message.Body,
            Reference = "pending", Delivery = "delivered", RecordedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.ExecutionRecords.Add(record);
        await db.SaveChangesAsync(ct);
        var reference = "LOG" + record.Id.ToString("D8", CultureInfo.InvariantCulture);
        await db.ExecutionRecords.Where(r => r.Id == record.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Reference, reference), ct);
        logger.LogInformation("SMS (Log provider, not sent) for action {ActionId}: {Length} characters", message.ActionId, message.Body.Length);
        return ExecutionResult.Done(Name, reference, "delivered");
    }
}
