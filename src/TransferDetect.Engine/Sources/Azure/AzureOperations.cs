using System;
using System.Collections.Generic;
using System.Linq;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Azure;

/// <summary>How an Activity Log operation of the catalogue is read.</summary>
internal enum AzureOperationKind
{
    /// <summary>beginGetAccess: a SAS URI to download a disk, snapshot or disk restore point.</summary>
    GetAccessBegin,

    /// <summary>endGetAccess: the SAS URI revoked.</summary>
    GetAccessEnd,

    /// <summary>listKeys, listAccountSas, listServiceSas: a storage key or SAS token handed to the caller.</summary>
    StorageKeyOrSas,

    /// <summary>storageAccounts/write with allowBlobPublicAccess or allowCrossTenantReplication in the request body.</summary>
    StorageAccountWrite,

    /// <summary>blobServices/containers/write with publicAccess in the request body.</summary>
    ContainerWrite,

    /// <summary>objectReplicationPolicies/write: blobs replicated to a destination account.</summary>
    ObjectReplicationWrite,

    /// <summary>galleries/share/action: a gallery shared with subscriptions, tenants or the community.</summary>
    GalleryShare,

    /// <summary>Data Share invitations/write: a share offered to a tenant or an email address.</summary>
    DataShareInvitation,

    /// <summary>Data Share invitations/delete: the offer withdrawn.</summary>
    DataShareInvitationDelete,

    /// <summary>snapshots/write, disks/write: a copy whose creationData.sourceResourceId is in another subscription.</summary>
    DiskCopy,
}

/// <summary>An Activity Log operation that can grant, revoke or use access to data.</summary>
internal sealed class AzureOperation
{
    public AzureOperation(string name, AzureOperationKind kind, ShareCategory category, string resourceType)
    {
        Name = name;
        Kind = kind;
        Category = category;
        ResourceType = resourceType;
    }

    /// <summary>The operation as Azure documents it (the canonical case; logs may write it in upper or lower case).</summary>
    public string Name { get; }

    public AzureOperationKind Kind { get; }

    public ShareCategory Category { get; }

    /// <summary>The resource the operation acts on (AzureDisk, StorageAccount, ...).</summary>
    public string ResourceType { get; }

    /// <summary>The provider namespace (Microsoft.Compute), the Activity Log's resourceProviderName.</summary>
    public string Provider => Name.Substring(0, Name.IndexOf('/'));

    /// <summary>What was shared is only in the request body: a record without it cannot be judged on its own.</summary>
    public bool NeedsRequestBody => Kind is AzureOperationKind.StorageAccountWrite or AzureOperationKind.ContainerWrite or
        AzureOperationKind.ObjectReplicationWrite or AzureOperationKind.GalleryShare or AzureOperationKind.DataShareInvitation or
        AzureOperationKind.DiskCopy;

    public bool IsGetAccess => Kind is AzureOperationKind.GetAccessBegin or AzureOperationKind.GetAccessEnd;
}

/// <summary>The Azure catalogue of DETECTIONS.md.</summary>
internal static class AzureOperations
{
    public const string SnapshotBeginGetAccess = "Microsoft.Compute/snapshots/beginGetAccess/action";
    public const string DiskBeginGetAccess = "Microsoft.Compute/disks/beginGetAccess/action";
    public const string RestorePointBeginGetAccess = "Microsoft.Compute/restorePointCollections/restorePoints/diskRestorePoints/beginGetAccess/action";
    public const string ListKeys = "Microsoft.Storage/storageAccounts/listKeys/action";
    public const string ListAccountSas = "Microsoft.Storage/storageAccounts/listAccountSas/action";
    public const string ListServiceSas = "Microsoft.Storage/storageAccounts/listServiceSas/action";
    public const string StorageAccountWrite = "Microsoft.Storage/storageAccounts/write";
    public const string ContainerWrite = "Microsoft.Storage/storageAccounts/blobServices/containers/write";
    public const string ObjectReplicationWrite = "Microsoft.Storage/storageAccounts/objectReplicationPolicies/write";
    public const string GalleryShare = "Microsoft.Compute/galleries/share/action";
    public const string DataShareInvitationWrite = "Microsoft.DataShare/accounts/shares/invitations/write";
    public const string DataShareInvitationDelete = "Microsoft.DataShare/accounts/shares/invitations/delete";
    public const string SnapshotWrite = "Microsoft.Compute/snapshots/write";
    public const string DiskWrite = "Microsoft.Compute/disks/write";

