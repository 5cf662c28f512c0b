using System.Text.Json.Nodes;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Azure;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>Every row of the Azure table of DETECTIONS.md, each positive with its negative twin, from records written after Microsoft's documentation.</summary>
public class AzureDetectionTests
{
    private static string NewCorrelation() => Guid.NewGuid().ToString();

    private static TrustZone Zone(string? subscription = null, string? tenant = null, string? domain = null)
    {
        var zone = new TrustZone();
        if (subscription != null) zone.AddAzureSubscription(subscription);
        if (tenant != null) zone.AddAzureTenant(tenant);
        if (domain != null) zone.AddM365Domain(domain);
        return zone;
    }

    /// <summary>Started then Succeeded (or Failed) of one operation, as the portal exports them.</summary>
    private static string Operation(string op, string resource, string? body = null, bool fails = false, string start = "2026-11-24T10:00:00Z", string end = "2026-11-24T10:00:05Z", string? correlation = null)
    {
        string corr = correlation ?? NewCorrelation();
        return AzureJson.Array(
            AzureJson.Rest(op, "Started", resource, corr, start, requestBody: body),
            fails
                ? AzureJson.Rest(op, "Failed", resource, corr, end, properties: AzureJson.FailedProperties())
                : AzureJson.Rest(op, "Succeeded", resource, corr, end));
    }

    // ---- beginGetAccess / endGetAccess ----

    [Theory]
    [InlineData(AzureOperations.SnapshotBeginGetAccess, AzureJson.Snapshot, "Azure disk snapshot")]
    [InlineData(AzureOperations.DiskBeginGetAccess, AzureJson.Disk, "Azure managed disk")]
    [InlineData(AzureOperations.RestorePointBeginGetAccess, AzureJson.Rg + "Microsoft.Compute/restorePointCollections/rpc1/restorePoints/rp1/diskRestorePoints/osdisk", "Azure disk restore point")]
    public void A_sas_uri_to_download_a_disk_is_a_high_finding_whatever_the_zone(string op, string resource, string described)
    {
        var (_, findings, _) = AzureJson.Detect(Operation(op, resource, AzureJson.Body(new { access = "Read", durationInSeconds = 86400 })), Zone(AzureJson.Sub, AzureJson.Tenant));
        var f = Assert.Single(findings);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal(GranteeType.AnonymousLink, f.GranteeType);
        Assert.Equal(resource, f.ResourceId);
        Assert.True(f.Succeeded);
        Assert.Equal($"A SAS URI to download {described} {resource} was issued by {AzureJson.Caller} from {AzureJson.Ip}: anyone holding the link can copy the data " +
            "(access Read for 86400 s; no revocation (endGetAccess) was read, so the link stays valid until it expires).", f.Reason);
    }

    [Fact]
    public void A_failed_request_for_a_sas_uri_is_a_medium_attempt()
    {
        var f = Assert.Single(AzureJson.Detect(Operation(AzureOperations.DiskBeginGetAccess, AzureJson.Disk, fails: true)).Findings);
        Assert.False(f.Succeeded);
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.Equal($"An attempt to get a SAS URI to download Azure managed disk {AzureJson.Disk} by {AzureJson.Caller} from {AzureJson.Ip} failed (AuthorizationFailed); no link was issued.", f.Reason);
    }

    [Fact]
    public void An_end_get_access_alone_is_a_revocation_not_a_finding()
    {
        var (events, findings, stats) = AzureJson.Detect(Operation("Microsoft.Compute/disks/endGetAccess/action", AzureJson.Disk));
        var e = Assert.Single(events);
        Assert.Equal(ShareAction.Remove, e.Action);
        Assert.Equal(GranteeType.AnonymousLink, e.GranteeType);
        Assert.Empty(findings);
        Assert.Equal(1, stats.Revocations);
    }

