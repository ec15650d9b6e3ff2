using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LoyaltyConsole.Tests.Sync.SquareSync;

/// <summary>One request the fake saw: what was asked, with which cursor offset, and how it was answered.</summary>
public sealed record SeenRequest(
    int Number, DateTime At, string Method, string Path, string? Body, string? Authorization, string? SquareVersion, int Offset, int Status, string? IssuedCursor)
{
    public JsonObject? Json => Body is null ? null : JsonNode.Parse(Body)!.AsObject();

    /// <summary>The body without its cursor, in a canonical form: two queries are identical when these are equal.</summary>
    public string? Query => Body is null ? null : FakeSquareServer.Canonical(Body);

    public string? Cursor => Json?["cursor"]?.GetValue<string>();
}

/// <summary>What a fault is decided on: the endpoint, the body and the position the cursor points at.</summary>
public sealed record FakeRequest(string Path, JsonObject? Body, int Offset)
{
    public IReadOnlyList<string> LocationIds => Body?["location_ids"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];
}

public enum FaultKind
{
    /// <summary>429 RATE_LIMITED with Retry-After: 1.</summary>
    RateLimited,

    /// <summary>500 INTERNAL_SERVER_ERROR.</summary>
    ServerError,

    /// <summary>No answer until the client gives up.</summary>
    Hang,

    /// <summary>The real page, cut off half way: not JSON.</summary>
    Malformed,

    /// <summary>The real page, answered normally, then <see cref="Fault.Then"/> runs (a crash of the caller).</summary>
    Callback,
}

public sealed class Fault(Func<FakeRequest, bool> when, FaultKind kind, int times = 1, Action? then = null)
{
    private int _left = times;

    public FaultKind Kind { get; } = kind;
    public Action? Then { get; } = then;

    /// <summary>The ids of the records the page would have held, when the fault spoiled a page.</summary>
    public List<string> SpoiledIds { get; } = [];

    internal bool Takes(FakeRequest request) => when(request) && Interlocked.Decrement(ref _left) >= 0;
}

/// <summary>
/// An in-process Square (Kestrel on a loopback port) that speaks the documented shapes and enforces the documented
/// rules a client can break: a Bearer token and a Square-Version header on every call; SearchCustomers with a limit of
/// 1–100 sorted by DEFAULT or CREATED_AT (Square has no UPDATED_AT sort for customers); SearchOrders with 1–10 location
/// ids, a limit up to 1,000 and the sort field equal to the time filter's field; SearchLoyaltyEvents up to 30, newest
/// first; and a cursor honoured only with the identical query it was issued for. Every request is logged, and faults
/// (429, 500, a hang, malformed JSON, a crash of the caller) can be armed on chosen pages.
/// </summary>
public sealed class FakeSquareServer : IAsyncDisposable
{
    public const string Token = "sq0atp-test-token-not-secret";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SeenRequest> _requests = new();
    private readonly ConcurrentQueue<Fault> _faults = new();
    private int _number;

    private FakeSquareServer(WebApplication app, FakeSquareData data)
    {
        _app = app;
        Data = data;
    }

    public FakeSquareData Data { get; }
    public string BaseUrl { get; private set; } = "";
    public IReadOnlyList<SeenRequest> Requests => [.. _requests.OrderBy(r => r.Number)];

    public static async Task<FakeSquareServer> StartAsync(FakeSquareData data)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeSquareServer(app, data);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public Fault Arm(Func<FakeRequest, bool> when, FaultKind kind, int times = 1, Action? then = null)
    {
        var fault = new Fault(when, kind, times, then);
        _faults.Enqueue(fault);
        return fault;
    }

    /// <summary>Requests seen from <paramref name="number"/> on (a later run's).</summary>
    public IReadOnlyList<SeenRequest> RequestsAfter(int number) => Requests.Where(r => r.Number > number).ToList();

    public int LastRequestNumber => _number;

