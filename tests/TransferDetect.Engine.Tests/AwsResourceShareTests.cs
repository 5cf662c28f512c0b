using System.Text.Json.Nodes;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;
using Xunit;
using static TransferDetect.Engine.Tests.AwsRecords;
using static TransferDetect.Engine.Tests.CloudTrailJson;

namespace TransferDetect.Engine.Tests;

/// <summary>RAM resource shares, Lambda layer permissions and SSM document permissions (ECR is with the policies).</summary>
public class AwsResourceShareTests
{
    private const string Subnet = "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0abc";

    private static JsonObject Share(string operation, string principals, bool? allowExternal = true)
    {
        string external = allowExternal == null ? "" : $",\"allowExternalPrincipals\":{(allowExternal.Value ? "true" : "false")}";
        var r = Call(operation, "ram.amazonaws.com",
            $$$"""{"name":"net","resourceArns":["{{{Subnet}}}"],"principals":{{{principals}}}{{{external}}}}""");
        r["responseElements"] = JsonNode.Parse("""{"resourceShare":{"resourceShareArn":"arn:aws:ram:us-east-1:111122223333:resource-share/7ab63972-b505-7e2a-420d-6f5d3EXAMPLE","name":"net"}}""");
        return r;
    }

    [Fact]
    public void Ram_share_with_external_principals_allowed_reports_each_principal_outside_the_zone()
    {
        var events = Events(Share("CreateResourceShare", $$$"""
            ["{{{Foreign}}}","arn:aws:organizations::123456789012:organization/{{{TrustedOrg}}}",
             "arn:aws:organizations::999988887777:ou/{{{ForeignOrg}}}/ou-ab12-22222222","arn:aws:iam::{{{Foreign}}}:role/net","ec2.amazonaws.com"]
            """));
        Assert.Equal(
            new[] { GranteeType.Account, GranteeType.Organization, GranteeType.OrganizationalUnit, GranteeType.Account },
            events.Select(e => e.GranteeType));
        Assert.All(events, e => Assert.Equal(("RamResourceShare", "arn:aws:ram:us-east-1:111122223333:resource-share/7ab63972-b505-7e2a-420d-6f5d3EXAMPLE"), (e.ResourceType, e.ResourceId)));
        Assert.All(events, e => Assert.Equal("resources " + Subnet, e.Details));
        var findings = events.Select(Judge).ToList();
        Assert.Equal(new Severity?[] { Severity.High, null, Severity.High, Severity.High }, findings.Select(f => f?.Severity));
        Assert.Equal($"RAM resource share arn:aws:ram:us-east-1:111122223333:resource-share/7ab63972-b505-7e2a-420d-6f5d3EXAMPLE was shared with AWS account {Foreign}, which is outside the trust zone.", findings[0]!.Reason);
    }

    [Fact]
    public void Ram_share_that_ram_keeps_inside_the_organization_is_medium_and_says_why()
    {
        var f = Finding(Share("CreateResourceShare", $"[\"{Foreign}\"]", allowExternal: false));
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.Contains("allowExternalPrincipals false", f.Reason);
        Assert.Contains("add the organization to the trust zone if it is yours", f.Reason);
    }

    [Fact]
    public void Ram_associate_adds_and_disassociate_removes()
    {
        var associate = Call("AssociateResourceShare", "ram.amazonaws.com", $$$"""{"resourceShareArn":"arn:aws:ram:us-east-1:111122223333:resource-share/x","principals":["{{{Foreign}}}"]}""");
        var disassociate = Call("DisassociateResourceShare", "ram.amazonaws.com", $$$"""{"resourceShareArn":"arn:aws:ram:us-east-1:111122223333:resource-share/x","principals":["{{{Foreign}}}"]}""");
        var events = Events(associate, disassociate);
        Assert.Equal(new[] { ShareAction.Add, ShareAction.Remove }, events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal("arn:aws:ram:us-east-1:111122223333:resource-share/x", e.ResourceId));
        Assert.NotNull(Judge(events[0]));
        Assert.Null(Judge(events[1]));
    }

    private static JsonObject Layer(string eventName, string requestParameters) => Call(eventName, "lambda.amazonaws.com", requestParameters);