    [Fact]
    public void A_revocation_within_the_fold_window_is_folded_into_its_sas_with_the_time_it_was_open()
    {
        string begin = NewCorrelation(), end = NewCorrelation();
        var records = new[]
        {
            AzureJson.Rest(AzureOperations.SnapshotBeginGetAccess, "Started", AzureJson.Snapshot, begin, "2026-11-24T10:00:00Z", requestBody: AzureJson.Body(new { access = "Read", durationInSeconds = 3600 })),
            AzureJson.Rest(AzureOperations.SnapshotBeginGetAccess, "Succeeded", AzureJson.Snapshot, begin, "2026-11-24T10:00:10Z"),
            AzureJson.Rest("Microsoft.Compute/snapshots/endGetAccess/action", "Started", AzureJson.Snapshot, end, "2026-11-24T10:12:05Z"),
            AzureJson.Rest("Microsoft.Compute/snapshots/endGetAccess/action", "Succeeded", AzureJson.Snapshot, end, "2026-11-24T10:12:07Z"),
        };
        foreach (var order in new[] { records, records.Reverse().ToArray() })
        {
            var (events, findings, stats) = AzureJson.Detect(AzureJson.Array(order));
            var e = Assert.Single(events);
            Assert.Equal(ShareAction.Add, e.Action);
            Assert.Equal("Succeeded", e.Status);
            Assert.Equal(records[0]["eventDataId"]!.GetValue<string>(), e.EventId);
            Assert.Equal(records.Skip(1).Select(r => r["eventDataId"]!.GetValue<string>()).Order(), e.RelatedEventIds.Order());
            Assert.Equal("access Read for 3600 s; revoked (endGetAccess) at 2026-11-24T10:12:05Z, 12 min 5 s after it was issued", e.Details);
            var f = Assert.Single(findings);
            Assert.Equal(Severity.High, f.Severity);
            Assert.EndsWith("(access Read for 3600 s; revoked (endGetAccess) at 2026-11-24T10:12:05Z, 12 min 5 s after it was issued).", f.Reason);
            Assert.Equal(0, stats.Revocations);
        }
    }

    [Fact]
    public void A_failed_revocation_is_said_so_and_the_sas_stays_open()
    {
        string begin = NewCorrelation(), end = NewCorrelation();
        var e = Assert.Single(AzureJson.Events(AzureJson.Array(
            AzureJson.Rest(AzureOperations.DiskBeginGetAccess, "Succeeded", AzureJson.Disk, begin, "2026-11-24T10:00:00Z"),
            AzureJson.Rest("Microsoft.Compute/disks/endGetAccess/action", "Started", AzureJson.Disk, end, "2026-11-24T10:05:00Z"),
            AzureJson.Rest("Microsoft.Compute/disks/endGetAccess/action", "Failed", AzureJson.Disk, end, "2026-11-24T10:05:01Z", properties: AzureJson.FailedProperties()))));
        Assert.Equal("a revocation (endGetAccess) at 2026-11-24T10:05:00Z failed", e.Details);
        Assert.True(e.Succeeded);
    }

    [Fact]
    public void A_revocation_hours_later_is_still_paired_with_its_sas()
    {
        var events = AzureJson.Events(AzureJson.Array(
            AzureJson.Rest(AzureOperations.DiskBeginGetAccess, "Succeeded", AzureJson.Disk, NewCorrelation(), "2026-11-24T10:00:00Z"),
            AzureJson.Rest("Microsoft.Compute/disks/endGetAccess/action", "Succeeded", AzureJson.Disk, NewCorrelation(), "2026-11-24T13:00:00Z")));
        var e = Assert.Single(events);
        Assert.Equal(ShareAction.Add, e.Action);
        Assert.Contains("3 h", e.Details);
    }

    [Fact]
    public void A_revocation_more_than_a_day_after_the_sas_stays_its_own_event()
    {
        var (events, findings, stats) = AzureJson.Detect(AzureJson.Array(
            AzureJson.Rest(AzureOperations.DiskBeginGetAccess, "Succeeded", AzureJson.Disk, NewCorrelation(), "2026-11-24T10:00:00Z"),
            AzureJson.Rest("Microsoft.Compute/disks/endGetAccess/action", "Succeeded", AzureJson.Disk, NewCorrelation(), "2026-11-25T10:00:01Z")));
        Assert.Equal(new[] { ShareAction.Add, ShareAction.Remove }, events.Select(e => e.Action));
        Assert.Single(findings);
        Assert.Equal(1, stats.Revocations);
    }

