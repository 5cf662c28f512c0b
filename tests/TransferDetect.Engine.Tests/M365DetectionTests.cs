using System.Text.Json.Nodes;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using Xunit;
using static TransferDetect.Engine.Tests.M365Json;

namespace TransferDetect.Engine.Tests;

/// <summary>Every row of the Microsoft 365 table of DETECTIONS.md, each with its negative twin.</summary>
public class M365DetectionTests
{
    private static TrustZone Zone()
    {
        var zone = TrustZone.Empty;
        zone.AddM365Domain("contoso.com");
        zone.AddM365Domain("contoso.onmicrosoft.com");
        zone.AddM365Domain("partner.example");
        return zone;
    }

    /// <summary>Reads the records through the real reader and judges each event against the zone.</summary>
    private static (List<ShareEvent> Events, List<Finding> Findings, ExternalShareDetector Detector, CollectingScanHost Host) Scan(TrustZone zone, params JsonObject[] records)
    {
        var (events, host, _) = Read(Lines(records));
        var detector = new ExternalShareDetector(zone);
        var findings = events.Select(detector.Evaluate).Where(f => f != null).Select(f => f!).ToList();
        return (events, findings, detector, host);
    }

    // AnonymousLinkCreated / AnonymousLinkUpdated

    [Theory]
    [InlineData("AnonymousLinkCreated")]
    [InlineData("AnonymousLinkUpdated")]
    public void Anonymous_link_is_a_critical_public_finding_whatever_the_zone(string operation)
    {
        var (events, findings, _, host) = Scan(Zone(), Record(operation, eventData: "<Type>Edit</Type>"));
        Assert.Empty(host.Issues);
        var f = Assert.Single(findings);
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Equal(GranteeType.AnonymousLink, f.GranteeType);
        Assert.Equal("Anyone", f.Grantee);
        Assert.Equal("Edit", Assert.Single(events).Permission);
        Assert.Equal($"OneDrive file {OneDriveDoc} was shared through an anonymous (Anyone) link with Edit permission: anyone who has the link can open it without signing in ({operation}).", f.Reason);
    }

    [Fact]
    public void Anonymous_link_removed_is_a_revocation_not_a_finding()
    {
        var (events, findings, detector, _) = Scan(Zone(), Record("AnonymousLinkRemoved", eventData: "<Type>View</Type>"));
        Assert.Empty(findings);
        var e = Assert.Single(events);
        Assert.Equal(ShareAction.Remove, e.Action);
        Assert.Equal(GranteeType.AnonymousLink, e.GranteeType);
        Assert.Equal(1, detector.Statistics.Revocations);
    }

    [Fact]
    public void Failed_anonymous_link_is_a_medium_attempt()
    {
        var (events, findings, _, _) = Scan(Zone(), Record("AnonymousLinkCreated", resultStatus: "Failed"));
        Assert.False(Assert.Single(events).Succeeded);
        var f = Assert.Single(findings);
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.StartsWith("An attempt to share OneDrive file", f.Reason);
        Assert.Contains("failed (Failed); no access was granted", f.Reason);
    }

    // AnonymousLinkUsed

    [Fact]
    public void Anonymous_link_used_is_a_high_finding_that_names_the_address()
    {
        var r = Record("AnonymousLinkUsed", objectId: TeamFile, clientIp: "203.0.113.99");
        r["UserId"] = "urn:spo:anon#1c7bd3e0be3a3c1b3d3e4cfb5f6e2a0b4a0f5a1c";
        var (events, findings, _, _) = Scan(Zone(), r);
        var e = Assert.Single(events);
        Assert.Equal(ShareAction.Use, e.Action);
        Assert.Equal("urn:spo:anon#1c7bd3e0be3a3c1b3d3e4cfb5f6e2a0b4a0f5a1c", e.Actor);
        var f = Assert.Single(findings);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal($"SharePoint file {TeamFile} was opened through an anonymous (Anyone) link from 203.0.113.99 (AnonymousLinkUsed).", f.Reason);
    }

