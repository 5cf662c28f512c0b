using System;
using System.Collections.Generic;
using System.Linq;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Gcp;

/// <summary>Where an operation's grants are written in its audit record.</summary>
internal enum GcpGrantKind
{
    /// <summary>
    /// An IAM policy set on the resource: <c>bindingDeltas</c> (serviceData.policyDelta, or
    /// metadata.datasetChange for BigQuery) when the record has them, else the policy the call set
    /// (request.policy, the dataset's ACL policy, or the response).
    /// </summary>
    IamPolicy,

    /// <summary>Only the <c>bindingDeltas</c> count (a bucket's creation: the policy is the default one).</summary>
    IamDeltasOnly,

    /// <summary>A BigQuery dataset's access list changed by datasets.update / patch: metadata.datasetChange.accessChanges.</summary>
    DatasetAccess,

    /// <summary>A Storage Transfer job that copies data into a Cloud Storage bucket: its transferSpec.gcsDataSink.</summary>
    TransferJob,
}

/// <summary>A Cloud Audit Logs method that can grant, revoke or move access to data.</summary>
internal sealed class GcpOperation
{
    public GcpOperation(string methodName, string serviceName, ShareCategory category, GcpGrantKind kind, string? resourceType)
    {
        MethodName = methodName;
        ServiceName = serviceName;
        Category = category;
        Kind = kind;
        ResourceType = resourceType;
    }

    /// <summary>protoPayload.methodName as written (the operation of the share event).</summary>
    public string MethodName { get; }

    /// <summary>protoPayload.serviceName the method belongs to.</summary>
    public string ServiceName { get; }

    public ShareCategory Category { get; }

    public GcpGrantKind Kind { get; }

    /// <summary>The resource type, or null when it is read from the resource name (bucket or object, dataset or table).</summary>
    public string? ResourceType { get; }
}

/// <summary>The GCP catalogue of DETECTIONS.md.</summary>
internal static class GcpOperations
{
    public const string Compute = "compute.googleapis.com";
    public const string Storage = "storage.googleapis.com";
    public const string BigQuery = "bigquery.googleapis.com";
    public const string StorageTransfer = "storagetransfer.googleapis.com";

    /// <summary>The Compute Engine collections whose IAM policy shares data, and their resource types.</summary>
    private static readonly (string Collection, string ResourceType)[] ComputeCollections =
    {
        ("snapshots", "ComputeSnapshot"),
        ("images", "ComputeImage"),
        ("disks", "ComputeDisk"),
        ("regionDisks", "ComputeDisk"),
        ("machineImages", "ComputeMachineImage"),
    };

    public static readonly GcpOperation[] All = Build().ToArray();

    private static readonly Dictionary<string, GcpOperation> ByName = All.ToDictionary(o => o.MethodName, StringComparer.Ordinal);

    private static IEnumerable<GcpOperation> Build()
    {
        // v1., beta. and alpha. are the API versions compute writes in methodName; the bare form is what
        // request.@type says ("type.googleapis.com/compute.disks.setIamPolicy") when methodName is missing.
        foreach (var version in new[] { "v1.", "beta.", "alpha.", "" })
        {
            foreach (var (collection, type) in ComputeCollections)
            {
                yield return new GcpOperation($"{version}compute.{collection}.setIamPolicy", Compute, ShareCategory.Snapshot, GcpGrantKind.IamPolicy, type);
            }
        }
        yield return new GcpOperation("storage.setIamPermissions", Storage, ShareCategory.Storage, GcpGrantKind.IamPolicy, null);
        yield return new GcpOperation("storage.buckets.create", Storage, ShareCategory.Storage, GcpGrantKind.IamDeltasOnly, "GcsBucket");
        yield return new GcpOperation("google.iam.v1.IAMPolicy.SetIamPolicy", BigQuery, ShareCategory.Storage, GcpGrantKind.IamPolicy, null);
        yield return new GcpOperation("google.cloud.bigquery.v2.DatasetService.UpdateDataset", BigQuery, ShareCategory.Storage, GcpGrantKind.DatasetAccess, "BigQueryDataset");
        yield return new GcpOperation("google.cloud.bigquery.v2.DatasetService.PatchDataset", BigQuery, ShareCategory.Storage, GcpGrantKind.DatasetAccess, "BigQueryDataset");
        yield return new GcpOperation("google.storagetransfer.v1.StorageTransferService.CreateTransferJob", StorageTransfer, ShareCategory.Storage, GcpGrantKind.TransferJob, "TransferJob");
        yield return new GcpOperation("google.storagetransfer.v1.StorageTransferService.UpdateTransferJob", StorageTransfer, ShareCategory.Storage, GcpGrantKind.TransferJob, "TransferJob");
    }

    public static GcpOperation? Find(string? methodName) =>
        methodName != null && ByName.TryGetValue(methodName, out var op) ? op : null;

    /// <summary>
    /// The operation a record without methodName names in its request's @type
    /// (<c>type.googleapis.com/compute.disks.setIamPolicy</c>), as the Stratus Red Team samples are written.
    /// </summary>
    public static GcpOperation? FromRequestType(string? requestType)
    {
        if (requestType == null) return null;
        int slash = requestType.LastIndexOf('/');
        string name = slash >= 0 ? requestType.Substring(slash + 1) : requestType;
        var op = Find(name);
        return op != null && op.Kind == GcpGrantKind.IamPolicy && op.ServiceName == Compute ? op : null;
    }

    /// <summary>The resource type of a storage or BigQuery resource name.</summary>
    public static string ResourceTypeOf(GcpOperation op, string? resourceName)
    {
        if (op.ResourceType != null) return op.ResourceType;
        string name = resourceName ?? "";
        if (op.ServiceName == Storage) return name.IndexOf("/objects/", StringComparison.Ordinal) >= 0 ? "GcsObject" : "GcsBucket";
        return name.IndexOf("/tables/", StringComparison.Ordinal) >= 0 ? "BigQueryTable" : "BigQueryDataset";
    }
}