    [Fact]
    public void A_revocation_of_another_disk_is_not_folded_into_the_sas()
    {
        var events = AzureJson.Events(AzureJson.Array(
            AzureJson.Rest(AzureOperations.DiskBeginGetAccess, "Succeeded", AzureJson.Disk, NewCorrelation(), "2026-11-24T10:00:00Z"),
            AzureJson.Rest("Microsoft.Compute/disks/endGetAccess/action", "Succeeded", AzureJson.Disk + "-data", NewCorrelation(), "2026-11-24T10:01:00Z")));
        Assert.Equal(2, events.Count);
        Assert.Null(events[0].Details);
    }

    // ---- listKeys / listAccountSas / listServiceSas ----

    [Fact]
    public void Storage_account_keys_listed_are_a_medium_finding_naming_the_caller()
    {
        var (events, findings, _) = AzureJson.Detect(Operation(AzureOperations.ListKeys, AzureJson.Account), Zone(AzureJson.Sub, AzureJson.Tenant));
        var e = Assert.Single(events);
        Assert.Equal(ShareCategory.Storage, e.Category);
        Assert.Equal(AzureJson.Caller, e.Grantee);
        Assert.Equal(GranteeType.User, e.GranteeType);
        Assert.Equal("account keys", e.Permission);
        var f = Assert.Single(findings);
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.Equal($"The account keys of Azure storage account {AzureJson.Account} were issued to {AzureJson.Caller} from {AzureJson.Ip}: whoever holds a key can read and copy all of the account's data.", f.Reason);
    }

    [Fact]
    public void Storage_keys_issued_to_an_identity_of_another_tenant_are_a_high_external_finding()
    {
        string corr = NewCorrelation();
        var record = AzureJson.Rest(AzureOperations.ListKeys, "Succeeded", AzureJson.Account, corr);
        record["claims"]!["http://schemas.microsoft.com/identity/claims/tenantid"] = AzureJson.OtherTenant;
        string text = AzureJson.Array(record);

        var f = Assert.Single(AzureJson.Detect(text, Zone(AzureJson.Sub, AzureJson.Tenant)).Findings);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Contains($"signed in to tenant {AzureJson.OtherTenant}, which is outside the trust zone", f.Reason);

        var trusted = Assert.Single(AzureJson.Detect(text, Zone(tenant: AzureJson.OtherTenant)).Findings);
        Assert.Equal(Severity.Medium, trusted.Severity);
    }

    [Fact]
    public void A_failed_key_listing_is_a_low_attempt()
    {
        var f = Assert.Single(AzureJson.Detect(Operation(AzureOperations.ListKeys, AzureJson.Account, fails: true)).Findings);
        Assert.Equal(Severity.Low, f.Severity);
        Assert.False(f.Succeeded);
        Assert.StartsWith("An attempt to get the account keys of Azure storage account", f.Reason);
    }

    [Fact]
    public void Keys_listed_on_an_event_hubs_rule_are_not_a_storage_share()
    {
        Assert.Empty(AzureJson.Events(Operation("Microsoft.EventHub/namespaces/authorizationRules/listKeys/action",
            AzureJson.Rg + "Microsoft.EventHub/namespaces/ns1/authorizationRules/RootManageSharedAccessKey")));
    }

    [Fact]
    public void An_account_sas_with_its_request_is_a_medium_finding_saying_what_the_token_allows()
    {
        string body = AzureJson.Body(new { signedServices = "b", signedResourceTypes = "sco", signedPermission = "rl", signedExpiry = "2027-01-01T00:00:00Z", keyToSign = "key1" });
        var (events, findings, _) = AzureJson.Detect(Operation(AzureOperations.ListAccountSas, AzureJson.Account, body));
        var e = Assert.Single(events);
        Assert.Equal("rl", e.Permission);
        Assert.Equal("signedServices b, signedResourceTypes sco, signedPermission rl, signedExpiry 2027-01-01T00:00:00Z, keyToSign key1", e.Details);
        var f = Assert.Single(findings);
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.StartsWith($"An account SAS token of Azure storage account {AzureJson.Account} was issued to {AzureJson.Caller} from {AzureJson.Ip}: whoever holds the token can use it until it expires (signedServices b", f.Reason);
    }

