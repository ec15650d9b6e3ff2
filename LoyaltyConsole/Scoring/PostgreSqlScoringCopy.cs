using LoyaltyConsole.Data;
using Npgsql;
using NpgsqlTypes;

namespace LoyaltyConsole.Scoring;

/// <summary>
/// PostgreSQL's binary COPY for what a segmentation run writes per client: a million score rows and memberships in
/// seconds, where EF Core's inserts took minutes and held every row in its change tracker. Per-provider SQL: column
/// names as the PostgreSQL migrations create them; ids come from the identity columns.
/// </summary>
internal static class PostgreSqlScoringCopy
{
    public static bool Supports(ApplicationDbContext db) => db.Database.GetDbConnection() is NpgsqlConnection;

    /// <summary>Writes on the command's connection, in its transaction.</summary>
    public static async Task WriteScoresAsync(ApplicationDbContext db, IReadOnlyList<ClientScore> scores, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY \"ClientScores\" (\"ClientId\", \"AsOf\", \"ModelFitId\", \"HomeLocationId\", \"Visits\", \"DaysSinceLastVisit\", \"TenureDays\", " +
            "\"AverageSpendMinor\", \"Visits12Months\", \"Spend12MonthsMinor\", \"MeanIntervalDays\", \"IntervalStdDevDays\", \"LapseAfter\", " +
            "\"IsOverdue\", \"FavouriteCategory\", \"FavouriteStaffId\", \"RetailAttachRate\", \"TopBrand\", \"PointsBalance\", " +
            "\"PointsExpiring30Days\", \"PointsToNextReward\", \"ProbabilityAlive\", \"ExpectedVisits90Days\", \"PredictedValueMinor\", " +
            "\"RfmRecency\", \"RfmFrequency\", \"RfmMonetary\", \"RfmSegment\", \"EligibleTierId\", \"NextTierId\", \"EligibleForTierUpgrade\", " +
            "\"TierRationale\") FROM STDIN (FORMAT BINARY)", ct);
        foreach (var s in scores)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(s.ClientId, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.AsOf, NpgsqlDbType.Date, ct);
            await writer.WriteAsync(s.ModelFitId, NpgsqlDbType.Bigint, ct);
            await writer.WriteAsync(s.HomeLocationId, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.Visits, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.DaysSinceLastVisit, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.TenureDays, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.AverageSpendMinor, NpgsqlDbType.Bigint, ct);
            await writer.WriteAsync(s.Visits12Months, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.Spend12MonthsMinor, NpgsqlDbType.Bigint, ct);
            await WriteOrNullAsync(writer, s.MeanIntervalDays, NpgsqlDbType.Double, ct);
            await WriteOrNullAsync(writer, s.IntervalStdDevDays, NpgsqlDbType.Double, ct);
            await WriteOrNullAsync(writer, s.LapseAfter, NpgsqlDbType.TimestampTz, ct);
            await writer.WriteAsync(s.IsOverdue, NpgsqlDbType.Boolean, ct);
            await WriteOrNullAsync(writer, s.FavouriteCategory, NpgsqlDbType.Varchar, ct);
            await WriteOrNullAsync(writer, s.FavouriteStaffId, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.RetailAttachRate, NpgsqlDbType.Double, ct);
            await WriteOrNullAsync(writer, s.TopBrand, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(s.PointsBalance, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.PointsExpiring30Days, NpgsqlDbType.Integer, ct);
            await WriteOrNullAsync(writer, s.PointsToNextReward, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.ProbabilityAlive, NpgsqlDbType.Double, ct);
            await writer.WriteAsync(s.ExpectedVisits90Days, NpgsqlDbType.Double, ct);
            await writer.WriteAsync(s.PredictedValueMinor, NpgsqlDbType.Bigint, ct);
            await writer.WriteAsync(s.RfmRecency, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.RfmFrequency, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.RfmMonetary, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.RfmSegment, NpgsqlDbType.Varchar, ct);
            await WriteOrNullAsync(writer, s.EligibleTierId, NpgsqlDbType.Integer, ct);
            await WriteOrNullAsync(writer, s.NextTierId, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.EligibleForTierUpgrade, NpgsqlDbType.Boolean, ct);
            await writer.WriteAsync(s.TierRationale, NpgsqlDbType.Varchar, ct);
        }
        await writer.CompleteAsync(ct);
    }

    /// <summary>Opens a membership of <paramref name="segmentId"/> on <paramref name="enteredOn"/> for each client.</summary>
    public static async Task WriteMembershipsAsync(ApplicationDbContext db, int segmentId, IReadOnlyList<int> clientIds, DateOnly enteredOn, CancellationToken ct)
    {
        if (clientIds.Count == 0)
        {
            return;
        }
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY \"SegmentMemberships\" (\"SegmentId\", \"ClientId\", \"EnteredOn\") FROM STDIN (FORMAT BINARY)", ct);
        foreach (var clientId in clientIds)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(segmentId, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(clientId, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(enteredOn, NpgsqlDbType.Date, ct);
        }
        await writer.CompleteAsync(ct);
    }

    private static Task WriteOrNullAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : class =>
        value is null ? writer.WriteNullAsync(ct) : writer.WriteAsync(value, type, ct);

    private static Task WriteOrNullAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : struct =>
        value is { } v ? writer.WriteAsync(v, type, ct) : writer.WriteNullAsync(ct);
}
