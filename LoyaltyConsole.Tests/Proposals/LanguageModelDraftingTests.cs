using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using LoyaltyConsole.Domain.Workflows;
using LoyaltyConsole.Drafting;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LoyaltyConsole.Tests.Proposals;

/// <summary>
/// The real Semantic Kernel OpenAI connector against a local fake OpenAI-compatible server: every request the app sends
/// is recorded, and no client's name, phone, email or note may appear in any of them.
/// </summary>
public sealed class LanguageModelDraftingTests
{
    private sealed class FakeOpenAi : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private FakeOpenAi(WebApplication app) => _app = app;

        public ConcurrentQueue<string> Requests { get; } = new();

        public string Endpoint => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1";

        /// <param name="reply">The assistant's text for a given request body.</param>
        public static async Task<FakeOpenAi> StartAsync(Func<string, string> reply)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var fake = new FakeOpenAi(app);
            app.MapPost("/v1/chat/completions", async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                var body = await reader.ReadToEndAsync();
                fake.Requests.Enqueue(body);
                var response = new
                {
                    id = "chatcmpl-test", @object = "chat.completion", created = 1_700_000_000, model = "fake-model",
                    choices = new[] { new { index = 0, message = new { role = "assistant", content = reply(body) }, finish_reason = "stop" } },
                    usage = new { prompt_tokens = 60, completion_tokens = 25, total_tokens = 85 },
                };
                return Results.Json(response);
            });
            await app.StartAsync();
            return fake;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    private static Dictionary<string, string> Settings(FakeOpenAi server) => new()
    {
        ["Drafting:Provider"] = "OpenAICompatible",
        ["Drafting:Model"] = "fake-model",
        ["Drafting:Endpoint"] = server.Endpoint,
    };

    private static string GoodReply(string body) => body.Contains("200 bonus points", StringComparison.Ordinal)
        ? "Hi {first_name}, your points expire soon. Book now and get 200 bonus points. Reply STOP to opt out."
        : "Hi {first_name}, we miss you at Lumière. Enjoy 20% off your next visit. Reply STOP to opt out.";

    [Fact]
    public async Task No_client_name_phone_email_or_note_reaches_the_language_model()
    {
        await using var server = await FakeOpenAi.StartAsync(GoodReply);
        await using var app = new TestApp(clients: 300, settings: Settings(server));
        await using var db = await app.CreateDbContextAsync();
        var drafted = await db.Proposals.Where(p => p.DraftProvider == nameof(DraftingProvider.OpenAICompatible)).ToListAsync(TestContext.Current.CancellationToken);
        var clients = await db.Clients.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);

        Assert.NotEmpty(server.Requests);
        Assert.NotEmpty(drafted);
        Assert.All(drafted, p =>
        {
            Assert.Equal("fake-model", p.DraftModel);
            Assert.Equal(SemanticKernelSmsDrafter.TemplateVersion, p.PromptTemplateVersion);
            Assert.Equal(85, p.DraftTokens);
            Assert.False(p.DraftFlagged);
        });
        var everything = string.Join("\n", server.Requests);
        Assert.Contains("{first_name}", everything, StringComparison.Ordinal);
        foreach (var client in clients)
        {
            Assert.DoesNotContain($"{client.FirstName} {client.LastName}", everything, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(new Regex($"\\b{Regex.Escape(client.LastName)}\\b", RegexOptions.IgnoreCase), everything);
            if (client.Email is { } email)
            {
                Assert.DoesNotContain(email, everything, StringComparison.OrdinalIgnoreCase);
            }
            if (client.PhoneE164 is { } phone)
            {
                Assert.DoesNotContain(phone[2..], everything, StringComparison.Ordinal);
            }
            if (client.Notes is { } notes)
            {
                Assert.DoesNotContain(notes, everything, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task A_draft_that_breaks_a_rule_gets_one_retry_then_the_offline_drafter_takes_over_and_flags_it()
    {
        // The fake model never includes the opt-out sentence.
        await using var server = await FakeOpenAi.StartAsync(_ => "Hi {first_name}, 20% off and 200 bonus points await you!");
        await using var app = new TestApp(clients: 300, settings: Settings(server));
        await using var db = await app.CreateDbContextAsync();
        var drafted = await db.Proposals.Where(p => p.DraftText != null).ToListAsync(TestContext.Current.CancellationToken);

        Assert.NotEmpty(drafted);
        Assert.All(drafted, p =>
        {
            Assert.Equal(OfflineSmsDrafter.Provider, p.DraftProvider);
            Assert.True(p.DraftFlagged);
        });
        Assert.Equal(2 * drafted.Count, server.Requests.Count);
        Assert.All(server.Requests.Where((_, i) => i % 2 == 1), body => Assert.Contains("That draft breaks these rules", body, StringComparison.Ordinal));
        using var retry = JsonDocument.Parse(server.Requests.Skip(1).First());
        Assert.Equal(4, retry.RootElement.GetProperty("messages").GetArrayLength());
    }
}
