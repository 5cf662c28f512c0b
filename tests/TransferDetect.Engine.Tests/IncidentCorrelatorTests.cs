using TransferDetect.Engine.Baselines;
using TransferDetect.Engine.Correlation;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>Chains of share events into incidents, over generated chains of every kind and their negative twins.</summary>
public class IncidentCorrelatorTests
{
    private const string Owner = "111122223333";
    private const string Attacker = "210987654321";
    private const string Other = "999988887777";
    private const string Snap = "snap-0c0ffee5eed000042";
    private const string Key = "arn:aws:kms:us-east-1:111122223333:key/5d1f7a2e";
    private static readonly DateTime T0 = new(2026, 11, 5, 10, 0, 0, DateTimeKind.Utc);
    private static int _ids;

    internal static ShareEvent Aws(string op, ShareAction action, string? grantee, double minutes, string resource = Snap, ShareCategory category = ShareCategory.Snapshot,
        string type = "EbsSnapshot", bool ok = true, string? ip = "198.51.100.77", string owner = Owner) => new()
    {
        EventId = $"ev-{Interlocked.Increment(ref _ids)}",
        Provider = Provider.Aws,
        Operation = op,
        EventTime = T0.AddMinutes(minutes),
        AccountId = owner,
        ActorAccountId = action == ShareAction.Use ? grantee : owner,
        SourceIp = ip,
        Category = category,
        ResourceType = type,
        ResourceId = resource,
        Action = action,
        Grantee = grantee,
        GranteeType = grantee == null ? GranteeType.Unknown : grantee == "all" ? GranteeType.Public : GranteeType.Account,
        Succeeded = ok,
        ErrorCode = ok ? null : "UnauthorizedOperation",
    };

    internal static ShareEvent[] SnapshotChain(string grantee = Attacker, string user = Attacker, double start = 0) => new[]
    {
        Aws("CreateSnapshot", ShareAction.Create, null, start + 2),
        Aws("ModifySnapshotAttribute", ShareAction.Add, grantee, start + 6),
        Aws("CreateGrant", ShareAction.Add, $"arn:aws:iam::{grantee}:root", start + 7, Key, ShareCategory.Key, "KmsKey"),
        Aws("SharedSnapshotCopyInitiated", ShareAction.Use, user, start + 19, ip: "ec2.amazonaws.com"),
        Aws("ModifySnapshotAttribute", ShareAction.Remove, grantee, start + 48),
    };

    private static (List<TransferIncident> Incidents, IncidentCorrelator Correlator) Run(IEnumerable<ShareEvent> events, IncidentCorrelatorOptions? options = null, TrustZone? zone = null, IScanHost? host = null)
    {
        var correlator = new IncidentCorrelator(new ExternalShareDetector(zone ?? TrustZone.Empty), options, host);
        return (correlator.Correlate(events, TestContext.Current.CancellationToken).ToList(), correlator);
    }

    [Fact]
    public void Snapshot_created_shared_with_key_used_and_unshared_is_one_critical_incident_cleaned_up()
    {
        var (incidents, _) = Run(SnapshotChain());
        var i = Assert.Single(incidents);
        Assert.Equal(IncidentKind.SnapshotShare, i.Kind);
        Assert.Equal(IncidentStage.Created | IncidentStage.Shared | IncidentStage.KeyShared | IncidentStage.Used | IncidentStage.Revoked, i.Stages);
        Assert.Equal(Severity.Critical, i.Severity);
        Assert.Equal((Attacker, GranteeType.Account, Owner), (i.Grantee, i.GranteeType, i.AccountId));
        Assert.Equal(new[] { Snap }, i.Resources);
        Assert.False(i.StillOpen);
        Assert.Equal(TimeSpan.FromMinutes(42), i.OpenFor);
        Assert.True(i.FirstSeenGrantee);
        Assert.Equal(5, i.Events.Count);
        Assert.Equal(new[] { "ModifySnapshotAttribute", "CreateGrant", "SharedSnapshotCopyInitiated" }, i.Findings.Select(f => f.Operation));
        Assert.Equal((T0.AddMinutes(2), T0.AddMinutes(48)), (i.Start, i.End));
        Assert.Empty(i.SourceIps); // the service name CloudTrail writes for its own event is no address
        Assert.StartsWith("TI-", i.IncidentId);
        Assert.Equal(
            $"EBS snapshot {Snap} was shared with AWS account {Attacker}, created shortly before, with the key that decrypts it granted to the same principal. It was used (SharedSnapshotCopyInitiated): data has left. Access was then taken away (open 42 min): used, then cleaned up. The grantee was never seen before.",
            i.Summary);
    }

