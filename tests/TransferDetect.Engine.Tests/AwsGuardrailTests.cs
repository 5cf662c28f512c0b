using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;
using Xunit;
using static TransferDetect.Engine.Tests.AwsRecords;
using static TransferDetect.Engine.Tests.CloudTrailJson;

namespace TransferDetect.Engine.Tests;

/// <summary>Block public access loosened (a guardrail removed: Medium, not "data shared") or restored (a revocation).</summary>
public class AwsGuardrailTests
{
    private static string Configuration(string acls, string ignore, string policy, string restrict) =>
        $$$"""{"publicAccessBlock":[""],"PublicAccessBlockConfiguration":{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/","BlockPublicAcls":{{{acls}}},"IgnorePublicAcls":{{{ignore}}},"BlockPublicPolicy":{{{policy}}},"RestrictPublicBuckets":{{{restrict}}}},"bucketName":"orders"}""";

    [Fact]
    public void Bucket_block_public_access_loosened_is_medium_and_says_a_guardrail_was_removed()
    {
        var f = Finding(Call("PutBucketPublicAccessBlock", "s3.amazonaws.com", Configuration("false", "true", "false", "true")));
        Assert.Equal(("S3BucketPublicAccessBlock", "orders", ShareCategory.Guardrail), (f.ResourceType, f.ResourceId, f.Event.Category));
        Assert.Equal(("*", GranteeType.Public, ShareAction.Add, Severity.Medium), (f.Grantee, f.GranteeType, f.Event.Action, f.Severity));
        Assert.Equal("S3 Block Public Access of bucket orders was loosened (BlockPublicAcls false, BlockPublicPolicy false): a guardrail against public sharing was removed; the call itself shares no data.", f.Reason);
        Assert.DoesNotContain("was shared", f.Reason);
    }

    [Fact]
    public void Settings_written_as_strings_or_left_out_count_as_off()
    {
        var e = Single(Call("PutBucketPublicAccessBlock", "s3.amazonaws.com", """{"bucketName":"orders","PublicAccessBlockConfiguration":{"BlockPublicAcls":"TRUE","IgnorePublicAcls":"true","BlockPublicPolicy":"false"}}"""));
        Assert.Equal((ShareAction.Add, "BlockPublicPolicy false, RestrictPublicBuckets false"), (e.Action, e.Details));
    }

    [Fact]
    public void All_four_settings_on_restore_the_guardrail_and_are_no_finding()
    {
        var e = Single(Call("PutBucketPublicAccessBlock", "s3.amazonaws.com", Configuration("true", "true", "true", "true")));
        Assert.Equal((ShareAction.Remove, "all four settings true"), (e.Action, e.Details));
        Assert.Null(Judge(e));
    }

    [Theory]
    [InlineData("DeleteBucketPublicAccessBlock", """{"bucketName":"orders","publicAccessBlock":[""]}""", "S3BucketPublicAccessBlock", "orders")]
    [InlineData("DeleteAccountPublicAccessBlock", """{"x-amz-account-id":["111122223333"]}""", "S3AccountPublicAccessBlock", "111122223333")]
    [InlineData("DeletePublicAccessBlock", "{}", "S3AccountPublicAccessBlock", "111122223333")]
    public void Deleting_block_public_access_is_a_loosening(string operation, string rp, string resourceType, string resourceId)
    {
        var f = Finding(Call(operation, "s3.amazonaws.com", rp));
        Assert.Equal((resourceType, resourceId, Severity.Medium, "configuration deleted"), (f.ResourceType, f.ResourceId, f.Severity, f.Event.Details));
    }

    [Fact]
    public void Account_level_loosening_names_the_account()
    {
        var f = Finding(Call("PutAccountPublicAccessBlock", "s3.amazonaws.com", """{"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":false,"RestrictPublicBuckets":false}}"""));
        Assert.StartsWith("S3 Block Public Access of account 111122223333 was loosened (BlockPublicPolicy false, RestrictPublicBuckets false)", f.Reason);
    }

    [Theory]
    [InlineData("DisableSnapshotBlockPublicAccess", "EbsSnapshotBlockPublicAccess", "EBS snapshot block public access in region us-east-1")]
    [InlineData("DisableImageBlockPublicAccess", "AmiBlockPublicAccess", "AMI block public access in region us-east-1")]
    public void Ec2_block_public_access_disabled_is_a_regional_loosening(string operation, string resourceType, string what)
    {
        var record = Call(operation, "ec2.amazonaws.com", "{}");
        record["requestParameters"] = null;
        var f = Finding(record);
        Assert.Equal((resourceType, "us-east-1", Severity.Medium), (f.ResourceType, f.ResourceId, f.Severity));
        Assert.Equal($"{what} was loosened (disabled): a guardrail against public sharing was removed; the call itself shares no data.", f.Reason);
    }

    [Theory]
    [InlineData("EnableSnapshotBlockPublicAccess", """{"state":"block-all-sharing"}""")]
    [InlineData("EnableSnapshotBlockPublicAccess", """{"state":"block-new-sharing"}""")]
    [InlineData("EnableImageBlockPublicAccess", """{"imageBlockPublicAccessState":"block-new-sharing"}""")]
    public void Ec2_block_public_access_enabled_is_a_restoration(string operation, string rp)
    {
        var e = Single(Call(operation, "ec2.amazonaws.com", rp));
        Assert.Equal(ShareAction.Remove, e.Action);
        var detector = new ExternalShareDetector(Zone());
        Assert.Null(detector.Evaluate(e));
        Assert.Equal(1, detector.Statistics.Revocations);
    }

    [Fact]
    public void Failed_loosening_is_low_and_says_the_guardrail_stays()
    {
        var f = Finding(Call("PutBucketPublicAccessBlock", "s3.amazonaws.com", Configuration("false", "false", "false", "false"), errorCode: "AccessDenied"));
        Assert.Equal(Severity.Low, f.Severity);
        Assert.Equal("An attempt to loosen S3 Block Public Access of bucket orders (BlockPublicAcls false, IgnorePublicAcls false, BlockPublicPolicy false, RestrictPublicBuckets false) failed (AccessDenied); the guardrail against public sharing stays.", f.Reason);
    }

    [Fact]
    public void Put_without_configuration_is_an_incomplete_record()
    {
        var (events, host, _) = Read(Delivery(Call("PutBucketPublicAccessBlock", "s3.amazonaws.com", """{"bucketName":"orders"}""")));
        Assert.Empty(events);
        Assert.Contains("has no PublicAccessBlockConfiguration", Assert.Single(host.Issues).Message);
    }
}
