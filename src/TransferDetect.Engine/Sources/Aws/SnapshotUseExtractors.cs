using System.Text.Json;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// The service events EC2 writes to the snapshot owner's trail when a shared snapshot is used:
/// SharedSnapshotCopyInitiated (copied) and SharedSnapshotVolumeCreated (a volume made from it). They are
/// AwsServiceEvent records without requestParameters: <c>userIdentity.accountId</c> is the account that
/// used the share, <c>serviceEventDetails.snapshotId</c> the snapshot, <c>recipientAccountId</c> its owner.
/// </summary>
internal static class SnapshotUseExtractors
{
    public static readonly AwsShareOperation[] Operations =
    {
        new("SharedSnapshotCopyInitiated", "ec2.amazonaws.com", ShareCategory.Snapshot, (_, record) => Use(record, "CopySnapshot"), needsRequestParameters: false),
        new("SharedSnapshotVolumeCreated", "ec2.amazonaws.com", ShareCategory.Snapshot, (_, record) => Use(record, "CreateVolume"), needsRequestParameters: false),
    };

    private static AwsGrantSet Use(JsonElement record, string permission)
    {
        var set = new AwsGrantSet("EbsSnapshot", record.Get("serviceEventDetails").Text("snapshotId"));
        string? user = record.Get("userIdentity").Text("accountId");
        if (user == null) return set.Incomplete("has no userIdentity.accountId, so who used the shared snapshot cannot be read");
        set.Add(ShareAction.Use, user, null, permission);
        return set;
    }
}
