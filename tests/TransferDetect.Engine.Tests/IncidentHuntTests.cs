using System.Text.Json.Nodes;
using TransferDetect.Engine.Correlation;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>Lifecycle events through the real reader, and whole hunts (read, detect, correlate) over the sample data and the public captures.</summary>
public class IncidentHuntTests
{
    private static JsonObject CreateSnapshot(string? errorCode = null)
    {
        var r = CloudTrailJson.Record("CreateSnapshot", "ec2.amazonaws.com", """{"volumeId":"vol-0feedface","description":"nightly"}""", errorCode);
        if (errorCode == null) r["responseElements"] = JsonNode.Parse("""{"snapshotId":"snap-0123456789abcdef0","volumeId":"vol-0feedface","status":"pending"}""");
        return r;
    }

    [Fact]
    public void Creation_calls_are_read_only_when_lifecycle_is_asked_for()
    {
        string text = CloudTrailJson.Delivery(CreateSnapshot(), CloudTrailJson.SnapshotShare("add", """{"userId":"210987654321"}"""));
        var (plain, _, plainReader) = CloudTrailJson.Read(text);
        Assert.Equal(new[] { "ModifySnapshotAttribute" }, plain.Select(e => e.Operation));
        Assert.Equal(1, plainReader.Statistics.CandidateRecords); // the CreateSnapshot record was skipped unparsed

        var (events, host, _) = CloudTrailJson.Read(text, new ShareLogReaderOptions { IncludeLifecycle = true });
        Assert.Empty(host.Issues);
        var created = events[0];
        Assert.Equal(("CreateSnapshot", ShareAction.Create, "EbsSnapshot", "snap-0123456789abcdef0"), (created.Operation, created.Action, created.ResourceType, created.ResourceId));
        Assert.Null(created.Grantee);
        Assert.Equal("created from volume vol-0feedface", created.Details);
        Assert.Equal(ShareCategory.Snapshot, created.Category);
    }

