using System.Text;
using System.Text.Json.Nodes;
using TransferDetect.Tests;
using Xunit;
using static TransferDetect.Module.Tests.ScriptResult;

namespace TransferDetect.Module.Tests;

/// <summary>Export-TransferReport's CSV and HTML formats in the hosted engine, on the sample data in examples/.</summary>
public class ExportTransferReportTests
{
    private static string Examples => Path.Combine(RepoPaths.Root, "examples");
    private static string Data => Path.Combine(Examples, "data");
    private static string Zone => Path.Combine(Examples, "zone.json");

    private static string[] CsvLines(string file)
    {
        byte[] bytes = File.ReadAllBytes(file);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes.Take(3));
        string text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.EndsWith("\r\n", text);
        return text.Substring(0, text.Length - 2).Split("\r\n");
    }

    [Fact]
    public void Csv_of_the_sample_data_has_a_header_and_one_row_per_finding()
    {
        string report = Path.Combine(RepoPaths.NewTempDirectory(), "findings.csv");
        using var s = new PowerShellSession();
        var r = s.Run("Get-ShareEvent -Path $args[0] | Find-ExternalShare -TrustZonePath $args[1] | Export-TransferReport -Path $args[2] -Verbose", Data, Zone, report);
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Empty(r.Output);
        Assert.Contains(r.Verbose, v => v.StartsWith("Wrote 20 finding(s) and 0 incident(s) to ", StringComparison.Ordinal) && v.EndsWith("(Csv).", StringComparison.Ordinal));
        string[] lines = CsvLines(report);
        Assert.Equal("EventId,Provider,Operation,EventTime,Actor,SourceIp,AccountId,ResourceType,ResourceId,Grantee,GranteeType,Succeeded,Severity,Reason,Source,UserAgent,Region,Permission,Details,ErrorCode,IncidentId", lines[0]);
        Assert.Equal(21, lines.Length);
        Assert.Equal(5, lines.Count(l => l.Contains(",Critical,", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("2ad7fc2c-8090-a37e-efd4-685a6b56bb74,Aws,ModifyDBSnapshotAttribute,2026-11-02T11:22:09Z,arn:aws:iam::111122223333:user/mallory,203.0.113.66,111122223333,RdsSnapshot,customers-prod-2026-11-01,999988887777,Account,False,Low,", StringComparison.Ordinal));
    }

    [Fact]
    public void Csv_append_writes_the_header_once()
    {
        string report = Path.Combine(RepoPaths.NewTempDirectory(), "case.csv");
        using var s = new PowerShellSession();
        var r = s.Run("""
            Get-SnapshotShareEvent -Path $args[0] -Region us-east-1 | Find-ExternalShare -TrustZonePath $args[1] | Export-TransferReport -Path $args[2]
            Get-SnapshotShareEvent -Path $args[0] -Region eu-west-1 | Find-ExternalShare -TrustZonePath $args[1] | Export-TransferReport -Path $args[2] -Append
            """, Path.Combine(Data, "AWSLogs"), Zone, report);
        Assert.Empty(r.Errors);
        string[] lines = CsvLines(report);
        Assert.Equal(7, lines.Length);
        Assert.Single(lines, l => l.StartsWith("EventId,", StringComparison.Ordinal));
        Assert.Equal(3, lines.Count(l => l.Contains(",eu-west-1,", StringComparison.Ordinal)));
    }

    [Fact]
    public void Html_of_the_sample_data_is_one_page_with_summary_timeline_and_findings()
    {
        string dir = RepoPaths.NewTempDirectory();
        string report = Path.Combine(dir, "report.htm");
        using var s = new PowerShellSession();
        var r = s.Run("Get-ShareEvent -Path $args[0] | Find-ExternalShare -TrustZonePath $args[1] | Export-TransferReport -Path $args[2] -PassThru", Data, Zone, report);
        Assert.Empty(r.Errors);
        Assert.Equal(20, r.Output.Count);
        string html = File.ReadAllText(report);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';", html);
        Assert.Contains("<p class=\"big\" id=\"finding-count\">20</p>", html);
        Assert.Contains("<h2>Findings (20)</h2>", html);
        Assert.Equal(20, html.Split("<circle class=\"mark ").Length - 1);
        Assert.Contains("<tr><td>Aws</td><td>12</td></tr><tr><td>Azure</td><td>3</td></tr><tr><td>Gcp</td><td>2</td></tr><tr><td>M365</td><td>3</td></tr>", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    private const string FindingsAndAnIncident = """
        $f = @(Get-SnapshotShareEvent -Path $args[0] | Find-ExternalShare -TrustZonePath $args[1])
        $inIncident = [System.Collections.Generic.List[TransferDetect.Engine.Model.Finding]]::new()
        $inIncident.Add($f[0]); $inIncident.Add($f[1])
        $incident = [TransferDetect.Engine.Model.TransferIncident]@{
            IncidentId = 'inc-test-1'; Kind = 'SnapshotShare'; Provider = 'Aws'; AccountId = '111122223333'
            Grantee = $f[0].Grantee; GranteeType = $f[0].GranteeType; Stages = 'Shared, Used'; Severity = 'Critical'
            Start = $f[0].EventTime; End = $f[1].EventTime; StillOpen = $true; Summary = 'Two shares to one account.'
            Findings = $inIncident
        }
        @($incident) + $f[2..($f.Count - 1)] | Export-TransferReport -Path $args[2] -PassThru | ForEach-Object { $_.GetType().Name }
        """;

    [Fact]
    public void Findings_and_incidents_go_into_one_report_and_an_incidents_findings_carry_its_id()
    {
        string dir = RepoPaths.NewTempDirectory();
        using var s = new PowerShellSession();
        string csv = Path.Combine(dir, "case.csv");
        var r = s.Run(FindingsAndAnIncident, Path.Combine(Data, "AWSLogs"), Zone, csv);
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Equal(new[] { "TransferIncident", "Finding", "Finding", "Finding", "Finding" }, r.Output.Select(o => o.ToString()));
        string[] lines = CsvLines(csv);
        Assert.Equal(7, lines.Length);
        Assert.Equal(2, lines.Count(l => l.EndsWith(",inc-test-1", StringComparison.Ordinal)));

        string html = Path.Combine(dir, "case.html");
        r = s.Run(FindingsAndAnIncident, Path.Combine(Data, "AWSLogs"), Zone, html);
        Assert.Empty(r.Errors);
        string page = File.ReadAllText(html);
        Assert.Contains("<h2>Incidents (1)</h2>", page);
        Assert.Contains("<h2>Findings (6)</h2>", page);
        Assert.Contains("<td>SnapshotShare</td><td>Aws</td><td>111122223333</td>", page);
        Assert.Contains("<td>Shared, Used</td>", page);
        Assert.Equal(2, page.Split("<td class=\"id\">inc-test-1</td><td class=\"id\">").Length - 1);
    }

    [Fact]
    public void Other_objects_get_a_non_terminating_error_naming_their_type_and_the_rest_is_written()
    {
        string report = Path.Combine(RepoPaths.NewTempDirectory(), "mixed.csv");
        using var s = new PowerShellSession();
        var r = s.Run("""
            $f = @(Get-SnapshotShareEvent -Path $args[0] | Find-ExternalShare -TrustZonePath $args[1])
            @('some text', $f[0], 42, $null, $f[1]) | Export-TransferReport -Path $args[2]
            'next statement ran'
            """, Path.Combine(Data, "AWSLogs"), Zone, report);
        Assert.Null(r.Terminating);
        Assert.Equal(new[] { "TransferDetect.UnsupportedInput", "TransferDetect.UnsupportedInput" }, r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Contains("not System.String;", r.Errors[0].Exception.Message);
        Assert.Contains("not System.Int32;", r.Errors[1].Exception.Message);
        Assert.Equal("some text", r.Errors[0].TargetObject?.ToString());
        Assert.Equal("next statement ran", Assert.Single(r.Output).ToString());
        Assert.Equal(3, CsvLines(report).Length);
    }

    [Fact]
    public void Append_to_an_html_report_is_refused_and_the_format_follows_the_extension_unless_given()
    {
        string dir = RepoPaths.NewTempDirectory();
        using var s = new PowerShellSession();
        var refused = s.Run("@() | Export-TransferReport -Path $args[0] -Append", Path.Combine(dir, "r.html"));
        Assert.Equal("TransferDetect.AppendNotSupported", Assert.Single(refused.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.False(File.Exists(Path.Combine(dir, "r.html")));

        var r = s.Run("""
            $f = @(Get-SnapshotShareEvent -Path $args[0] | Find-ExternalShare -TrustZonePath $args[1])
            $f | Export-TransferReport -Path $args[2]
            $f | Export-TransferReport -Path $args[3] -Format Html
            $f | Export-TransferReport -Path $args[4]
            """, Path.Combine(Data, "AWSLogs"), Zone, Path.Combine(dir, "a.txt"), Path.Combine(dir, "b.txt"), Path.Combine(dir, "c.json"));
        Assert.Empty(r.Errors);
        Assert.StartsWith("{\"EventId\":", File.ReadAllText(Path.Combine(dir, "a.txt")));
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(Path.Combine(dir, "b.txt")));
        Assert.Equal(6, File.ReadAllLines(Path.Combine(dir, "c.json")).Length);
    }

    /// <summary>A CloudTrail file whose actor, user agent and snapshot id are hostile, read by the real reader.</summary>
    private static string HostileTrail(string dir)
    {
        string[] payloads = { "<script>window.__pwned=1</script>", "\"><img src=x onerror=\"window.__pwned=2\">", "</title><svg onload=\"window.__pwned=3\"><title>" };
        var records = new JsonArray();
        for (int i = 0; i < payloads.Length; i++)
        {
            records.Add(new JsonObject
            {
                ["eventVersion"] = "1.09",
                ["userIdentity"] = new JsonObject { ["type"] = "IAMUser", ["arn"] = payloads[i], ["accountId"] = "111122223333" },
                ["eventTime"] = $"2026-11-02T09:0{i}:00Z",
                ["eventSource"] = "ec2.amazonaws.com",
                ["eventName"] = "ModifySnapshotAttribute",
                ["awsRegion"] = "us-east-1",
                ["sourceIPAddress"] = "203.0.113.66",
                ["userAgent"] = payloads[(i + 1) % payloads.Length],
                ["requestParameters"] = new JsonObject
                {
                    ["snapshotId"] = payloads[(i + 2) % payloads.Length],
                    ["attributeType"] = "CREATE_VOLUME_PERMISSION",
                    ["createVolumePermission"] = new JsonObject { ["add"] = new JsonObject { ["items"] = new JsonArray(new JsonObject { ["userId"] = "99998888777" + i }) } },
                },
                ["responseElements"] = new JsonObject { ["_return"] = true },
                ["eventID"] = $"00000000-0000-4000-8000-00000000000{i}",
                ["recipientAccountId"] = "111122223333",
            });
        }
        string file = Path.Combine(dir, "hostile-trail.json");
        File.WriteAllText(file, new JsonObject { ["Records"] = records }.ToJsonString());
        return file;
    }

    [Fact]
    public async Task Html_report_of_hostile_cloudtrail_records_runs_nothing_in_chromium()
    {
        var ct = TestContext.Current.CancellationToken;
        string dir = RepoPaths.NewTempDirectory();
        string trail = HostileTrail(dir);
        string results = Path.Combine(RepoPaths.Root, "TestResults");
        Directory.CreateDirectory(results);
        string report = Path.Combine(results, "html-report-hostile-cloudtrail.html");
        using (var s = new PowerShellSession())
        {
            var r = s.Run("Get-SnapshotShareEvent -Path $args[0] | Find-ExternalShare -TrustedAccount 111122223333 | Export-TransferReport -Path $args[1] -PassThru", trail, report);
            Assert.Empty(r.Errors);
            Assert.Equal(3, r.Output.Count);
            Assert.Contains(r.Output, o => (string?)Prop(o, "Actor") == "<script>window.__pwned=1</script>");
        }

        await using var browser = await HeadlessChromium.StartAsync(1400, 900, ct);
        await browser.OpenAsync(report, ct);
        Assert.Empty(browser.Problems());
        var page = (JsonObject)JsonNode.Parse((await browser.EvaluateAsync("""
            JSON.stringify({
              pwned: typeof window.__pwned === 'undefined' ? null : window.__pwned,
              title: document.title,
              active: document.querySelectorAll('script, img, iframe, [onload], [onerror], svg svg').length,
              marks: document.querySelectorAll('#timeline-chart circle.mark').length,
              cells: Array.from(document.querySelectorAll('#finding-table td')).map(td => td.textContent)
            })
            """, ct))!.GetValue<string>())!;
        Assert.Null(page["pwned"]);
        Assert.Equal("TransferDetect report", page["title"]!.GetValue<string>());
        Assert.Equal(0, page["active"]!.GetValue<int>());
        Assert.Equal(3, page["marks"]!.GetValue<int>());
        var cells = page["cells"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Contains("<script>window.__pwned=1</script>", cells);
        Assert.Contains("\"><img src=x onerror=\"window.__pwned=2\">", cells);
        Assert.Contains("EbsSnapshot </title><svg onload=\"window.__pwned=3\"><title>", cells);
        string shot = Path.Combine(results, "html-report-hostile-cloudtrail.png");
        File.WriteAllBytes(shot, await browser.ScreenshotAsync(ct));
        TestContext.Current.TestOutputHelper?.WriteLine("Screenshot of the hostile CloudTrail report in headless chromium: " + shot);
    }
}
