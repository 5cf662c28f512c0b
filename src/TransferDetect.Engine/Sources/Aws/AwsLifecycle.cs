using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// The calls that create a snapshot or an image (or copy one): lifecycle events (<see cref="ShareAction.Create"/>)
/// that tell correlation a resource was made shortly before it was shared. They are a catalogue of their own,
/// not part of <see cref="AwsOperations.All"/>: the reader merges them in only when asked
/// (<see cref="ShareLogReaderOptions.IncludeLifecycle"/>), so otherwise their records are skipped by the
/// byte-level claim like any other non-share call, and no share cmdlet ever returns them.
/// The new resource's id is the one the sharing calls name: EC2 writes it in responseElements (snapshotId,
/// imageId), RDS and Redshift take it in the request (the identifier chosen by the caller).
/// </summary>
internal static class AwsLifecycle
{
    private const string Ec2 = "ec2.amazonaws.com";
    private const string Rds = "rds.amazonaws.com";
    private const string Redshift = "redshift.amazonaws.com";

    public static readonly AwsShareOperation[] Operations =
    {
        new("CreateSnapshot", Ec2, ShareCategory.Snapshot, (rp, r) => Created("EbsSnapshot", Response(r, "snapshotId"), "from volume", rp.Text("volumeId"))),
        new("CopySnapshot", Ec2, ShareCategory.Snapshot, (rp, r) => Created("EbsSnapshot", Response(r, "snapshotId"), "copied from", rp.Text("sourceSnapshotId"), rp.Text("sourceRegion"))),
        new("CreateImage", Ec2, ShareCategory.Snapshot, (rp, r) => Created("Ami", Response(r, "imageId"), "from instance", rp.Text("instanceId"))),
        new("CopyImage", Ec2, ShareCategory.Snapshot, (rp, r) => Created("Ami", Response(r, "imageId"), "copied from", rp.Text("sourceImageId"), rp.Text("sourceRegion"))),
        new("CreateDBSnapshot", Rds, ShareCategory.Snapshot, (rp, _) => Created("RdsSnapshot", rp.Text("dBSnapshotIdentifier"), "from DB instance", rp.Text("dBInstanceIdentifier"))),
        new("CopyDBSnapshot", Rds, ShareCategory.Snapshot, (rp, _) => Created("RdsSnapshot", rp.Text("targetDBSnapshotIdentifier"), "copied from", rp.Text("sourceDBSnapshotIdentifier"))),
        new("CreateDBClusterSnapshot", Rds, ShareCategory.Snapshot, (rp, _) => Created("RdsClusterSnapshot", rp.Text("dBClusterSnapshotIdentifier"), "from DB cluster", rp.Text("dBClusterIdentifier"))),
        new("CopyDBClusterSnapshot", Rds, ShareCategory.Snapshot, (rp, _) => Created("RdsClusterSnapshot", rp.Text("targetDBClusterSnapshotIdentifier"), "copied from", rp.Text("sourceDBClusterSnapshotIdentifier"))),
        new("CreateClusterSnapshot", Redshift, ShareCategory.Snapshot, (rp, _) => Created("RedshiftSnapshot", rp.Text("snapshotIdentifier"), "from cluster", rp.Text("clusterIdentifier"))),
        new("CopyClusterSnapshot", Redshift, ShareCategory.Snapshot, (rp, _) => Created("RedshiftSnapshot", rp.Text("targetSnapshotIdentifier"), "copied from", rp.Text("sourceSnapshotIdentifier"))),
    };

    /// <summary>The share catalogue with the lifecycle calls of the chosen categories (null: all) added.</summary>
    public static AwsShareCatalog With(AwsShareCatalog shares, ICollection<ShareCategory>? categories) =>
        new(shares.Operations.Concat(Operations.Where(o => categories == null || categories.Contains(o.Category))));

    private static string? Response(JsonElement record, string name) => record.Get("responseElements").Text(name);

    /// <summary>One Create "grant" without a grantee (the event's Grantee is null); details say what it was made from.</summary>
    private static AwsGrantSet Created(string resourceType, string? resourceId, string from, string? source, string? sourceRegion = null)
    {
        var set = new AwsGrantSet(resourceType, resourceId);
        string? details = source == null ? null : $"created {from} {source}" + (sourceRegion != null ? $" ({sourceRegion})" : "");
        set.Grants.Add(new AwsGrant(ShareAction.Create, "", GranteeType.Unknown, null, details));
        return set;
    }
}
