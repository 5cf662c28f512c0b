using System.Collections.Generic;
using System.Management.Automation;
using TransferDetect.Engine.Model;

namespace TransferDetect.Commands;

/// <summary>
/// Reads cloud logs and returns one ShareEvent per grant, revocation or use of a snapshot, an image
/// or a disk: EBS, RDS and Redshift snapshots and AMIs (CloudTrail), disk and snapshot SAS URIs and
/// gallery shares (Azure Activity Log), snapshot, image and disk IAM (GCP audit logs).
/// </summary>
[Cmdlet(VerbsCommon.Get, "SnapshotShareEvent", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ShareEvent))]
public sealed class GetSnapshotShareEventCommand : ShareEventCommandBase
{
    private static readonly ShareCategory[] Snapshot = { ShareCategory.Snapshot };

    internal override ICollection<ShareCategory>? Categories => Snapshot;

    internal override string Activity => "Reading logs for snapshot, image and disk shares";
}
