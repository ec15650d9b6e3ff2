using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LoyaltyConsole.Sync.Square;

/// <summary>
/// Square's API over the named <see cref="HttpClientName"/> client (no Square SDK): <c>Authorization: Bearer</c> and
/// <c>Square-Version</c> on every call. Everything called here only reads, Square's POST searches included, so each
/// request is marked as a read and the client's pipeline retries it (429, 5xx, timeouts) with backoff, jitter and
/// Retry-After; anything not marked keeps the pipeline's default of never repeating a POST. Failures come back as a
/// <see cref="SyncFailedException"/> with what went wrong in words, never with the token.
/// </summary>
public sealed class SquareApi(IHttpClientFactory httpFactory, ConnectionSecrets secrets, IOptions<SquareOptions> options) : ISourceLocations
{
    public const string HttpClientName = "square";
    public const string ProductionBaseUrl = "https://connect.squareup.com";

    public ConnectionKind Kind => ConnectionKind.Square;

    /// <summary>Set on a request that only reads, which the retry pipeline may send again whatever its method.</summary>
    public static readonly HttpRequestOptionsKey<bool> ReadOnlyRequest = new("LoyaltyConsole.Sync.Square.ReadOnly");

    /// <summary>
    /// The seller's Square locations (<c>GET /v2/locations</c>), for an Admin to map each to one of ours; inactive ones
    /// are listed too (their past orders are still the seller's), marked as such.
    /// </summary>
    public async Task<IReadOnlyList<(string Id, string Name)>> ListLocationsAsync(Connection connection, CancellationToken ct)
    {
        var endpoint = Endpoint(ConnectionSettings.Parse(connection.SettingsJson), secrets.Credentials(connection));
        var response = await SendAsync<ListLocationsResponse>(endpoint, HttpMethod.Get, "v2/locations", null, "the list of locations", ct);
        return (response.Locations ?? [])
            .Select(l => (l.Id, Name: string.IsNullOrWhiteSpace(l.Name) ? l.Id : l.Name.Trim(), Inactive: string.Equals(l.Status, "INACTIVE", StringComparison.Ordinal)))
            .OrderBy(l => l.Inactive).ThenBy(l => l.Name, StringComparer.OrdinalIgnoreCase)
            .Select(l => (l.Id, l.Inactive ? $"{l.Name} (inactive)" : l.Name))
            .ToList();
    }

    internal SquareEndpoint Endpoint(ConnectionSettings settings, string accessToken) => new(
        new Uri((string.IsNullOrWhiteSpace(settings.BaseUrl) ? ProductionBaseUrl : settings.BaseUrl.Trim()).TrimEnd('/') + "/"),
        string.IsNullOrWhiteSpace(settings.ApiVersion) ? options.Value.DefaultApiVersion : settings.ApiVersion.Trim(),
        accessToken);

    /// <summary>A Square search (a POST that only reads) with this exact body.</summary>
    internal Task<T> SearchAsync<T>(SquareEndpoint endpoint, string path, string body, string what, CancellationToken ct) =>
        SendAsync<T>(endpoint, HttpMethod.Post, path, body, what, ct);

    internal Task<T> GetAsync<T>(SquareEndpoint endpoint, string path, string what, CancellationToken ct) =>
        SendAsync<T>(endpoint, HttpMethod.Get, path, null, what, ct);

    private async Task<T> SendAsync<T>(SquareEndpoint endpoint, HttpMethod method, string path, string? body, string what, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(endpoint.BaseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.AccessToken);
        request.Headers.Add("Square-Version", endpoint.ApiVersion);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Options.Set(ReadOnlyRequest, true);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        var call = $"{method} /{path} ({what})";
        string text;
        try
        {
            using var response = await httpFactory.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw Refused(call, response.StatusCode, text);
            }
        }
        catch (TimeoutRejectedException ex)
        {
            throw new SyncFailedException($"Square did not answer {call} in time, after every retry; the next run resumes from the last page written.", ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw new SyncFailedException($"Square failed too often to go on with {call}; the next run resumes from the last page written.", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new SyncFailedException($"Square did not answer {call} in time; the next run resumes from the last page written.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SyncFailedException($"Square could not be reached for {call}: {ex.Message} The next run resumes from the last page written.", ex);
        }
        try
        {
            return JsonSerializer.Deserialize<T>(text, SquareJson.Options) ?? throw new JsonException("The response is empty.");
        }
        catch (JsonException ex)
        {
            throw new SyncFailedException(
                $"Square sent a malformed response to {call}: {ex.Message} Nothing of that page was written; the next run asks for it again.", ex);
        }
    }

    private static SyncFailedException Refused(string call, HttpStatusCode status, string body)
    {
        SquareError? error = null;
        try
        {
            error = JsonSerializer.Deserialize<SquareErrorResponse>(body, SquareJson.Options)?.Errors is [var first, ..] ? first : null;
        }
        catch (JsonException)
        {
            // An error page that is not Square's JSON: the status says enough.
        }
        var code = error?.Code ?? status.ToString();
        var detail = string.IsNullOrWhiteSpace(error?.Detail) ? "" : $": {error.Detail.Trim().TrimEnd('.')}";
        var advice = (int)status switch
        {
            401 => " The access token was refused: an Admin enters a new one on the Connections page.",
            403 => " The access token lacks a permission: it needs CUSTOMERS_READ, ORDERS_READ, LOYALTY_READ and MERCHANT_PROFILE_READ.",
            429 => " Square was still rate limiting after every retry; the next run resumes from the last page written.",
            >= 500 => " Square was still failing after every retry; the next run resumes from the last page written.",
            _ => "",
        };
        return new SyncFailedException($"Square answered {(int)status} {code} to {call}{detail}.{advice}");
    }
}

/// <summary>Where and as whom to call Square. Holds the access token: it has no ToString that could log it.</summary>
internal sealed class SquareEndpoint(Uri baseUrl, string apiVersion, string accessToken)
{
    public Uri BaseUrl { get; } = baseUrl;
    public string ApiVersion { get; } = apiVersion;
    public string AccessToken { get; } = accessToken;

    public override string ToString() => $"{BaseUrl} (Square-Version {ApiVersion})";
}