    [Fact]
    public void Newest_first_and_shuffled_input_gives_the_same_incident_and_id()
    {
        var chain = SnapshotChain();
        var forward = Assert.Single(Run(chain).Incidents);
        var backward = Assert.Single(Run(chain.Reverse()).Incidents);
        var shuffled = Assert.Single(Run(new[] { chain[3], chain[0], chain[4], chain[1], chain[2] }).Incidents);
        foreach (var i in new[] { backward, shuffled })
        {
            Assert.Equal(forward.IncidentId, i.IncidentId);
            Assert.Equal(forward.Stages, i.Stages);
            Assert.Equal(forward.Severity, i.Severity);
            Assert.Equal(forward.Events.Select(e => e.EventId), i.Events.Select(e => e.EventId));
        }
    }

    [Fact]
    public void Share_to_a_trusted_account_is_no_incident()
    {
        var zone = TrustZone.Empty;
        zone.AddAwsAccount(Attacker);
        var (incidents, correlator) = Run(SnapshotChain(), zone: zone);
        Assert.Empty(incidents);
        Assert.Equal(5, correlator.Statistics.Events);
        Assert.Equal(0, correlator.Statistics.Incidents);
    }

    [Fact]
    public void Share_with_key_but_no_use_is_high_and_revoked_not_open()
    {
        var chain = SnapshotChain().Where(e => e.Action != ShareAction.Use).ToArray();
        var i = Assert.Single(Run(chain).Incidents);
        Assert.Equal(IncidentStage.Created | IncidentStage.Shared | IncidentStage.KeyShared | IncidentStage.Revoked, i.Stages);
        Assert.Equal(Severity.High, i.Severity);
        Assert.False(i.StillOpen);
    }

    [Fact]
    public void Lone_share_not_revoked_is_high_and_still_open()
    {
        var i = Assert.Single(Run(new[] { Aws("ModifySnapshotAttribute", ShareAction.Add, Attacker, 0) }).Incidents);
        Assert.Equal((IncidentStage.Shared, Severity.High, true, (TimeSpan?)null), (i.Stages, i.Severity, i.StillOpen, i.OpenFor));
        Assert.EndsWith("Still open at the end of the data. The grantee was never seen before.", i.Summary);
    }

    [Fact]
    public void Failed_attempts_alone_stay_low()
    {
        var i = Assert.Single(Run(new[] { Aws("ModifySnapshotAttribute", ShareAction.Add, Attacker, 0, ok: false), Aws("ModifySnapshotAttribute", ShareAction.Add, Attacker, 1, ok: false) }).Incidents);
        Assert.Equal((IncidentStage.Attempted, Severity.Low), (i.Stages, i.Severity));
        Assert.StartsWith("Attempts to share EBS snapshot", i.Summary);
    }

    [Fact]
    public void Public_share_is_critical_and_its_own_incident_per_resource()
    {
        var (incidents, _) = Run(new[] { Aws("ModifySnapshotAttribute", ShareAction.Add, "all", 0), Aws("ModifySnapshotAttribute", ShareAction.Add, "all", 1, resource: "snap-2") });
        Assert.Equal(2, incidents.Count);
        Assert.All(incidents, i => Assert.Equal((Severity.Critical, GranteeType.Public, false), (i.Severity, i.GranteeType, i.FirstSeenGrantee)));
    }

