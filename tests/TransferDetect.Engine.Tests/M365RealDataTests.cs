using System.Text.Json;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>Public Microsoft 365 audit records no one here wrote, read from ../shared/data/real.</summary>
public class M365RealDataTests
{
    private const string ElasticFile = "elastic-beats/x-pack/filebeat/module/o365/audit/test/14-sp-sharing-op.log";

    [Fact]
    public void Elastic_capture_the_anonymous_link_is_one_finding_and_its_companions_are_not_separate_findings()
    {
        RepoPaths.RequireSharedData();
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host);
        var events = reader.Read(new[] { Path.Combine(RepoPaths.SharedData, ElasticFile) }, TestContext.Current.CancellationToken).ToList();
        var detector = new ExternalShareDetector(TrustZone.Empty);
        var findings = events.Select(detector.Evaluate).Where(f => f != null).Select(f => f!).ToList();

        Assert.Empty(host.Issues);
        Assert.Equal(10, reader.Statistics.Records);
        Assert.Equal(0, reader.Statistics.ForeignRecords);
        Assert.Equal(1, reader.Statistics.FoldedEvents);

        // The labels: the AnonymousLinkCreated and the SharingSet of its AnonymousEdit group are one share.
        var labels = Labels().Where(l => l.File == ElasticFile).ToList();
        var positives = labels.Where(l => l.Label == "positive").Select(l => l.Id).OrderBy(x => x).ToArray();
        var companions = labels.Where(l => l.Label == "companion").Select(l => l.Id).ToArray();
        Assert.Equal(2, positives.Length);
        Assert.Equal(3, companions.Length);

        var e = Assert.Single(events);
        Assert.Equal("1cb54d72-3a76-4a7c-7b3d-08d7b17b4ec9", e.EventId);
        Assert.Equal("AnonymousLinkCreated", e.Operation);
        Assert.Equal(new[] { "a8c23ab8-9447-4824-3208-08d7b17b4e5e" }, e.RelatedEventIds);
        Assert.Equal(positives, new[] { e.EventId! }.Concat(e.RelatedEventIds).OrderBy(x => x));
        Assert.DoesNotContain(e.RelatedEventIds, companions.Contains);
        Assert.Equal("https://testsiem-my.sharepoint.com/personal/asr_testsiem_onmicrosoft_com/Documents/Screenshot.png", e.ResourceId);
        Assert.Equal("OneDriveFile", e.ResourceType);
        Assert.Equal("asr@testsiem.onmicrosoft.com", e.Actor);
        Assert.Equal("79.159.10.151", e.SourceIp);
        Assert.Equal("b86ab9d4-fcf1-4b11-8a06-7a8f91b47fbd", e.AccountId);
        Assert.Equal(new DateTime(2020, 2, 14, 18, 25, 45, DateTimeKind.Utc), e.EventTime);
        Assert.Equal("Edit", e.Permission);

        var f = Assert.Single(findings);
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Equal(GranteeType.AnonymousLink, f.GranteeType);
        Assert.Contains("anonymous (Anyone) link with Edit permission", f.Reason);
    }

    /// <summary>
    /// Panther's Microsoft365.External.Document.Sharing fixtures (AddedToSecureLink records) with a zone
    /// holding the tenant's domains and the domain Panther's rule allows. Where TransferDetect differs
    /// from Panther, the comment says why.
    /// </summary>
    [Theory]
    [InlineData("Allowed Domain", false, null)] // agrees: alloweddomain.com is in the zone, as it is in Panther's allow list
    // differs: Panther exempts files under an "External" folder; TransferDetect has no folder allow list, and a
    // guest at saas.com (outside the zone) given Edit access to a file is a transfer whatever the folder.
    [InlineData("Allowed Folder", false, "High")]
    // differs: Panther exempts one address (exception@outsider.com); the zone trusts domains, not single
    // addresses, so a guest at outsider.com is outside it.
    [InlineData("Allowed User", false, "High")]
    [InlineData("External user", true, "High")] // agrees
    // agrees: mycompany.com is in the zone. (Panther's "NotGuest" is not a type Microsoft writes; the domain decides.)
    [InlineData("Internal Share", false, null)]
    public void Panther_external_sharing_fixtures_give_the_decisions_of_the_zone(string test, bool expectedByPanther, string? transferDetectSeverity)
    {
        RepoPaths.RequireSharedData();
        var zone = TrustZone.Empty;
        zone.AddM365Domain("yourorg.onmicrosoft.com");
        zone.AddM365Domain("mycompany.com");
        zone.AddM365Domain("alloweddomain.com");
        var detector = new ExternalShareDetector(zone);
        string file = Path.Combine(RepoPaths.SharedData, "panther-analysis", "rules", "microsoft_rules", "microsoft365_external_sharing.tests.jsonl");
        var line = File.ReadLines(file).Single(l => JsonDocument.Parse(l).RootElement.GetProperty("test_name").GetString() == test);
        using var doc = JsonDocument.Parse(line);
        Assert.Equal(expectedByPanther, doc.RootElement.GetProperty("expected_result").GetBoolean());

        var (events, host, _) = CloudTrailJson.Read(doc.RootElement.GetProperty("log").GetRawText());
        Assert.Empty(host.Issues);
        var e = Assert.Single(events);
        Assert.Equal("AddedToSecureLink", e.Operation);
        Assert.Equal(GranteeType.User, e.GranteeType);
        Assert.Equal("Edit", e.Permission);
        Assert.Equal("11-22-abc", e.AccountId);
        var f = detector.Evaluate(e);
        Assert.Equal(transferDetectSeverity, f?.Severity.ToString());
    }

    [Fact]
    public void Otrf_m365_captures_hold_no_share_and_no_problem()
    {
        RepoPaths.RequireSharedData();
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host);
        var events = reader.Read(new[] { Path.Combine(RepoPaths.SharedData, "otrf-security-datasets", "datasets", "atomic", "m365") }, TestContext.Current.CancellationToken).ToList();
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(9, reader.Statistics.FilesRead);
        Assert.Equal(32, reader.Statistics.Records);
        Assert.Equal(0, reader.Statistics.ForeignRecords);
        Assert.Equal(0, reader.Statistics.CandidateRecords);
    }

    [Fact]
    public void Sentinel_OfficeActivity_mail_access_is_recognised_as_an_audit_record_without_a_share()
    {
        RepoPaths.RequireSharedData();
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host);
        var events = reader.Read(new[] { Path.Combine(RepoPaths.SharedData, "otrf-security-datasets", "datasets", "compound", "GoldenSAMLADFSMailAccess", "OfficeActivityEvents.json") }, TestContext.Current.CancellationToken).ToList();
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(1, reader.Statistics.Records);
        Assert.Equal(0, reader.Statistics.ForeignRecords);
        Assert.Contains(host.VerboseMessages, m => m.Contains("(Microsoft 365 audit log)", StringComparison.Ordinal));
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
