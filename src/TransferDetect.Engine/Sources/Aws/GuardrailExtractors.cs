using System.Collections.Generic;
using System.Text.Json;
using TransferDetect.Engine.Model;

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

    public static readonly AwsShareOperation[] Operations =
    {
        // CloudTrail's names; PutPublicAccessBlock / DeletePublicAccessBlock are the API's, which some exports write.
        new("PutBucketPublicAccessBlock", S3, ShareCategory.Guardrail, PutS3),
        new("DeleteBucketPublicAccessBlock", S3, ShareCategory.Guardrail, DeleteS3, needsRequestParameters: false),
        new("PutAccountPublicAccessBlock", S3, ShareCategory.Guardrail, PutS3, otherEventSource: S3Control),
        new("DeleteAccountPublicAccessBlock", S3, ShareCategory.Guardrail, DeleteS3, needsRequestParameters: false, otherEventSource: S3Control),
        new("PutPublicAccessBlock", S3, ShareCategory.Guardrail, PutS3, otherEventSource: S3Control),
        new("DeletePublicAccessBlock", S3, ShareCategory.Guardrail, DeleteS3, needsRequestParameters: false, otherEventSource: S3Control),
        new("DisableSnapshotBlockPublicAccess", Ec2, ShareCategory.Guardrail, (_, record) => Ec2Setting(record, "EbsSnapshotBlockPublicAccess", loosened: true, "disabled"), needsRequestParameters: false),
        new("EnableSnapshotBlockPublicAccess", Ec2, ShareCategory.Guardrail, (rp, record) => Ec2State(record, "EbsSnapshotBlockPublicAccess", rp.Text("state")), needsRequestParameters: false),
        new("DisableImageBlockPublicAccess", Ec2, ShareCategory.Guardrail, (_, record) => Ec2Setting(record, "AmiBlockPublicAccess", loosened: true, "disabled"), needsRequestParameters: false),
        new("EnableImageBlockPublicAccess", Ec2, ShareCategory.Guardrail, (rp, record) => Ec2State(record, "AmiBlockPublicAccess", rp.Text("imageBlockPublicAccessState")), needsRequestParameters: false),
    };

    /// <summary>The bucket's setting when the call names a bucket, else the account's.</summary>
    private static AwsGrantSet S3Target(JsonElement rp, JsonElement record)
    {
        string? bucket = rp.Text("bucketName");
        return bucket != null
            ? new AwsGrantSet("S3BucketPublicAccessBlock", bucket)
            : new AwsGrantSet("S3AccountPublicAccessBlock", rp.Get("x-amz-account-id").Strings() is { Count: > 0 } a ? a[0] : record.Text("recipientAccountId"));
    }

    /// <summary>
    /// <c>PublicAccessBlockConfiguration</c>: any of the four settings false (or left out, which S3 takes as false)
    /// loosens the guardrail; all four true restores it.
    /// </summary>
    private static AwsGrantSet PutS3(JsonElement rp, JsonElement record)
    {
        var set = S3Target(rp, record);
        var configuration = rp.Get("PublicAccessBlockConfiguration");
        if (configuration.ValueKind != JsonValueKind.Object)
        {
            return set.Incomplete("has no PublicAccessBlockConfiguration, so what it changed cannot be read");
        }
        var off = new List<string>();
        foreach (string setting in Settings)
        {
            if (configuration.Get(setting).Bool() != true) off.Add(setting + " false");
        }
        if (off.Count > 0)
        {
            set.Add(ShareAction.Add, "*", GranteeType.Public, null, string.Join(", ", off));
        }
        else
        {
            set.Add(ShareAction.Remove, "*", GranteeType.Public, null, "all four settings true");
        }
        return set;
    }

    private static AwsGrantSet DeleteS3(JsonElement rp, JsonElement record)
    {
        var set = S3Target(rp, record);
        set.Add(ShareAction.Add, "*", GranteeType.Public, null, "configuration deleted");
        return set;
    }

    /// <summary>The EC2 settings are per region: the record's region is the resource.</summary>
    private static AwsGrantSet Ec2Setting(JsonElement record, string resourceType, bool loosened, string details)
    {
        var set = new AwsGrantSet(resourceType, record.Text("awsRegion"));
        set.Add(loosened ? ShareAction.Add : ShareAction.Remove, "*", GranteeType.Public, null, details);
        return set;
    }

    /// <summary>Enable* with block-all-sharing or block-new-sharing restores the guardrail; "unblocked" would loosen it.</summary>
    private static AwsGrantSet Ec2State(JsonElement record, string resourceType, string? state) =>
        Ec2Setting(record, resourceType, loosened: string.Equals(state, "unblocked", System.StringComparison.OrdinalIgnoreCase), "state " + (state ?? "not recorded"));
}