    [Fact]
    public void A_service_sas_is_a_medium_finding_on_its_account()
    {
        string body = AzureJson.Body(new { canonicalizedResource = "/blob/proddata/backups", signedResource = "c", signedPermission = "r", signedExpiry = "2027-01-01T00:00:00Z" });
        var f = Assert.Single(AzureJson.Detect(Operation(AzureOperations.ListServiceSas, AzureJson.Account, body)).Findings);
        Assert.Equal(AzureOperations.ListServiceSas, f.Operation);
        Assert.StartsWith("A service SAS token of Azure storage account", f.Reason);
        Assert.Contains("canonicalizedResource /blob/proddata/backups", f.Reason);
    }

    // ---- storageAccounts/write ----

    [Fact]
    public void Allowing_anonymous_blob_access_on_an_account_is_a_high_guardrail_finding()
    {
        var (events, findings, _) = AzureJson.Detect(Operation(AzureOperations.StorageAccountWrite, AzureJson.Account,
            AzureJson.Body(new { properties = new { allowBlobPublicAccess = true, minimumTlsVersion = "TLS1_2" } })), Zone(AzureJson.Sub));
        var e = Assert.Single(events);
        Assert.Equal(ShareCategory.Guardrail, e.Category);
        Assert.Equal(GranteeType.Public, e.GranteeType);
        var f = Assert.Single(findings);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal($"Anonymous (public) blob access was allowed on Azure storage account {AzureJson.Account} by {AzureJson.Caller} from {AzureJson.Ip} " +
            "(allowBlobPublicAccess=true): anonymous (public) blob access allowed: any container of the account can now be made public.", f.Reason);
    }

    [Fact]
    public void Disallowing_anonymous_blob_access_restores_the_guardrail_and_is_not_a_finding()
    {
        var (events, findings, stats) = AzureJson.Detect(Operation(AzureOperations.StorageAccountWrite, AzureJson.Account,
            AzureJson.Body(new { properties = new { allowBlobPublicAccess = false } })));
        Assert.Equal(ShareAction.Remove, Assert.Single(events).Action);
        Assert.Empty(findings);
        Assert.Equal(1, stats.Revocations);
    }

    [Fact]
    public void Allowing_cross_tenant_replication_is_a_medium_guardrail_finding()
    {
        var (events, findings, _) = AzureJson.Detect(Operation(AzureOperations.StorageAccountWrite, AzureJson.Account,
            AzureJson.Body(new { properties = new { allowCrossTenantReplication = "true" } })));
        Assert.Equal(GranteeType.Tenant, Assert.Single(events).GranteeType);
        var f = Assert.Single(findings);
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.StartsWith($"Object replication to other tenants was allowed on Azure storage account {AzureJson.Account}", f.Reason);
    }

    [Fact]
    public void A_failed_attempt_to_allow_public_blob_access_is_a_medium_attempt()
    {
        var f = Assert.Single(AzureJson.Detect(Operation(AzureOperations.StorageAccountWrite, AzureJson.Account,
            AzureJson.Body(new { properties = new { allowBlobPublicAccess = true } }), fails: true)).Findings);
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.Contains("failed (AuthorizationFailed); the guardrail stays.", f.Reason);
    }

    [Fact]
    public void An_account_write_that_touches_neither_setting_is_no_event()
    {
        Assert.Empty(AzureJson.Events(Operation(AzureOperations.StorageAccountWrite, AzureJson.Account,
            AzureJson.Body(new { properties = new { minimumTlsVersion = "TLS1_2" }, tags = new { env = "prod" } }))));
    }

    // ---- blobServices/containers/write ----

