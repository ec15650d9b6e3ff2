using System.Net;
using System.Text;
using LoyaltyConsole.Execution;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Tests.Execution;

/// <summary>The Twilio sender against a fake Messages API: how each answer maps to an outcome the outbox can trust.</summary>
public sealed class TwilioSmsSenderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly SmsMessage Message = new(7, "lc-7-sms-abc", 3, "+12125550123", "Hi Ana, 20% off your next visit. Reply STOP to opt out.");

    [Fact]
    public async Task A_created_message_is_done_with_its_sid_and_the_request_carries_to_from_and_body_once()
    {
        var fake = new FakeTwilio(_ => (HttpStatusCode.Created, """{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued","to":"+12125550123"}"""));

        var result = await Sender(fake).SendAsync(Message, Ct);

        Assert.Equal(ExecutionOutcome.Succeeded, result.Outcome);
        Assert.Equal("SM0123456789abcdef0123456789abcdef", result.Reference);
        var request = Assert.Single(fake.Requests);
        Assert.EndsWith("/2010-04-01/Accounts/AC123/Messages.json", request.Url, StringComparison.Ordinal);
        Assert.Contains("To=%2B12125550123", request.Body, StringComparison.Ordinal);
        Assert.Contains("From=%2B15005550006", request.Body, StringComparison.Ordinal);
        Assert.Contains("Body=Hi", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_21610_is_final_and_says_the_recipient_opted_out()
    {
        var fake = new FakeTwilio(_ => (HttpStatusCode.BadRequest, """{"code":21610,"message":"Attempt to send to unsubscribed recipient","more_info":"https://www.twilio.com/docs/errors/21610","status":400}"""));

        var result = await Sender(fake).SendAsync(Message, Ct);

        Assert.Equal(ExecutionOutcome.Rejected, result.Outcome);
        Assert.True(result.RecipientOptedOut);
    }

    [Fact]
    public async Task A_server_error_or_a_lost_connection_after_the_request_left_is_an_unknown_outcome()
    {
        var serverError = new FakeTwilio(_ => (HttpStatusCode.BadGateway, """{"code":20500,"message":"Internal Server Error","status":502}"""));
        var dropped = new FakeTwilio(_ => throw new HttpRequestException("The connection was reset."));

        Assert.Equal(ExecutionOutcome.Unknown, (await Sender(serverError).SendAsync(Message, Ct)).Outcome);
        Assert.Equal(ExecutionOutcome.Unknown, (await Sender(dropped).SendAsync(Message, Ct)).Outcome);
        Assert.Single(serverError.Requests);
    }

    private static TwilioSmsSender Sender(FakeTwilio fake) => new(
        Options.Create(new ExecutionOptions { Sms = new SmsProviderOptions { Provider = "Twilio", Twilio = new TwilioOptions { AccountSid = "AC123", AuthToken = "secret", From = "+15005550006" } } }),
        new Factory(fake));

    private sealed class Factory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }

    private sealed class FakeTwilio(Func<HttpRequestMessage, (HttpStatusCode Status, string Json)> answer) : HttpMessageHandler
    {
        public List<(string Url, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.RequestUri!.ToString(), request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken)));
            var (status, json) = answer(request);
            return new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        }
    }
}
