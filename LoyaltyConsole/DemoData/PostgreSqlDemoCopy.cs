using LoyaltyConsole.Data;
using LoyaltyConsole.Domain.Clients;
using LoyaltyConsole.Domain.Visits;
using Npgsql;
using NpgsqlTypes;

namespace LoyaltyConsole.DemoData;

/// <summary>
/// PostgreSQL's binary COPY for the demo's bulk tables (clients, visits, visit lines, ledger entries, tier changes): a
/// million clients in minutes instead of hours. Rows carry the ids the seeder assigned them, counted on from the
/// tables' current maximum, so visits, lines and ledger entries can name each other before anything is saved; the
/// identity sequences are moved past them at the end. Per-provider SQL: column names as the PostgreSQL migrations
/// create them. Audit entries never come this way; they are a chain appended through <see cref="CommandRunner"/>.
/// </summary>
internal static class PostgreSqlDemoCopy
{
    /// <summary>The next id of each bulk table.</summary>
    public sealed record Ids(int Client, long Visit, long Line, long Ledger, long TierChange);

    /// <summary>A batch of generated clients with their visits, and the ids its rows take from <see cref="First"/> on.</summary>
    public sealed class Batch
    {
        public Batch(Ids first, List<Client> clients, List<List<Visit>> visitsByClient)
        {
            First = first;
            Clients = clients;
            VisitsByClient = visitsByClient;
            After = new Ids(
                first.Client + clients.Count,
                first.Visit + visitsByClient.Sum(v => v.Count),
                first.Line + visitsByClient.Sum(v => v.Sum(x => x.Lines.Count)),
                first.Ledger + clients.Sum(c => c.Ledger.Count),
                first.TierChange + clients.Sum(c => c.TierHistory.Count));
        }

        public Ids First { get; }

        public Ids After { get; }

        public List<Client> Clients { get; }

        public List<List<Visit>> VisitsByClient { get; }
    }

    private static readonly string[] Tables = ["Clients", "Visits", "VisitLines", "LedgerEntries", "TierChanges"];

    public static bool Supports(ApplicationDbContext db) => db.Database.GetDbConnection() is NpgsqlConnection;

    public static async Task<Ids> NextIdsAsync(ApplicationDbContext db, CancellationToken ct)
    {
        var next = new long[Tables.Length];
        for (var i = 0; i < Tables.Length; i++)
        {
            // Table names are this class's constants, not input.
            var sql = $"SELECT COALESCE(MAX(\"Id\"), 0) + 1 AS \"Value\" FROM \"{Tables[i]}\"";
            next[i] = await db.Database.SqlQueryRaw<long>(sql).SingleAsync(ct);
        }
        return new Ids(checked((int)next[0]), next[1], next[2], next[3], next[4]);
    }

    /// <summary>Moves each identity sequence past the largest id, so the app's own inserts go on from there.</summary>
    public static async Task ResetIdentitiesAsync(ApplicationDbContext db, CancellationToken ct)
    {
        foreach (var table in Tables)
        {
            var sql = $"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'Id'), COALESCE(MAX(\"Id\"), 0) + 1, false) FROM \"{table}\"";
            await db.Database.ExecuteSqlRawAsync(sql, ct);
        }
    }

    /// <summary>Writes the batch on the command's connection, in its transaction.</summary>
    public static async Task WriteAsync(ApplicationDbContext db, Batch batch, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await WriteClientsAsync(connection, batch, ct);
        await WriteVisitsAsync(connection, batch, ct);
        await WriteLinesAsync(connection, batch, ct);
        await WriteLedgerAsync(connection, batch, ct);
        await WriteTierChangesAsync(connection, batch, ct);
    }