    public static readonly AzureOperation[] All =
    {
        new(SnapshotBeginGetAccess, AzureOperationKind.GetAccessBegin, ShareCategory.Snapshot, "AzureSnapshot"),
        new("Microsoft.Compute/snapshots/endGetAccess/action", AzureOperationKind.GetAccessEnd, ShareCategory.Snapshot, "AzureSnapshot"),
        new(DiskBeginGetAccess, AzureOperationKind.GetAccessBegin, ShareCategory.Snapshot, "AzureDisk"),
        new("Microsoft.Compute/disks/endGetAccess/action", AzureOperationKind.GetAccessEnd, ShareCategory.Snapshot, "AzureDisk"),
        new(RestorePointBeginGetAccess, AzureOperationKind.GetAccessBegin, ShareCategory.Snapshot, "AzureDiskRestorePoint"),
        new("Microsoft.Compute/restorePointCollections/restorePoints/diskRestorePoints/endGetAccess/action", AzureOperationKind.GetAccessEnd, ShareCategory.Snapshot, "AzureDiskRestorePoint"),
        new(ListKeys, AzureOperationKind.StorageKeyOrSas, ShareCategory.Storage, "StorageAccount"),
        new(ListAccountSas, AzureOperationKind.StorageKeyOrSas, ShareCategory.Storage, "StorageAccount"),
        new(ListServiceSas, AzureOperationKind.StorageKeyOrSas, ShareCategory.Storage, "StorageAccount"),
        new(StorageAccountWrite, AzureOperationKind.StorageAccountWrite, ShareCategory.Guardrail, "StorageAccount"),
        new(ContainerWrite, AzureOperationKind.ContainerWrite, ShareCategory.Storage, "StorageContainer"),
        new(ObjectReplicationWrite, AzureOperationKind.ObjectReplicationWrite, ShareCategory.Storage, "StorageAccount"),
        new(GalleryShare, AzureOperationKind.GalleryShare, ShareCategory.Snapshot, "AzureGallery"),
        new(DataShareInvitationWrite, AzureOperationKind.DataShareInvitation, ShareCategory.Resource, "DataShare"),
        new(DataShareInvitationDelete, AzureOperationKind.DataShareInvitationDelete, ShareCategory.Resource, "DataShare"),
        new(SnapshotWrite, AzureOperationKind.DiskCopy, ShareCategory.Snapshot, "AzureSnapshot"),
        new(DiskWrite, AzureOperationKind.DiskCopy, ShareCategory.Snapshot, "AzureDisk"),
    };

    private static readonly Dictionary<string, AzureOperation> ByName = All.ToDictionary(o => o.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The catalogue operation of this name, in any case (MICROSOFT.COMPUTE/DISKS/BEGINGETACCESS/ACTION), or null.</summary>
    public static AzureOperation? Find(string? name)
    {
        if (name == null) return null;
        return ByName.TryGetValue(name.Trim(), out var op) ? op : null;
    }

    /// <summary>
    /// Lower-case fragments of which every catalogue operation name holds at least one: a record whose
    /// bytes hold none of them (in any case) cannot be a share. Slashes are kept out of the fragments
    /// that a JSON writer could escape as <c>\/</c>; the claim treats escaped text as a candidate anyway.
    /// </summary>
    public static readonly byte[][] Needles =
    {
        "getaccess"u8.ToArray(),
        "listkeys"u8.ToArray(),
        "listaccountsas"u8.ToArray(),
        "listservicesas"u8.ToArray(),
        "storageaccounts/write"u8.ToArray(),
        "containers/write"u8.ToArray(),
        "objectreplicationpolicies"u8.ToArray(),
        "galleries/share"u8.ToArray(),
        "datashare"u8.ToArray(),
        "snapshots/write"u8.ToArray(),
        "disks/write"u8.ToArray(),
    };
}
