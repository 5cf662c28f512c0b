using TransferDetect.Engine.Model;
using Xunit;
using static TransferDetect.Engine.Tests.AwsRecords;
using static TransferDetect.Engine.Tests.CloudTrailJson;

namespace TransferDetect.Engine.Tests;

/// <summary>Export tasks into buckets: only DynamoDB names the bucket's owner.</summary>
public class AwsExportShareTests
{
    [Theory]
    [InlineData("CreateInstanceExportTask", "ec2.amazonaws.com", """{"instanceId":"i-0abc","targetEnvironment":"vmware","exportToS3":{"diskImageFormat":"VMDK","containerFormat":"ova","s3Bucket":"vm-exports","s3Prefix":"x/"}}""", "Ec2Instance", "i-0abc")]
    [InlineData("CreateInstanceExportTask", "ec2.amazonaws.com", """{"instanceId":"i-0abc","exportToS3Task":{"s3Bucket":"vm-exports"}}""", "Ec2Instance", "i-0abc")]
    [InlineData("ExportImage", "ec2.amazonaws.com", """{"imageId":"ami-0abc","diskImageFormat":"VMDK","s3ExportLocation":{"s3Bucket":"vm-exports","s3Prefix":"exports/"}}""", "Ami", "ami-0abc")]
    [InlineData("StartExportTask", "rds.amazonaws.com", """{"exportTaskIdentifier":"t","sourceArn":"arn:aws:rds:us-east-1:111122223333:snapshot:orders","s3BucketName":"vm-exports","iamRoleArn":"arn:aws:iam::111122223333:role/export"}""", "RdsSnapshot", "arn:aws:rds:us-east-1:111122223333:snapshot:orders")]
    [InlineData("StartExportTask", "rds.amazonaws.com", """{"sourceArn":"arn:aws:rds:us-east-1:111122223333:cluster-snapshot:aurora","s3BucketName":"vm-exports"}""", "RdsClusterSnapshot", "arn:aws:rds:us-east-1:111122223333:cluster-snapshot:aurora")]
    [InlineData("ExportTableToPointInTime", "dynamodb.amazonaws.com", """{"tableArn":"arn:aws:dynamodb:us-east-1:111122223333:table/orders","s3Bucket":"vm-exports","exportFormat":"DYNAMODB_JSON"}""", "DynamoDbTable", "arn:aws:dynamodb:us-east-1:111122223333:table/orders")]
    public void Export_into_a_bucket_whose_owner_is_not_recorded_is_medium(string operation, string source, string rp, string resourceType, string resourceId)
    {
        var f = Finding(Call(operation, source, rp));
        Assert.Equal((resourceType, resourceId, ShareCategory.Export), (f.ResourceType, f.ResourceId, f.Event.Category));
        Assert.Equal(("arn:aws:s3:::vm-exports", GranteeType.Unknown, Severity.Medium), (f.Grantee, f.GranteeType, f.Severity));
        Assert.EndsWith("was shared with 'arn:aws:s3:::vm-exports', a grantee that could not be classified (destination bucket owner not recorded).", f.Reason);
    }

    [Fact]
    public void DynamoDB_export_to_a_bucket_of_a_foreign_owner_is_high()
    {
        var f = Finding(Call("ExportTableToPointInTime", "dynamodb.amazonaws.com",
            $$$"""{"tableArn":"arn:aws:dynamodb:us-east-1:111122223333:table/orders","s3Bucket":"drop-zone","s3BucketOwner":"{{{Foreign}}}"}"""));
        Assert.Equal((Foreign, GranteeType.Account, Severity.High, "destination bucket drop-zone"), (f.Grantee, f.GranteeType, f.Severity, f.Event.Details));
        Assert.Equal($"DynamoDB table arn:aws:dynamodb:us-east-1:111122223333:table/orders was shared with AWS account {Foreign}, which is outside the trust zone.", f.Reason);
    }

    [Fact]
    public void DynamoDB_export_to_the_owner_own_bucket_is_no_finding()
    {
        var e = Single(Call("ExportTableToPointInTime", "dynamodb.amazonaws.com",
            $$$"""{"tableArn":"arn:aws:dynamodb:us-east-1:111122223333:table/orders","s3Bucket":"exports","s3BucketOwner":"{{{Owner}}}"}"""));
        Assert.Null(Judge(e));
    }

    [Fact]
    public void Failed_export_is_a_low_attempt()
    {
        var f = Finding(Call("StartExportTask", "rds.amazonaws.com", """{"sourceArn":"arn:aws:rds:us-east-1:111122223333:snapshot:orders","s3BucketName":"vm-exports"}""", errorCode: "AccessDenied"));
        Assert.Equal((false, Severity.Low), (f.Succeeded, f.Severity));
    }

    [Fact]
    public void Export_without_a_bucket_is_an_incomplete_record()
    {
        var (events, host, _) = Read(Delivery(Call("ExportImage", "ec2.amazonaws.com", """{"imageId":"ami-0abc","diskImageFormat":"VMDK"}""")));
        Assert.Empty(events);
        Assert.Contains("ExportImage record", Assert.Single(host.Issues).Message);
        Assert.Contains("has no destination bucket", host.Issues[0].Message);
    }
}
