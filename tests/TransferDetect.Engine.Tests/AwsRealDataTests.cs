using System.Text.Json;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Sources.Aws;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>The whole AWS catalogue against the public records of ../shared/data/real.</summary>
public class AwsRealDataTests
{
    [Fact]
    public void Stratus_background_records_give_no_event_with_the_whole_catalogue()
    {
        RepoPaths.RequireSharedData();
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host);
        var events = reader.Read(new[] { RepoPaths.Stratus }, TestContext.Current.CancellationToken).ToList();
        var detector = new ExternalShareDetector(TrustZone.Empty);
        var findings = events.Select(detector.Evaluate).Where(f => f != null).ToList();

        Assert.Empty(host.Issues);
        Assert.Equal(310, reader.Statistics.Records);
        // Only the three labelled shares are even parsed as candidates: the 307 others (Lambda AddPermission20150331v2,
        // SSM, IAM, EC2 Describe*...) are skipped by the byte prefilter or are not catalogue operations.
        Assert.Equal(3, reader.Statistics.CandidateRecords);
        Assert.Equal(3, events.Count);
        Assert.Equal(
            new[] { "1f00bcfa-e050-4c2e-b99b-768ebe3a3dd3", "6897ff63-d738-445c-9e86-43e5b1f8e12f", "fef2bf02-bbea-4d0f-a91c-e6ccfe3fba46" },
            findings.Select(f => f!.EventId!).OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal(3, detector.Statistics.Findings);
    }

    /// <summary>
    /// What TransferDetect decides for every Panther fixture whose record is a catalogue operation, with an
    /// empty trust zone: "none", "incomplete" (reported as an incomplete record), or each finding as
    /// Severity:Grantee. Panther's expected_result follows each Panther rule, not T1537; where the two differ
    /// the comment says why.
    /// </summary>
    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        // Snapshot and image rows (also pinned by RealDataTests).
        ["aws_ami_modified_for_public_access/AMI Made Public"] = "Critical:all",
        ["aws_ami_modified_for_public_access/AMI Not Made Public"] = "Medium:group:not-all", // Panther: false. An EC2 group other than "all" is unknown, so shown.
        ["aws_ami_modified_for_public_access/AMI Launch Permissions Not Modified"] = "none",
        ["aws_ami_modified_for_public_access/AMI Added to User"] = "Medium:bob", // Panther: false. "bob" is no account id: unknown.
        ["aws_ami_modified_for_public_access/Error Making AMI Public"] = "Medium:all", // Panther: false. A failed public share is a Medium attempt.
        ["aws_ami_modified_for_public_access/Access Granted To Unknown User"] = "High:012345678901",
        ["aws_rds_snapshot_shared/Snapshot shared with another account"] = "High:193672423079",
        ["aws_rds_snapshot_shared/Snapshot shared with no accounts"] = "none",
        ["aws_snapshot_made_public/Snapshot Made Publicly Accessible"] = "Critical:all",
        ["aws_snapshot_made_public/Snapshot Not Made Publicly Accessible"] = "Medium:group:none", // Panther: false (see AMI above).
        ["aws_snapshot_made_public/Error Making Snapshot Publicly Accessible"] = "Medium:all", // Panther: false (failed attempt).
        ["aws_snapshot_made_public/Snapshot Mader Available to Single Person"] = "High:111122223333",

        // Exports: RDS records no owner for the bucket, so the destination is unknown (Medium).
        ["aws_rds_snapshot_export/RDS Snapshot Export Started"] = "Medium:arn:aws:s3:::my-export-bucket",
        ["aws_rds_snapshot_export/RDS Snapshot Export to Suspicious Bucket"] = "Medium:arn:aws:s3:::temp-export-external-bucket",
        ["aws_rds_snapshot_export/RDS Snapshot Export Failed"] = "Low:arn:aws:s3:::my-export-bucket", // Panther: false. A failed export is a Low attempt.

        // Resource policies.
        ["aws_resource_made_public/ECR Made Public"] = "Critical:*",
        ["aws_resource_made_public/S3 Made Publicly Accessible"] = "Critical:*",
        ["aws_resource_made_public/S3 Not Made Publicly Accessible"] = "none", // Service principal: AWS acting for the owner.
        ["aws_resource_made_public/Null Request Parameters"] = "incomplete", // Panther: false. No finding, but the record is reported: it cannot be read.
        ["aws_resource_made_public/S3 Failed to make Publicly Accessible"] = "Medium:*", // Panther: false. A failed public share is a Medium attempt.
        ["aws_resource_made_public/Invalid JSON Policy (Should Not Alert)"] = "incomplete", // No finding; the unreadable policy is reported.
        ["aws_resource_made_public/Wildcard Principal No Conditions (Should Alert)"] = "Critical:*",
        // Panther: false, taking the organization for the owner's. Here it is a grant to that organization, judged
        // against the zone: outside an empty zone, trusted once listed (next test).
        ["aws_resource_made_public/All Restrictive Conditions Types (Should Not Alert)"] = "High:o-test123456",
        ["aws_resource_made_public/KMS Key Restricted Access (Should Not Alert)"] = "High:o-xxxxxxxxxx,High:o-yyyyyyyyyy",

