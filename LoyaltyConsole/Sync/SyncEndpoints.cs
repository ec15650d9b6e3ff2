using System.Globalization;
using System.Text;
using LoyaltyConsole.Data;
using LoyaltyConsole.Identity;

namespace LoyaltyConsole.Sync;

public static class SyncEndpoints
{
    /// <summary><c>GET /admin/connections/runs/{id}/report.csv</c>: every skipped, failed or warned row of a run, for an Admin.</summary>
    public static WebApplication MapSyncEndpoints(this WebApplication app)
    {
        app.MapGet("/admin/connections/runs/{id:long}/report.csv", async (long id, ApplicationDbContext db, CancellationToken ct) =>
        {
            if (!await db.SyncRuns.AnyAsync(r => r.Id == id, ct))
            {
                return Results.NotFound();
            }
            var csv = await ReportAsync(db, id, ct);
            return Results.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray(), "text/csv; charset=utf-8",
                $"sync-run-{id}-report.csv");
        }).RequireAuthorization(Policies.ManageConnections);
        return app;
    }

    /// <summary>The run's report: one CSV row per skipped, failed or warned row, in file and line order.</summary>
    public static async Task<string> ReportAsync(ApplicationDbContext db, long runId, CancellationToken ct)
    {
        var issues = await db.SyncIssues.AsNoTracking().Where(i => i.SyncRunId == runId).OrderBy(i => i.File).ThenBy(i => i.Line).ThenBy(i => i.Id).ToListAsync(ct);
        var csv = new StringBuilder("file,line,outcome,reason,row\r\n");
        foreach (var issue in issues)
        {
            csv.Append(Cell(issue.File)).Append(',').Append(issue.Line.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Cell(issue.Kind.ToString())).Append(',').Append(Cell(issue.Reason)).Append(',').Append(Cell(issue.Raw)).Append("\r\n");
        }
        return csv.ToString();
    }

    /// <summary>A CSV cell, quoted when needed; text that a spreadsheet would run as a formula is prefixed with a quote.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}