    private static async Task WriteClientsAsync(NpgsqlConnection connection, Batch batch, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY \"Clients\" (\"Id\", \"FirstName\", \"LastName\", \"Email\", \"PhoneE164\", \"Birthday\", \"HomeLocationId\", \"TierId\", " +
            "\"PointsBalance\", \"CreatedAt\", \"LastVisitAt\", \"Notes\", \"EmailConsent_ChangedAt\", \"EmailConsent_Granted\", " +
            "\"EmailConsent_Source\", \"SmsConsent_ChangedAt\", \"SmsConsent_Granted\", \"SmsConsent_Source\", \"Source\", \"ExternalId\") " +
            "FROM STDIN (FORMAT BINARY)", ct);
        var id = batch.First.Client;
        foreach (var c in batch.Clients)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(id++, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(c.FirstName, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(c.LastName, NpgsqlDbType.Varchar, ct);
            await WriteOrNullAsync(writer, c.Email, NpgsqlDbType.Varchar, ct);
            await WriteOrNullAsync(writer, c.PhoneE164, NpgsqlDbType.Varchar, ct);
            await WriteOrNullAsync(writer, c.Birthday, NpgsqlDbType.Date, ct);
            await writer.WriteAsync(c.HomeLocationId, NpgsqlDbType.Integer, ct);
            await WriteOrNullAsync(writer, c.TierId, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(c.PointsBalance, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(c.CreatedAt, NpgsqlDbType.TimestampTz, ct);
            await WriteOrNullAsync(writer, c.LastVisitAt, NpgsqlDbType.TimestampTz, ct);
            await WriteOrNullAsync(writer, c.Notes, NpgsqlDbType.Varchar, ct);
            await WriteConsentAsync(writer, c.EmailConsent, ct);
            await WriteConsentAsync(writer, c.SmsConsent, ct);
            await writer.WriteAsync(c.Source, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(c.ExternalId, NpgsqlDbType.Varchar, ct);
        }
        await writer.CompleteAsync(ct);
    }

    private static async Task WriteVisitsAsync(NpgsqlConnection connection, Batch batch, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY \"Visits\" (\"Id\", \"ClientId\", \"LocationId\", \"OccurredAt\", \"Currency\", \"TotalMinor\", \"Source\", \"ExternalId\") " +
            "FROM STDIN (FORMAT BINARY)", ct);
        var id = batch.First.Visit;
        for (var i = 0; i < batch.Clients.Count; i++)
        {
            var clientId = batch.First.Client + i;
            foreach (var v in batch.VisitsByClient[i])
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(id++, NpgsqlDbType.Bigint, ct);
                await writer.WriteAsync(clientId, NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(v.LocationId, NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(v.OccurredAt, NpgsqlDbType.TimestampTz, ct);
                await writer.WriteAsync(v.Currency, NpgsqlDbType.Char, ct);
                await writer.WriteAsync(v.TotalMinor, NpgsqlDbType.Bigint, ct);
                await writer.WriteAsync(v.Source, NpgsqlDbType.Varchar, ct);
                await writer.WriteAsync(v.ExternalId, NpgsqlDbType.Varchar, ct);
            }
        }
        await writer.CompleteAsync(ct);
    }

    private static async Task WriteLinesAsync(NpgsqlConnection connection, Batch batch, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY \"VisitLines\" (\"Id\", \"VisitId\", \"Kind\", \"Item\", \"Category\", \"Brand\", \"StaffId\", \"Quantity\", " +
            "\"UnitPriceMinor\", \"DiscountMinor\", \"AmountMinor\") FROM STDIN (FORMAT BINARY)", ct);
        var id = batch.First.Line;
        var visitId = batch.First.Visit;
        foreach (var v in batch.VisitsByClient.SelectMany(visits => visits))
        {
            foreach (var l in v.Lines)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(id++, NpgsqlDbType.Bigint, ct);
                await writer.WriteAsync(visitId, NpgsqlDbType.Bigint, ct);
                await writer.WriteAsync(l.Kind.ToString(), NpgsqlDbType.Varchar, ct);
                await writer.WriteAsync(l.Item, NpgsqlDbType.Varchar, ct);
                await writer.WriteAsync(l.Category, NpgsqlDbType.Varchar, ct);
                await WriteOrNullAsync(writer, l.Brand, NpgsqlDbType.Varchar, ct);
                await WriteOrNullAsync(writer, l.StaffId, NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(l.Quantity, NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(l.UnitPriceMinor, NpgsqlDbType.Bigint, ct);
                await writer.WriteAsync(l.DiscountMinor, NpgsqlDbType.Bigint, ct);
                await writer.WriteAsync(l.AmountMinor, NpgsqlDbType.Bigint, ct);
            }
            visitId++;
        }
        await writer.CompleteAsync(ct);
    }

    private static async Task WriteLedgerAsync(NpgsqlConnection connection, Batch batch, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY \"LedgerEntries\" (\"Id\", \"ClientId\", \"Kind\", \"Points\", \"MoneyValueMinor\", \"OccurredAt\", \"VisitId\", \"Reason\", " +
            "\"Source\", \"ExternalId\") FROM STDIN (FORMAT BINARY)", ct);
        var id = batch.First.Ledger;
        for (var i = 0; i < batch.Clients.Count; i++)
        {
            var clientId = batch.First.Client + i;
            foreach (var e in batch.Clients[i].Ledger)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(id++, NpgsqlDbType.Bigint, ct);
                await writer.WriteAsync(clientId, NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(e.Kind.ToString(), NpgsqlDbType.Varchar, ct);
                await writer.WriteAsync(e.Points, NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(e.MoneyValueMinor, NpgsqlDbType.Bigint, ct);
                await writer.WriteAsync(e.OccurredAt, NpgsqlDbType.TimestampTz, ct);
                await WriteOrNullAsync(writer, e.VisitId, NpgsqlDbType.Bigint, ct);
                await WriteOrNullAsync(writer, e.Reason, NpgsqlDbType.Varchar, ct);
                await writer.WriteAsync(e.Source, NpgsqlDbType.Varchar, ct);
                await writer.WriteAsync(e.ExternalId, NpgsqlDbType.Varchar, ct);
            }
        }
        await writer.CompleteAsync(ct);
    }

    private static async Task WriteTierChangesAsync(NpgsqlConnection connection, Batch batch, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY \"TierChanges\" (\"Id\", \"ClientId\", \"FromTierId\", \"ToTierId\", \"ChangedAt\", \"Reason\") FROM STDIN (FORMAT BINARY)", ct);
        var id = batch.First.TierChange;
        for (var i = 0; i < batch.Clients.Count; i++)
        {
            var clientId = batch.First.Client + i;
            foreach (var t in batch.Clients[i].TierHistory)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(id++, NpgsqlDbType.Bigint, ct);
                await writer.WriteAsync(clientId, NpgsqlDbType.Integer, ct);
                await WriteOrNullAsync(writer, t.FromTierId, NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(t.ToTierId, NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(t.ChangedAt, NpgsqlDbType.TimestampTz, ct);
                await writer.WriteAsync(t.Reason, NpgsqlDbType.Varchar, ct);
            }
        }
        await writer.CompleteAsync(ct);
    }

    private static async Task WriteConsentAsync(NpgsqlBinaryImporter writer, Consent consent, CancellationToken ct)
    {
        await WriteOrNullAsync(writer, consent.ChangedAt, NpgsqlDbType.TimestampTz, ct);
        await writer.WriteAsync(consent.Granted, NpgsqlDbType.Boolean, ct);
        await WriteOrNullAsync(writer, consent.Source, NpgsqlDbType.Varchar, ct);
    }

    private static Task WriteOrNullAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : class =>
        value is null ? writer.WriteNullAsync(ct) : writer.WriteAsync(value, type, ct);

    private static Task WriteOrNullAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : struct =>
        value is { } v ? writer.WriteAsync(v, type, ct) : writer.WriteNullAsync(ct);
}