    [Theory]
    [InlineData("Container", "anyone can list and read its blobs without credentials")]
    [InlineData("Blob", "anyone can read its blobs without credentials")]
    public void A_container_made_public_is_a_critical_finding(string access, string what)
    {
        var f = Assert.Single(AzureJson.Detect(Operation(AzureOperations.ContainerWrite, AzureJson.Container,
            AzureJson.Body(new { properties = new { publicAccess = access } })), Zone(AzureJson.Sub, AzureJson.Tenant)).Findings);
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Equal(GranteeType.Public, f.GranteeType);
        Assert.Equal($"Azure blob container {AzureJson.Container} was made public by {AzureJson.Caller} from {AzureJson.Ip}: public access {access}: {what} (if the account allows blob public access).", f.Reason);
    }

    [Fact]
    public void A_container_made_private_is_a_revocation()
    {
        var (events, findings, _) = AzureJson.Detect(Operation(AzureOperations.ContainerWrite, AzureJson.Container,
            AzureJson.Body(new { properties = new { publicAccess = "None" } })));
        Assert.Equal(ShareAction.Remove, Assert.Single(events).Action);
        Assert.Empty(findings);
    }

    [Fact]
    public void A_failed_attempt_to_make_a_container_public_is_a_medium_attempt()
    {
        var f = Assert.Single(AzureJson.Detect(Operation(AzureOperations.ContainerWrite, AzureJson.Container,
            AzureJson.Body(new { properties = new { publicAccess = "Blob" } }), fails: true)).Findings);
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.StartsWith("An attempt to make Azure blob container", f.Reason);
    }

    [Fact]
    public void An_unknown_public_access_value_is_reported_at_its_record()
    {
        var (events, host, _) = CloudTrailJson.Read(Operation(AzureOperations.ContainerWrite, AzureJson.Container,
            AzureJson.Body(new { properties = new { publicAccess = "Everyone" } })));
        Assert.Empty(events);
        var issue = Assert.Single(host.Issues);
        Assert.Contains("sets publicAccess to 'Everyone'", issue.Message);
        Assert.Equal(1, issue.Record);
    }

    // ---- objectReplicationPolicies/write ----

    private static string Replication(string destination, string? source = null) =>
        Operation(AzureOperations.ObjectReplicationWrite, AzureJson.Account + "/objectReplicationPolicies/default", AzureJson.Body(new
        {
            properties = new
            {
                sourceAccount = source ?? AzureJson.Account,
                destinationAccount = destination,
                rules = new[] { new { sourceContainer = "backups", destinationContainer = "copy" } },
            },
        }));

    [Fact]
    public void Replication_to_an_account_of_another_subscription_is_a_high_finding()
    {
        string destination = "/subscriptions/" + AzureJson.OtherSub + "/resourceGroups/x/providers/Microsoft.Storage/storageAccounts/exfil";
        var (events, findings, _) = AzureJson.Detect(Replication(destination));
        var e = Assert.Single(events);
        Assert.Equal(AzureJson.OtherSub, e.Grantee);
        Assert.Equal(GranteeType.Subscription, e.GranteeType);
        Assert.Equal(AzureJson.Sub, e.AccountId);
        Assert.Equal(AzureJson.Account, e.ResourceId);
        var f = Assert.Single(findings);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal($"Azure storage account {AzureJson.Account} was shared with subscription {AzureJson.OtherSub}, which is outside the trust zone, by {AzureJson.Caller} from {AzureJson.Ip} " +
            $"(blobs replicated from account {AzureJson.Account} to account {destination} (containers backups -> copy)).", f.Reason);
    }

    [Fact]
    public void Replication_to_a_subscription_of_the_zone_is_trusted()
    {
        string destination = "/subscriptions/" + AzureJson.OtherSub + "/resourceGroups/x/providers/Microsoft.Storage/storageAccounts/dr";
        var (events, findings, stats) = AzureJson.Detect(Replication(destination), Zone(AzureJson.OtherSub));
        Assert.Single(events);
        Assert.Empty(findings);
        Assert.Equal(1, stats.Trusted);
    }

    [Fact]
    public void Replication_to_an_account_named_without_its_subscription_is_an_unknown_medium_finding()
    {
        var (events, findings, _) = AzureJson.Detect(Replication("exfilaccount", source: "proddata"), Zone(AzureJson.Sub, AzureJson.Tenant));
        var e = Assert.Single(events);
        Assert.Equal("exfilaccount", e.Grantee);
        Assert.Equal(GranteeType.Unknown, e.GranteeType);
        var f = Assert.Single(findings);
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.Contains("replicates its blobs to account 'exfilaccount'", f.Reason);
    }

