using System.Text;
using System.Text.Json.Nodes;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Reports;
using TransferDetect.Tests;
using Xunit;
using static TransferDetect.Engine.Tests.ReportSamples;

namespace TransferDetect.Engine.Tests;

/// <summary>
/// The HTML report in a real browser: Debian's chromium, headless, driven over the DevTools protocol.
/// The screenshot and the page are kept in TestResults/ at the repository root (their paths are in the
/// test output). Without chromium the tests skip, and fail under CI=true.
/// </summary>
public class HtmlReportBrowserTests
{
    private static string ResultsFolder()
    {
        string dir = Path.Combine(RepoPaths.Root, "TestResults");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A case-like report: the sample hunt's kinds of findings, an incident, and every hostile payload.</summary>
    private static void WriteCase(HtmlReportWriter w)
    {
        var t = new DateTime(2026, 11, 2, 9, 1, 12, DateTimeKind.Utc);
        w.Write(Incident("inc-snap-0a1b", Finding(time: t), Finding(time: t.AddMinutes(40), resourceId: "snap-0a1b2c3d4e5f60719")));
        w.Write(Finding(grantee: "all", granteeType: GranteeType.Public, severity: Severity.Critical, time: t.AddHours(5), resourceId: "snap-0badc0ffee0000001"));
        w.Write(Finding(grantee: "all", granteeType: GranteeType.Public, severity: Severity.Critical, time: t.AddHours(2.4), resourceId: "orders-aurora-final", resourceType: "RdsClusterSnapshot"));
        w.Write(Finding(grantee: "999988887777", severity: Severity.Low, succeeded: false, time: t.AddHours(2.3), resourceId: "customers-prod-2026-11-01", resourceType: "RdsSnapshot"));
        w.Write(Finding(grantee: "partner.drop@fabrikam-mail.net", granteeType: GranteeType.User, provider: Provider.M365, resourceType: "File", time: t.AddHours(3.1), resourceId: "https://contoso.sharepoint.com/sites/finance/q3.xlsx"));
        w.Write(Finding(grantee: "anyone", granteeType: GranteeType.AnonymousLink, provider: Provider.M365, severity: Severity.Critical, resourceType: "File", time: t.AddHours(3.0)));
        HtmlReportTests.WriteHostile(w);
    }

    private const string Probe = """
        JSON.stringify({
          pwned: typeof window.__pwned === 'undefined' ? null : window.__pwned,
          title: document.title,
          active: document.querySelectorAll('script, img, iframe, object, embed, link[rel=stylesheet], svg svg, [onload], [onerror]').length,
          svgs: document.querySelectorAll('svg').length,
          marks: document.querySelectorAll('#timeline-chart circle.mark').length,
          drawnMarks: Array.from(document.querySelectorAll('#timeline-chart circle.mark')).filter(c => { const b = c.getBoundingClientRect(); return b.width > 0 && b.height > 0; }).length,
          chartWidth: document.getElementById('timeline-chart').getBoundingClientRect().width,
          rows: document.querySelectorAll('#timeline-chart text.grantee').length,
          cells: Array.from(document.querySelectorAll('td')).map(td => td.textContent),
          tips: Array.from(document.querySelectorAll('#timeline-chart circle.mark > title')).map(t => t.textContent),
          findingRows: document.querySelectorAll('#finding-table tbody tr').length,
          incidentRows: document.querySelectorAll('#incident-table tbody tr').length,
        })
        """;

    private static async Task<JsonObject> OpenAndProbe(HeadlessChromium browser, string file, CancellationToken ct)
    {
        await browser.OpenAsync(file, ct);
        var value = await browser.EvaluateAsync(Probe, ct);
        return (JsonObject)JsonNode.Parse(value!.GetValue<string>())!;
    }

    private static void AssertNothingRanAndPayloadsAreText(JsonObject page, string expectedTitle)
    {
        Assert.Null(page["pwned"]);
        Assert.Equal(expectedTitle, page["title"]!.GetValue<string>());
        Assert.Equal(0, page["active"]!.GetValue<int>());
        Assert.Equal(1, page["svgs"]!.GetValue<int>());
        var cells = page["cells"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        var tips = page["tips"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        foreach (string p in Payloads)
        {
            // The browser shows each payload as the very characters of the log (the bidi override made visible).
            string shown = p.Replace("\u202E", "[U+202E]");
            Assert.Contains(shown, cells);
            Assert.Contains(tips, tip => tip.EndsWith(" to " + shown, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Html_report_loads_in_chromium_without_console_errors_draws_the_chart_and_runs_nothing_from_the_logs()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        string results = ResultsFolder();
        string page = Path.Combine(results, "html-report.html");
        using (var file = new FileStream(page, FileMode.Create, FileAccess.Write))
        using (var w = new HtmlReportWriter(file))
        {
            WriteCase(w);
            w.Complete();
        }
        // The same page without its Content-Security-Policy: the encoding alone must keep the payloads inert.
        string html = File.ReadAllText(page, Encoding.UTF8);
        int cspAt = html.IndexOf("<meta http-equiv=\"Content-Security-Policy\"", StringComparison.Ordinal);
        Assert.True(cspAt > 0);
        string withoutCsp = html.Remove(cspAt, html.IndexOf('\n', cspAt) + 1 - cspAt);
        Assert.DoesNotContain("Content-Security-Policy", withoutCsp);
        string pageWithoutCsp = Path.Combine(results, "html-report-no-csp.html");
        File.WriteAllText(pageWithoutCsp, withoutCsp, new UTF8Encoding(false));

        await using var browser = await HeadlessChromium.StartAsync(1400, 1000, ct);

        var withPolicy = await OpenAndProbe(browser, page, ct);
        var problems = browser.Problems();
        foreach (string m in browser.AllMessages()) output?.WriteLine("browser: " + m);
        Assert.Empty(problems);
        AssertNothingRanAndPayloadsAreText(withPolicy, "TransferDetect report");
        // 7 findings of the case (2 in the incident) + 4 hostile findings + 1 of the hostile incident: one mark each.
        Assert.Equal(12, withPolicy["findingRows"]!.GetValue<int>());
        Assert.Equal(2, withPolicy["incidentRows"]!.GetValue<int>());
        Assert.Equal(12, withPolicy["marks"]!.GetValue<int>());
        Assert.Equal(12, withPolicy["drawnMarks"]!.GetValue<int>());
        Assert.True(withPolicy["chartWidth"]!.GetValue<double>() > 500);
        Assert.Equal(8, withPolicy["rows"]!.GetValue<int>()); // distinct grantees: 999988887777, all, the guest, anyone, and the 4 payloads

        byte[] png = await browser.ScreenshotAsync(ct);
        Assert.True(png.Length > 10_000);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png.Take(4));
        string shot = Path.Combine(results, "html-report.png");
        File.WriteAllBytes(shot, png);
        output?.WriteLine("HTML report: " + page);
        output?.WriteLine("Screenshot of the HTML report in headless chromium: " + shot);
        TestContext.Current.AddAttachment("html-report.png", png, "image/png");

        var withoutPolicy = await OpenAndProbe(browser, pageWithoutCsp, ct);
        Assert.Empty(browser.Problems());
        AssertNothingRanAndPayloadsAreText(withoutPolicy, "TransferDetect report");
        Assert.Equal(12, withoutPolicy["marks"]!.GetValue<int>());
    }
}