    [Fact]
    public void Use_by_a_different_account_does_not_make_the_share_used()
    {
        var (incidents, _) = Run(SnapshotChain(user: Other));
        Assert.Equal(2, incidents.Count);
        var share = Assert.Single(incidents, i => i.Grantee == Attacker);
        Assert.Equal(0, (int)(share.Stages & IncidentStage.Used));
        Assert.Equal(Severity.High, share.Severity);
        var use = Assert.Single(incidents, i => i.Grantee == Other);
        // The snapshot it used was created shortly before: that creation is part of its story too.
        Assert.Equal((IncidentStage.Created | IncidentStage.Used, Severity.Critical), (use.Stages, use.Severity));
        Assert.Contains("through a share made before the data begins", use.Summary);
    }

    [Fact]
    public void A_use_beyond_the_chain_window_starts_a_new_incident_and_the_first_is_emitted_early()
    {
        var options = new IncidentCorrelatorOptions { ChainWindow = TimeSpan.FromHours(1) };
        var correlator = new IncidentCorrelator(new ExternalShareDetector(TrustZone.Empty), options);
        Assert.Empty(correlator.Add(Aws("ModifySnapshotAttribute", ShareAction.Add, Attacker, 0)));
        // Two hours later: the first chain can no longer grow, so it comes out now, not at the end.
        var early = Assert.Single(correlator.Add(Aws("SharedSnapshotCopyInitiated", ShareAction.Use, Attacker, 120)));
        Assert.Equal(IncidentStage.Shared, early.Stages);
        Assert.True(early.FirstSeenGrantee);
        var late = Assert.Single(correlator.Complete());
        Assert.Equal(IncidentStage.Used, late.Stages);
        Assert.False(late.FirstSeenGrantee); // seen two hours before
    }

    [Fact]
    public void Creation_outside_the_window_is_not_part_of_the_chain()
    {
        var options = new IncidentCorrelatorOptions { ChainWindow = TimeSpan.FromHours(1) };
        var (incidents, _) = Run(new[] { Aws("CreateSnapshot", ShareAction.Create, null, 0), Aws("ModifySnapshotAttribute", ShareAction.Add, Attacker, 180) }, options);
        var i = Assert.Single(incidents);
        Assert.Equal(IncidentStage.Shared, i.Stages);
        Assert.Single(i.Events);
    }

    [Fact]
    public void Capacity_emits_the_oldest_chain_early_and_says_so_without_losing_events()
    {
        var host = new CollectingScanHost();
        var events = Enumerable.Range(0, 20).Select(n => Aws("ModifySnapshotAttribute", ShareAction.Add, $"2109876543{n:D2}", n)).ToList();
        var (incidents, correlator) = Run(events, new IncidentCorrelatorOptions { Capacity = 5 }, host: host);
        Assert.Equal(20, incidents.Count);
        Assert.Equal(15, correlator.Statistics.ClosedAtCapacity);
        Assert.Equal(events.Select(e => e.EventId), incidents.SelectMany(i => i.Events).Select(e => e.EventId));
        Assert.Single(host.VerboseMessages, m => m.Contains("capacity"));
    }

    [Fact]
    public void Three_resources_to_one_account_are_a_mass_share()
    {
        var (incidents, _) = Run(new[]
        {
            Aws("ModifySnapshotAttribute", ShareAction.Add, Attacker, 0, resource: "snap-1"),
            Aws("ModifyImageAttribute", ShareAction.Add, Attacker, 1, resource: "ami-1", type: "Ami"),
            Aws("PutBucketPolicy", ShareAction.Add, $"arn:aws:iam::{Attacker}:root", 2, resource: "bucket-1", category: ShareCategory.Storage, type: "S3Bucket"),
        });
        var i = Assert.Single(incidents);
        Assert.Equal((IncidentKind.MassShare, Severity.High, 3), (i.Kind, i.Severity, i.Resources.Count));
        Assert.Equal(new[] { "snap-1", "ami-1", "bucket-1" }, i.Resources);
    }

