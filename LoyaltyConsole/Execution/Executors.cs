using LoyaltyConsole.Domain.Execution;

namespace LoyaltyConsole.Execution;

public enum ExecutionOutcome
{
    Succeeded,

    /// <summary>Did not take effect (the provider said so, or the request never left); safe to try again later.</summary>
    Failed,

    /// <summary>Did not take effect and never will as asked (invalid number, recipient unsubscribed): not retried.</summary>
    Rejected,

    /// <summary>The request may have taken effect: a timeout or a 5xx after it left.</summary>
    Unknown,
}

/// <summary>What a provider said about one request.</summary>
public sealed record ExecutionResult(
    ExecutionOutcome Outcome, string Provider, string? Reference = null, string? Delivery = null, string? Error = null, bool RecipientOptedOut = false)
{
    public static ExecutionResult Done(string provider, string? reference, string? delivery = null) => new(ExecutionOutcome.Succeeded, provider, reference, delivery);

    public static ExecutionResult Failed(string provider, string error) => new(ExecutionOutcome.Failed, provider, Error: error);

    public static ExecutionResult Rejected(string provider, string error, bool optedOut = false) => new(ExecutionOutcome.Rejected, provider, Error: error, RecipientOptedOut: optedOut);

    public static ExecutionResult Unknown(string provider, string error) => new(ExecutionOutcome.Unknown, provider, Error: error);
}

/// <summary>What an action carries, as stored in <see cref="OutboxAction.PayloadJson"/>.</summary>
public sealed record ActionPayload
{
    public int? TierId { get; init; }
    public string? TierName { get; init; }
    public int? Points { get; init; }
    public string? Code { get; init; }

    /// <summary>The reward in words ("20% off the next visit").</summary>
    public string? Offer { get; init; }

    /// <summary>The SMS text with its <c>{first_name}</c> placeholder; the name is filled in only when sending.</summary>
    public string? MessageTemplate { get; init; }
}

/// <summary>One action as an executor receives it: what to do, for whom, and the key every attempt repeats.</summary>
public sealed record ActionRequest(
    long ActionId, long ProposalId, ActionKind Kind, string IdempotencyKey, int ClientId, string ClientSource, string ClientExternalId, ActionPayload Payload);

/// <summary>One text message to send.</summary>
public sealed record SmsMessage(long ActionId, string IdempotencyKey, int ClientId, string To, string Body);

/// <summary>
/// Sends text messages. No SMS provider takes an idempotency key, so a sender sends once, without HTTP retries, and
/// reports <see cref="ExecutionOutcome.Unknown"/> whenever the request may have left: the outbox never repeats it blindly.
/// </summary>
public interface ISmsSender
{
    /// <summary>The value of <c>Execution:Sms:Provider</c> that selects this sender.</summary>
    string Name { get; }

    Task<ExecutionResult> SendAsync(SmsMessage message, CancellationToken ct);
}

/// <summary>
/// Writes tier changes, points grants and reward codes to the business's platform, idempotently: with the provider's
/// idempotency key (<see cref="ActionRequest.IdempotencyKey"/>), a deterministic code looked up before it is created, or
/// compare-and-set. A repeat of a request that already took effect must report success, not a second effect.
/// </summary>
public interface IPlatformWriter
{
    /// <summary>The value of <c>Execution:WriteBack:Provider</c> that selects this writer.</summary>
    string Name { get; }

    Task<ExecutionResult> WriteAsync(ActionRequest request, CancellationToken ct);
}

/// <summary>The sender and writer that configuration chose; tests hand the dispatcher their own.</summary>
public sealed class ExecutorCatalog(ISmsSender sms, IPlatformWriter platform)
{
    public ISmsSender Sms { get; } = sms;

    public IPlatformWriter Platform { get; } = platform;

    public static ExecutorCatalog FromConfiguration(IServiceProvider services, ExecutionOptions options)
    {
        var senders = services.GetServices<ISmsSender>().ToList();
        var writers = services.GetServices<IPlatformWriter>().ToList();
        var sender = senders.SingleOrDefault(s => string.Equals(s.Name, options.Sms.Provider, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"Execution:Sms:Provider '{options.Sms.Provider}' is not one of {string.Join(", ", senders.Select(s => s.Name))}.");
        var writer = writers.SingleOrDefault(w => string.Equals(w.Name, options.WriteBack.Provider, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"Execution:WriteBack:Provider '{options.WriteBack.Provider}' is not one of {string.Join(", ", writers.Select(w => w.Name))}.");
        return new ExecutorCatalog(sender, writer);
    }
}
