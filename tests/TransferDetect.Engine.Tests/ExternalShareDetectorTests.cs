using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;
using Xunit;
using static TransferDetect.Engine.Tests.CloudTrailJson;

namespace TransferDetect.Engine.Tests;

public class ExternalShareDetectorTests
{
    private static TrustZone Zone()
    {
        var zone = TrustZone.Empty;
        zone.AddAwsAccount("444455556666");
        zone.AddAwsOrganization("o-a1b2c3d4e5");
        zone.AddAwsOrganizationalUnit("ou-qq11-rrrrssss");
        return zone;
    }

    private static ShareEvent Event(ShareAction action, string grantee, bool succeeded = true, string? invokedBy = null) => new()
    {
        EventId = "e-1",
        Provider = Provider.Aws,
        Operation = "ModifySnapshotAttribute",
        EventTime = new DateTime(2024, 8, 1, 0, 0, 0, DateTimeKind.Utc),
        AccountId = Owner,
        ResourceType = "EbsSnapshot",
        ResourceId = "snap-1",
        Action = action,
        Grantee = grantee,
        GranteeType = TransferDetect.Engine.Sources.Aws.AwsGrantee.Parse(grantee).Type,
        Succeeded = succeeded,
        ErrorCode = succeeded ? null : "Client.UnauthorizedOperation",
        InvokedBy = invokedBy,
    };

    [Fact]
    public void Share_to_a_foreign_account_is_a_high_finding()
    {
        var f = new ExternalShareDetector(Zone()).Evaluate(Event(ShareAction.Add, "999988887777"));
        Assert.NotNull(f);
        Assert.Equal(Severity.High, f!.Severity);
        Assert.Equal("EBS snapshot snap-1 was shared with AWS account 999988887777, which is outside the trust zone.", f.Reason);
    }

    [Fact]
    public void Public_share_is_critical_whatever_the_zone()
    {
        var f = new ExternalShareDetector(Zone()).Evaluate(Event(ShareAction.Add, "all"));
        Assert.Equal(Severity.Critical, f!.Severity);
        Assert.Equal("EBS snapshot snap-1 was shared with everyone (public).", f.Reason);
    }

    [Theory]
    [InlineData("444455556666")]
    [InlineData(Owner)]
    [InlineData("arn:aws:organizations::123456789012:organization/o-a1b2c3d4e5")]
    [InlineData("arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/ou-zz99-abcdefgh")]
    [InlineData("arn:aws:organizations::123456789012:ou/o-zz9y8x7w6v/ou-qq11-rrrrssss")]
    public void Trusted_grantee_is_no_finding(string grantee)
    {
        var detector = new ExternalShareDetector(Zone());
        Assert.Null(detector.Evaluate(Event(ShareAction.Add, grantee)));
        Assert.Equal(1, detector.Statistics.Trusted);
    }

    [Fact]
    public void Organization_arn_of_another_organization_is_external()
    {
        var f = new ExternalShareDetector(Zone()).Evaluate(Event(ShareAction.Add, "arn:aws:organizations::999988887777:organization/o-zz9y8x7w6v"));
        Assert.Equal(Severity.High, f!.Severity);
        Assert.Equal(GranteeType.Organization, f.GranteeType);
        Assert.Contains("AWS organization arn:aws:organizations::999988887777:organization/o-zz9y8x7w6v", f.Reason);
    }

    [Fact]
    public void Removal_is_not_a_finding_even_when_public()
    {
        var detector = new ExternalShareDetector(Zone());
        Assert.Null(detector.Evaluate(Event(ShareAction.Remove, "all")));
        Assert.Null(detector.Evaluate(Event(ShareAction.Remove, "999988887777")));
        Assert.Equal(2, detector.Statistics.Revocations);
    }

    [Fact]
    public void Failed_attempt_is_a_finding_with_a_lower_severity_and_succeeded_false()
    {
        var detector = new ExternalShareDetector(Zone());
        var account = detector.Evaluate(Event(ShareAction.Add, "999988887777", succeeded: false));
        var everyone = detector.Evaluate(Event(ShareAction.Add, "all", succeeded: false));
        Assert.Equal(Severity.Low, account!.Severity);
        Assert.False(account.Succeeded);
        Assert.Equal(Severity.Medium, everyone!.Severity);
        Assert.StartsWith("An attempt to share EBS snapshot snap-1 with AWS account 999988887777", account.Reason);
        Assert.Contains("failed (Client.UnauthorizedOperation); no access was granted.", account.Reason);
    }

    [Fact]
    public void Failed_attempt_to_a_trusted_account_is_no_finding()
    {
        Assert.Null(new ExternalShareDetector(Zone()).Evaluate(Event(ShareAction.Add, "444455556666", succeeded: false)));
    }

    [Fact]
    public void Unclassifiable_grantee_is_a_medium_finding_not_silence()
    {
        var f = new ExternalShareDetector(Zone()).Evaluate(Event(ShareAction.Add, "bob"));
        Assert.Equal(Severity.Medium, f!.Severity);
        Assert.Equal(GranteeType.Unknown, f.GranteeType);
    }

    [Fact]
    public void Marketplace_calls_are_excluded_and_counted()
    {
        var detector = new ExternalShareDetector(Zone());
        Assert.Null(detector.Evaluate(Event(ShareAction.Add, "999988887777", invokedBy: "aws-marketplace.amazonaws.com")));
        Assert.Equal(1, detector.Statistics.Marketplace);
    }
}
