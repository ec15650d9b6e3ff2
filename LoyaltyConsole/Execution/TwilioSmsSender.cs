using LoyaltyConsole.Domain.Common;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace LoyaltyConsole.Execution;

/// <summary>
/// Sends through Twilio's Messages API. Twilio takes no idempotency key for a send, so this sender makes one request,
/// with no HTTP retries, and reports: Succeeded with the MessageSid; Rejected when Twilio refused the request (a 4xx:
/// nothing was created; 21610 means the recipient unsubscribed, which is final and opts the client out); Failed for a
/// 429 (nothing was created, try later); Unknown for a 5xx or a connection or timeout error, after which the message
/// may exist — the outbox never resends it by itself.
/// </summary>
public sealed class TwilioSmsSender(IOptions<ExecutionOptions> options, IHttpClientFactory httpClients) : ISmsSender
{
    public const string HttpClientName = "twilio";

    /// <summary>Twilio's error for a recipient who replied STOP: they must not be messaged again until they reply START.</summary>
    public const int UnsubscribedRecipient = 21610;

    public string Name => ExecutionOptions.TwilioProvider;

    private TwilioOptions Settings => options.Value.Sms.Twilio;

    public async Task<ExecutionResult> SendAsync(SmsMessage message, CancellationToken ct)
    {
        var settings = Settings;
        if (string.IsNullOrWhiteSpace(settings.AccountSid) || string.IsNullOrWhiteSpace(settings.AuthToken)
            || (string.IsNullOrWhiteSpace(settings.From) && string.IsNullOrWhiteSpace(settings.MessagingServiceSid)))
        {
            // Nothing left the app: safe to try again once configured.
            return ExecutionResult.Failed(Name, "Twilio is not configured: set Execution:Sms:Twilio:AccountSid, AuthToken and From or MessagingServiceSid.");
        }
        var client = new TwilioRestClient(settings.AccountSid, settings.AuthToken, settings.AccountSid,
            httpClient: new Twilio.Http.SystemNetHttpClient(httpClients.CreateClient(HttpClientName)));
        var create = new CreateMessageOptions(new PhoneNumber(message.To)) { Body = message.Body };
        if (!string.IsNullOrWhiteSpace(settings.MessagingServiceSid))
        {
            create.MessagingServiceSid = settings.MessagingServiceSid;
        }
        else
        {
            create.From = new PhoneNumber(settings.From);
        }
        try
        {
            var sent = await MessageResource.CreateAsync(create, client).WaitAsync(ct);
            return ExecutionResult.Done(Name, sent.Sid, sent.Status?.ToString());
        }
        catch (ApiException ex) when (ex.Code == UnsubscribedRecipient)
        {
            return ExecutionResult.Rejected(Name, $"Twilio {ex.Code}: the recipient unsubscribed (replied STOP).", optedOut: true);
        }
        catch (ApiException ex) when (ex.Status == 429)
        {
            return ExecutionResult.Failed(Name, $"Twilio is rate limiting (429, {ex.Code}): {ex.Message}");
        }
        catch (ApiException ex) when (ex.Status is >= 400 and < 500)
        {
            return ExecutionResult.Rejected(Name, $"Twilio refused the message ({ex.Status}, {ex.Code}): {ex.Message}");
        }
        catch (ApiException ex)
        {
            return ExecutionResult.Unknown(Name, $"Twilio answered {ex.Status} ({ex.Code}) after the request left: {ex.Message}");
        }
        catch (Exception ex) when (ex is ApiConnectionException or HttpRequestException or TimeoutException or DomainException)
        {
            return ExecutionResult.Unknown(Name, $"No answer from Twilio: {ex.Message}");
        }
    }
}

/// <summary>Points Twilio's client at <see cref="TwilioOptions.BaseUrl"/> (a local fake in tests) instead of api.twilio.com.</summary>
internal sealed class TwilioBaseUrlHandler(Uri baseUrl) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri)
        {
            request.RequestUri = new UriBuilder(uri) { Scheme = baseUrl.Scheme, Host = baseUrl.Host, Port = baseUrl.Port }.Uri;
        }
        return base.SendAsync(request, cancellationToken);
    }
}
