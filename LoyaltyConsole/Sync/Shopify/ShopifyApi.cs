using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LoyaltyConsole.Sync.Shopify;

/// <summary>
/// Shopify's GraphQL Admin API over the named <see cref="HttpClientName"/> client (no Shopify SDK):
/// <c>POST {BaseUrl}/admin/api/{version}/graphql.json</c> with <c>X-Shopify-Access-Token</c>. Queries are POSTs that
/// only read, so each is marked as a read and the client's pipeline retries it (429, 5xx, timeouts) with backoff and
/// jitter; a mutation is not marked and is never sent twice by the pipeline. Every call is paced by the shop's leaky
/// bucket as its answers report it, and a THROTTLED answer (the call was not run) is waited out and sent again.
/// GraphQL errors, refusals and malformed answers come back as a <see cref="SyncFailedException"/> that says what
/// went wrong in words, never with the token.
/// </summary>
public sealed class ShopifyApi(IHttpClientFactory httpFactory, ConnectionSecrets secrets, IOptions<ShopifyOptions> options, TimeProvider clock) : ISourceLocations
{
    public const string HttpClientName = "shopify";

    /// <summary>Downloads bulk results from the storage address Shopify hands out: no access token goes there.</summary>
    public const string DownloadClientName = "shopify-bulk-download";

    /// <summary>Set on a request that only reads, which the retry pipeline may send again whatever its method.</summary>
    public static readonly HttpRequestOptionsKey<bool> ReadOnlyRequest = new("LoyaltyConsole.Sync.Shopify.ReadOnly");

    private const int LocationsPageSize = 250;

    public ConnectionKind Kind => ConnectionKind.Shopify;

    /// <summary>
    /// The shop's locations (active ones first, inactive ones marked, since their past orders still name them), for an
    /// Admin to map each to one of ours. Needs the <c>read_locations</c> scope.
    /// </summary>
    public async Task<IReadOnlyList<(string Id, string Name)>> ListLocationsAsync(Connection connection, CancellationToken ct)
    {
        var shop = await ConnectAsync(ConnectionSettings.Parse(connection.SettingsJson), secrets.Credentials(connection), ct);
        var found = new List<ShopifyLocation>();
        string? after = null;
        do
        {
            var page = await QueryAsync<LocationsData>(shop, "ShopifyLocations", ShopifyQueries.Locations,
                new Dictionary<string, object?> { ["first"] = LocationsPageSize, ["after"] = after }, "the list of locations", ct);
            found.AddRange(page.Locations.Items);
            after = page.Locations.NextCursor;
        }
        while (after is not null);
        return found
            .Select(l => (l.Id, Name: string.IsNullOrWhiteSpace(l.Name) ? l.Id : l.Name.Trim(), Inactive: !l.IsActive))
            .OrderBy(l => l.Inactive).ThenBy(l => l.Name, StringComparer.OrdinalIgnoreCase)
            .Select(l => (l.Id, l.Inactive ? $"{l.Name} (inactive)" : l.Name))
            .ToList();
    }

    /// <summary>
    /// Where and as whom to call the shop. The connection's credentials are an access token, or a Dev Dashboard app's
    /// client id and secret as JSON (<c>{"clientId": "…", "clientSecret": "…"}</c>), exchanged here for a token with the
    /// client credentials grant: such tokens expire (after about a day), so each run asks for a fresh one.
    /// </summary>
    internal async Task<ShopifyShop> ConnectAsync(ConnectionSettings settings, string credentials, CancellationToken ct)
    {
        // The shop's own address unless another is set (a test shop, a proxy).
        var address = !string.IsNullOrWhiteSpace(settings.BaseUrl) ? settings.BaseUrl.Trim()
            : !string.IsNullOrWhiteSpace(settings.ShopDomain) ? $"https://{settings.ShopDomain.Trim()}"
            : null;
        if (address is null || !Uri.TryCreate(address.TrimEnd('/') + "/", UriKind.Absolute, out var baseUrl))
        {
            throw new SyncFailedException("The Shopify connection has no shop address: enter the shop's domain (your-shop.myshopify.com) on the Connections page.");
        }
        var version = string.IsNullOrWhiteSpace(settings.ApiVersion) ? options.Value.DefaultApiVersion : settings.ApiVersion.Trim();
        var token = ClientCredentials.TryRead(credentials) is { } app ? await RequestTokenAsync(baseUrl, app, ct) : credentials.Trim();
        return new ShopifyShop(new Uri(baseUrl, $"admin/api/{Uri.EscapeDataString(version)}/graphql.json"), version, token, new ShopifyThrottle(clock));
    }

