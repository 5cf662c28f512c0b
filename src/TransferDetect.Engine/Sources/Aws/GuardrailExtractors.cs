using System.Collections.Generic;
using TransferDetect.Engine.Model;
using static TransferDetect.Engine.Sources.Aws.AwsGranteeRule;
using static TransferDetect.Engine.Sources.Aws.AwsPath;
using static TransferDetect.Engine.Sources.Aws.AwsValue;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// Block public access turned off (a guardrail removed before a public share) or back on: S3 at bucket
/// and account level, EBS snapshots and AMIs per region. Loosening is an Add to "*" (public), restoring a
/// Remove; the judge reports the loosening as a removed guardrail, not as data shared.
/// </summary>
internal static class GuardrailExtractors
{
    private const string S3 = "s3.amazonaws.com";
    private const string S3Control = "s3-control.amazonaws.com";
    private const string Ec2 = "ec2.amazonaws.com";

    private static readonly string[] Settings = { "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets" };

    private static readonly AwsValue Bucket = Text(Rp("bucketName"));

    /// <summary>The bucket's setting when the call names a bucket, else the account's.</summary>
    private static readonly AwsValue S3TargetType = Choose(
        (AwsCondition.IsPresent(Bucket), Const("S3BucketPublicAccessBlock")), (AwsCondition.Always, Const("S3AccountPublicAccessBlock")));

    private static readonly AwsValue S3TargetId = FirstOf(Bucket, FirstString(Rp("x-amz-account-id")), Text(Record("recipientAccountId")));

    private static readonly AwsPath Configuration = Rp("PublicAccessBlockConfiguration");

    /// <summary>All four settings true (a setting left out is false to S3).</summary>
    private static readonly AwsCondition AllOn = AwsCondition.And(System.Array.ConvertAll(Settings, s => AwsCondition.LooseIs(Text(Configuration.Then(s)), "true")));

    public static readonly AwsDetectionDefinition[] Definitions =
    {
        // CloudTrail's names; PutPublicAccessBlock / DeletePublicAccessBlock are the API's, which some exports write.
        PutS3("PutBucketPublicAccessBlock", null),
        DeleteS3("DeleteBucketPublicAccessBlock", null),
        PutS3("PutAccountPublicAccessBlock", S3Control),
        DeleteS3("DeleteAccountPublicAccessBlock", S3Control),
        PutS3("PutPublicAccessBlock", S3Control),
        DeleteS3("DeletePublicAccessBlock", S3Control),
        Ec2Setting("DisableSnapshotBlockPublicAccess", "EbsSnapshotBlockPublicAccess", null),
        Ec2Setting("EnableSnapshotBlockPublicAccess", "EbsSnapshotBlockPublicAccess", "state"),
        Ec2Setting("DisableImageBlockPublicAccess", "AmiBlockPublicAccess", null),
        Ec2Setting("EnableImageBlockPublicAccess", "AmiBlockPublicAccess", "imageBlockPublicAccessState"),
    };

    public static readonly AwsShareOperation[] Operations = System.Array.ConvertAll(Definitions, d => d.ToOperation());

    /// <summary>
    /// <c>PublicAccessBlockConfiguration</c>: any of the four settings false (or left out, which S3 takes as false)
    /// loosens the guardrail; all four true restores it.
    /// </summary>
    private static AwsDetectionDefinition PutS3(string eventName, string? otherSource)
    {
        var present = AwsCondition.IsObject(Configuration);
        return new AwsDetectionDefinition(eventName, S3, ShareCategory.Guardrail, "S3BucketPublicAccessBlock", S3TargetId,
            new[]
            {
                Require(present, "has no PublicAccessBlockConfiguration, so what it changed cannot be read"),
                Value(ShareAction.Add, Const("*"), GranteeType.Public).OnlyWhen(AwsCondition.And(present, AwsCondition.Not(AllOn))).Described(null, v =>
                {
                    var off = new List<string>();
                    foreach (string setting in Settings)
                    {
                        if (Configuration.Then(setting).Resolve(v).Bool() != true) off.Add(setting + " false");
                    }
                    return string.Join(", ", off);
                }),
                Value(ShareAction.Remove, Const("*"), GranteeType.Public).OnlyWhen(AwsCondition.And(present, AllOn)).Described(null, _ => "all four settings true"),
            },
            otherEventSource: otherSource).WithResourceType(S3TargetType);
    }

    private static AwsDetectionDefinition DeleteS3(string eventName, string? otherSource) =>
        new AwsDetectionDefinition(eventName, S3, ShareCategory.Guardrail, "S3BucketPublicAccessBlock", S3TargetId,
            new[] { Value(ShareAction.Add, Const("*"), GranteeType.Public).Described(null, _ => "configuration deleted") },
            needsRequestParameters: false, otherEventSource: otherSource).WithResourceType(S3TargetType);

    /// <summary>
    /// The EC2 settings are per region: the record's region is the resource. Disable* loosens; Enable* with
    /// block-all-sharing or block-new-sharing restores the guardrail, "unblocked" would loosen it.
    /// </summary>
    private static AwsDetectionDefinition Ec2Setting(string eventName, string resourceType, string? stateField)
    {
        AwsGranteeRule[] rules;
        if (stateField == null)
        {
            rules = new[] { Value(ShareAction.Add, Const("*"), GranteeType.Public).Described(null, _ => "disabled") };
        }
        else
        {
            var state = Text(Rp(stateField));
            var unblocked = AwsCondition.TrimmedIs(state, "unblocked");
            System.Func<AwsRecordView, string?> details = v => "state " + (state.Eval(v) ?? "not recorded");
            rules = new[]
            {
                Value(ShareAction.Add, Const("*"), GranteeType.Public).OnlyWhen(unblocked).Described(null, details),
                Value(ShareAction.Remove, Const("*"), GranteeType.Public).OnlyWhen(AwsCondition.Not(unblocked)).Described(null, details),
            };
        }
        return new AwsDetectionDefinition(eventName, Ec2, ShareCategory.Guardrail, resourceType, Text(Record("awsRegion")), rules, needsRequestParameters: false);
    }
}