        // ACL: Panther flags any PutBucketAcl; a private canned ACL shares nothing.
        ["aws_s3_bucket_policy_modified/S3 Bucket Policy Modified"] = "none",
        ["aws_s3_bucket_policy_modified/S3 Bucket Policy Modified Error Response"] = "none",

        // CopyObject: the fixture's bucketName / x-amz-copy-source are not among its resources (and its recipient
        // account has 14 digits), so the copy's direction is not recorded; the bucket of another account than the
        // recipient's is reported, with Details saying so.
        ["aws_s3_copy_object_to_external_account_bucket/S3 CopyObject to External Account Bucket"] = "High:111111111111",
        ["aws_s3_copy_object_to_external_account_bucket/S3 CopyObject Same Account"] = "none",
    };

    private static IEnumerable<(string Key, string EventName, string Log)> Fixtures()
    {
        string folder = Path.Combine(RepoPaths.SharedData, "panther-analysis", "rules", "aws_cloudtrail_rules");
        foreach (var file in Directory.GetFiles(folder, "*.tests.jsonl").OrderBy(f => f, StringComparer.Ordinal))
        {
            string rule = Path.GetFileName(file).Replace(".tests.jsonl", "");
            foreach (var line in File.ReadLines(file))
            {
                using var doc = JsonDocument.Parse(line);
                var log = doc.RootElement.GetProperty("log");
                yield return ($"{rule}/{doc.RootElement.GetProperty("test_name").GetString()}", log.GetProperty("eventName").GetString()!, log.GetRawText());
            }
        }
    }

    private static string Decide(string log, TrustZone zone)
    {
        var (events, host, _) = CloudTrailJson.Read(log);
        if (host.Issues.Count > 0)
        {
            Assert.All(host.Issues, i => Assert.Equal(ReadIssueKind.IncompleteRecord, i.Kind));
            return "incomplete";
        }
        var detector = new ExternalShareDetector(zone);
        var findings = events.Select(detector.Evaluate).Where(f => f != null).Select(f => $"{f!.Severity}:{f.Grantee}").ToList();
        return findings.Count == 0 ? "none" : string.Join(",", findings);
    }

    [Fact]
    public void Panther_fixtures_of_catalogue_operations_give_the_decisions_listed_and_the_others_give_nothing()
    {
        RepoPaths.RequireSharedData();
        var seen = new List<string>();
        foreach (var (key, eventName, log) in Fixtures())
        {
            if (AwsShareCatalog.All.Find(eventName) != null)
            {
                seen.Add(key);
                Assert.True(Expected.TryGetValue(key, out var expected), $"no expectation for {key}");
                Assert.Equal((key, expected), (key, Decide(log, TrustZone.Empty)));
            }
            else
            {
                // CopyDBSnapshot, CreateDBSnapshot, GetBucketPolicy, SetQueueAttributes, PutResourcePolicy,
                // CreateElasticsearchDomain: not rows of the AWS table (Panther's rules are broader than T1537).
                var (events, host, _) = CloudTrailJson.Read(log);
                Assert.Empty(events);
                Assert.Empty(host.Issues);
            }
        }
        Assert.Equal(Expected.Keys.OrderBy(k => k, StringComparer.Ordinal), seen.OrderBy(k => k, StringComparer.Ordinal));
    }

    [Fact]
    public void Panther_policies_limited_to_an_organization_are_no_finding_once_the_organization_is_trusted()
    {
        RepoPaths.RequireSharedData();
        var zone = TrustZone.Empty;
        foreach (var org in new[] { "o-test123456", "o-xxxxxxxxxx", "o-yyyyyyyyyy" }) zone.AddAwsOrganization(org);
        var logs = Fixtures().Where(f => f.Key.EndsWith("(Should Not Alert)", StringComparison.Ordinal) && AwsShareCatalog.All.Find(f.EventName) != null && !f.Key.Contains("Invalid JSON")).ToList();
        Assert.Equal(2, logs.Count);
        Assert.All(logs, f => Assert.Equal("none", Decide(f.Log, zone)));
    }
}