    // ---- galleries/share/action ----

    private static string GalleryShare(object body, bool fails = false) => Operation(AzureOperations.GalleryShare, AzureJson.Gallery, AzureJson.Body(body), fails);

    [Fact]
    public void A_gallery_shared_with_subscriptions_is_a_finding_naming_only_those_outside_the_zone()
    {
        string listed = "33333333-3333-3333-3333-333333333333";
        var (events, findings, _) = AzureJson.Detect(GalleryShare(new
        {
            operationType = "Add",
            groups = new[] { new { type = "Subscriptions", ids = new[] { AzureJson.OtherSub, listed.ToUpperInvariant() } } },
        }), Zone(listed));
        var e = Assert.Single(events);
        Assert.Equal($"{AzureJson.OtherSub}, {listed}", e.Grantee);
        Assert.Equal(GranteeType.Subscription, e.GranteeType);
        Assert.Equal(ShareCategory.Snapshot, e.Category);
        var f = Assert.Single(findings);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal($"Azure compute gallery {AzureJson.Gallery} was shared with subscription {AzureJson.OtherSub}, which is outside the trust zone, by {AzureJson.Caller} from {AzureJson.Ip} (gallery sharing added for 2 subscriptions).", f.Reason);
    }

    [Fact]
    public void A_gallery_shared_with_its_own_tenant_is_trusted()
    {
        var (events, findings, stats) = AzureJson.Detect(GalleryShare(new
        {
            operationType = "Add",
            groups = new[] { new { type = "AADTenants", ids = new[] { AzureJson.Tenant } } },
        }));
        Assert.Equal(GranteeType.Tenant, Assert.Single(events).GranteeType);
        Assert.Empty(findings);
        Assert.Equal(1, stats.Trusted);
    }

    [Fact]
    public void A_gallery_shared_with_subscriptions_and_tenants_is_one_finding_for_the_operation()
    {
        var (events, findings, _) = AzureJson.Detect(GalleryShare(new
        {
            operationType = "Add",
            groups = new object[]
            {
                new { type = "Subscriptions", ids = new[] { AzureJson.Sub } },
                new { type = "AADTenants", ids = new[] { AzureJson.OtherTenant } },
            },
        }));
        var e = Assert.Single(events);
        Assert.Equal($"subscription:{AzureJson.Sub}, tenant:{AzureJson.OtherTenant}", e.Grantee);
        var f = Assert.Single(findings);
        Assert.Contains($"was shared with tenant {AzureJson.OtherTenant}, which is outside the trust zone", f.Reason);
        Assert.DoesNotContain("subscription " + AzureJson.Sub, f.Reason);
    }

    [Fact]
    public void A_community_gallery_is_a_critical_public_finding()
    {
        var f = Assert.Single(AzureJson.Detect(GalleryShare(new { operationType = "EnableCommunity" }), Zone(AzureJson.Sub, AzureJson.Tenant)).Findings);
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Equal(GranteeType.Public, f.GranteeType);
        Assert.Equal("community", f.Grantee);
        Assert.Equal($"Azure compute gallery {AzureJson.Gallery} was shared with everyone (public).", f.Reason);
    }

    [Theory]
    [InlineData("Remove")]
    [InlineData("Reset")]
    public void Gallery_sharing_removed_or_reset_is_a_revocation(string type)
    {
        var (events, findings, _) = AzureJson.Detect(GalleryShare(new
        {
            operationType = type,
            groups = new[] { new { type = "Subscriptions", ids = new[] { AzureJson.OtherSub } } },
        }));
        Assert.Equal(ShareAction.Remove, Assert.Single(events).Action);
        Assert.Empty(findings);
    }

    [Fact]
    public void A_failed_gallery_share_is_a_low_attempt()
    {
        var f = Assert.Single(AzureJson.Detect(GalleryShare(new
        {
            operationType = "Add",
            groups = new[] { new { type = "AADTenants", ids = new[] { AzureJson.OtherTenant } } },
        }, fails: true)).Findings);
        Assert.Equal(Severity.Low, f.Severity);
        Assert.StartsWith($"An attempt to share Azure compute gallery {AzureJson.Gallery} with tenant {AzureJson.OtherTenant}", f.Reason);
    }

