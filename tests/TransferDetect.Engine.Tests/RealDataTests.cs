using System.Text.Json;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Aws;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>Public log records no one here wrote, read from ../shared/data/real.</summary>
public class RealDataTests
{
    [Fact]
    public void Stratus_detonations_give_exactly_the_three_labelled_shares()
    {
        RepoPaths.RequireSharedData();
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host);
        var detector = new ExternalShareDetector(TrustZone.Empty);
        var findings = reader.Read(new[] { RepoPaths.Stratus }, TestContext.Current.CancellationToken).Select(detector.Evaluate).Where(f => f != null).ToList();

        Assert.Empty(host.Issues);
        Assert.Equal(35, reader.Statistics.FilesRead);
        Assert.Equal(310, reader.Statistics.Records);
        var positives = Labels().Where(l => l.Label == "positive" && l.File.StartsWith("stratus-red-team/")).ToList();
        Assert.Equal(3, positives.Count);
        Assert.Equal(
            positives.Select(p => p.Id).OrderBy(x => x),
            findings.Select(f => f!.EventId!).OrderBy(x => x));
        Assert.Equal(
            new[] { ("ModifyDBSnapshotAttribute", "503161813013", "exfiltration"), ("ModifyImageAttribute", "846424999548", "ami-de1fbCab6ccB03e6D"), ("ModifySnapshotAttribute", "098797384747", "snap-041993b54a9b3af6f") },
            findings.Select(f => (f!.Operation, f.Grantee!, f.ResourceId!)).OrderBy(x => x.Operation));
        Assert.All(findings, f => Assert.Equal(Severity.High, f!.Severity));
        Assert.All(findings, f => Assert.True(f!.Succeeded));
    }

    [Fact]
    public void Otrf_s3_exfiltration_capture_in_json_lines_holds_no_share()
    {
        RepoPaths.RequireSharedData();
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host);
        var events = reader.Read(new[] { Path.Combine(RepoPaths.SharedData, "otrf-security-datasets", "datasets", "atomic", "aws", "collection") }, TestContext.Current.CancellationToken).ToList();
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(103, reader.Statistics.Records);
    }

    /// <summary>
    /// Panther's fixtures, unwrapped from their test harness: every record whose rule expects an alert
    /// and that grants outside the owner account must be a finding. Where Panther's rule is narrower
    /// than T1537 (a share to one account is not "public"), the finding is still expected.
    /// </summary>
    [Theory]
    [InlineData("aws_snapshot_made_public", new[] { "Snapshot Made Publicly Accessible:Critical", "Snapshot Not Made Publicly Accessible:Medium", "Error Making Snapshot Publicly Accessible:Medium", "Snapshot Mader Available to Single Person:High" })]
    [InlineData("aws_ami_modified_for_public_access", new[] { "AMI Made Public:Critical", "AMI Not Made Public:Medium", "AMI Added to User:Medium", "Error Making AMI Public:Medium", "Access Granted To Unknown User:High" })]
    [InlineData("aws_rds_snapshot_shared", new[] { "Snapshot shared with another account:High" })]
    public void Panther_fixtures_give_the_expected_severities(string rule, string[] expected)
    {
        RepoPaths.RequireSharedData();
        string file = Path.Combine(RepoPaths.SharedData, "panther-analysis", "rules", "aws_cloudtrail_rules", rule + ".tests.jsonl");
        var detector = new ExternalShareDetector(TrustZone.Empty);
        var got = new List<string>();
        foreach (var line in File.ReadLines(file))
        {
            using var doc = JsonDocument.Parse(line);
            string name = doc.RootElement.GetProperty("test_name").GetString()!;
            string log = doc.RootElement.GetProperty("log").GetRawText();
            var (events, host, _) = CloudTrailJson.Read(log);
            Assert.Empty(host.Issues);
            foreach (var e in events)
            {
                var f = detector.Evaluate(e);
                if (f != null) got.Add($"{name}:{f.Severity}");
            }
        }
        Assert.Equal(expected, got);
    }

    private static IEnumerable<(string File, string Id, string Label)> Labels()
    {
        foreach (var line in File.ReadLines(Path.Combine(RepoPaths.SharedData, "LABELS.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            yield return (r.GetProperty("file").GetString()!, r.GetProperty("id").GetString()!, r.GetProperty("label").GetString()!);
        }
    }
}
