using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LoyaltyConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace LoyaltyConsole.Tests.EndToEnd;

/// <summary>
/// An Admin in a real browser: adds a CSV connection, uploads a till's transactions export whose amount column the
/// import cannot recognise, maps it by hand, imports with progress shown, and downloads the report of skipped rows.
/// </summary>
public sealed class ImportJourneyTests
{
    private const int GoodRows = 3_000;
    private static readonly string[] NoCustomerLines = ["502", "1203", "2904"];

    [Fact]
    public async Task Admin_uploads_a_transactions_file_maps_a_column_sees_progress_and_the_result_and_downloads_the_report()
    {
        await using var session = await BrowserSession.StartAsync(clients: 60);
        var page = session.Page;
        var ct = TestContext.Current.CancellationToken;
        var (file, dollars) = WriteExport();
        try
        {
            await session.LogInAsync(TestUsers.Admin.Email);
            await session.GotoAsync("/admin/connections");
            await session.WaitForCircuitAsync();
            await page.Locator("#new-connection").ClickAsync();
            await page.Locator("#connection-name").FillAsync("Till exports");
            await page.Locator("#connection-source").FillAsync("till");
            await page.Locator("#save-connection").ClickAsync();
            await Assertions.Expect(page.Locator("#connections-table")).ToContainTextAsync("Till exports");
            await session.ScreenshotAsync("admin-connections.png");
            await page.Locator("#import-files").ClickAsync();

            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/connections/\\d+/import$"));
            await session.WaitForCircuitAsync();
            await page.Locator("#file-transactions").SetInputFilesAsync(file);
            // "Takings" is no header the import knows for an amount: the file fits no layout, and the Admin maps it.
            await Assertions.Expect(page.Locator(".import-file-error")).ToContainTextAsync("choose the file's column for Amount");
            await Assertions.Expect(page.Locator("#start-import")).ToBeDisabledAsync();
            // MudSelect keeps the id on a hidden input: the select around it opens the list.
            await page.Locator("div.mud-input-control.mud-select").Filter(new LocatorFilterOptions { Has = page.Locator("#map-transactions-Amount") }).ClickAsync();
            await page.Locator(".mud-popover-open").GetByText("Takings", new LocatorGetByTextOptions { Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#preview-transactions")).ToContainTextAsync("Read as a custom mapping");
            await Assertions.Expect(page.Locator("#rows-transactions")).ToContainTextAsync("12.50");
            await Assertions.Expect(page.Locator(".import-file-error")).ToHaveCountAsync(0);
            await session.ScreenshotAsync("admin-import-mapping.png");

            await page.Locator("#start-import").ClickAsync();
            await Assertions.Expect(page.Locator("#import-progress")).ToContainTextAsync("rows read", new LocatorAssertionsToContainTextOptions { Timeout = 60_000 });
            var result = page.Locator("#import-result");
            await Assertions.Expect(result).ToContainTextAsync("Import finished", new LocatorAssertionsToContainTextOptions { Timeout = 120_000 });
            // New: the visits, and the customers the file brought (a transactions file creates its customers by id).
            await Assertions.Expect(result).ToContainTextAsync($"{GoodRows + GoodRows / 10:N0} new");
            await Assertions.Expect(result).ToContainTextAsync($"{GoodRows:N0} visits and 0 returns");
            await Assertions.Expect(result).ToContainTextAsync($"{NoCustomerLines.Length} skipped");
            await Assertions.Expect(page.Locator("#import-progress")).ToContainTextAsync($"{GoodRows + NoCustomerLines.Length:N0} rows read");
            await page.Locator("#download-report").ScrollIntoViewIfNeededAsync();
            await session.ScreenshotAsync("admin-import-result.png");

            var href = await page.Locator("#download-report").GetAttributeAsync("href");
            var report = await page.APIRequest.GetAsync($"{session.BaseUrl}/{href!.TrimStart('/')}");
            Assert.Equal(200, report.Status);
            Assert.StartsWith("text/csv", report.Headers["content-type"], StringComparison.Ordinal);
            var lines = Encoding.UTF8.GetString(await report.BodyAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("file,line,outcome,reason,row", lines[0]);
            Assert.Equal(NoCustomerLines, lines.Skip(1).Select(l => l.Split(',')[1]));
            Assert.All(lines.Skip(1), l => Assert.Contains("Skipped", l, StringComparison.Ordinal));

            await using var db = await session.App.CreateDbContextAsync();
            var visits = await db.Visits.Where(v => v.Source == "till").ToListAsync(ct);
            Assert.Equal(GoodRows, visits.Count);
            Assert.Equal(dollars, visits.Sum(v => v.TotalMinor));
            Assert.Equal(GoodRows / 10, await db.Clients.CountAsync(c => c.Source == "till", ct));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A till's export: customer id, date and takings; three rows have no customer id.</summary>
    private static (string Path, long TotalMinor) WriteExport()
    {
        var path = Path.Combine(Path.GetTempPath(), $"till-{Guid.NewGuid():N}.csv");
        var csv = new StringBuilder("customer id,date,Takings\r\n");
        long total = 0;
        var line = 1;
        for (var i = 0; i < GoodRows; i++)
        {
            if (NoCustomerLines.Contains((line + 1).ToString(CultureInfo.InvariantCulture)))
            {
                csv.Append(",2026-03-01,9.99\r\n");
                line++;
            }
            var cents = 1_250 + i % 97 * 25;
            total += cents;
            csv.Append(CultureInfo.InvariantCulture, $"C{i % (GoodRows / 10):0000},2026-{1 + i % 9:00}-{1 + i % 28:00},{cents / 100m:0.00}\r\n");
            line++;
        }
        File.WriteAllText(path, csv.ToString());
        return (path, total);
    }
}