    [Fact]
    public void Two_resources_are_not_a_mass_share_under_the_default_threshold()
    {
        var (incidents, _) = Run(new[] { Aws("ModifySnapshotAttribute", ShareAction.Add, Attacker, 0, resource: "snap-1"), Aws("ModifySnapshotAttribute", ShareAction.Add, Attacker, 1, resource: "snap-2") });
        Assert.Equal(IncidentKind.SnapshotShare, Assert.Single(incidents).Kind);
    }

    private static ShareEvent AzureSas(DateTime? revokedAt) => new()
    {
        EventId = "azure-1",
        Provider = Provider.Azure,
        Operation = "Microsoft.Compute/snapshots/beginGetAccess/action",
        EventTime = T0,
        AccountId = "sub-1",
        Category = ShareCategory.Snapshot,
        ResourceType = "AzureSnapshot",
        ResourceId = "/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.Compute/snapshots/snap-db",
        Action = ShareAction.Add,
        Grantee = "SAS URI",
        GranteeType = GranteeType.AnonymousLink,
        Succeeded = true,
        RevokedAt = revokedAt,
    };

    [Fact]
    public void Azure_sas_opened_and_closed_is_a_sas_export_with_how_long_it_was_open()
    {
        var i = Assert.Single(Run(new[] { AzureSas(T0.AddMinutes(75)) }).Incidents);
        Assert.Equal((IncidentKind.SasExport, IncidentStage.Shared | IncidentStage.Revoked, false, TimeSpan.FromMinutes(75)), (i.Kind, i.Stages, i.StillOpen, i.OpenFor));
        Assert.Contains("exported through a SAS URI", i.Summary);
        Assert.Contains("(open 1 h 15 min)", i.Summary);
        var open = Assert.Single(Run(new[] { AzureSas(null) }).Incidents);
        Assert.True(open.StillOpen);
    }

    private static ShareEvent M365(string op, ShareAction action, double minutes, string ip, string item = "https://contoso.sharepoint.com/Documents/payroll.xlsx",
        string grantee = "Anyone", GranteeType granteeType = GranteeType.AnonymousLink) => new()
    {
        EventId = $"m365-{Interlocked.Increment(ref _ids)}",
        Provider = Provider.M365,
        Operation = op,
        EventTime = T0.AddMinutes(minutes),
        AccountId = "tenant-1",
        TenantId = "tenant-1",
        SourceIp = ip,
        Category = ShareCategory.File,
        ResourceType = "SharePointFile",
        ResourceId = item,
        Action = action,
        Grantee = grantee,
        GranteeType = granteeType,
        Succeeded = true,
    };

    [Fact]
    public void Anonymous_link_used_from_an_address_not_seen_for_the_tenant_is_critical_and_says_so()
    {
        var i = Assert.Single(Run(new[] { M365("AnonymousLinkCreated", ShareAction.Add, 0, "192.0.2.10"), M365("AnonymousLinkUsed", ShareAction.Use, 30, "203.0.113.99") }).Incidents);
        Assert.Equal((IncidentKind.AnonymousLink, IncidentStage.Shared | IncidentStage.Used, Severity.Critical), (i.Kind, i.Stages, i.Severity));
        Assert.Equal(new[] { "203.0.113.99" }, i.SourceIps);
        Assert.Equal(new[] { "203.0.113.99" }, i.UnfamiliarSourceIps);
        Assert.Contains("opened from 203.0.113.99, an address not otherwise seen for the tenant", i.Summary);
    }

    [Fact]
    public void Anonymous_link_opened_from_the_tenant_users_own_address_is_marked_familiar()
    {
        // The address is learned from a later share call of the tenant's user: the decision is made when the chain closes.
        var i = Assert.Single(Run(new[]
        {
            M365("AnonymousLinkCreated", ShareAction.Add, 0, "192.0.2.10"),
            M365("AnonymousLinkUsed", ShareAction.Use, 30, "192.0.2.20"),
            M365("SharingInvitationCreated", ShareAction.Add, 40, "192.0.2.20", "https://contoso.sharepoint.com/Documents/other.docx", "bob@contoso.com", GranteeType.User),
        }, zone: ZoneWithDomain()).Incidents);
        Assert.Empty(i.UnfamiliarSourceIps);
        Assert.Contains("an address the tenant's own users share from", i.Summary);
    }

