using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Gcp;
using Xunit;
using static TransferDetect.Engine.Tests.GcpJson;

namespace TransferDetect.Engine.Tests;

/// <summary>IAM members against the trust zone of <see cref="GcpJson.Zone"/> (contoso.com, partner-ok, 555555555555), owner victim-prod.</summary>
public class GcpJudgeTests
{
    private static ShareEvent Grant(string member, bool succeeded = true) => new()
    {
        EventId = "gcp-1",
        Provider = Provider.Gcp,
        Operation = "v1.compute.images.setIamPolicy",
        EventTime = new DateTime(2024, 8, 1, 0, 0, 0, DateTimeKind.Utc),
        AccountId = Project,
        Category = ShareCategory.Snapshot,
        ResourceType = "ComputeImage",
        ResourceId = "projects/victim-prod/global/images/golden",
        Action = ShareAction.Add,
        Grantee = member,
        GranteeType = GcpMember.Parse(member).Type,
        Permission = "roles/compute.imageUser",
        Succeeded = succeeded,
        ErrorCode = succeeded ? null : "PERMISSION_DENIED",
    };

    /// <summary>Severity of the finding, or "none" when the member is inside the zone.</summary>
    [Theory]
    [InlineData("user:mallory@fabrikam.com", GranteeType.User, "High")]
    [InlineData("user:bob@contoso.com", GranteeType.User, "none")]
    [InlineData("user:bob@eu.contoso.com", GranteeType.User, "none")]
    [InlineData("user:bob@notcontoso.com", GranteeType.User, "High")]
    [InlineData("group:team@fabrikam.com", GranteeType.User, "High")]
    [InlineData("group:team@contoso.com", GranteeType.User, "none")]
    [InlineData("domain:fabrikam.com", GranteeType.Domain, "High")]
    [InlineData("domain:contoso.com", GranteeType.Domain, "none")]
    [InlineData("allUsers", GranteeType.Public, "Critical")]
    [InlineData("allAuthenticatedUsers", GranteeType.Public, "Critical")]
    [InlineData("principalSet://goog/public:all", GranteeType.Public, "Critical")]
    [InlineData("serviceAccount:etl@victim-prod.iam.gserviceaccount.com", GranteeType.User, "none")]
    [InlineData("serviceAccount:etl@partner-ok.iam.gserviceaccount.com", GranteeType.User, "none")]
    [InlineData("serviceAccount:etl@attacker-proj.iam.gserviceaccount.com", GranteeType.User, "High")]
    [InlineData("serviceAccount:attacker-proj@appspot.gserviceaccount.com", GranteeType.User, "High")]
    [InlineData("serviceAccount:victim-prod@appspot.gserviceaccount.com", GranteeType.User, "none")]
    [InlineData("serviceAccount:attacker-proj.svc.id.goog[default/app]", GranteeType.User, "High")]
    [InlineData("serviceAccount:service-111111111111@compute-system.iam.gserviceaccount.com", GranteeType.User, "Medium")]
    [InlineData("serviceAccount:service-555555555555@compute-system.iam.gserviceaccount.com", GranteeType.User, "none")]
    [InlineData("serviceAccount:111111111111-compute@developer.gserviceaccount.com", GranteeType.User, "Medium")]
    [InlineData("serviceAccount:555555555555@cloudservices.gserviceaccount.com", GranteeType.User, "none")]
    [InlineData("serviceAccount:project-111111111111@storage-transfer-service.iam.gserviceaccount.com", GranteeType.User, "Medium")]
    [InlineData("serviceAccount:robot@some-google-thing.gserviceaccount.com", GranteeType.Unknown, "Medium")]
    [InlineData("projectViewer:attacker-proj", GranteeType.Account, "High")]
    [InlineData("projectOwner:victim-prod", GranteeType.Account, "none")]
    [InlineData("projectEditor:partner-ok", GranteeType.Account, "none")]
    [InlineData("deleted:user:mallory@fabrikam.com?uid=123456789012345678901", GranteeType.User, "High")]
    [InlineData("deleted:serviceAccount:etl@victim-prod.iam.gserviceaccount.com?uid=1", GranteeType.User, "none")]
    [InlineData("principal://goog/subject/bob@contoso.com", GranteeType.User, "none")]
    [InlineData("principalSet://goog/group/ops@fabrikam.com", GranteeType.User, "High")]
    [InlineData("principal://iam.googleapis.com/projects/111111111111/locations/global/workloadIdentityPools/github/subject/repo:acme/app", GranteeType.Unknown, "Medium")]
    [InlineData("principalSet://iam.googleapis.com/projects/555555555555/locations/global/workloadIdentityPools/github/*", GranteeType.Unknown, "none")]
    [InlineData("principal://iam.googleapis.com/locations/global/workforcePools/partners/subject/x", GranteeType.Unknown, "Medium")]
    [InlineData("projects/attacker-proj/datasets/loot/tables/v", GranteeType.Account, "High")]
    [InlineData("bob@contoso.com", GranteeType.User, "none")]
    [InlineData("bob@fabrikam.com", GranteeType.User, "High")]
    [InlineData("someone", GranteeType.Unknown, "Medium")]
    public void Member_is_judged_by_its_domain_or_project(string member, GranteeType type, string expected)
    {
        var e = Grant(member);
        Assert.Equal(type, e.GranteeType);
        Assert.Equal(expected, Judge(e)?.Severity.ToString() ?? "none");
    }