    public static string Canonical(string body)
    {
        var node = JsonNode.Parse(body)!.AsObject();
        node.Remove("cursor");
        return Sorted(node)!.ToJsonString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var number = Interlocked.Increment(ref _number);
        var at = DateTime.UtcNow;
        var path = http.Request.Path.Value!.TrimStart('/');
        string? body = null;
        if (HttpMethods.IsPost(http.Request.Method))
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync(http.RequestAborted);
        }
        var offset = 0;
        var status = 200;
        string? issued = null;
        try
        {
            (status, var payload, issued, offset) = Answer(http, path, body);
            var request = new FakeRequest(path, body is null ? null : JsonNode.Parse(body)!.AsObject(), offset);
            var fault = status == 200 ? _faults.FirstOrDefault(f => f.Takes(request)) : null;
            switch (fault?.Kind)
            {
                case FaultKind.RateLimited:
                    status = 429;
                    http.Response.Headers.RetryAfter = "1";
                    payload = Error("RATE_LIMITED", "Rate limit reached; retry later.", "RATE_LIMIT_ERROR");
                    issued = null;
                    break;
                case FaultKind.ServerError:
                    status = 500;
                    payload = Error("INTERNAL_SERVER_ERROR", "An internal error occurred.", "API_ERROR");
                    issued = null;
                    break;
                case FaultKind.Hang:
                    status = 499;
                    await Task.Delay(TimeSpan.FromSeconds(120), http.RequestAborted);
                    return;
                case FaultKind.Malformed:
                    fault.SpoiledIds.AddRange(Ids(payload));
                    payload = payload[..(payload.Length / 2)];
                    issued = null;
                    break;
            }
            http.Response.StatusCode = status;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(payload, http.RequestAborted);
            if (fault?.Kind == FaultKind.Callback)
            {
                await http.Response.CompleteAsync();
                fault.Then?.Invoke();
            }
        }
        catch (OperationCanceledException)
        {
            status = 499;
        }
        finally
        {
            _requests.Enqueue(new SeenRequest(number, at, http.Request.Method, path, body, http.Request.Headers.Authorization.ToString(),
                http.Request.Headers["Square-Version"].ToString(), offset, status, issued));
        }
    }

    private (int Status, string Payload, string? Cursor, int Offset) Answer(HttpContext http, string path, string? body)
    {
        if (http.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            return (401, Error("UNAUTHORIZED", "This request could not be authorized.", "AUTHENTICATION_ERROR"), null, 0);
        }
        if (string.IsNullOrEmpty(http.Request.Headers["Square-Version"]))
        {
            return (400, Error("INVALID_REQUEST_ERROR", "Square-Version header missing."), null, 0);
        }
        var json = body is null ? null : JsonNode.Parse(body)!.AsObject();
        switch (http.Request.Method, path)
        {
            case ("GET", "v2/locations"):
                return (200, Serialize(new { locations = Data.Read(d => d.Locations.ToList()) }), null, 0);
            case ("POST", "v2/customers/search"):
                return Customers(json!);
            case ("POST", "v2/orders/search"):
                return Orders(json!);
            case ("POST", "v2/loyalty/events/search"):
                return Events(json!);
            case ("POST", "v2/loyalty/accounts/search"):
                return Page(path, json!, Limit(json!, 200), Data.Read(d => d.Accounts.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id, StringComparer.Ordinal).ToList()), "loyalty_accounts");
            case ("GET", _) when path.StartsWith("v2/loyalty/accounts/", StringComparison.Ordinal):
                var id = Uri.UnescapeDataString(path["v2/loyalty/accounts/".Length..]);
                return Data.Read(d => d.Accounts.FirstOrDefault(a => a.Id == id)) is { } account
                    ? (200, Serialize(new { loyalty_account = account }), null, 0)
                    : (404, Error("NOT_FOUND", $"Loyalty account {id} not found.", "INVALID_REQUEST_ERROR"), null, 0);
            default:
                return (404, Error("NOT_FOUND", "No such endpoint.", "INVALID_REQUEST_ERROR"), null, 0);
        }
    }

    private (int, string, string?, int) Customers(JsonObject body)
    {
        var limit = Limit(body, 100);
        var field = body["query"]?["sort"]?["field"]?.GetValue<string>() ?? "DEFAULT";
        if (limit < 1 || limit > 100)
        {
            return (400, Error(limit < 1 ? "VALUE_TOO_LOW" : "VALUE_TOO_HIGH", "limit must be 1–100.", field: "limit"), null, 0);
        }
        if (field is not ("DEFAULT" or "CREATED_AT"))
        {
            return (400, Error("INVALID_ENUM_VALUE", $"Expected query.sort.field to be one of DEFAULT, CREATED_AT; got {field}.", field: "query.sort.field"), null, 0);
        }
        var (start, end) = Range(body["query"]?["filter"]?["updated_at"]);
        var matching = Data.Read(d => d.Customers.Where(c => In(c.UpdatedAt, start, end))
            .OrderBy(c => field == "CREATED_AT" ? c.CreatedAt : DateTime.MinValue).ThenBy(c => field == "CREATED_AT" ? "" : c.GivenName + c.FamilyName)
            .ThenBy(c => c.Id, StringComparer.Ordinal).ToList());
        var count = body["count"]?.GetValue<bool>() == true ? matching.Count : (long?)null;
        return Page("v2/customers/search", body, limit, matching, "customers", count);
    }

    private (int, string, string?, int) Orders(JsonObject body)
    {
        var ids = body["location_ids"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];
        if (ids.Count is < 1 or > 10)
        {
            return (400, Error("INVALID_ARRAY_LENGTH", "location_ids must hold 1–10 location ids.", field: "location_ids"), null, 0);
        }
        var limit = body["limit"]?.GetValue<int>() ?? 500;
        if (limit < 1 || limit > 1000)
        {
            return (400, Error("VALUE_TOO_HIGH", "limit must be at most 1000.", field: "limit"), null, 0);
        }
        var filter = body["query"]?["filter"]?["date_time_filter"]?.AsObject();
        var sortField = body["query"]?["sort"]?["sort_field"]?.GetValue<string>() ?? "CREATED_AT";
        var filterField = filter?.Select(p => p.Key).SingleOrDefault();
        if (filterField is not null && !string.Equals(filterField, sortField, StringComparison.OrdinalIgnoreCase))
        {
            return (400, Error("INVALID_SORT_FIELD", $"query.sort.sort_field ({sortField}) must match the date_time_filter field ({filterField})."), null, 0);
        }
        var (start, end) = Range(filterField is null ? null : filter![filterField]);
        var states = body["query"]?["filter"]?["state_filter"]?["states"]?.AsArray().Select(n => n!.GetValue<string>()).ToHashSet();
        var descending = body["query"]?["sort"]?["sort_order"]?.GetValue<string>() == "DESC";
        Func<FakeOrder, DateTime> key = sortField switch { "UPDATED_AT" => o => o.UpdatedAt, "CLOSED_AT" => o => o.ClosedAt, _ => o => o.CreatedAt };
        var matching = Data.Read(d => d.Orders.Where(o => ids.Contains(o.LocationId) && (states is null || states.Contains(o.State)) && In(key(o), start, end)).ToList());
        matching = [.. (descending ? matching.OrderByDescending(key) : matching.OrderBy(key)).ThenBy(o => o.Id, StringComparer.Ordinal)];
        return Page("v2/orders/search", body, limit, matching, "orders");
    }

    private (int, string, string?, int) Events(JsonObject body)
    {
        var limit = Limit(body, 30);
        if (limit > 30)
        {
            return (400, Error("VALUE_TOO_HIGH", "limit must be at most 30.", field: "limit"), null, 0);
        }
        var (start, end) = Range(body["query"]?["filter"]?["date_time_filter"]?["created_at"]);
        var matching = Data.Read(d => d.Events.Where(e => In(e.CreatedAt, start, end))
            .OrderByDescending(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal).ToList());
        return Page("v2/loyalty/events/search", body, limit, matching, "events");
    }

    /// <summary>One page from <paramref name="offset"/>; the cursor names the query it belongs to, and is refused with any other.</summary>
    private (int, string, string?, int) Page<T>(string path, JsonObject body, int limit, List<T> all, string name, long? count = null)
    {
        var query = Canonical(body.ToJsonString());
        var offset = 0;
        if (body["cursor"]?.GetValue<string>() is { } cursor)
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(cursor)).Split('|');
            if (parts.Length != 3 || parts[0] != path || parts[2] != Hash(query))
            {
                return (400, Error("INVALID_CURSOR", "The cursor does not belong to this query: send the original query with it.", field: "cursor"), null, 0);
            }
            offset = int.Parse(parts[1], CultureInfo.InvariantCulture);
        }
        var items = all.Skip(offset).Take(limit).ToList();
        var next = offset + items.Count < all.Count
            ? Convert.ToBase64String(Encoding.UTF8.GetBytes($"{path}|{offset + items.Count}|{Hash(query)}"))
            : null;
        var response = new JsonObject { [name] = JsonSerializer.SerializeToNode(items, Json) };
        if (next is not null)
        {
            response["cursor"] = next;
        }
        if (count is not null)
        {
            response["count"] = count;
        }
        return (200, response.ToJsonString(), next, offset);
    }

    private static int Limit(JsonObject body, int fallback) => body["limit"]?.GetValue<int>() ?? fallback;

    private static (DateTime? Start, DateTime? End) Range(JsonNode? range) =>
        (range?["start_at"]?.GetValue<string>() is { } s ? DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal) : null,
         range?["end_at"]?.GetValue<string>() is { } e ? DateTime.Parse(e, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal) : null);

    private static bool In(DateTime at, DateTime? start, DateTime? end) => (start is null || at >= start) && (end is null || at < end);

    private static List<string> Ids(string payload)
    {
        var page = JsonNode.Parse(payload)!.AsObject();
        return page.Where(p => p.Value is JsonArray).SelectMany(p => p.Value!.AsArray()).Select(n => n!["id"]!.GetValue<string>()).ToList();
    }

    private static string Serialize(object value) => JsonSerializer.Serialize(value, Json);

    private static string Error(string code, string detail, string category = "INVALID_REQUEST_ERROR", string? field = null) =>
        Serialize(new { errors = new[] { new { category, code, detail, field } } });

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        _ => node?.DeepClone(),
    };
}