    [Theory]
    [InlineData("CompanyLinkUsed")]
    [InlineData("SecureLinkUsed")]
    [InlineData("SharingInvitationAccepted")]
    [InlineData("SharingInheritanceBroken")]
    [InlineData("AnonymousLinkCreatedd")]
    public void Look_alike_operations_give_no_event(string operation)
    {
        var (events, _, _, host) = Scan(Zone(), Record(operation, target: "bob@evil.example", targetType: "Guest"));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
    }

    // SharingInvitationCreated

    [Fact]
    public void Invitation_to_an_outside_address_is_a_high_finding()
    {
        var (_, findings, _, _) = Scan(Zone(), Record("SharingInvitationCreated", objectId: "https://contoso.sharepoint.com/sites/Finance", itemType: "Web",
            target: "mallory@evil.example", targetType: "Guest", eventData: "<Permissions granted>Edit</Permissions granted>"));
        var f = Assert.Single(findings);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal(GranteeType.User, f.GranteeType);
        Assert.Equal("SharePoint site https://contoso.sharepoint.com/sites/Finance was shared with Edit permission with guest mallory@evil.example (domain evil.example), which is outside the trust zone (SharingInvitationCreated).", f.Reason);
    }

    [Fact]
    public void Invitation_to_a_trusted_partner_domain_is_no_finding()
    {
        var (events, findings, detector, _) = Scan(Zone(), Record("SharingInvitationCreated", target: "Pat@Partner.Example", targetType: "Guest"));
        Assert.Single(events);
        Assert.Empty(findings);
        Assert.Equal(1, detector.Statistics.Trusted);
    }

    [Fact]
    public void Invitation_revoked_is_a_revocation()
    {
        var (events, findings, _, _) = Scan(Zone(), Record("SharingInvitationRevoked", target: "mallory@evil.example", targetType: "Guest"));
        Assert.Empty(findings);
        var e = Assert.Single(events);
        Assert.Equal(ShareAction.Remove, e.Action);
        Assert.Equal("mallory@evil.example", e.Grantee);
    }

    // SharingSet

    [Fact]
    public void SharingSet_to_a_guest_upn_is_judged_by_the_guest_home_domain()
    {
        var (_, findings, _, _) = Scan(Zone(),
            Record("SharingSet", target: "mallory_evil.example#EXT#@contoso.onmicrosoft.com", targetType: "Guest", eventData: "<Permissions granted>Contribute</Permissions granted>"),
            Record("SharingSet", target: "pat_partner.example#EXT#@contoso.onmicrosoft.com", targetType: "Guest", eventData: "<Permissions granted>Read</Permissions granted>"));
        var f = Assert.Single(findings);
        Assert.Equal("mallory_evil.example#EXT#@contoso.onmicrosoft.com", f.Grantee);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Contains("with Contribute permission with guest mallory_evil.example#EXT#@contoso.onmicrosoft.com (domain evil.example)", f.Reason);
    }

    [Fact]
    public void SharingSet_to_a_member_of_the_directory_is_trusted_even_with_an_empty_zone()
    {
        var (events, findings, detector, _) = Scan(TrustZone.Empty, Record("SharingSet", target: "dave@contoso.com", targetType: "Member"));
        Assert.Single(events);
        Assert.Empty(findings);
        Assert.Equal(1, detector.Statistics.Trusted);
    }

    [Fact]
    public void SharingSet_to_a_member_with_a_guest_upn_is_judged_by_its_home_domain()
    {
        var (_, findings, _, _) = Scan(Zone(), Record("SharingSet", target: "erin_fabrikam.com#EXT#@contoso.onmicrosoft.com", targetType: "Member"));
        Assert.Equal(Severity.High, Assert.Single(findings).Severity);
    }

    [Fact]
    public void SharingSet_to_an_address_without_a_type_outside_the_zone_is_a_finding()
    {
        var (_, findings, _, _) = Scan(Zone(), Record("SharingSet", target: "frank@fabrikam.com"));
        Assert.Contains("with user frank@fabrikam.com (domain fabrikam.com)", Assert.Single(findings).Reason);
    }