    [Fact]
    public void Owner_project_is_trusted_with_an_empty_zone_and_everyone_else_is_not()
    {
        var empty = TrustZone.Empty;
        Assert.Null(Judge(Grant("serviceAccount:etl@victim-prod.iam.gserviceaccount.com"), empty));
        Assert.Null(Judge(Grant("projectViewer:victim-prod"), empty));
        Assert.Equal(Severity.High, Judge(Grant("user:bob@contoso.com"), empty)!.Severity);
        Assert.Equal(Severity.High, Judge(Grant("serviceAccount:etl@partner-ok.iam.gserviceaccount.com"), empty)!.Severity);
    }

    [Fact]
    public void Reasons_name_the_member_its_project_and_what_to_do_about_a_service_agent()
    {
        Assert.Equal(
            "Compute Engine image projects/victim-prod/global/images/golden was shared as roles/compute.imageUser with serviceAccount:etl@attacker-proj.iam.gserviceaccount.com, of project attacker-proj, which is outside the trust zone.",
            Judge(Grant("serviceAccount:etl@attacker-proj.iam.gserviceaccount.com"))!.Reason);
        Assert.Equal(
            "Compute Engine image projects/victim-prod/global/images/golden was shared as roles/compute.imageUser with serviceAccount:service-111111111111@compute-system.iam.gserviceaccount.com, a Google-managed service agent of project number 111111111111, which the trust zone does not list (add the number to gcp.projects if the project is yours).",
            Judge(Grant("serviceAccount:service-111111111111@compute-system.iam.gserviceaccount.com"))!.Reason);
        Assert.Equal(
            "Compute Engine image projects/victim-prod/global/images/golden was shared as roles/compute.imageUser with 'someone', a member that could not be classified.",
            Judge(Grant("someone"))!.Reason);
        Assert.Equal(
            "An attempt to share Compute Engine image projects/victim-prod/global/images/golden as roles/compute.imageUser with everyone (allUsers) failed (PERMISSION_DENIED); no access was granted.",
            Judge(Grant("allUsers", succeeded: false))!.Reason);
    }

    [Fact]
    public void Revocation_is_no_finding_whoever_loses_access()
    {
        var e = Grant("allUsers");
        var removal = new ShareEvent
        {
            Provider = e.Provider, Operation = e.Operation, ResourceType = e.ResourceType, ResourceId = e.ResourceId, AccountId = e.AccountId,
            Action = ShareAction.Remove, Grantee = "allUsers", GranteeType = GranteeType.Public, Succeeded = true,
        };
        var detector = new ExternalShareDetector(Zone());
        Assert.Null(detector.Evaluate(removal));
        Assert.Equal(1, detector.Statistics.Revocations);
    }
}
