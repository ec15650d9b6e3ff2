using System.Text.RegularExpressions;
using LoyaltyConsole.Data;
using LoyaltyConsole.Jobs;

namespace LoyaltyConsole.Tests.Jobs;

public sealed partial class QuartzSchemaTests
{
    /// <summary>Quartz's tables (table prefix QRTZ_), the same on every server database.</summary>
    private static readonly string[] QuartzTables =
    [
        "QRTZ_BLOB_TRIGGERS", "QRTZ_CALENDARS", "QRTZ_CRON_TRIGGERS", "QRTZ_FIRED_TRIGGERS", "QRTZ_JOB_DETAILS", "QRTZ_LOCKS",
        "QRTZ_PAUSED_TRIGGER_GRPS", "QRTZ_SCHEDULER_STATE", "QRTZ_SIMPLE_TRIGGERS", "QRTZ_SIMPROP_TRIGGERS", "QRTZ_TRIGGERS",
    ];

    [Theory]
    [InlineData(DatabaseProvider.PostgreSql)]
    [InlineData(DatabaseProvider.SqlServer)]
    public void Each_server_script_creates_every_Quartz_table_and_only_creates(DatabaseProvider provider)
    {
        var statements = QuartzSchema.Statements(QuartzSchema.Script(provider));

        // Run against a database that already holds data: nothing may drop, delete, truncate or alter.
        Assert.All(statements, s => Assert.Matches(@"^CREATE (TABLE|INDEX) ", s));
        var tables = statements.Select(s => CreateTable().Match(s)).Where(m => m.Success).Select(m => m.Groups[1].Value.ToUpperInvariant()).Order();
        Assert.Equal(QuartzTables, tables);
        Assert.Contains(QuartzSchema.MarkerTable, QuartzTables);
    }

    [Fact]
    public void SQLite_has_no_Quartz_tables_to_create()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => QuartzSchema.Script(DatabaseProvider.Sqlite));
    }

    [GeneratedRegex(@"^CREATE TABLE (\w+) \(", RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();
}
