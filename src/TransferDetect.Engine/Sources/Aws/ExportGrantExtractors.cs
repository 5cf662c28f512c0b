using System;
using System.Text.Json;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// Export tasks that write a copy of data into an S3 bucket: ec2 CreateInstanceExportTask and ExportImage,
/// rds StartExportTask, dynamodb ExportTableToPointInTime. Only DynamoDB records the bucket's owner
/// (<c>s3BucketOwner</c>); for the others the destination bucket's owner is unknown.
/// </summary>
internal static class ExportGrantExtractors
{
    public static readonly AwsShareOperation[] Operations =
    {
        new("CreateInstanceExportTask", "ec2.amazonaws.com", ShareCategory.Export,
            (rp, _) => ToBucket(new AwsGrantSet("Ec2Instance", rp.Text("instanceId")), rp.Get("exportToS3", "exportToS3Task").Text("s3Bucket"), null, "export")),
        new("ExportImage", "ec2.amazonaws.com", ShareCategory.Export,
            (rp, _) => ToBucket(new AwsGrantSet("Ami", rp.Text("imageId")), rp.Get("s3ExportLocation").Text("s3Bucket"), null, "export")),
        new("StartExportTask", "rds.amazonaws.com", ShareCategory.Export,
            (rp, _) => ToBucket(new AwsGrantSet(RdsType(rp.Text("sourceArn")), rp.Text("sourceArn")), rp.Text("s3BucketName"), null, "export")),
        new("ExportTableToPointInTime", "dynamodb.amazonaws.com", ShareCategory.Export,
            (rp, _) => ToBucket(new AwsGrantSet("DynamoDbTable", rp.Text("tableArn")), rp.Text("s3Bucket"), rp.Text("s3BucketOwner"), "export")),
    };

    /// <summary>The destination bucket's owner when recorded (an account grantee), else the bucket itself, owner unknown.</summary>
    private static AwsGrantSet ToBucket(AwsGrantSet set, string? bucket, string? owner, string permission)
    {
        if (bucket == null) return set.Incomplete("has no destination bucket, so where the data goes cannot be read");
        if (owner != null)
        {
            set.Add(ShareAction.Add, owner, null, permission, "destination bucket " + bucket);
        }
        else
        {
            set.Add(ShareAction.Add, AwsJson.BucketArn(bucket), GranteeType.Unknown, permission, StorageGrantExtractors.OwnerNotRecorded);
        }
        return set;
    }

    /// <summary>The kind of RDS source an export reads: a snapshot, a cluster snapshot, or a cluster.</summary>
    private static string RdsType(string? arn)
    {
        if (arn == null) return "RdsSnapshot";
        if (arn.IndexOf(":cluster-snapshot:", StringComparison.Ordinal) >= 0) return "RdsClusterSnapshot";
        if (arn.IndexOf(":cluster:", StringComparison.Ordinal) >= 0) return "RdsCluster";
        return "RdsSnapshot";
    }
}