    [Fact]
    public void Layer_permission_to_a_foreign_account_is_high_under_its_versioned_event_name()
    {
        var f = Finding(Layer("AddLayerVersionPermission20181031",
            $$$"""{"layerName":"arn:aws:lambda:us-east-1:111122223333:layer:tools","versionNumber":3,"principal":"{{{Foreign}}}","statementId":"xaccount","action":"lambda:GetLayerVersion"}"""));
        Assert.Equal(("AddLayerVersionPermission", "LambdaLayerVersion", "arn:aws:lambda:us-east-1:111122223333:layer:tools:3"), (f.Operation, f.ResourceType, f.ResourceId));
        Assert.Equal((Foreign, Severity.High, "lambda:GetLayerVersion"), (f.Grantee, f.Severity, f.Event.Permission));
    }

    [Fact]
    public void Layer_permission_to_everyone_in_the_trusted_organization_is_no_finding()
    {
        var e = Single(Layer("AddLayerVersionPermission20181031",
            $$$"""{"layerName":"tools","versionNumber":1,"principal":"*","organizationId":"{{{TrustedOrg}}}","statementId":"org","action":"lambda:GetLayerVersion"}"""));
        Assert.Equal((TrustedOrg, GranteeType.Organization), (e.Grantee, e.GranteeType));
        Assert.Equal($"principal * limited to organization {TrustedOrg}; statement org", e.Details);
        Assert.Null(Judge(e));
    }

    [Fact]
    public void Layer_permission_to_everyone_is_public()
    {
        var f = Finding(Layer("AddLayerVersionPermission", """{"layerName":"tools","versionNumber":1,"principal":"*","statementId":"all","action":"lambda:GetLayerVersion"}"""));
        Assert.Equal((GranteeType.Public, Severity.Critical), (f.GranteeType, f.Severity));
    }

    [Fact]
    public void Layer_permission_removal_is_a_revocation_and_function_permissions_are_not_read()
    {
        var remove = Layer("RemoveLayerVersionPermission20181031", """{"layerName":"tools","versionNumber":1,"statementId":"all"}""");
        var function = Layer("AddPermission20150331v2", $$$"""{"functionName":"f","principal":"{{{Foreign}}}","action":"lambda:InvokeFunction","statementId":"s"}""");
        var e = Single(remove);
        Assert.Equal((ShareAction.Remove, "statement all"), (e.Action, e.Grantee));
        Assert.Empty(Events(function));
    }

    [Fact]
    public void Ssm_document_shared_with_accounts_and_unshared()
    {
        var events = Events(Call("ModifyDocumentPermission", "ssm.amazonaws.com",
            $$$"""{"name":"Bootstrap","permissionType":"Share","accountIdsToAdd":["{{{Foreign}}}","{{{Trusted}}}"],"accountIdsToRemove":["555566667777"],"sharedDocumentVersion":"$DEFAULT"}"""));
        Assert.Equal(
            new[] { (ShareAction.Add, Foreign), (ShareAction.Add, Trusted), (ShareAction.Remove, "555566667777") },
            events.Select(e => (e.Action, e.Grantee!)));
        Assert.All(events, e => Assert.Equal(("SsmDocument", "Bootstrap", "document version $DEFAULT"), (e.ResourceType, e.ResourceId, e.Details)));
        var detector = new ExternalShareDetector(Zone());
        var findings = events.Select(detector.Evaluate).Where(f => f != null).ToList();
        Assert.Equal($"SSM document Bootstrap was shared with AWS account {Foreign}, which is outside the trust zone.", Assert.Single(findings)!.Reason);
        Assert.Equal((1, 1), (detector.Statistics.Trusted, detector.Statistics.Revocations));
    }

    [Fact]
    public void Ssm_document_shared_with_all_is_public()
    {
        var f = Finding(Call("ModifyDocumentPermission", "ssm.amazonaws.com", """{"name":"Bootstrap","permissionType":"Share","accountIdsToAdd":["All"]}"""));
        Assert.Equal((GranteeType.Public, Severity.Critical), (f.GranteeType, f.Severity));
    }
}
