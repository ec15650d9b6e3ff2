using System.Net;
using System.Net.Sockets;
using System.Text;
using LoyaltyConsole.Review;
using LoyaltyConsole.Tests.Infrastructure;

namespace LoyaltyConsole.Tests.Review;

/// <summary>The digest through MailKit to a minimal SMTP server on loopback that records every message.</summary>
public sealed class ReviewDigestTests
{
    private sealed class FakeSmtp : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public FakeSmtp()
        {
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public List<string> Messages { get; } = [];

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 fake ESMTP");
                while (await reader.ReadLineAsync() is { } line)
                {
                    var command = line.Split(' ')[0].ToUpperInvariant();
                    if (command is "EHLO" or "HELO")
                    {
                        await writer.WriteLineAsync("250 fake");
                    }
                    else if (command == "DATA")
                    {
                        await writer.WriteLineAsync("354 go ahead");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync() is { } body && body != ".")
                        {
                            data.AppendLine(body);
                        }
                        lock (Messages)
                        {
                            Messages.Add(data.ToString());
                        }
                        await writer.WriteLineAsync("250 queued");
                    }
                    else if (command == "QUIT")
                    {
                        await writer.WriteLineAsync("221 bye");
                        break;
                    }
                    else
                    {
                        await writer.WriteLineAsync("250 ok");
                    }
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }

    [Fact]
    public async Task Each_reviewer_gets_the_counts_of_their_own_queue_by_email()
    {
        using var smtp = new FakeSmtp();
        await using var app = new TestApp(clients: 300, settings: new Dictionary<string, string>
        {
            ["Digest:Enabled"] = "true", ["Digest:Host"] = "127.0.0.1", ["Digest:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Digest:UseStartTls"] = "false", ["Digest:From"] = "console@demo.example",
        });
        var soho = await app.Get<ReviewQueue>().CountsAsync(await app.ScopeAsync(TestUsers.ManagerSoho), TestContext.Current.CancellationToken);

        var sent = await app.Get<ReviewDigest>().SendAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3, sent); // the marketing lead and the two managers; owners read the queues but decide nothing, the admin neither
        Assert.Equal(3, smtp.Messages.Count);
        var toSam = Assert.Single(smtp.Messages, m => m.Contains("manager.soho@demo.example", StringComparison.Ordinal));
        Assert.Contains($"SMS copy: {soho[ReviewTab.Sms]}", toSam, StringComparison.Ordinal);
        Assert.Contains($"Tier changes: {soho[ReviewTab.TierChanges]}", toSam, StringComparison.Ordinal);
        Assert.DoesNotContain(smtp.Messages, m => m.Contains("<admin@demo.example>", StringComparison.Ordinal));
        Assert.DoesNotContain(smtp.Messages, m => m.Contains("<owner@demo.example>", StringComparison.Ordinal));
    }
}
