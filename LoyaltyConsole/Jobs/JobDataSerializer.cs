using System.Globalization;
using System.Text.Json;
using Quartz;
using Quartz.Spi;

namespace LoyaltyConsole.Jobs;

/// <summary>
/// How the clustered job store writes job and trigger data. Quartz 3 ships only a BinaryFormatter serializer, which .NET no
/// longer runs, and its JSON serializer package for 3.x is not available to this app; what the app stores is a job data map
/// of a few strings (who ran a job now), so this writes maps of strings and primitives as JSON and refuses anything else
/// (calendars, other objects) with a message naming it. Each value keeps its type: <c>{"triggeredBy":{"string":"ann@x"}}</c>.
/// </summary>
public sealed class JobDataSerializer : IObjectSerializer
{
    public void Initialize()
    {
    }

    public byte[] Serialize<T>(T obj)
        where T : class
    {
        if (obj is not JobDataMap map)
        {
            throw new NotSupportedException(
                $"The job store keeps only job data maps of strings and primitives; {obj.GetType().FullName} is not one (this app uses no calendars or other Quartz objects that need storing).");
        }
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (key, value) in map.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                json.WritePropertyName(key);
                WriteValue(json, key, value);
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a job data map; Quartz asks for it as an <see cref="System.Collections.IDictionary"/>.</summary>
    public T? DeSerialize<T>(byte[] data)
        where T : class
    {
        if (!typeof(T).IsAssignableFrom(typeof(JobDataMap)))
        {
            throw new NotSupportedException($"The job store keeps only job data maps; it cannot read a {typeof(T).FullName}.");
        }
        var map = new JobDataMap();
        using var document = JsonDocument.Parse(data);
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            map[entry.Name] = ReadValue(entry)!;
        }
        return (T)(object)map;
    }

    private static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        if (value is null)
        {
            json.WriteNullValue();
            return;
        }
        json.WriteStartObject();
        switch (value)
        {
            case string s:
                json.WriteString("string", s);
                break;
            case bool b:
                json.WriteBoolean("bool", b);
                break;
            case int i:
                json.WriteNumber("int", i);
                break;
            case long l:
                json.WriteNumber("long", l);
                break;
            case double d:
                // Written as text: JSON numbers have no NaN or infinity, and "R" round-trips every other double exactly.
                json.WriteString("double", d.ToString("R", CultureInfo.InvariantCulture));
                break;
            case decimal m:
                json.WriteString("decimal", m.ToString(CultureInfo.InvariantCulture));
                break;
            default:
                throw new NotSupportedException(
                    $"Job data '{key}' is a {value.GetType().FullName}; the job store keeps only strings, booleans, int, long, double and decimal.");
        }
        json.WriteEndObject();
    }

    private static object? ReadValue(JsonProperty entry)
    {
        if (entry.Value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var typed = entry.Value.EnumerateObject().Single();
        return typed.Name switch
        {
            "string" => typed.Value.GetString(),
            "bool" => typed.Value.GetBoolean(),
            "int" => typed.Value.GetInt32(),
            "long" => typed.Value.GetInt64(),
            "double" => double.Parse(typed.Value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
            "decimal" => decimal.Parse(typed.Value.GetString()!, NumberStyles.Number, CultureInfo.InvariantCulture),
            _ => throw new NotSupportedException($"Job data '{entry.Name}' is stored as '{typed.Name}', which this version cannot read."),
        };
    }
}
