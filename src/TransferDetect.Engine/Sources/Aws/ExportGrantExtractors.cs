using TransferDetect.Engine.Model;
using static TransferDetect.Engine.Sources.Aws.AwsGranteeRule;
using static TransferDetect.Engine.Sources.Aws.AwsPath;
using static TransferDetect.Engine.Sources.Aws.AwsValue;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// Export tasks that write a copy of data into an S3 bucket: ec2 CreateInstanceExportTask and ExportImage,
/// rds StartExportTask, dynamodb ExportTableToPointInTime. Only DynamoDB records the bucket's owner
/// (<c>s3BucketOwner</c>); for the others the destination bucket's owner is unknown.
/// </summary>
internal static class ExportGrantExtractors
{
    /// <summary>The kind of RDS source an export reads: a snapshot, a cluster snapshot, or a cluster.</summary>
    private static readonly AwsValue RdsType = Choose(
        (AwsCondition.Contains(Text(Rp("sourceArn")), ":cluster-snapshot:"), Const("RdsClusterSnapshot")),
        (AwsCondition.Contains(Text(Rp("sourceArn")), ":cluster:"), Const("RdsCluster")),
        (AwsCondition.Always, Const("RdsSnapshot")));

    public static readonly AwsDetectionDefinition[] Definitions =
    {
        ToBucket("CreateInstanceExportTask", "ec2.amazonaws.com", "Ec2Instance", Text(Rp("instanceId")), Rp("exportToS3|exportToS3Task", "s3Bucket"), null),
        ToBucket("ExportImage", "ec2.amazonaws.com", "Ami", Text(Rp("imageId")), Rp("s3ExportLocation", "s3Bucket"), null),
        ToBucket("StartExportTask", "rds.amazonaws.com", "RdsSnapshot", Text(Rp("sourceArn")), Rp("s3BucketName"), null),
        ToBucket("ExportTableToPointInTime", "dynamodb.amazonaws.com", "DynamoDbTable", Text(Rp("tableArn")), Rp("s3Bucket"), Rp("s3BucketOwner")),
    };

    public static readonly AwsShareOperation[] Operations = System.Array.ConvertAll(Definitions, d => d.ToOperation());

    /// <summary>The destination bucket's owner when recorded (an account grantee), else the bucket itself, owner unknown.</summary>
    private static AwsDetectionDefinition ToBucket(string eventName, string source, string resourceType, AwsValue resourceId, AwsPath bucketPath, AwsPath? ownerPath)
    {
        var bucket = Text(bucketPath);
        var owner = ownerPath != null ? Text(ownerPath) : null;
        var rules = new System.Collections.Generic.List<AwsGranteeRule>();
        var hasBucket = AwsCondition.IsPresent(bucket);
        if (owner != null)
        {
            rules.Add(Value(ShareAction.Add, owner).OnlyWhen(hasBucket).Described(_ => "export", v => "destination bucket " + bucket.Eval(v)));
        }
        var unknownOwner = owner != null ? AwsCondition.Not(AwsCondition.And(AwsCondition.IsPresent(owner), hasBucket)) : null;
        rules.Add(Value(ShareAction.Add, BucketArn(bucket), GranteeType.Unknown)
            .OnlyWhen(unknownOwner ?? AwsCondition.Always)
            .IncompleteWithout("has no destination bucket, so where the data goes cannot be read")
            .Described(_ => "export", _ => StorageGrantExtractors.OwnerNotRecorded));
        var definition = new AwsDetectionDefinition(eventName, source, ShareCategory.Export, resourceType, resourceId, rules.ToArray());
        return eventName == "StartExportTask" ? definition.WithResourceType(RdsType) : definition;
    }

}
