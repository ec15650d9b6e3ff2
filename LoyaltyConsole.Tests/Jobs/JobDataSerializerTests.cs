using System.Collections;
using System.Text;
using LoyaltyConsole.Jobs;
using Quartz;
using Quartz.Impl.Calendar;

namespace LoyaltyConsole.Tests.Jobs;

public sealed class JobDataSerializerTests
{
    private readonly JobDataSerializer _serializer = new();

    [Fact]
    public void A_job_data_map_of_strings_and_primitives_round_trips_with_each_value_type()
    {
        var map = new JobDataMap
        {
            [JobRunRecorder.TriggeredByKey] = "ann@example.com",
            ["unicode"] = "Zoë — 東京 \"quoted\"",
            ["flag"] = true,
            ["count"] = 42,
            ["big"] = long.MaxValue,
            ["ratio"] = 0.1 + 0.2,
            ["notANumber"] = double.NaN,
            ["money"] = 12345.6789m,
            ["nothing"] = null!,
        };

        // Quartz passes the map as an object and asks for it back as an IDictionary.
        var bytes = _serializer.Serialize<object>(map);
        var read = new JobDataMap(_serializer.DeSerialize<IDictionary>(bytes)!);

        Assert.Equal(map.Count, read.Count);
        foreach (var (key, value) in map)
        {
            Assert.Equal(value, read[key]);
            Assert.Equal(value?.GetType(), read[key]?.GetType());
        }
        Assert.Contains("\"triggeredBy\":{\"string\":\"ann@example.com\"}", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void A_calendar_is_refused_with_its_type_named()
    {
        var refused = Assert.Throws<NotSupportedException>(() => _serializer.Serialize<object>(new HolidayCalendar()));

        Assert.Contains(typeof(HolidayCalendar).FullName!, refused.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => _serializer.DeSerialize<ICalendar>("{}"u8.ToArray()));
    }

    [Fact]
    public void A_value_that_is_not_a_string_or_primitive_is_refused_with_its_key_named()
    {
        var map = new JobDataMap { ["when"] = DateTime.UtcNow };

        var refused = Assert.Throws<NotSupportedException>(() => _serializer.Serialize<object>(map));

        Assert.Contains("'when'", refused.Message, StringComparison.Ordinal);
    }
}