    [Theory]
    [InlineData("Limited Access System Group", "SharePointGroup", "<Permissions granted>Limited Access</Permissions granted>")]
    [InlineData("4da1e7f54501bb99b6e0ab2ff8749842152ac02ff8c0c8017b0e40e6b67fecdd", "SecurityGroup", "<Permissions granted>System.LimitedEdit</Permissions granted>")]
    [InlineData("Finance Members", "SharePointGroup", "<Permissions granted>Edit</Permissions granted>")]
    [InlineData("SHAREPOINT\\system", "Member", null)]
    [InlineData("SharingLinks.7f06ab3a-bd98-41d3-a0b2-ad270d71e4d8.Flexible.d323b5ea-ceca-4d65-a628-e22ca9296a76", "SharePointGroup", "<Permissions granted>Contribute</Permissions granted>")]
    public void SharingSet_to_a_group_that_admits_nobody_outside_gives_no_event(string target, string type, string? eventData)
    {
        var (events, _, _, host) = Scan(TrustZone.Empty, Record("SharingSet", target: target, targetType: type, eventData: eventData));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void SharingSet_of_an_anonymous_link_group_alone_is_a_public_finding()
    {
        var (events, findings, _, _) = Scan(Zone(), Record("SharingSet", target: "SharingLinks.7f06ab3a-bd98-41d3-a0b2-ad270d71e4d8.AnonymousView.d323b5ea-ceca-4d65-a628-e22ca9296a76",
            targetType: "SharePointGroup", eventData: "<Permissions granted>Read</Permissions granted>"));
        var e = Assert.Single(events);
        Assert.Equal(GranteeType.AnonymousLink, e.GranteeType);
        Assert.Equal("Read", e.Permission);
        Assert.Equal(Severity.Critical, Assert.Single(findings).Severity);
    }

    [Fact]
    public void SharingRevoked_is_a_revocation()
    {
        var (events, findings, _, _) = Scan(Zone(), Record("SharingRevoked", target: "mallory@evil.example", targetType: "Guest"));
        Assert.Empty(findings);
        var e = Assert.Single(events);
        Assert.Equal(ShareAction.Remove, e.Action);
        Assert.Equal("mallory@evil.example", e.Grantee);
    }

    [Theory]
    [InlineData("SharingLinks.a.AnonymousEdit.b", GranteeType.AnonymousLink, "Anyone")]
    [InlineData("SharingLinks.a.OrganizationView.b", GranteeType.Organization, Tenant)]
    public void SharingRevoked_of_a_link_group_takes_the_link_away(string group, GranteeType type, string grantee)
    {
        var (events, findings, _, _) = Scan(Zone(), Record("SharingRevoked", target: group, targetType: "SharePointGroup"));
        Assert.Empty(findings);
        var e = Assert.Single(events);
        Assert.Equal((ShareAction.Remove, type, grantee), (e.Action, e.GranteeType, e.Grantee));
    }

    // AddedToSecureLink / SecureLinkCreated

    [Fact]
    public void Guest_added_to_a_specific_people_link_is_a_high_finding()
    {
        var (_, findings, _, _) = Scan(Zone(), Record("AddedToSecureLink", target: "mallory@evil.example", targetType: "Guest", eventData: "<Type>View</Type>"));
        var f = Assert.Single(findings);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Contains("with View permission with guest mallory@evil.example", f.Reason);
    }

    [Fact]
    public void Colleague_added_to_a_specific_people_link_is_no_finding()
    {
        var (events, findings, _, _) = Scan(Zone(), Record("AddedToSecureLink", target: "dave@contoso.com", targetType: "Member"));
        Assert.Single(events);
        Assert.Empty(findings);
    }

    [Fact]
    public void Removed_from_a_specific_people_link_is_a_revocation()
    {
        var (events, findings, _, _) = Scan(Zone(), Record("RemovedFromSecureLink", target: "mallory@evil.example", targetType: "Guest"));
        Assert.Empty(findings);
        Assert.Equal(ShareAction.Remove, Assert.Single(events).Action);
    }

    [Fact]
    public void Specific_people_link_alone_names_nobody_and_gives_no_event()
    {
        var (events, _, _, host) = Scan(Zone(), Record("SecureLinkCreated", eventData: "<Type>View</Type>"));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void Specific_people_link_that_names_a_guest_is_a_finding()
    {
        var (_, findings, _, _) = Scan(Zone(), Record("SecureLinkCreated", target: "mallory@evil.example", targetType: "Guest"));
        Assert.Equal("mallory@evil.example", Assert.Single(findings).Grantee);
    }

    [Fact]
    public void Specific_people_link_deleted_is_a_revocation()
    {
        var (events, findings, _, _) = Scan(Zone(), Record("SecureLinkDeleted"));
        Assert.Empty(findings);
        Assert.Equal(ShareAction.Remove, Assert.Single(events).Action);
    }

    // CompanyLinkCreated

    [Fact]
    public void Company_link_is_an_event_inside_the_organisation_and_no_finding()
    {
        var (events, findings, detector, _) = Scan(TrustZone.Empty, Record("CompanyLinkCreated", eventData: "<Type>View</Type>"));
        var e = Assert.Single(events);
        Assert.Equal(GranteeType.Organization, e.GranteeType);
        Assert.Equal(Tenant, e.Grantee);
        Assert.Equal("View", e.Permission);
        Assert.Empty(findings);
        Assert.Equal(1, detector.Statistics.Trusted);
    }

    [Fact]
    public void Company_link_and_its_organisation_group_are_one_event()
    {
        var link = Record("CompanyLinkCreated", eventData: "<Type>Edit</Type>");
        var group = Record("SharingSet", target: "SharingLinks.7f06ab3a-bd98-41d3-a0b2-ad270d71e4d8.OrganizationEdit.0c4b2a9e-8d6f-4f5e-9a3b-2c1d0e9f8a7b",
            targetType: "SharePointGroup", eventData: "<Permissions granted>Contribute</Permissions granted>");
        var (events, findings, _, _) = Scan(TrustZone.Empty, group, link);
        var e = Assert.Single(events);
        Assert.Equal("CompanyLinkCreated", e.Operation);
        Assert.Equal(new[] { (string)group["Id"]! }, e.RelatedEventIds);
        Assert.Empty(findings);
    }

    [Fact]
    public void Company_link_removed_is_a_revocation()
    {
        var (events, _, _, _) = Scan(TrustZone.Empty, Record("CompanyLinkRemoved"));
        Assert.Equal(ShareAction.Remove, Assert.Single(events).Action);
    }

    // Folding an Anyone link with its companions

    [Fact]
    public void Anonymous_link_and_its_group_are_one_finding_in_either_order()
    {
        var link = Record("AnonymousLinkCreated", eventData: "<Type>Edit</Type>");
        var group = Record("SharingSet", target: "SharingLinks.7f06ab3a-bd98-41d3-a0b2-ad270d71e4d8.AnonymousEdit.d323b5ea-ceca-4d65-a628-e22ca9296a76",
            targetType: "SharePointGroup", eventData: "<Permissions granted>Contribute</Permissions granted>");
        foreach (var order in new[] { new[] { link, group }, new[] { group, link } })
        {
            var (events, host, reader) = Read(Lines(order));
            var e = Assert.Single(events);
            Assert.Equal((string)link["Id"]!, e.EventId);
            Assert.Equal("AnonymousLinkCreated", e.Operation);
            Assert.Equal("Edit", e.Permission);
            Assert.Equal(new[] { (string)group["Id"]! }, e.RelatedEventIds);
            Assert.Contains("its group was granted Contribute", e.Details);
            Assert.Equal(1, reader.Statistics.FoldedEvents);
            Assert.Empty(host.Issues);
        }
    }

    [Fact]
    public void Anonymous_links_of_other_operations_or_items_are_not_folded()
    {
        var (events, _, _) = Read(Lines(
            Record("AnonymousLinkCreated"),
            Record("SharingSet", correlationId: "11111111-0000-0000-0000-000000000000", target: "SharingLinks.a.AnonymousView.b", targetType: "SharePointGroup"),
            Record("SharingSet", objectId: TeamFile, target: "SharingLinks.a.AnonymousView.b", targetType: "SharePointGroup")));
        Assert.Equal(3, events.Count);
    }

    // SharingPolicyChanged

    [Theory]
    [InlineData("ExternalUserSharingOnly", "ExternalUserAndGuestSharing")]
    [InlineData("1", "2")]
    [InlineData("New and existing guests", "Anyone")]
    [InlineData("", "ExternalUserAndGuestSharing")]
    public void Policy_that_allows_anyone_links_is_a_high_guardrail_finding(string before, string after)
    {
        var (events, findings, _, host) = Scan(Zone(), Policy(("SharingCapability", before, after)));
        Assert.Empty(host.Issues);
        var e = Assert.Single(events);
        Assert.Equal(ShareCategory.Guardrail, e.Category);
        Assert.Equal("SharePointSharingPolicy", e.ResourceType);
        Assert.Equal("https://contoso-admin.sharepoint.com", e.ResourceId);
        Assert.Equal(ShareAction.Add, e.Action);
        Assert.Equal("SharingCapability", e.Permission);
        var f = Assert.Single(findings);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal($"The SharePoint sharing policy of https://contoso-admin.sharepoint.com was loosened (SharingCapability: '{before}' -> '{after}'): files can now be shared through anonymous (Anyone) links that need no sign-in.", f.Reason);
    }

    [Theory]
    [InlineData("Disabled", "ExistingExternalUserSharingOnly", "existing guests")]
    [InlineData("ExistingExternalUserSharingOnly", "ExternalUserSharingOnly", "new and existing guests")]
    [InlineData("0", "1", "new and existing guests")]
    public void Policy_that_lets_guests_in_is_a_medium_guardrail_finding(string before, string after, string who)
    {
        var (_, findings, _, _) = Scan(Zone(), Policy(("SharingCapability", before, after)));
        var f = Assert.Single(findings);
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.EndsWith($"files can now be shared with {who}.", f.Reason);
    }

    [Theory]
    [InlineData("ExternalUserAndGuestSharing", "ExternalUserSharingOnly")]
    [InlineData("ExternalUserSharingOnly", "Disabled")]
    public void Policy_that_tightens_sharing_is_a_revocation(string before, string after)
    {
        var (events, findings, detector, _) = Scan(Zone(), Policy(("SharingCapability", before, after)));
        Assert.Equal(ShareAction.Remove, Assert.Single(events).Action);
        Assert.Empty(findings);
        Assert.Equal(1, detector.Statistics.Revocations);
    }

    [Theory]
    [InlineData("ExternalUserSharingOnly", "ExternalUserSharingOnly")]
    [InlineData("ExternalUserSharingOnly", "SomethingNew")]
    [InlineData("", "ExternalUserSharingOnly")]
    public void Policy_change_whose_direction_cannot_be_told_gives_no_event(string before, string after)
    {
        var (events, _, _, host) = Scan(Zone(), Policy(("SharingCapability", before, after)));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void Policy_change_of_another_setting_gives_no_event()
    {
        var (events, _, _, _) = Scan(Zone(), Policy(("ShowEveryoneClaim", "False", "True"), ("NotificationsInOneDriveForBusinessEnabled", "True", "False")));
        Assert.Empty(events);
    }

    [Fact]
    public void Policy_that_makes_anyone_links_the_default_is_high_and_the_reverse_a_revocation()
    {
        var (_, findings, _, _) = Scan(Zone(), Policy(("DefaultSharingLinkType", "Internal", "AnonymousAccess")));
        Assert.Equal(Severity.High, Assert.Single(findings).Severity);
        var (events, none, _, _) = Scan(Zone(), Policy(("DefaultSharingLinkType", "AnonymousAccess", "Direct")));
        Assert.Empty(none);
        Assert.Equal(ShareAction.Remove, Assert.Single(events).Action);
    }

    [Fact]
    public void Domain_added_to_the_allow_list_is_judged_against_the_zone()
    {
        var (events, findings, _, _) = Scan(Zone(), Policy(("SharingAllowedDomainList", "partner.example", "partner.example evil.example fabrikam.com,Partner2.example")));
        Assert.Equal(new[] { "evil.example", "fabrikam.com", "partner2.example" }, events.Select(e => e.Grantee).OrderBy(g => g));
        Assert.All(events, e => Assert.Equal(GranteeType.Domain, e.GranteeType));
        Assert.Equal(3, findings.Count);
        Assert.All(findings, f => Assert.Equal(Severity.Medium, f.Severity));
        Assert.Contains(findings, f => f.Reason.StartsWith("The SharePoint sharing policy of https://contoso-admin.sharepoint.com now lets files be shared with domain evil.example, which is outside the trust zone", StringComparison.Ordinal));

        var (trusted, noFinding, _, _) = Scan(Zone(), Policy(("AllowDomainList", "", "partner.example")));
        Assert.Single(trusted);
        Assert.Empty(noFinding);
    }

    [Fact]
    public void Domain_taken_off_the_allow_list_is_a_revocation_and_off_the_block_list_a_grant()
    {
        var (removed, _, _, _) = Scan(Zone(), Policy(("SharingAllowedDomainList", "evil.example partner.example", "partner.example")));
        Assert.Equal(ShareAction.Remove, Assert.Single(removed).Action);
        var (unblocked, findings, _, _) = Scan(Zone(), Policy(("SharingBlockedDomainList", "evil.example fabrikam.com", "fabrikam.com")));
        Assert.Equal(ShareAction.Add, Assert.Single(unblocked).Action);
        Assert.Equal("evil.example", Assert.Single(findings).Grantee);
        var (blocked, _, _, _) = Scan(Zone(), Policy(("SharingBlockedDomainList", "fabrikam.com", "fabrikam.com evil.example")));
        Assert.Equal(ShareAction.Remove, Assert.Single(blocked).Action);
    }

    [Fact]
    public void Domain_restriction_lifted_is_a_medium_finding_and_set_a_revocation()
    {
        var (_, findings, _, _) = Scan(Zone(), Policy(("SharingDomainRestrictionMode", "AllowList", "None")));
        Assert.EndsWith("files can now be shared with guests from any domain.", Assert.Single(findings).Reason);
        var (events, none, _, _) = Scan(Zone(), Policy(("SharingDomainRestrictionMode", "None", "AllowList")));
        Assert.Empty(none);
        Assert.Equal(ShareAction.Remove, Assert.Single(events).Action);
    }

    [Fact]
    public void Invitations_redeemable_by_any_account_is_a_medium_finding()
    {
        var (_, findings, _, _) = Scan(Zone(), Policy(("RequireAcceptingAccountMatchInvitedAccount", "True", "False")));
        Assert.Equal(Severity.Medium, Assert.Single(findings).Severity);
        var (events, none, _, _) = Scan(Zone(), Policy(("RequireAcceptingAccountMatchInvitedAccount", "False", "True")));
        Assert.Empty(none);
        Assert.Equal(ShareAction.Remove, Assert.Single(events).Action);
    }

    [Fact]
    public void Policy_record_with_several_changes_gives_one_event_per_change()
    {
        var (events, findings, _, _) = Scan(Zone(), Policy(("SharingCapability", "ExternalUserSharingOnly", "ExternalUserAndGuestSharing"), ("SharingDomainRestrictionMode", "AllowList", "None")));
        Assert.Equal(2, events.Count);
        Assert.Single(events.Select(e => e.EventId).Distinct());
        Assert.Equal(new[] { Severity.High, Severity.Medium }, findings.Select(f => f.Severity));
    }

    [Fact]
    public void Policy_record_without_modified_properties_is_incomplete()
    {
        var r = Policy();
        r.Remove("ModifiedProperties");
        var (events, _, _, host) = Scan(Zone(), r);
        Assert.Empty(events);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.IncompleteRecord, issue.Kind);
        Assert.Contains("has no ModifiedProperties", issue.Detail);
    }

    [Fact]
    public void Failed_policy_change_is_a_low_attempt()
    {
        var r = Policy(("SharingCapability", "ExternalUserSharingOnly", "ExternalUserAndGuestSharing"));
        r["ResultStatus"] = "Failed";
        var (_, findings, _, _) = Scan(Zone(), r);
        var f = Assert.Single(findings);
        Assert.Equal(Severity.Low, f.Severity);
        Assert.StartsWith("An attempt to loosen the SharePoint sharing policy of https://contoso-admin.sharepoint.com failed", f.Reason);
    }
}
