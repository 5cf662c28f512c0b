using System.Text.Json;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>
/// The public GCP records of ../shared/data/real: the Stratus Red Team detection samples (doc excerpts) and
/// Panther's GCP audit fixtures. LABELS.jsonl labels no GCP record (PROVENANCE.md: no real GCP capture was
/// found); the expectations below are the T1537 reading of each record.
/// </summary>
public class GcpRealDataTests
{
    private static string Samples => Path.Combine(RepoPaths.SharedData, "stratus-red-team", "docs", "attack-techniques-samples");

    [Theory]
    [InlineData("disk", "compute.disks.setIamPolicy", "ComputeDisk", "projects/victim-project/zones/us-central1-a/disks/stratus-red-team-victim-disk")]
    [InlineData("image", "compute.images.setIamPolicy", "ComputeImage", "projects/victim-project/global/images/stratus-red-team-victim-image")]
    [InlineData("snapshot", "compute.snapshots.setIamPolicy", "ComputeSnapshot", "projects/victim-project/global/snapshots/stratus-red-team-victim-snapshot")]
    public void Stratus_sample_without_method_name_shares_with_an_outside_gmail_owner(string what, string operation, string type, string resource)
    {
        RepoPaths.RequireSharedData();
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host);
        string file = Path.Combine(Samples, $"gcp.exfiltration.share-compute-{what}.detection-sample.json");
        var e = Assert.Single(reader.Read(new[] { file }, TestContext.Current.CancellationToken));

        // methodName is missing: the operation is request.@type's; there is no insertId nor any time.
        Assert.Equal(operation, e.Operation);
        Assert.Equal("compute.googleapis.com", e.EventSource);
        Assert.Contains("no methodName", e.Details);
        Assert.Null(e.EventId);
        Assert.Equal(ShareTimes.Unknown, e.EventTime);
        Assert.Contains("has no readable time", Assert.Single(host.Issues).Detail);

        Assert.Equal(type, e.ResourceType);
        Assert.Equal(resource, e.ResourceId);
        Assert.Equal("victim-project", e.AccountId);
        Assert.Equal($"user-sharing-the-{what}@domain.tld", e.Actor);
        Assert.Equal("34.33.32.31", e.SourceIp);
        Assert.Equal((ShareAction.Add, "user:attacker@gmail.com", GranteeType.User, "roles/owner"), (e.Action, e.Grantee!, e.GranteeType, e.Permission!));
        Assert.True(e.Succeeded);

        var f = new ExternalShareDetector(TrustZone.Empty).Evaluate(e);
        Assert.NotNull(f);
        Assert.Equal(Severity.High, f!.Severity);
        Assert.EndsWith("as roles/owner with user:attacker@gmail.com, which is outside the trust zone.", f.Reason);
    }

    /// <summary>
    /// Each Panther test log and what TransferDetect decides with an empty zone ("none": no share event,
    /// "trusted": a share inside the zone). Panther's rules are not T1537 rules:
    /// GCP.Compute.IAM.Policy.Update alerts on any setIamPolicy of a disk or image whoever is added (here the
    /// member anonymized@example.com is outside the owner project, so both agree: High);
    /// GCP.GCS.IAMChanges alerts on any bucket IAM change, GCP.GCS.Public on allUsers / allAuthenticatedUsers
    /// (both fixtures add allUsers: Critical here). Where they part is shown by the second theory: a grant to a
    /// trusted domain is an alert for Panther's change rules and no finding here.
    /// </summary>
    [Theory]
    [InlineData("gcp_compute_set_iam_policy", new[] { "IAM policy update on a Compute Disk:High", "IAM policy update on a Compute Image:High", "Non-IAM policy update on a Compute Disk:none" })]
    [InlineData("gcp_gcs_iam_changes", new[] { "GCS IAM Change:Critical" })]
    [InlineData("gcp_gcs_public", new[] { "GCS AllUsers Read Permission:Critical" })]
    public void Panther_gcp_fixtures_give_these_decisions(string rule, string[] expected)
    {
        RepoPaths.RequireSharedData();
        Assert.Equal(expected, Decide(rule, TrustZone.Empty));
    }

    [Fact]
    public void Panther_compute_fixtures_are_no_finding_once_their_member_domain_is_trusted()
    {
        RepoPaths.RequireSharedData();
        var zone = TrustZone.Empty;
        zone.AddGcpDomain("example.com");
        // Panther still alerts on these (its rule fires on any compute setIamPolicy); for T1537 they stay inside.
        Assert.Equal(
            new[] { "IAM policy update on a Compute Disk:trusted", "IAM policy update on a Compute Image:trusted", "Non-IAM policy update on a Compute Disk:none" },
            Decide("gcp_compute_set_iam_policy", zone));
    }

    private static List<string> Decide(string rule, TrustZone zone)
    {
        string file = Path.Combine(RepoPaths.SharedData, "panther-analysis", "rules", "gcp_audit_rules", rule + ".tests.jsonl");
        var got = new List<string>();
        foreach (var line in File.ReadLines(file))
        {
            using var doc = JsonDocument.Parse(line);
            string name = doc.RootElement.GetProperty("test_name").GetString()!;
            var (events, host, _) = CloudTrailJson.Read(doc.RootElement.GetProperty("log").GetRawText());
            Assert.Empty(host.Issues);
            if (events.Count == 0) got.Add($"{name}:none");
            var detector = new ExternalShareDetector(zone);
            foreach (var e in events)
            {
                Assert.Equal(Provider.Gcp, e.Provider);
                Assert.NotNull(e.EventId);
                Assert.NotEqual(ShareTimes.Unknown, e.EventTime);
                got.Add($"{name}:{detector.Evaluate(e)?.Severity.ToString() ?? "trusted"}");
            }
        }
        return got;
    }
}
