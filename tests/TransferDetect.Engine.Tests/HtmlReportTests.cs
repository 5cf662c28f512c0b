using System.Text;
using System.Text.RegularExpressions;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Reports;
using Xunit;
using static TransferDetect.Engine.Tests.ReportSamples;

namespace TransferDetect.Engine.Tests;

public class HtmlReportTests
{
    internal static string Write(Action<HtmlReportWriter> write, HtmlReportOptions? options = null)
    {
        var ms = new MemoryStream();
        using (var w = new HtmlReportWriter(ms, options))
        {
            write(w);
            w.Complete();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Findings whose user agent, resource id and actor are each hostile payload, and an incident carrying them too.</summary>
    internal static void WriteHostile(HtmlReportWriter w)
    {
        var t = new DateTime(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc);
        int i = 0;
        foreach (string p in Payloads)
        {
            w.Write(Finding(grantee: p, actor: p, resourceId: p, userAgent: p, eventId: p, time: t.AddMinutes(10 * i++), reason: p, severity: Severity.Critical));
        }
        w.Write(new TransferIncident
        {
            IncidentId = ScriptPayload,
            Kind = IncidentKind.AnonymousLink,
            Provider = Provider.M365,
            AccountId = ImgPayload,
            Grantee = SvgPayload,
            Resources = Payloads,
            SourceIps = new[] { ImgPayload },
            Severity = Severity.High,
            Start = t,
            End = t.AddHours(2),
            StillOpen = true,
            Summary = MixedPayload,
            Findings = new[] { Finding(grantee: SvgPayload, actor: ImgPayload, resourceId: ScriptPayload, userAgent: SvgPayload, time: t.AddHours(2)) },
        });
    }

    private static int Occurrences(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    [Fact]
    public void Hostile_log_values_are_encoded_everywhere_and_no_markup_from_them_survives()
    {
        string html = Write(WriteHostile);
        // Nothing from the data opens an element: the page's own markup has no script, img or event handler.
        Assert.Equal(0, Occurrences(html.ToLowerInvariant(), "<script"));
        Assert.Equal(0, Occurrences(html.ToLowerInvariant(), "<img"));
        Assert.Equal(1, Occurrences(html.ToLowerInvariant(), "<svg"));
        // No tag of the page (a raw '<' is only ever the page's own) has an event handler attribute.
        var tags = Regex.Matches(html, "<[a-zA-Z][^>]*>").Select(m => m.Value).ToList();
        Assert.True(tags.Count > 100);
        Assert.DoesNotContain(tags, tag => Regex.IsMatch(tag, @"\son[a-z]+\s*=", RegexOptions.IgnoreCase));
        // The payloads are there, encoded: in table cells, in SVG text and in SVG tooltips.
        Assert.Contains("&lt;script&gt;window.__pwned=1&lt;/script&gt;", html);
        Assert.Contains("&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;", html);
        Assert.Contains("<title>Critical share at 2026-11-02 09:20:00 to &lt;/title&gt;&lt;svg onload=&quot;window.__pwned=3&quot;&gt;&lt;title&gt;</title>", html);
        Assert.Contains("it&#39;s &quot;quoted&quot;\nsecond line &amp; &lt;b&gt;bold&lt;/b&gt; été 中文 😀 [U+202E]evil", html);
        Assert.Equal(-1, html.IndexOf('\u202E'));
        // Every <title> in the SVG holds text only.
        foreach (Match m in Regex.Matches(html, "<title>(.*?)</title>", RegexOptions.Singleline)) Assert.DoesNotContain("<", m.Groups[1].Value);
    }

    [Fact]
    public void Encoder_escapes_markup_quotes_and_controls()
    {
        Assert.Equal("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;", HtmlText.Encode("<a href=\"x\" title='y'>&amp;"));
        Assert.Equal("a\uFFFDb\uFFFDc\td\ne", HtmlText.Encode("a\u0000b\u001Bc\td\ne"));
        Assert.Equal("x\uFFFDy", HtmlText.Encode("x\uD800y"));
        var lone = new StringWriter();
        HtmlText.Write(lone, "x\uDC00y");
        Assert.Equal("x\uFFFDy", lone.ToString());
        Assert.Equal("[U+202E]fdp.exe", HtmlText.Encode("\u202Efdp.exe"));
        Assert.Equal("", HtmlText.Encode(null));
    }

    [Theory]
    [InlineData("arn:aws:iam::111122223333:user/alice")]
    [InlineData("été 中文 😀")]
    [InlineData("a\u200Fb")]
    [InlineData("tab\there")]
    [InlineData("it's")]
    [InlineData("")]
    public void Writing_to_a_stream_gives_the_same_text_as_encoding(string value)
    {
        var w = new StringWriter();
        HtmlText.Write(w, value);
        Assert.Equal(HtmlText.Encode(value), w.ToString());
    }

    [Fact]
    public void Page_is_self_contained_with_a_strict_content_security_policy_first()
    {
        string html = Write(WriteHostile);
        int csp = html.IndexOf("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">", StringComparison.Ordinal);
        Assert.True(csp > 0 && csp < html.IndexOf("<title>", StringComparison.Ordinal));
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", html);
        // No address outside the page: the only URL is the SVG namespace, the only href the empty data: icon.
        Assert.Equal(new[] { "http://www.w3.org/2000/svg" }, Regex.Matches(html, @"https?://[^""\s<]*").Select(m => m.Value).Distinct());
        Assert.Equal(new[] { "href=\"data:,\"" }, Regex.Matches(html, @"(href|src)=""[^""]*""").Select(m => m.Value));
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("url(", html);
    }

    [Fact]
    public void Summary_counts_findings_by_severity_provider_and_resource_type_and_incidents_by_kind()
    {
        string html = Write(w =>
        {
            w.Write(Finding(severity: Severity.Critical, grantee: "all", granteeType: GranteeType.Public));
            w.Write(Finding(severity: Severity.High, time: new DateTime(2026, 11, 3, 8, 0, 0, DateTimeKind.Utc)));
            w.Write(Finding(severity: Severity.Low, succeeded: false, provider: Provider.Azure, resourceType: "AzureSnapshot", file: "/cases/acme/azure/activity.json"));
            w.Write(Incident("inc-1", Finding(severity: Severity.High, grantee: "444455556666")));
        });
        Assert.Contains("<p class=\"big\" id=\"finding-count\">4</p><p>3 succeeded, 1 failed attempt(s)</p>", html);
        Assert.Contains("<p class=\"big\" id=\"incident-count\">1</p>", html);
        Assert.Contains("<tr class=\"sev-critical\"><td class=\"sev\">Critical</td><td>1</td><td>1</td></tr><tr class=\"sev-high\"><td class=\"sev\">High</td><td>2</td><td>0</td></tr>", html);
        Assert.Contains("<tr><td>Aws</td><td>3</td></tr><tr><td>Azure</td><td>1</td></tr>", html);
        Assert.Contains("<tr><td>EbsSnapshot</td><td>3</td></tr><tr><td>AzureSnapshot</td><td>1</td></tr>", html);
        Assert.Contains("<tr><td>SnapshotShare</td><td>1</td></tr>", html);
        Assert.Contains("<p>2026-11-02 09:00:00<br>to 2026-11-03 08:00:00</p>", html);
        Assert.Contains("<tr><td class=\"src\">/cases/acme/AWSLogs/trail.json.gz</td><td>3</td></tr><tr><td class=\"src\">/cases/acme/azure/activity.json</td><td>1</td></tr>", html);
    }

    [Fact]
    public void Incident_table_has_kind_stages_window_and_resources_and_its_findings_are_in_the_findings_table()
    {
        string html = Write(w => w.Write(Incident("inc-7", Finding(), Finding(resourceId: "snap-2"))));
        Assert.Contains("<tr class=\"sev-critical\"><td class=\"sev\">Critical</td><td>SnapshotShare</td><td>Aws</td><td>111122223333</td><td>999988887777 (Account, first seen)</td><td>Created, Shared, Used, Revoked</td>"
            + "<td class=\"time\">2026-11-02 09:00:00</td><td class=\"time\">2026-11-02 10:04:30</td><td>1 h 4 min</td><td>snap-0a1b2c3d4e5f60718\nsnap-2</td><td>203.0.113.50</td>"
            + "<td>Snapshot created, shared with 999988887777, copied by it and un-shared 1 h 4 min later.</td><td class=\"id\">inc-7</td></tr>", html);
        Assert.Contains("<h2>Findings (2)</h2>", html);
        Assert.Equal(2, Occurrences(html, "<td class=\"id\">inc-7</td><td class=\"id\">0b9a1c3e-"));
    }

    [Fact]
    public void Timeline_has_one_row_per_grantee_and_one_mark_per_share_coloured_by_severity()
    {
        var t = new DateTime(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc);
        string html = Write(w =>
        {
            w.Write(Finding(grantee: "999988887777", time: t, severity: Severity.High));
            w.Write(Finding(grantee: "999988887777", time: t.AddHours(1), severity: Severity.High));
            w.Write(Finding(grantee: "all", granteeType: GranteeType.Public, time: t.AddHours(2), severity: Severity.Critical));
            w.Write(Finding(grantee: "444455556666", time: t.AddHours(3), severity: Severity.Low, succeeded: false));
        });
        Assert.Equal(4, Occurrences(html, "<circle class=\"mark "));
        Assert.Equal(1, Occurrences(html, "<circle class=\"mark sev-critical\""));
        Assert.Equal(2, Occurrences(html, "<circle class=\"mark sev-high\""));
        // A failed attempt is a hollow mark and its tooltip says so.
        Assert.Equal(1, Occurrences(html, "<circle class=\"mark sev-low attempt\""));
        Assert.Contains("<title>Low failed attempt at 2026-11-02 12:00:00 to 444455556666</title>", html);
        // Rows: most severe first, then most shares.
        var labels = Regex.Matches(html, "<text class=\"grantee\"[^>]*><title>[^<]*</title>([^<]*)</text>").Select(m => m.Groups[1].Value);
        Assert.Equal(new[] { "all", "999988887777", "444455556666" }, labels);
        // A time axis with round ticks, labelled in UTC.
        Assert.Contains(">11-02 09:00</text>", html);
        Assert.Contains(">11-02 12:00</text>", html);
        Assert.Contains(">time (UTC)</text>", html);
    }

    [Fact]
    public void Timeline_stays_bounded_beyond_its_row_and_mark_limits_and_says_how()
    {
        var t = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        var options = new HtmlReportOptions { MaxChartGrantees = 5, MaxMarksPerGrantee = 40, MaxTrackedGrantees = 20 };
        string html = Write(w =>
        {
            for (int i = 0; i < 3000; i++) w.Write(Finding(grantee: "999988887777", time: t.AddMinutes(i), severity: i % 3 == 0 ? Severity.High : Severity.Low));
            for (int g = 0; g < 30; g++) w.Write(Finding(grantee: "4444" + g.ToString("D8"), time: t.AddHours(g)));
        }, options);
        var rows = Regex.Matches(html, "<text class=\"grantee\"[^>]*><title>[^<]*</title>([^<]*)</text>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(6, rows.Count);
        Assert.Equal("999988887777", rows[0]);
        Assert.Equal("15+ other grantee(s)", rows[5]);
        // The big row has at most 40 marks, whose counts add up to its 3000 shares.
        string firstRow = html.Substring(html.IndexOf("<g class=\"marks\">", StringComparison.Ordinal));
        firstRow = firstRow.Substring(0, firstRow.IndexOf("</g>", StringComparison.Ordinal));
        var tips = Regex.Matches(firstRow, "<title>([^<]*)</title>").Select(m => m.Groups[1].Value).ToList();
        Assert.InRange(tips.Count, 2, 40);
        long total = tips.Sum(tip => tip.Contains(" shares from ") ? long.Parse(tip.Split(' ')[0]) : 1);
        Assert.Equal(3000, total);
        Assert.Contains("shares of one severity close in time are drawn as one larger mark", html);
        Assert.Contains("Only the first 20 are told apart; 11 share(s) to later ones are counted together.", html);
        Assert.Contains("<h2>Findings (3030)</h2>", html);
    }

    [Fact]
    public void Same_input_gives_the_same_bytes()
    {
        string a = Write(WriteHostile);
        string b = Write(WriteHostile);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Spooled_rows_leave_no_temporary_file_behind()
    {
        string dir = Path.Combine(Path.GetTempPath(), "transferdetect-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string html = Write(w =>
        {
            for (int i = 0; i < 100; i++) w.Write(Finding());
            Assert.Equal(2, Directory.GetFiles(dir).Length);
        }, new HtmlReportOptions { TempDirectory = dir });
        Assert.Empty(Directory.GetFiles(dir));
        Assert.Equal(100, Occurrences(html, "<tr class=\"sev-high\"><td class=\"sev\">High</td><td class=\"time\">"));
    }

    [Fact]
    public void An_empty_report_says_there_is_nothing()
    {
        string html = Write(_ => { });
        Assert.Contains("No findings: nothing to draw.", html);
        Assert.Contains("No incidents in this report.", html);
        Assert.Contains("No findings in this report.", html);
        Assert.EndsWith("</html>\n", html);
    }

    [Fact]
    public void Format_follows_the_file_extension()
    {
        Assert.Equal(ReportFormat.Csv, ReportFormats.FromPath("/x/findings.CSV"));
        Assert.Equal(ReportFormat.Html, ReportFormats.FromPath("report.html"));
        Assert.Equal(ReportFormat.Html, ReportFormats.FromPath("report.htm"));
        Assert.Equal(ReportFormat.JsonLines, ReportFormats.FromPath("f.jsonl"));
        Assert.Equal(ReportFormat.JsonLines, ReportFormats.FromPath("f.json"));
        Assert.Null(ReportFormats.FromPath("f.txt"));
        Assert.Null(ReportFormats.FromPath("noextension"));
    }
}