    [Fact]
    public void A_gallery_share_naming_no_one_is_reported_incomplete()
    {
        var (events, host, reader) = CloudTrailJson.Read(GalleryShare(new { operationType = "Add", groups = System.Array.Empty<object>() }));
        Assert.Empty(events);
        Assert.Contains("names no subscription or tenant", Assert.Single(host.Issues).Message);
        Assert.Equal(1, reader.Statistics.InvalidRecords);
    }

    // ---- Data Share invitations ----

    private static string Invitation(object properties, bool fails = false) =>
        Operation(AzureOperations.DataShareInvitationWrite, AzureJson.Invitation, AzureJson.Body(new { properties }), fails);

    [Fact]
    public void A_data_share_invitation_to_another_tenant_is_a_high_finding()
    {
        var (events, findings, _) = AzureJson.Detect(Invitation(new { targetActiveDirectoryId = AzureJson.OtherTenant, targetObjectId = "0d0d0d0d-0000-0000-0000-000000000001" }));
        var e = Assert.Single(events);
        Assert.Equal(ShareCategory.Resource, e.Category);
        Assert.Equal(AzureJson.OtherTenant, e.Grantee);
        Assert.Equal(GranteeType.Tenant, e.GranteeType);
        Assert.Equal(AzureJson.Rg + "Microsoft.DataShare/accounts/share1/shares/sales", e.ResourceId);
        Assert.Equal("invitation partner; for object 0d0d0d0d-0000-0000-0000-000000000001", e.Details);
        var f = Assert.Single(findings);
        Assert.Equal(Severity.High, f.Severity);
        Assert.StartsWith($"Azure Data Share {e.ResourceId} was shared with tenant {AzureJson.OtherTenant}, which is outside the trust zone", f.Reason);
    }

    [Fact]
    public void A_data_share_invitation_to_a_listed_tenant_is_trusted()
    {
        Assert.Empty(AzureJson.Detect(Invitation(new { targetActiveDirectoryId = AzureJson.OtherTenant }), Zone(tenant: AzureJson.OtherTenant)).Findings);
    }

    [Fact]
    public void A_data_share_invitation_by_email_is_judged_by_the_trusted_domains()
    {
        var (events, findings, _) = AzureJson.Detect(Invitation(new { targetEmail = "mallory@fabrikam.com" }), Zone(domain: "contoso.com"));
        Assert.Equal(GranteeType.User, Assert.Single(events).GranteeType);
        var f = Assert.Single(findings);
        Assert.Equal(Severity.High, f.Severity);
        Assert.StartsWith("Azure Data Share", f.Reason);
        Assert.Contains("was offered to mallory@fabrikam.com, an address outside the trusted domains, by a Data Share invitation", f.Reason);

        Assert.Empty(AzureJson.Detect(Invitation(new { targetEmail = "bob@sales.contoso.com" }), Zone(domain: "contoso.com")).Findings);
    }

    [Fact]
    public void A_data_share_invitation_deleted_is_a_revocation()
    {
        var (events, findings, _) = AzureJson.Detect(Operation(AzureOperations.DataShareInvitationDelete, AzureJson.Invitation));
        Assert.Equal(ShareAction.Remove, Assert.Single(events).Action);
        Assert.Empty(findings);
    }

    // ---- snapshot / disk written from a source in another subscription ----

    private static readonly string ForeignSnapshot = "/subscriptions/" + AzureJson.OtherSub + "/resourceGroups/prod/providers/Microsoft.Compute/snapshots/crown-jewels";

    private static string CopyBody(string source, string option = "Copy") =>
        AzureJson.Body(new { location = "westeurope", properties = new { creationData = new { createOption = option, sourceResourceId = source } } });

