using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LoyaltyConsole.Tests.Sync.ShopifyConnector;

/// <summary>What the fake does to one call instead of (or before) answering it.</summary>
public abstract record FakeFault
{
    /// <summary>An HTTP error status with Shopify's JSON error body.</summary>
    public sealed record Status(int Code) : FakeFault;

    /// <summary>Answers only after a pause (the call is still carried out, as a real server would).</summary>
    public sealed record Delay(TimeSpan Pause) : FakeFault;

    /// <summary>A 200 whose body is cut off halfway: not JSON.</summary>
    public sealed record Malformed : FakeFault;

    /// <summary>A THROTTLED error with the bucket nearly empty; the call is not carried out.</summary>
    public sealed record Throttled : FakeFault;

    /// <summary>A GraphQL error with this code (e.g. ACCESS_DENIED); the call is not carried out.</summary>
    public sealed record GraphQlError(string Code, string Message) : FakeFault;
}

/// <summary>One call the fake received: its operation, its variables, and what the fake did.</summary>
public sealed record FakeCall(string Operation, int Number, JsonObject Variables, string Body, string Outcome, IReadOnlyList<string> Served);

/// <summary>
/// A local Shopify for the connector's tests: an in-process Kestrel server speaking the GraphQL Admin API's documented
/// request and response shapes for what the connector asks (customers and orders by <c>updated_at</c> search with
/// <c>sortKey: UPDATED_AT</c> and cursors, counts, locations, nested line items and refund lines, bulk operations with
/// JSONL results, the client credentials grant). It keeps a leaky bucket of query cost like Shopify's (its size and
/// restore rate are the test's to choose) and answers THROTTLED when a call asks for more than the bucket holds; it
/// silently stops paginating past <see cref="PaginationCap"/> objects, as Shopify stops at 25,000. Faults are injected
/// per operation and call number. Every call is recorded.
/// </summary>
public sealed partial class FakeShopify : IAsyncDisposable
{
    public const string AccessToken = "shpat_fake_0123456789";
    public const string ClientId = "fake-client-id";
    public const string ClientSecret = "fake-client-secret";
    private const string IssuedToken = "shpat_issued_by_client_credentials";

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<string, int> _callCounts = new(StringComparer.Ordinal);
    private readonly List<(string Operation, int FromCall, int Times, FakeFault Fault)> _faults = [];
    private readonly List<BulkOperation> _bulk = [];
    private double _available;
    private long _bucketAt = Stopwatch.GetTimestamp();

    private FakeShopify(WebApplication app, FakeShopData data)
    {
        _app = app;
        Data = data;
        _available = BucketSize;
    }

    public FakeShopData Data { get; }

    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public ConcurrentQueue<FakeCall> Calls { get; } = new();

    /// <summary>The X-Shopify-Access-Token header of every download of a bulk result (null when absent, as it must be).</summary>
    public ConcurrentQueue<string?> DownloadTokens { get; } = new();

    private int _throttled;

    /// <summary>How many calls were answered THROTTLED (injected or by the bucket).</summary>
    public int ThrottledAnswers => Volatile.Read(ref _throttled);

    /// <summary>The bucket: its size and how many points it restores a second. Large by default: nothing waits.</summary>
    public double BucketSize { get; private set; } = 1_000_000;

    public double RestoreRate { get; private set; } = 1_000_000;

    /// <summary>Every query costs this much when set (requested and actual alike); otherwise it is sized by its <c>first</c>.</summary>
    public double? FixedCost { get; set; }

    public int PaginationCap { get; set; } = 25_000;

    /// <summary>Polls of a bulk operation's status before it completes.</summary>
    public int BulkPollsUntilDone { get; set; } = 2;

    /// <summary>Puts every line item after all orders in a bulk file, as Shopify does without <c>groupObjects</c>.</summary>
    public bool IgnoreGroupObjects { get; set; }

    public int CallsOf(string operation) => _callCounts.GetValueOrDefault(operation);

    public IEnumerable<FakeCall> CallsTo(string operation) => Calls.Where(c => c.Operation == operation);