    [Fact]
    public void A_creation_is_never_a_finding_and_is_counted_apart()
    {
        var (events, _, _) = CloudTrailJson.Read(CloudTrailJson.Delivery(CreateSnapshot(), CreateSnapshot("UnauthorizedOperation")), new ShareLogReaderOptions { IncludeLifecycle = true });
        var detector = new ExternalShareDetector(TrustZone.Empty);
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Null(detector.Evaluate(e)));
        Assert.Equal(2, detector.Statistics.Lifecycle);
        Assert.Equal(0, detector.Statistics.Findings);
        Assert.EndsWith("2 lifecycle event(s) (resources created) are not shares.", detector.Statistics.Summary());
    }

    [Fact]
    public void Lifecycle_operations_are_not_offered_to_the_share_cmdlets()
    {
        Assert.DoesNotContain("CreateSnapshot", ShareLogReader.OperationsOf(null, null));
        Assert.DoesNotContain("CreateSnapshot", ShareLogReader.SnapshotOperations);
    }

    private static string ExamplesData => Path.Combine(RepoPaths.Root, "examples", "data");

    private static TrustZone ExampleZone => TrustZone.Load(Path.Combine(RepoPaths.Root, "examples", "zone.json"));

    /// <summary>Reads, detects and correlates as Get-TransferIncident does.</summary>
    internal static (List<TransferIncident> Incidents, IncidentCorrelator Correlator, CollectingScanHost Host) Hunt(IEnumerable<string> paths, TrustZone zone)
    {
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host, new ShareLogReaderOptions { IncludeLifecycle = true });
        var correlator = new IncidentCorrelator(new ExternalShareDetector(zone), null, host);
        var incidents = correlator.Correlate(reader.Read(paths, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken).ToList();
        return (incidents, correlator, host);
    }

    [Fact]
    public void The_generated_snapshot_chain_of_the_sample_data_is_one_critical_incident_cleaned_up()
    {
        var (incidents, _, _) = Hunt(new[] { Path.Combine(ExamplesData, "chains") }, ExampleZone);
        var i = Assert.Single(incidents);
        Assert.Equal((IncidentKind.SnapshotShare, Severity.Critical, "210987654321", false), (i.Kind, i.Severity, i.Grantee, i.StillOpen));
        Assert.Equal(IncidentStage.Created | IncidentStage.Shared | IncidentStage.KeyShared | IncidentStage.Used | IncidentStage.Revoked, i.Stages);
        Assert.Equal(new[] { "CreateSnapshot", "ModifySnapshotAttribute", "CreateGrant", "SharedSnapshotCopyInitiated", "ModifySnapshotAttribute" }, i.Events.Select(e => e.Operation));
        Assert.Equal(TimeSpan.Parse("00:41:50"), i.OpenFor);
    }

    [Fact]
    public void Hunt_over_the_public_captures_and_the_generated_chains_gives_exactly_these_incidents()
    {
        RepoPaths.RequireSharedData();
        var paths = new[]
        {
            Path.Combine(RepoPaths.SharedData, "stratus-red-team"),
            Path.Combine(RepoPaths.SharedData, "otrf-security-datasets"),
            Path.Combine(RepoPaths.SharedData, "elastic-beats", "x-pack", "filebeat", "module", "o365", "audit", "test", "14-sp-sharing-op.log"),
            Path.Combine(RepoPaths.SharedData, "elastic-beats", "x-pack", "filebeat", "module", "azure", "activitylogs", "test", "activitylogs.log"),
            ExamplesData,
        };
        var (incidents, correlator, _) = Hunt(paths, ExampleZone);
        // The public captures give 6 incidents (their 8 findings: the three GCP doc samples to one user are one mass share),
        // the sample data and its generated chain 13 (its 20 findings).
        Assert.Equal(19, incidents.Count);
        Assert.Equal(28, incidents.Sum(i => i.Findings.Count));
        Assert.Equal(0, correlator.Statistics.ClosedAtCapacity);
        Assert.Equal(
            new[]
            {
                "Aws SnapshotShare High Shared 098797384747",
                "Aws SnapshotShare High Shared 503161813013",
                "Aws SnapshotShare High Shared 846424999548",
                "Azure SasExport High Shared SAS URI",
                "Gcp MassShare High Shared user:attacker@gmail.com",
                "M365 AnonymousLink Critical Shared Anyone",
            },
            incidents.Where(i => i.AccountId != "111122223333" && i.AccountId != "contoso-prod" && i.AccountId != "72f988bf-0000-4e2a-9c1d-2b3c4d5e6f70" && i.AccountId != "d5b7e1c2-3f4a-4b6c-9d8e-0f1a2b3c4d5e")
                .Select(i => $"{i.Provider} {i.Kind} {i.Severity} {i.Stages} {i.Grantee}").OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal(
            new[]
            {
                "Aws ExternalShare Critical Shared http://acs.amazonaws.com/groups/global/AllUsers",
                "Aws MassShare High Shared, Revoked, Attempted 999988887777",
                "Aws SnapshotShare Critical Created, Shared, KeyShared, Used, Revoked 210987654321",
                "Aws SnapshotShare Critical Shared all",
                "Aws SnapshotShare Critical Shared all",
                "Aws SnapshotShare High Shared arn:aws:organizations::999988887777:organization/o-zz9y8x7w6v",
                "Azure ExternalShare Medium Shared mallory@contoso.com",
                "Azure SasExport High Shared, Revoked SAS URI",
                "Azure SasExport Medium Attempted SAS URI",
                "Gcp ExternalShare Critical Shared allUsers",
                "Gcp SnapshotShare High Shared, Revoked user:exfil.drop@gmail.com",
                "M365 AnonymousLink Critical Shared, Used Anyone",
                "M365 ExternalShare High Shared partner.drop@fabrikam-mail.net",
            },
            incidents.Where(i => i.AccountId == "111122223333" || i.AccountId == "contoso-prod" || i.AccountId == "72f988bf-0000-4e2a-9c1d-2b3c4d5e6f70" || i.AccountId == "d5b7e1c2-3f4a-4b6c-9d8e-0f1a2b3c4d5e")
                .Select(i => $"{i.Provider} {i.Kind} {i.Severity} {i.Stages} {i.Grantee}").OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal(new Dictionary<Severity, int> { [Severity.Critical] = 7, [Severity.High] = 10, [Severity.Medium] = 2 },
            incidents.GroupBy(i => i.Severity).ToDictionary(g => g.Key, g => g.Count()));
        var used = Assert.Single(incidents, i => i.Provider == Provider.M365 && (i.Stages & IncidentStage.Used) != 0);
        Assert.Equal(new[] { "203.0.113.50" }, used.UnfamiliarSourceIps);
        var mass = Assert.Single(incidents, i => i.Grantee == "999988887777");
        Assert.Equal(new[] { "customers-prod-2026-11-01", "dw-nightly-2026-11-01", "snap-0a1b2c3d4e5f60718", "contoso-finance-archive" }, mass.Resources);
        Assert.True(mass.StillOpen);
        // Stable ids: a second run over the same data agrees.
        var again = Hunt(paths, ExampleZone).Incidents;
        Assert.Equal(incidents.Select(i => i.IncidentId), again.Select(i => i.IncidentId));
        Assert.Equal(19, incidents.Select(i => i.IncidentId).Distinct().Count());
    }
}
