using System.Text;
using System.Text.Json;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Reports;
using Xunit;
using static TransferDetect.Engine.Tests.ReportSamples;

namespace TransferDetect.Engine.Tests;

/// <summary>Incidents through every report format.</summary>
public class ReportIncidentTests
{
    private static string Write(Func<Stream, ITransferReportWriter> create, params object[] items)
    {
        var ms = new MemoryStream();
        using (var w = create(ms))
        {
            foreach (var item in items)
            {
                if (item is Finding f) w.Write(f);
                else w.Write((TransferIncident)item);
            }
            w.Complete();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    [Fact]
    public void Json_lines_write_an_incident_as_its_finding_records()
    {
        string text = Write(s => new JsonLinesReportWriter(s), Finding(grantee: "all"), Incident("inc-1", Finding(resourceId: "snap-a"), Finding(resourceId: "snap-b")));
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal(new[] { "snap-0a1b2c3d4e5f60718", "snap-a", "snap-b" }, lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("ResourceId").GetString()));
        Assert.All(lines, l => Assert.Equal(FindingRecord.Fields, JsonDocument.Parse(l).RootElement.EnumerateObject().Select(p => p.Name)));
    }

    [Fact]
    public void An_incident_with_no_findings_resources_or_summary_is_still_written_by_every_format()
    {
        var bare = new TransferIncident { IncidentId = "inc-bare", Kind = IncidentKind.MassShare, Findings = null!, Resources = null!, SourceIps = null!, Summary = null! };
        Assert.Equal("", Write(s => new JsonLinesReportWriter(s), bare));
        Assert.Single(Write(s => new CsvReportWriter(s), bare).Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
        string html = Write(s => new HtmlReportWriter(s), bare);
        Assert.Contains("<h2>Incidents (1)</h2>", html);
        Assert.Contains("<td>MassShare</td>", html);
        Assert.Contains("<td class=\"id\">inc-bare</td></tr>", html);
        Assert.Contains("<h3>Time range (UTC)</h3><p>no events</p>", html);
    }
}