    /// <summary>A query: read only, so retried by the pipeline on transient failures; paced and re-sent when THROTTLED.</summary>
    internal Task<T> QueryAsync<T>(ShopifyShop shop, string operation, string document, IReadOnlyDictionary<string, object?>? variables, string what, CancellationToken ct) =>
        SendAsync<T>(shop, operation, document, variables, readOnly: true, what, ct);

    /// <summary>
    /// A mutation: not retried by the pipeline, since a lost answer does not say whether it ran. A THROTTLED answer is
    /// still waited out and sent again: Shopify refuses a throttled call before running any of it.
    /// </summary>
    internal Task<T> MutateAsync<T>(ShopifyShop shop, string operation, string document, IReadOnlyDictionary<string, object?>? variables, string what, CancellationToken ct) =>
        SendAsync<T>(shop, operation, document, variables, readOnly: false, what, ct);

    /// <summary>
    /// Downloads a bulk operation's result file to <paramref name="path"/>. The pipeline retries until the headers
    /// arrive; a transfer cut off midway is started again a few times. Returns the file's size.
    /// </summary>
    internal async Task<long> DownloadAsync(string url, string path, CancellationToken ct)
    {
        const int attempts = 3;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(options.Value.DownloadTimeoutMinutes));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await httpFactory.CreateClient(DownloadClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (!response.IsSuccessStatusCode)
                {
                    throw new SyncFailedException($"Downloading the bulk operation's result file was refused ({(int)response.StatusCode} {response.StatusCode}); the next run asks for it again.");
                }
                await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                await response.Content.CopyToAsync(file, timeout.Token);
                return file.Length;
            }
            catch (Exception ex) when (attempt < attempts && !ct.IsCancellationRequested && !timeout.IsCancellationRequested && ex is IOException or HttpRequestException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(options.Value.RetryDelayMilliseconds * attempt), clock, ct);
            }
            catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
            {
                throw new SyncFailedException($"Downloading the bulk operation's result file took longer than {options.Value.DownloadTimeoutMinutes} minutes; the next run downloads it again.", ex);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or TimeoutRejectedException or BrokenCircuitException)
            {
                throw new SyncFailedException($"Downloading the bulk operation's result file failed: {ex.Message} The next run downloads it again.", ex);
            }
        }
    }

    private async Task<T> SendAsync<T>(ShopifyShop shop, string operation, string document, IReadOnlyDictionary<string, object?>? variables, bool readOnly, string what, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new { query = document, variables, operationName = operation }, ShopifyJson.Options);
        for (var attempt = 1; ; attempt++)
        {
            // Timers are coarser than the clock the bucket is measured by: after a pause, look again before sending.
            var again = false;
            for (var pause = shop.Throttle.DelayBefore(operation); pause > TimeSpan.Zero; pause = shop.Throttle.DelayBefore(operation), again = true)
            {
                shop.Throttle.RecordWait(pause, again);
                await Task.Delay(pause, clock, ct);
            }
            var text = await PostAsync(shop, body, readOnly, what, ct);
            var answer = Parse(text, what);
            shop.Throttle.Observe(operation, answer.Cost);
            if (answer.Errors.Any(e => e.Code == "THROTTLED"))
            {
                if (attempt > options.Value.MaxThrottledRetries)
                {
                    throw new SyncFailedException($"Shopify still throttled {what} after {attempt} tries; the next run resumes from the last page written.");
                }
                var wait = shop.Throttle.DelayAfterThrottled(operation, attempt);
                shop.Throttle.RecordWait(wait);
                await Task.Delay(wait, clock, ct);
                continue;
            }
            if (answer.Errors.Count > 0)
            {
                throw Refused(what, answer.Errors);
            }
            if (answer.Data is not { ValueKind: JsonValueKind.Object } data)
            {
                throw new SyncFailedException($"Shopify's answer to {what} holds no data. Nothing of it was written; the next run asks for it again.");
            }
            try
            {
                return data.Deserialize<T>(ShopifyJson.Options) ?? throw new JsonException("The data is empty.");
            }
            catch (JsonException ex)
            {
                throw Malformed(what, ex);
            }
        }
    }

    private async Task<string> PostAsync(ShopifyShop shop, string body, bool readOnly, string what, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, shop.GraphQl);
        request.Headers.Add("X-Shopify-Access-Token", shop.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        request.Options.Set(ReadOnlyRequest, readOnly);
        try
        {
            using var response = await httpFactory.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            return response.IsSuccessStatusCode ? text : throw Refused(what, response.StatusCode, text, shop.ApiVersion);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new SyncFailedException($"Shopify did not answer {what} in time, after every retry; the next run resumes from the last page written.", ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw new SyncFailedException($"Shopify failed too often to go on with {what}; the next run resumes from the last page written.", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new SyncFailedException($"Shopify did not answer {what} in time; the next run resumes from the last page written.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SyncFailedException($"Shopify could not be reached for {what}: {ex.Message} The next run resumes from the last page written.", ex);
        }
    }

    private async Task<string> RequestTokenAsync(Uri baseUrl, ClientCredentials app, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "admin/oauth/access_token"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = app.ClientId,
                ["client_secret"] = app.ClientSecret,
            }),
        };
        // Asking for a token changes nothing at the shop: it may be asked again after a transient failure.
        request.Options.Set(ReadOnlyRequest, true);
        string text;
        try
        {
            using var response = await httpFactory.CreateClient(HttpClientName).SendAsync(request, ct);
            text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new SyncFailedException((int)response.StatusCode is 400 or 401 or 403
                    ? $"Shopify refused the app's client id and secret ({(int)response.StatusCode}): check them in the Dev Dashboard, and that the app is installed on the shop."
                    : $"Shopify answered {(int)response.StatusCode} {response.StatusCode} when asked for an access token; the next run asks again.");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new SyncFailedException($"Shopify could not be reached for an access token: {ex.Message} The next run tries again.", ex);
        }
        try
        {
            return JsonSerializer.Deserialize<ShopifyAccessTokenResponse>(text, ShopifyJson.Options)?.AccessToken is { Length: > 0 } token
                ? token
                : throw new JsonException("It holds no access_token.");
        }
        catch (JsonException ex)
        {
            throw Malformed("the request for an access token", ex);
        }
    }

    private static Answer Parse(string text, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("The answer is not a JSON object.");
            }
            var data = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d.Clone() : (JsonElement?)null;
            ShopifyCost? cost = null;
            if (root.TryGetProperty("extensions", out var extensions) && extensions.ValueKind == JsonValueKind.Object && extensions.TryGetProperty("cost", out var c))
            {
                cost = c.Deserialize<ShopifyCost>(ShopifyJson.Options);
            }
            return new Answer(data, Errors(root), cost);
        }
        catch (JsonException ex)
        {
            throw Malformed(what, ex);
        }
    }

    /// <summary>GraphQL's <c>errors</c>: an array of objects with a message and an <c>extensions.code</c>, or (on some refusals) one string.</summary>
    private static List<GraphQlError> Errors(JsonElement root)
    {
        var errors = new List<GraphQlError>();
        if (!root.TryGetProperty("errors", out var list))
        {
            return errors;
        }
        if (list.ValueKind == JsonValueKind.String)
        {
            errors.Add(new GraphQlError(list.GetString() ?? "", null));
        }
        else if (list.ValueKind == JsonValueKind.Array)
        {
            foreach (var error in list.EnumerateArray())
            {
                var message = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                    ? m.GetString() ?? "" : error.ToString();
                var code = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("extensions", out var x) && x.ValueKind == JsonValueKind.Object
                    && x.TryGetProperty("code", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
                errors.Add(new GraphQlError(message, code));
            }
        }
        return errors;
    }

    private static SyncFailedException Malformed(string what, JsonException ex) =>
        new($"Shopify sent a malformed answer to {what}: {ex.Message} Nothing of it was written; the next run asks for it again.", ex);

    private static SyncFailedException Refused(string what, List<GraphQlError> errors)
    {
        var codes = errors.Select(e => e.Code).OfType<string>().Distinct().ToList();
        var messages = string.Join("; ", errors.Select(e => e.Message.Trim().TrimEnd('.')).Where(m => m.Length > 0).Distinct().Take(3));
        var advice = codes.Contains("ACCESS_DENIED")
            ? " The app lacks a scope: it needs read_customers, read_orders, read_all_orders and read_locations."
            : codes.Contains("MAX_COST_EXCEEDED")
                ? " The query asks for too much at once: lower Sync:Shopify page sizes."
                : "";
        var code = codes.Count > 0 ? $" ({string.Join(", ", codes)})" : "";
        return new SyncFailedException($"Shopify refused {what}{code}: {messages}.{advice}");
    }

    private static SyncFailedException Refused(string what, HttpStatusCode status, string body, string apiVersion)
    {
        string? detail = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var errors = document.RootElement.ValueKind == JsonValueKind.Object ? Errors(document.RootElement) : [];
            detail = errors.Count > 0 ? string.Join("; ", errors.Select(e => e.Message.Trim().TrimEnd('.'))) : null;
        }
        catch (JsonException)
        {
            // An error page that is not Shopify's JSON: the status says enough.
        }
        var advice = (int)status switch
        {
            401 => " The access token was refused. Tokens of Dev Dashboard apps expire after about a day: enter the app's client id and secret instead, so each run fetches a fresh one, or a new token.",
            402 => " The shop is frozen (its bill is unpaid); the sync resumes once it is unfrozen.",
            403 => " The app lacks a scope: it needs read_customers, read_orders, read_all_orders and read_locations.",
            404 => $" Check the shop address and the API version ({apiVersion}).",
            423 => " The shop is locked; the sync resumes once Shopify unlocks it.",
            429 => " Shopify was still rate limiting after every retry; the next run resumes from the last page written.",
            >= 500 => " Shopify was still failing after every retry; the next run resumes from the last page written.",
            _ => "",
        };
        var said = string.IsNullOrWhiteSpace(detail) ? "" : $": {detail}";
        return new SyncFailedException($"Shopify answered {(int)status} {status} to {what}{said}.{advice}");
    }

    private sealed record Answer(JsonElement? Data, List<GraphQlError> Errors, ShopifyCost? Cost);

    private sealed record GraphQlError(string Message, string? Code);

    /// <summary>A Dev Dashboard app's client id and secret, given as the connection's credentials in JSON.</summary>
    private sealed record ClientCredentials(string ClientId, string ClientSecret)
    {
        public static ClientCredentials? TryRead(string credentials)
        {
            var text = credentials.Trim();
            if (!text.StartsWith('{'))
            {
                return null;
            }
            try
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                return root.ValueKind == JsonValueKind.Object
                    && root.TryGetProperty("clientId", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } clientId
                    && root.TryGetProperty("clientSecret", out var secret) && secret.ValueKind == JsonValueKind.String && secret.GetString() is { Length: > 0 } clientSecret
                        ? new ClientCredentials(clientId, clientSecret)
                        : throw new SyncFailedException("The Shopify credentials are JSON but not {\"clientId\": \"…\", \"clientSecret\": \"…\"}: an Admin enters them again.");
            }
            catch (JsonException)
            {
                throw new SyncFailedException("The Shopify credentials start like JSON but are not: an Admin enters the access token, or the app's client id and secret, again.");
            }
        }

        // Never shown: a record's generated ToString would print the secret.
        public override string ToString() => $"Shopify app {ClientId}";
    }
}

/// <summary>Where and as whom to call one shop, and its throttle. Holds the access token: its ToString does not show it.</summary>
internal sealed class ShopifyShop(Uri graphQl, string apiVersion, string accessToken, ShopifyThrottle throttle)
{
    public Uri GraphQl { get; } = graphQl;
    public string ApiVersion { get; } = apiVersion;
    public string AccessToken { get; } = accessToken;
    public ShopifyThrottle Throttle { get; } = throttle;

    public override string ToString() => $"{GraphQl} (Admin API {ApiVersion})";
}
