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

    /// <summary>
    /// The whole public corpus in one read, every provider recognised from the content: the labelled
    /// positives and the doc samples are the findings, nothing else; every problem reported is one the
    /// data really has (doc samples without a time, fixture wrappers and flattened CSV of another shape).
    /// </summary>
    [Fact]
    public void One_read_of_every_public_capture_finds_the_labelled_shares_of_every_provider_and_nothing_else()
    {
        RepoPaths.RequireSharedData();
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host);
        var detector = new ExternalShareDetector(TrustZone.Empty);
        // Elastic's captures are .log files, which a folder walk leaves alone (it reads .json, .gz, .jsonl, .ndjson, .csv): named here.
        var folders = new[]
        {
            Path.Combine(RepoPaths.SharedData, "stratus-red-team"),
            Path.Combine(RepoPaths.SharedData, "otrf-security-datasets"),
            Path.Combine(RepoPaths.SharedData, "elastic-beats", "x-pack", "filebeat", "module", "o365", "audit", "test", "14-sp-sharing-op.log"),
            Path.Combine(RepoPaths.SharedData, "elastic-beats", "x-pack", "filebeat", "module", "azure", "activitylogs", "test", "activitylogs.log"),
        };
        var events = reader.Read(folders, TestContext.Current.CancellationToken).ToList();
        var findings = events.Select(detector.Evaluate).Where(f => f != null).Select(f => f!).ToList();

        var labelled = Labels().Where(l => l.Label == "positive").Select(l => l.Id).ToHashSet();
        // The M365 anonymous link and its AnonymousEdit SharingSet are one share: one finding, the other id folded in.
        var m365 = Assert.Single(findings, f => f.Provider == Provider.M365);
        Assert.Equal("1cb54d72-3a76-4a7c-7b3d-08d7b17b4ec9", m365.EventId);
        Assert.Equal(new[] { "a8c23ab8-9447-4824-3208-08d7b17b4e5e" }, m365.Event.RelatedEventIds);
        Assert.Equal(Severity.Critical, m365.Severity);
        Assert.Equal(new[] { "1f00bcfa-e050-4c2e-b99b-768ebe3a3dd3", "6897ff63-d738-445c-9e86-43e5b1f8e12f", "fef2bf02-bbea-4d0f-a91c-e6ccfe3fba46" },
            findings.Where(f => f.Provider == Provider.Aws).Select(f => f.EventId!).OrderBy(x => x, StringComparer.Ordinal));
        Assert.All(findings.Where(f => f.EventId != null), f => Assert.Contains(f.EventId!, labelled));
        // The Stratus doc samples (no record id, no time): three GCP shares to attacker@gmail.com and one Azure disk SAS.
        Assert.Equal(new[] { "user:attacker@gmail.com", "user:attacker@gmail.com", "user:attacker@gmail.com" },
            findings.Where(f => f.Provider == Provider.Gcp).Select(f => f.Grantee!));
        var sas = Assert.Single(findings, f => f.Provider == Provider.Azure);
        Assert.Equal(GranteeType.AnonymousLink, sas.GranteeType);
        Assert.Equal(8, findings.Count);
        // Nothing from the Event Hubs listKeys (a hard negative) or any other record.
        Assert.DoesNotContain(events, e => e.Operation.IndexOf("listKeys", StringComparison.OrdinalIgnoreCase) >= 0);

        var kinds = host.Issues.GroupBy(i => i.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new[] { ReadIssueKind.UnexpectedShape, ReadIssueKind.IncompleteRecord }, kinds.Keys.OrderBy(k => k));
        Assert.Equal(4, kinds[ReadIssueKind.IncompleteRecord]); // the four doc samples without a time
        Assert.All(host.Issues.Where(i => i.Kind == ReadIssueKind.IncompleteRecord), i => Assert.Contains("attack-techniques-samples", i.File));
        Assert.All(host.Issues.Where(i => i.Kind == ReadIssueKind.UnexpectedShape), i => Assert.EndsWith(".csv", i.File));
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
