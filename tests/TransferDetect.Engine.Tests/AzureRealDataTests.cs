using System.Text.Json;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Sources.Azure;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>Public Azure records no one here wrote, read from ../shared/data/real, with what LABELS.jsonl says of them.</summary>
public class AzureRealDataTests
{
    private static string Shared(params string[] parts) => Path.Combine(new[] { RepoPaths.SharedData }.Concat(parts).ToArray());

    private static (List<ShareEvent> Events, CollectingScanHost Host, ShareLogReader Reader) ReadPath(string path)
    {
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host);
        var events = reader.Read(new[] { path }, TestContext.Current.CancellationToken).ToList();
        return (events, host, reader);
    }

    /// <summary>
    /// Elastic's capture (sanitised, pretty-printed, one diagnostic-setting record): listKeys on an Event
    /// Hubs authorization rule. LABELS.jsonl: hard_negative. It is an Activity Log record (read, no problem
    /// reported) whose operation is not a storage account's: no event.
    /// </summary>
    [Fact]
    public void The_event_hubs_listKeys_record_is_not_a_storage_finding()
    {
        RepoPaths.RequireSharedData();
        string file = Shared("elastic-beats", "x-pack", "filebeat", "module", "azure", "activitylogs", "test", "activitylogs.log");
        var label = Labels().Single(l => l.File == "elastic-beats/x-pack/filebeat/module/azure/activitylogs/test/activitylogs.log");
        Assert.Equal("hard_negative", label.Label);
        Assert.Contains(label.Id, File.ReadAllText(file));

        var (events, host, reader) = ReadPath(file);
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(1, reader.Statistics.Records);
        Assert.Equal(0, reader.Statistics.ForeignRecords);
        Assert.Equal(0, reader.Statistics.CandidateRecords);
        Assert.Contains(host.VerboseMessages, m => m.Contains("1 record(s) (Azure Activity Log)"));
        Assert.True(new AzureActivityInterpreter(null).Recognizes(JsonDocument.Parse(File.ReadAllText(file)).RootElement));
    }

    /// <summary>
    /// Panther's Azure fixtures: one line per rule test {rule_id, test_name, expected_result, log}. Panther's
    /// rules are not T1537 and TransferDetect decides differently where T1537 says so:
    /// <list type="bullet">
    /// <item>"Failed Key Listing" (Panther: no alert) is a Low finding here: a failed call is an attempt, reported, never a share.</item>
    /// <item>"Storage Account Anonymous Access Disabled" and "Container Public Access Set to None" (Panther: no alert) are revocations here (guardrail restored, container private): events, not findings.</item>
    /// <item>Panther alerts the same on every positive; here a SAS URI is High, a key listed Medium, a guardrail loosened High, a public container Critical.</item>
    /// <item>The five azure_storage_sas_external_access tests are StorageBlobLogs records (storage data-plane: GetBlob with a SAS), not
    /// Activity Log records: reported as JSON of another shape. Reading a blob through a SAS is the use of a link whose issue
    /// (listAccountSas, listServiceSas, beginGetAccess) is what the Activity Log shows; data-plane logs name no grantee.</item>
    /// </list>
    /// </summary>
    [Theory]
    [InlineData("azure_vm_disk_sas_uri_generated", new[]
    {
        "SAS URI Generated for Disk:High", "Disk Export with Succeeded Status:High", "Case Insensitive Match:High", "Data Disk SAS Generation:High",
        "Different Operation:no event",
    })]
    [InlineData("azure_storage_account_keys_listed", new[]
    {
        "Storage Account Keys Listed:Medium", "Case Insensitive Match:Medium", "Failed Key Listing:Low",
    })]
    [InlineData("azure_storage_blob_anonymous_access_enabled", new[]
    {
        "Storage Account Anonymous Access Enabled:High", "Storage Account Anonymous Access Disabled:revocation",
        "Container Public Access Set to Blob:Critical", "Container Public Access Set to Container:Critical",
        "Container Public Access Set to None:revocation", "Different Operation:no event",
    })]
    [InlineData("azure_storage_sas_external_access", new[]
    {
        "SAS Token from External IP - Read Operation:another shape", "SAS Token from External IP - Delete Operation:another shape",
        "SAS Token from Internal IP:another shape", "Storage Account Key Auth from External IP:another shape", "Failed SAS Token Access:another shape",
    })]
    public void Panther_activity_fixtures_give_the_t1537_decisions(string rule, string[] expected)
    {
        RepoPaths.RequireSharedData();
        string file = Shared("panther-analysis", "rules", "azure_activity_rules", rule + ".tests.jsonl");
        var got = new List<string>();
        foreach (var line in File.ReadLines(file))
        {
            using var doc = JsonDocument.Parse(line);
            string name = doc.RootElement.GetProperty("test_name").GetString()!;
            var (events, host, _) = CloudTrailJson.Read(doc.RootElement.GetProperty("log").GetRawText());
            if (host.Issues.Count > 0)
            {
                Assert.Equal(ReadIssueKind.UnexpectedShape, Assert.Single(host.Issues).Kind);
                Assert.Empty(events);
                got.Add(name + ":another shape");
                continue;
            }
            if (events.Count == 0)
            {
                got.Add(name + ":no event");
                continue;
            }
            var e = Assert.Single(events);
            var f = new ExternalShareDetector(TrustZone.Empty).Evaluate(e);
            got.Add(name + ":" + (f?.Severity.ToString() ?? (e.Action == ShareAction.Remove ? "revocation" : "trusted")));
        }
        Assert.Equal(expected, got);
    }

    [Fact]
    public void Panther_keys_listed_fixture_names_the_caller_of_its_claims_and_its_tenant()
    {
        RepoPaths.RequireSharedData();
        string line = File.ReadLines(Shared("panther-analysis", "rules", "azure_activity_rules", "azure_storage_account_keys_listed.tests.jsonl")).First();
        using var doc = JsonDocument.Parse(line);
        var e = Assert.Single(AzureJson.Events(doc.RootElement.GetProperty("log").GetRawText()));
        Assert.Equal("denethor@lotr.com", e.Grantee);
        Assert.Equal(GranteeType.User, e.GranteeType);
        Assert.Equal("1.1.1.1", e.SourceIp);
        Assert.Equal("12345678-1234-1234-1234-123456789abc", e.AccountId);
        Assert.Equal("87654321-4321-4321-4321-111111111111", e.TenantId);
        Assert.Equal(new DateTime(2024, 12, 24, 10, 30, 0, DateTimeKind.Utc), e.EventTime);
        Assert.Equal(AzureOperations.ListKeys, e.Operation);
    }

    /// <summary>
    /// Stratus Red Team's detection sample for azure.exfiltration.disk-export, in Datadog's normalised form
    /// (evt.name, evt.outcome), as people export it from Datadog. It has no time, correlationId or caller:
    /// the event is kept (reported once for its missing time) and is a High finding.
    /// </summary>
    [Fact]
    public void Stratus_disk_export_sample_in_datadog_form_is_a_sas_finding()
    {
        RepoPaths.RequireSharedData();
        string file = Shared("stratus-red-team", "docs", "attack-techniques-samples", "azure.exfiltration.disk-export.detection-sample.json");
        var (events, host, _) = ReadPath(file);

        var e = Assert.Single(events);
        Assert.Equal(AzureOperations.DiskBeginGetAccess, e.Operation);
        Assert.Equal("/SUBSCRIPTIONS/<your-subscription-id>/RESOURCEGROUPS/RG-IKFFQ01Z/PROVIDERS/MICROSOFT.COMPUTE/DISKS/STRATUS-RED-TEAM-DISK", e.ResourceId);
        Assert.Equal("Succeeded", e.Status);
        Assert.True(e.Succeeded);
        Assert.Equal(GranteeType.AnonymousLink, e.GranteeType);
        Assert.Equal(ShareTimes.Unknown, e.EventTime);
        Assert.Equal("ecc2b97b-844b-414e-8123-b925dddf87ed", e.TenantId); // the root of properties.hierarchy
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.IncompleteRecord, issue.Kind);
        Assert.Contains("has no readable time", issue.Message);

        var f = new ExternalShareDetector(TrustZone.Empty).Evaluate(e)!;
        Assert.Equal(Severity.High, f.Severity);
        Assert.StartsWith("A SAS URI to download Azure managed disk /SUBSCRIPTIONS/", f.Reason);
    }

    /// <summary>No record of the real Azure files is lost to another reader's claim: every one is read as an Activity Log record or reported.</summary>
    [Fact]
    public void Every_labelled_azure_record_is_read_by_the_azure_reader()
    {
        RepoPaths.RequireSharedData();
        foreach (var label in Labels().Where(l => l.File.Contains("azure", StringComparison.OrdinalIgnoreCase)))
        {
            var (_, host, reader) = ReadPath(Shared(label.File.Split('/')));
            Assert.Empty(host.Issues);
            Assert.Contains(host.VerboseMessages, m => m.Contains("(Azure Activity Log)"));
            Assert.Equal(1, reader.Statistics.Records);
        }
    }

    private sealed record LabelLine(string File, string Id, string Label, string Event);

    private static List<LabelLine> Labels() => File.ReadLines(Path.Combine(RepoPaths.SharedData, "LABELS.jsonl"))
        .Where(l => l.Trim().Length > 0)
        .Select(l =>
        {
            using var d = JsonDocument.Parse(l);
            var r = d.RootElement;
            return new LabelLine(r.GetProperty("file").GetString()!, r.GetProperty("id").GetString()!, r.GetProperty("label").GetString()!, r.GetProperty("event").GetString()!);
        })
        .ToList();
}