    [Fact]
    public void A_snapshot_copied_into_a_subscription_outside_the_zone_is_a_use_of_the_source()
    {
        string copy = AzureJson.Rg + "Microsoft.Compute/snapshots/copy1";
        var (events, findings, _) = AzureJson.Detect(Operation(AzureOperations.SnapshotWrite, copy, CopyBody(ForeignSnapshot)), Zone(AzureJson.OtherSub));
        var e = Assert.Single(events);
        Assert.Equal(ShareAction.Use, e.Action);
        Assert.Equal(ForeignSnapshot, e.ResourceId);
        Assert.Equal("AzureSnapshot", e.ResourceType);
        Assert.Equal(AzureJson.OtherSub, e.AccountId);
        Assert.Equal(AzureJson.Sub, e.Grantee);
        Assert.Equal(GranteeType.Subscription, e.GranteeType);
        Assert.Equal($"copied into {copy} (createOption Copy)", e.Details);
        var f = Assert.Single(findings);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal($"Azure disk snapshot {ForeignSnapshot} was copied by subscription {AzureJson.Sub}, which is outside the trust zone, by {AzureJson.Caller} from {AzureJson.Ip} (copied into {copy} (createOption Copy)).", f.Reason);
    }

    [Fact]
    public void A_copy_between_subscriptions_of_the_zone_is_trusted()
    {
        var zone = Zone(AzureJson.OtherSub);
        zone.AddAzureSubscription(AzureJson.Sub);
        var (events, findings, stats) = AzureJson.Detect(Operation(AzureOperations.DiskWrite, AzureJson.Disk, CopyBody(ForeignSnapshot)), zone);
        Assert.Single(events);
        Assert.Empty(findings);
        Assert.Equal(1, stats.Trusted);
    }

    /// <summary>Data that came into the zone from a foreign snapshot did not leave it: the receiving subscription is the grantee, and it is trusted.</summary>
    [Fact]
    public void A_copy_into_a_subscription_of_the_zone_from_a_foreign_source_is_not_a_finding()
    {
        var (events, findings, stats) = AzureJson.Detect(Operation(AzureOperations.DiskWrite, AzureJson.Disk, CopyBody(ForeignSnapshot)), Zone(AzureJson.Sub));
        Assert.Equal(ShareAction.Use, Assert.Single(events).Action);
        Assert.Empty(findings);
        Assert.Equal(1, stats.Trusted);
    }

    [Fact]
    public void A_copy_within_one_subscription_and_a_plain_disk_write_are_no_events()
    {
        Assert.Empty(AzureJson.Events(Operation(AzureOperations.DiskWrite, AzureJson.Disk, CopyBody(AzureJson.Snapshot))));
        Assert.Empty(AzureJson.Events(Operation(AzureOperations.DiskWrite, AzureJson.Disk, AzureJson.Body(new { properties = new { diskSizeGB = 256 } }))));
    }

    [Fact]
    public void The_source_of_a_copy_is_read_from_the_response_when_the_request_is_not_logged()
    {
        string corr = NewCorrelation();
        var props = new JsonObject { ["responseBody"] = AzureJson.Body(new { name = "copy1", properties = new { creationData = new { createOption = "CopyStart", sourceResourceId = ForeignSnapshot } } }) };
        var e = Assert.Single(AzureJson.Events(AzureJson.Array(
            AzureJson.Rest(AzureOperations.SnapshotWrite, "Started", AzureJson.Snapshot, corr, "2026-11-24T10:00:00Z"),
            AzureJson.Rest(AzureOperations.SnapshotWrite, "Succeeded", AzureJson.Snapshot, corr, "2026-11-24T10:00:09Z", properties: props))));
        Assert.Equal(ShareAction.Use, e.Action);
        Assert.Equal("CopyStart", e.Permission);
        Assert.Equal("Succeeded", e.Status);
        Assert.Single(e.RelatedEventIds);
    }

    [Fact]
    public void Grantee_lists_are_split_with_their_kinds()
    {
        Assert.Equal(
            new[] { (GranteeType.Subscription, "a"), (GranteeType.Tenant, "b"), (GranteeType.Subscription, "c") },
            AzureJudge.Grantees("subscription:a, tenant:b,c", GranteeType.Subscription));
        Assert.Empty(AzureJudge.Grantees(" ", GranteeType.Tenant));
    }
}
