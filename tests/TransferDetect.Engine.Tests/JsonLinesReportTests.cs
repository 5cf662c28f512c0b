using System.Text;
using System.Text.Json;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Reports;
using Xunit;

namespace TransferDetect.Engine.Tests;

public class JsonLinesReportTests
{
    private static Finding Sample(string actor = "arn:aws:iam::111122223333:user/alice") => new(
        new ShareEvent
        {
            EventId = "6897ff63-d738-445c-9e86-43e5b1f8e12f",
            Provider = Provider.Aws,
            Operation = "ModifySnapshotAttribute",
            EventTime = new DateTime(2024, 8, 1, 12, 28, 2, DateTimeKind.Utc),
            Actor = actor,
            SourceIp = "253.76.43.253",
            AccountId = "756680937392",
            ResourceType = "EbsSnapshot",
            ResourceId = "snap-041993b54a9b3af6f",
            Grantee = "098797384747",
            GranteeType = GranteeType.Account,
            Succeeded = true,
            Source = new SourceLocation("/logs/a.json", 2, 1, 4),
        },
        Severity.High,
        "EBS snapshot snap-041993b54a9b3af6f was shared with AWS account 098797384747, which is outside the trust zone.");

    private static string Write(params Finding[] findings)
    {
        var ms = new MemoryStream();
        using (var w = new JsonLinesReportWriter(ms))
        {
            foreach (var f in findings) w.Write(f);
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    [Fact]
    public void Each_finding_is_one_line_with_the_record_fields_in_order()
    {
        string text = Write(Sample(), Sample());
        string[] lines = text.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("", lines[2]);
        using var doc = JsonDocument.Parse(lines[0]);
        Assert.Equal(FindingRecord.Fields, doc.RootElement.EnumerateObject().Select(p => p.Name));
        var r = doc.RootElement;
        Assert.Equal("6897ff63-d738-445c-9e86-43e5b1f8e12f", r.GetProperty("EventId").GetString());
        Assert.Equal("Aws", r.GetProperty("Provider").GetString());
        Assert.Equal("2024-08-01T12:28:02Z", r.GetProperty("EventTime").GetString());
        Assert.Equal("Account", r.GetProperty("GranteeType").GetString());
        Assert.True(r.GetProperty("Succeeded").GetBoolean());
        Assert.Equal("High", r.GetProperty("Severity").GetString());
        Assert.Equal("/logs/a.json:2 (record 1, offset 4)", r.GetProperty("Source").GetString());
    }

    [Fact]
    public void Hostile_actor_cannot_break_a_line_or_carry_raw_markup()
    {
        string hostile = "x\"}\n{\"Severity\":\"Informational\"}<script>alert(1)</script>";
        string text = Write(Sample(hostile));
        Assert.Single(text.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("<script>", text);
        using var doc = JsonDocument.Parse(text);
        Assert.Equal(hostile, doc.RootElement.GetProperty("Actor").GetString());
        Assert.Equal("High", doc.RootElement.GetProperty("Severity").GetString());
    }
}