    private static TrustZone ZoneWithDomain()
    {
        var zone = TrustZone.Empty;
        zone.AddM365Domain("contoso.com");
        return zone;
    }

    [Fact]
    public void Anonymous_link_created_and_removed_without_use_keeps_the_finding_severity()
    {
        var i = Assert.Single(Run(new[] { M365("AnonymousLinkCreated", ShareAction.Add, 0, "192.0.2.10"), M365("AnonymousLinkRemoved", ShareAction.Remove, 5, "192.0.2.10") }).Incidents);
        Assert.Equal((IncidentStage.Shared | IncidentStage.Revoked, false), (i.Stages, i.StillOpen));
    }

    [Fact]
    public void A_grantee_in_the_baseline_is_not_first_seen()
    {
        var baseline = new ShareBaseline(T0, Array.Empty<BaselineGrant>(), new[] { new BaselineGrantee { Provider = Provider.Aws, Grantee = Attacker, GranteeType = GranteeType.Account, FirstSeen = T0, LastSeen = T0 } });
        var i = Assert.Single(Run(SnapshotChain(), new IncidentCorrelatorOptions { Baseline = baseline }).Incidents);
        Assert.False(i.FirstSeenGrantee);
        Assert.DoesNotContain("never seen before", i.Summary);
    }

    [Fact]
    public void Incident_ids_differ_between_chains_and_do_not_depend_on_lifecycle_events()
    {
        var chain = SnapshotChain();
        var withCreate = Assert.Single(Run(chain).Incidents);
        var without = Assert.Single(Run(chain.Where(e => e.Action != ShareAction.Create)).Incidents);
        var later = Assert.Single(Run(SnapshotChain(start: 600)).Incidents);
        Assert.Equal(withCreate.IncidentId, without.IncidentId);
        Assert.NotEqual(withCreate.IncidentId, later.IncidentId);
    }

    [Fact]
    public void A_finding_judged_already_is_taken_as_it_is_not_judged_again()
    {
        var finding = new ExternalShareDetector(TrustZone.Empty).Evaluate(Aws("ModifySnapshotAttribute", ShareAction.Add, Attacker, 0))!;
        var zone = TrustZone.Empty;
        zone.AddAwsAccount(Attacker); // would make the event trusted, were it judged again
        var correlator = new IncidentCorrelator(new ExternalShareDetector(zone));
        Assert.Empty(correlator.Add(finding));
        var i = Assert.Single(correlator.Complete());
        Assert.Same(finding, Assert.Single(i.Findings));
        Assert.Equal(0, correlator.Detector.Statistics.Evaluated);
    }

    [Fact]
    public void An_event_without_a_time_does_not_close_the_open_chains()
    {
        var correlator = new IncidentCorrelator(new ExternalShareDetector(TrustZone.Empty), new IncidentCorrelatorOptions { ChainWindow = TimeSpan.FromHours(1) });
        Assert.Empty(correlator.Add(Aws("ModifySnapshotAttribute", ShareAction.Add, Attacker, 0)));
        var undated = new ShareEvent { EventId = "undated", Provider = Provider.Gcp, Operation = "storage.setIamPermissions", EventTime = DateTime.MinValue, AccountId = "p", Category = ShareCategory.Storage, ResourceType = "GcsBucket", ResourceId = "b", Action = ShareAction.Add, Grantee = "allUsers", GranteeType = GranteeType.Public, Succeeded = true };
        Assert.Empty(correlator.Add(undated));
        // The next dated event closes the undated chain (it is far from any time), not the dated one.
        Assert.Equal(Provider.Gcp, Assert.Single(correlator.Add(Aws("SharedSnapshotCopyInitiated", ShareAction.Use, Attacker, 30))).Provider);
        var aws = Assert.Single(correlator.Complete());
        Assert.Equal(IncidentStage.Shared | IncidentStage.Used, aws.Stages);
    }
}
