namespace TransferDetect.Engine.Model;

/// <summary>What kind of data a share exposes; the cmdlets read one or more categories.</summary>
public enum ShareCategory
{
    /// <summary>Snapshots, images and disks: EBS/RDS/Redshift snapshots, AMIs, Azure disk and snapshot SAS, galleries, GCP snapshot/image/disk IAM.</summary>
    Snapshot,

    /// <summary>Buckets and storage accounts: policies, ACLs, replication, keys and SAS, public access, copies, transfers.</summary>
    Storage,

    /// <summary>SharePoint and OneDrive files and folders: sharing links and invitations.</summary>
    File,

    /// <summary>Encryption keys whose grant lets another account read an encrypted share (KMS grants and key policies).</summary>
    Key,

    /// <summary>Backups copied to or readable from another account (AWS Backup).</summary>
    Backup,

    /// <summary>Other shared resources: RAM shares, container repositories, Lambda layers, SSM documents, Data Share invitations.</summary>
    Resource,

    /// <summary>Export tasks that write a copy of data into a bucket (instances, images, RDS snapshots, DynamoDB tables).</summary>
    Export,

    /// <summary>Guardrails against public sharing turned off (block public access, sharing policies).</summary>
    Guardrail,
}