    public static async Task<FakeShopify> StartAsync(FakeShopData data)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeShopify(app, data);
        app.MapPost("/admin/api/{version}/graphql.json", fake.GraphQlAsync);
        app.MapGet("/bulk/{id}.jsonl", fake.Download);
        app.MapPost("/admin/oauth/access_token", fake.TokenAsync);
        await app.StartAsync();
        return fake;
    }

    public void SetBucket(double size, double restoreRate, double? available = null)
    {
        lock (_gate)
        {
            BucketSize = size;
            RestoreRate = restoreRate;
            _available = available ?? size;
            _bucketAt = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Makes calls <paramref name="fromCall"/> to <paramref name="fromCall"/> + times − 1 of the operation fail this way.</summary>
    public void Inject(string operation, FakeFault fault, int fromCall = 1, int times = 1)
    {
        lock (_gate)
        {
            _faults.Add((operation, fromCall, times, fault));
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        return form["grant_type"] == "client_credentials" && form["client_id"] == ClientId && form["client_secret"] == ClientSecret
            ? Results.Json(new { access_token = IssuedToken, scope = "read_customers,read_orders,read_all_orders,read_locations", expires_in = 86399 })
            : Results.Json(new { error = "invalid_client" }, statusCode: 401);
    }

    private IResult Download(string id, HttpRequest request)
    {
        DownloadTokens.Enqueue(request.Headers.TryGetValue("X-Shopify-Access-Token", out var token) ? token.ToString() : null);
        lock (_gate)
        {
            var operation = _bulk.FirstOrDefault(b => b.Number.ToString(CultureInfo.InvariantCulture) == id);
            return operation?.Result is { } result ? Results.Text(result, "application/jsonl") : Results.NotFound();
        }
    }

    private async Task<IResult> GraphQlAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var token = request.Headers["X-Shopify-Access-Token"].ToString();
        if (token is not (AccessToken or IssuedToken))
        {
            return Results.Json(new { errors = "[API] Invalid API key or access token (unrecognized login or wrong password)" }, statusCode: 401);
        }
        var json = JsonNode.Parse(body)!.AsObject();
        var document = json["query"]!.GetValue<string>();
        var variables = json["variables"] as JsonObject ?? [];
        var operation = json["operationName"]?.GetValue<string>() ?? OperationName().Match(document).Groups[1].Value;
        var number = _callCounts.AddOrUpdate(operation, 1, (_, n) => n + 1);
        FakeFault? fault;
        lock (_gate)
        {
            fault = _faults.FirstOrDefault(f => f.Operation == operation && number >= f.FromCall && number < f.FromCall + f.Times).Fault;
        }
        switch (fault)
        {
            case FakeFault.Status status:
                Calls.Enqueue(new FakeCall(operation, number, variables, body, $"HTTP {status.Code}", []));
                return Results.Json(new { errors = status.Code >= 500 ? "Internal Server Error" : "Refused" }, statusCode: status.Code);
            case FakeFault.Delay delay:
                await Task.Delay(delay.Pause);
                break;
            case FakeFault.Throttled:
                Interlocked.Increment(ref _throttled);
                Calls.Enqueue(new FakeCall(operation, number, variables, body, "THROTTLED", []));
                return Results.Json(Throttled(CostOf(operation, variables), available: 0));
            case FakeFault.GraphQlError error:
                Calls.Enqueue(new FakeCall(operation, number, variables, body, error.Code, []));
                return Results.Json(new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["message"] = error.Message, ["extensions"] = new JsonObject { ["code"] = error.Code } }) });
        }
        var cost = CostOf(operation, variables);
        double availableAfter;
        JsonObject data;
        List<string> served = [];
        lock (_gate)
        {
            Refill();
            if (_available < cost)
            {
                Interlocked.Increment(ref _throttled);
                Calls.Enqueue(new FakeCall(operation, number, variables, body, "THROTTLED", []));
                return Results.Json(Throttled(cost, _available));
            }
            _available -= cost;
            (data, served) = Execute(operation, document, variables);
            // Shopify charges what the call really cost and gives back the rest; here that is all of it unless a fixed cost says so.
            var actual = FixedCost ?? Math.Max(1, cost / 4);
            _available = Math.Min(BucketSize, _available + cost - actual);
            availableAfter = _available;
        }
        Calls.Enqueue(new FakeCall(operation, number, variables, body, fault is FakeFault.Malformed ? "malformed" : "OK", served));
        var answer = new JsonObject
        {
            ["data"] = data,
            ["extensions"] = new JsonObject { ["cost"] = Cost(cost, FixedCost ?? Math.Max(1, cost / 4), availableAfter) },
        }.ToJsonString();
        if (fault is FakeFault.Malformed)
        {
            answer = answer[..(answer.Length / 2)];
        }
        return Results.Text(answer, "application/json", Encoding.UTF8);
    }

    private void Refill()
    {
        var now = Stopwatch.GetTimestamp();
        _available = Math.Min(BucketSize, _available + RestoreRate * Stopwatch.GetElapsedTime(_bucketAt, now).TotalSeconds);
        _bucketAt = now;
    }

    private JsonObject Throttled(double requested, double available) => new()
    {
        ["errors"] = new JsonArray(new JsonObject
        {
            ["message"] = "Throttled",
            ["extensions"] = new JsonObject { ["code"] = "THROTTLED", ["documentation"] = "https://shopify.dev/api/usage/rate-limits" },
        }),
        ["extensions"] = new JsonObject { ["cost"] = Cost(requested, null, available) },
    };

    private JsonObject Cost(double requested, double? actual, double available) => new()
    {
        ["requestedQueryCost"] = requested,
        ["actualQueryCost"] = actual,
        ["throttleStatus"] = new JsonObject
        {
            ["maximumAvailable"] = BucketSize,
            ["currentlyAvailable"] = Math.Floor(available),
            ["restoreRate"] = RestoreRate,
        },
    };

    /// <summary>Shopify's estimate: a connection costs 2 plus its <c>first</c> objects times what each holds.</summary>
    private double CostOf(string operation, JsonObject variables)
    {
        if (FixedCost is { } fixedCost)
        {
            return fixedCost;
        }
        int Int(string name, int fallback) => variables[name]?.GetValue<int>() ?? fallback;
        return operation switch
        {
            "ShopifyCustomers" => 2 + Int("first", 1) * 3,
            "ShopifyOrders" => 2 + Int("first", 1) * (3 + 2 + Int("lines", 1) * 6 + Int("refunds", 1) * 3),
            "ShopifyRefundLines" => (variables["ids"]?.AsArray().Count ?? 1) * (3 + Int("first", 1) * 6),
            "ShopifyOrderLineItems" or "ShopifyMoreRefundLines" => 3 + Int("first", 1) * 6,
            "ShopifyLocations" => 2 + Int("first", 1),
            "ShopifyBulkRun" => 10,
            _ => 1,
        };
    }

    private (JsonObject Data, List<string> Served) Execute(string operation, string document, JsonObject variables)
    {
        string? Text(string name) => variables[name]?.GetValue<string>();
        int Int(string name) => variables[name]!.GetValue<int>();
        switch (operation)
        {
            case "ShopifyCustomers":
            {
                RequireUpdatedAtSort(variables);
                var (page, pageInfo) = Paginate(Data.Customers.Where(c => Matches(Text("query"), c.UpdatedAt)).OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id, StringComparer.Ordinal)
                    .Select(c => (c.UpdatedAt, c.Id, Item: c)).ToList(), Int("first"), Text("after"));
                return (new JsonObject { ["customers"] = new JsonObject { ["nodes"] = Array(page.Select(Customer)), ["pageInfo"] = pageInfo } }, page.Select(c => c.Id).ToList());
            }
            case "ShopifyOrders":
            {
                RequireUpdatedAtSort(variables);
                var (page, pageInfo) = Paginate(Data.Orders.Where(o => Matches(Text("query"), o.UpdatedAt)).OrderBy(o => o.UpdatedAt).ThenBy(o => o.Id, StringComparer.Ordinal)
                    .Select(o => (o.UpdatedAt, o.Id, Item: o)).ToList(), Int("first"), Text("after"));
                var lines = Int("lines");
                var refunds = Int("refunds");
                var nodes = page.Select(o =>
                {
                    var order = Order(o);
                    order["lineItems"] = LinePage(o.Lines, lines, null);
                    order["refunds"] = Array(o.Refunds.Take(refunds).Select(Refund));
                    return order;
                });
                return (new JsonObject { ["orders"] = new JsonObject { ["nodes"] = Array(nodes), ["pageInfo"] = pageInfo } }, page.Select(o => o.Id).ToList());
            }
            case "ShopifyOrderLineItems":
            {
                var order = Data.Orders.Single(o => o.Id == Text("id"));
                return (new JsonObject { ["node"] = new JsonObject { ["lineItems"] = LinePage(order.Lines, Int("first"), Text("after")) } }, [order.Id]);
            }
            case "ShopifyOrderRefunds":
            {
                var order = Data.Orders.Single(o => o.Id == Text("id"));
                return (new JsonObject { ["node"] = new JsonObject { ["refunds"] = Array(order.Refunds.Select(Refund)) } }, [order.Id]);
            }
            case "ShopifyRefundLines":
            {
                var ids = variables["ids"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();
                var refunds = Data.Orders.SelectMany(o => o.Refunds).Where(r => ids.Contains(r.Id)).ToDictionary(r => r.Id);
                var nodes = ids.Select(id => refunds.TryGetValue(id, out var r)
                    ? new JsonObject { ["id"] = r.Id, ["refundLineItems"] = RefundLinePage(r, Int("first"), null) }
                    : null);
                return (new JsonObject { ["nodes"] = Array(nodes) }, ids);
            }
            case "ShopifyMoreRefundLines":
            {
                var refund = Data.Orders.SelectMany(o => o.Refunds).Single(r => r.Id == Text("id"));
                return (new JsonObject { ["node"] = new JsonObject { ["id"] = refund.Id, ["refundLineItems"] = RefundLinePage(refund, Int("first"), Text("after")) } }, [refund.Id]);
            }
            case "ShopifyCustomersCount":
                return (new JsonObject { ["count"] = CountOf(Data.Customers.Count(c => Matches(Text("query"), c.UpdatedAt))) }, []);
            case "ShopifyOrdersCount":
                return (new JsonObject { ["count"] = CountOf(Data.Orders.Count(o => Matches(Text("query"), o.UpdatedAt))) }, []);
            case "ShopifyLocations":
            {
                var (page, pageInfo) = Paginate(Data.Locations.Select(l => (DateTime.MinValue, l.Id, Item: l)).ToList(), Int("first"), Text("after"));
                var nodes = page.Select(l => new JsonObject { ["id"] = l.Id, ["name"] = l.Name, ["isActive"] = l.IsActive });
                return (new JsonObject { ["locations"] = new JsonObject { ["nodes"] = Array(nodes), ["pageInfo"] = pageInfo } }, page.Select(l => l.Id).ToList());
            }
            case "ShopifyBulkRun":
                return (new JsonObject { ["bulkOperationRunQuery"] = StartBulk(Text("query")!, document.Contains("groupObjects: true", StringComparison.Ordinal)) }, []);
            case "ShopifyCurrentBulk":
                return (new JsonObject { ["currentBulkOperation"] = _bulk.Count == 0 ? null : BulkNode(_bulk[^1], advance: false) }, []);
            case "ShopifyBulkStatus":
            {
                var bulk = _bulk.FirstOrDefault(b => b.Id == Text("id"));
                return (new JsonObject { ["node"] = bulk is null ? null : BulkNode(bulk, advance: true) }, []);
            }
            default:
                throw new InvalidOperationException($"The fake Shopify does not know {operation}.");
        }
    }

    private static void RequireUpdatedAtSort(JsonObject variables)
    {
        if (variables["sortKey"]?.GetValue<string>() != "UPDATED_AT")
        {
            throw new InvalidOperationException("A search on updated_at must sort on UPDATED_AT.");
        }
        if (variables["first"]!.GetValue<int>() is < 1 or > 250)
        {
            throw new InvalidOperationException("first must be 1–250.");
        }
    }

    /// <summary>Cursor pages over items sorted by (updated_at, id); the cursor is the last item's key. Stops at the pagination cap.</summary>
    private (List<T> Page, JsonObject PageInfo) Paginate<T>(List<(DateTime UpdatedAt, string Id, T Item)> sorted, int first, string? after)
    {
        var start = 0;
        if (after is not null)
        {
            var key = Encoding.UTF8.GetString(Convert.FromBase64String(after)).Split('|');
            var (at, id) = (new DateTime(long.Parse(key[0], CultureInfo.InvariantCulture), DateTimeKind.Utc), key[1]);
            start = sorted.FindIndex(s => s.UpdatedAt > at || (s.UpdatedAt == at && string.CompareOrdinal(s.Id, id) > 0));
            start = start < 0 ? sorted.Count : start;
        }
        var end = Math.Min(Math.Min(start + first, sorted.Count), Math.Max(start, PaginationCap));
        var page = sorted.GetRange(start, end - start);
        var last = page.Count > 0 ? page[^1] : default;
        return (page.Select(p => p.Item).ToList(), new JsonObject
        {
            ["hasNextPage"] = end < sorted.Count && end < PaginationCap,
            ["endCursor"] = page.Count == 0 ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{last.UpdatedAt.Ticks}|{last.Id}"))),
        });
    }

    /// <summary>Shopify's search syntax for updated_at, as far as the connector uses it: comparisons joined by AND.</summary>
    private static bool Matches(string? query, DateTime updatedAt)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return true;
        }
        var terms = UpdatedAtTerm().Matches(query);
        if (terms.Count == 0 || UpdatedAtTerm().Replace(query, "").Replace("AND", "", StringComparison.Ordinal).Trim().Length > 0)
        {
            throw new InvalidOperationException($"The fake Shopify cannot read the search '{query}'.");
        }
        foreach (Match term in terms)
        {
            var at = DateTime.Parse(term.Groups[2].Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            var ok = term.Groups[1].Value switch
            {
                ">=" => updatedAt >= at,
                "<=" => updatedAt <= at,
                ">" => updatedAt > at,
                _ => updatedAt < at,
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private static JsonObject CountOf(int count) => new() { ["count"] = count, ["precision"] = "EXACT" };

    private static JsonArray Array(IEnumerable<JsonNode?> nodes) => new([.. nodes]);

    private static string Time(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Money(long minor, string currency = "USD") => new()
    {
        ["shopMoney"] = new JsonObject { ["amount"] = (minor / 100m).ToString("0.00", CultureInfo.InvariantCulture), ["currencyCode"] = currency },
        ["presentmentMoney"] = new JsonObject { ["amount"] = (minor / 100m).ToString("0.00", CultureInfo.InvariantCulture), ["currencyCode"] = currency },
    };

    private static JsonObject Customer(FakeCustomer c) => new()
    {
        ["id"] = c.Id,
        ["firstName"] = c.FirstName,
        ["lastName"] = c.LastName,
        ["createdAt"] = Time(c.CreatedAt),
        ["updatedAt"] = Time(c.UpdatedAt),
        ["defaultEmailAddress"] = c.Email is null ? null : new JsonObject { ["emailAddress"] = c.Email, ["marketingState"] = c.EmailState },
        ["defaultPhoneNumber"] = c.Phone is null ? null : new JsonObject { ["phoneNumber"] = c.Phone, ["marketingState"] = c.SmsState },
    };

    private static JsonObject Order(FakeOrder o) => new()
    {
        ["id"] = o.Id,
        ["name"] = o.Name,
        ["createdAt"] = Time(o.CreatedAt),
        ["processedAt"] = Time(o.CreatedAt),
        ["updatedAt"] = Time(o.UpdatedAt),
        ["currencyCode"] = o.Currency,
        ["customer"] = o.CustomerId is null ? null : new JsonObject { ["id"] = o.CustomerId },
        ["retailLocation"] = o.LocationId is null ? null : new JsonObject { ["id"] = o.LocationId },
    };

    private static JsonObject LineItem(FakeLineItem l) => new()
    {
        ["id"] = l.Id,
        ["name"] = l.Name,
        ["sku"] = l.Sku,
        ["quantity"] = l.Quantity,
        ["product"] = new JsonObject { ["productType"] = l.ProductType },
        ["originalUnitPriceSet"] = Money(l.UnitMinor),
        ["totalDiscountSet"] = Money(l.DiscountMinor),
    };

    private static JsonObject Refund(FakeRefund r) => new()
    {
        ["id"] = r.Id,
        ["createdAt"] = Time(r.CreatedAt),
        ["totalRefundedSet"] = Money(r.TotalMinor),
    };

    private static JsonObject LinePage(List<FakeLineItem> lines, int first, string? after) => IndexPage(lines, first, after, LineItem);

    private static JsonObject RefundLinePage(FakeRefund refund, int first, string? after) => IndexPage(refund.Lines, first, after, l => new JsonObject
    {
        ["quantity"] = l.Quantity,
        ["priceSet"] = Money(l.UnitMinor),
        ["subtotalSet"] = Money(l.AmountMinor),
        ["lineItem"] = new JsonObject { ["id"] = l.Id, ["name"] = l.Name, ["product"] = new JsonObject { ["productType"] = l.ProductType } },
    });

    /// <summary>A nested connection's page: the cursor is the position.</summary>
    private static JsonObject IndexPage<T>(List<T> items, int first, string? after, Func<T, JsonObject> node)
    {
        var start = after is null ? 0 : int.Parse(after, CultureInfo.InvariantCulture);
        var end = Math.Min(items.Count, start + first);
        return new JsonObject
        {
            ["nodes"] = Array(items.Skip(start).Take(end - start).Select(node)),
            ["pageInfo"] = new JsonObject { ["hasNextPage"] = end < items.Count, ["endCursor"] = end.ToString(CultureInfo.InvariantCulture) },
        };
    }

    private JsonObject StartBulk(string query, bool grouped)
    {
        if (_bulk.Any(b => b.Status is "CREATED" or "RUNNING"))
        {
            return new JsonObject
            {
                ["bulkOperation"] = null,
                ["userErrors"] = new JsonArray(new JsonObject { ["field"] = null, ["message"] = "A bulk query operation for this app and shop is already in progress.", ["code"] = "OPERATION_IN_PROGRESS" }),
            };
        }
        var root = BulkRoot().Match(query);
        if (!root.Success)
        {
            return new JsonObject
            {
                ["bulkOperation"] = null,
                ["userErrors"] = new JsonArray(new JsonObject { ["field"] = new JsonArray("query"), ["message"] = "Invalid bulk query.", ["code"] = "INVALID" }),
            };
        }
        var operation = new BulkOperation(_bulk.Count + 1, query, root.Groups[1].Value, Regex.Unescape(root.Groups[2].Value), grouped && !IgnoreGroupObjects);
        _bulk.Add(operation);
        return new JsonObject
        {
            ["bulkOperation"] = new JsonObject { ["id"] = operation.Id, ["status"] = operation.Status, ["createdAt"] = Time(DateTime.UtcNow) },
            ["userErrors"] = new JsonArray(),
        };
    }

    /// <summary>The operation's state; each status poll brings it closer to done, and at completion its file is written.</summary>
    private JsonObject BulkNode(BulkOperation operation, bool advance)
    {
        if (advance && operation.Status is "CREATED" or "RUNNING")
        {
            operation.Polls++;
            operation.Status = operation.Polls >= BulkPollsUntilDone ? "COMPLETED" : "RUNNING";
            if (operation.Status == "COMPLETED")
            {
                operation.Result = BulkResult(operation);
            }
        }
        return new JsonObject
        {
            ["id"] = operation.Id,
            ["status"] = operation.Status,
            ["errorCode"] = null,
            ["objectCount"] = (operation.Result?.Count(c => c == '\n') ?? operation.Polls * 10).ToString(CultureInfo.InvariantCulture),
            ["url"] = operation.Status == "COMPLETED" && operation.Result is { Length: > 0 } ? $"{BaseUrl}/bulk/{operation.Number}.jsonl" : null,
            ["partialDataUrl"] = null,
            ["query"] = operation.Query,
            ["createdAt"] = Time(DateTime.UtcNow),
        };
    }

    private string BulkResult(BulkOperation operation)
    {
        var lines = new StringBuilder();
        if (operation.Root == "customers")
        {
            foreach (var customer in Data.Customers.Where(c => Matches(operation.Search, c.UpdatedAt)))
            {
                lines.Append(Customer(customer).ToJsonString()).Append('\n');
            }
            return lines.ToString();
        }
        var children = new StringBuilder();
        foreach (var order in Data.Orders.Where(o => Matches(operation.Search, o.UpdatedAt)))
        {
            var node = Order(order);
            node["refunds"] = Array(order.Refunds.Select(Refund));
            lines.Append(node.ToJsonString()).Append('\n');
            foreach (var line in order.Lines)
            {
                var child = LineItem(line);
                child["__parentId"] = order.Id;
                (operation.Grouped ? lines : children).Append(child.ToJsonString()).Append('\n');
            }
        }
        return lines.Append(children).ToString();
    }

    [GeneratedRegex(@"^\s*(?:query|mutation)\s+(\w+)")]
    private static partial Regex OperationName();

    [GeneratedRegex(@"updated_at:(>=|<=|>|<)'([^']+)'")]
    private static partial Regex UpdatedAtTerm();

    [GeneratedRegex("""(customers|orders)\(query:\s*"((?:[^"\\]|\\.)*)"\)""")]
    private static partial Regex BulkRoot();

    private sealed class BulkOperation(int number, string query, string root, string search, bool grouped)
    {
        public int Number { get; } = number;
        public string Id { get; } = string.Create(CultureInfo.InvariantCulture, $"gid://shopify/BulkOperation/{9000 + number}");
        public string Query { get; } = query;
        public string Root { get; } = root;
        public string Search { get; } = search;
        public bool Grouped { get; } = grouped;
        public string Status { get; set; } = "CREATED";
        public int Polls { get; set; }
        public string? Result { get; set; }
    }
}
