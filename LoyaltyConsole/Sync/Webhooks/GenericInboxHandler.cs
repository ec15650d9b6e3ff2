using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoyaltyConsole.Sync.Webhooks;

/// <summary>
/// Applies deliveries of generic senders: a JSON object <c>{"id": …, "type": …, "data": …}</c> whose <c>data</c> is one
/// record or an array of them, in the shape of <see cref="SourceClient"/> (type <c>client</c>), <see cref="SourceVisit"/>
/// (<c>visit</c>) or <see cref="SourceLedgerEvent"/> (<c>ledger-event</c>), camelCase. Everything is written by
/// <see cref="SyncWriter"/> on (source, external id), so a replay changes nothing. A record the writer refuses fails the
/// attempt with its reason (after the others were written), so the Admin page shows it; warnings do not.
/// </summary>
public sealed class GenericInboxHandler(SyncWriter writer) : IInboxEventHandler
{
    public const string ClientType = "client";
    public const string VisitType = "visit";
    public const string LedgerEventType = "ledger-event";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public WebhookFormat Format => WebhookFormat.Generic;

    public async Task ApplyAsync(InboxEvent inboxEvent, Connection connection, CancellationToken ct)
    {
        var envelope = JsonSerializer.Deserialize<Envelope>(inboxEvent.Body, Json)
            ?? throw new InvalidOperationException("The body is empty.");
        var issues = new List<SourceIssue>();
        switch (envelope.Type)
        {
            case ClientType:
                await writer.WriteClientsAsync(connection, Records<SourceClient>(envelope.Data), issues, ct);
                break;
            case VisitType:
                await writer.WriteVisitsAsync(connection, Records<SourceVisit>(envelope.Data), issues, ct);
                break;
            case LedgerEventType:
                await writer.WriteLedgerEventsAsync(connection, Records<SourceLedgerEvent>(envelope.Data), issues, ct);
                break;
            default:
                throw new InvalidOperationException($"Unknown type '{envelope.Type}': expected {ClientType}, {VisitType} or {LedgerEventType}.");
        }
        var failures = issues.Where(i => i.Kind == SourceIssueKind.Failed).Select(i => i.Reason).ToList();
        if (failures.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", failures));
        }
    }

    private static List<T> Records<T>(JsonElement data) => data.ValueKind switch
    {
        JsonValueKind.Array => data.Deserialize<List<T>>(Json) ?? [],
        JsonValueKind.Object => [data.Deserialize<T>(Json)!],
        _ => throw new InvalidOperationException("'data' must be a record or an array of records."),
    };

    private sealed record Envelope(string? Id, string? Type, JsonElement Data);
}
