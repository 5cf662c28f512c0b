using TransferDetect.Engine.Model;
using static TransferDetect.Engine.Sources.Aws.AwsPath;
using static TransferDetect.Engine.Sources.Aws.AwsValue;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// The service events EC2 writes to the snapshot owner's trail when a shared snapshot is used:
/// SharedSnapshotCopyInitiated (copied) and SharedSnapshotVolumeCreated (a volume made from it). They are
/// AwsServiceEvent records without requestParameters: <c>userIdentity.accountId</c> is the account that
/// used the share, <c>serviceEventDetails.snapshotId</c> the snapshot, <c>recipientAccountId</c> its owner.
/// </summary>
internal static class SnapshotUseExtractors
{
    public static readonly AwsDetectionDefinition[] Definitions =
    {
        Use("SharedSnapshotCopyInitiated", "CopySnapshot"),
        Use("SharedSnapshotVolumeCreated", "CreateVolume"),
    };

    public static readonly AwsShareOperation[] Operations = System.Array.ConvertAll(Definitions, d => d.ToOperation());

    private static AwsDetectionDefinition Use(string eventName, string permission) =>
        new(eventName, "ec2.amazonaws.com", ShareCategory.Snapshot, "EbsSnapshot", Text(ServiceEvent("snapshotId")),
            new[]
            {
                AwsGranteeRule.Value(ShareAction.Use, Text(Record("userIdentity", "accountId")))
                    .IncompleteWithout("has no userIdentity.accountId, so who used the shared snapshot cannot be read")
                    .Described(_ => permission),
            },
            needsRequestParameters: false);
}
