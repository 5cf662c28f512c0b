using System.Collections.Generic;
using System.Management.Automation;
using TransferDetect.Engine.Model;

namespace TransferDetect.Commands;

/// <summary>
/// Reads cloud logs and returns one ShareEvent per grant or revocation of access to stored data:
/// S3 bucket policies, ACLs, replication and cross-account copies (CloudTrail), storage account keys,
/// SAS, public access and replication (Azure Activity Log), bucket, BigQuery and transfer job IAM (GCP).
/// </summary>
[Cmdlet(VerbsCommon.Get, "StorageShareEvent", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ShareEvent))]
public sealed class GetStorageShareEventCommand : ShareEventCommandBase
{
    private static readonly ShareCategory[] Storage = { ShareCategory.Storage };

    internal override ICollection<ShareCategory>? Categories => Storage;

    internal override string Activity => "Reading logs for bucket and storage account shares";
}
