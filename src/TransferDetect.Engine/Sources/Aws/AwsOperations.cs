using System.Linq;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// The AWS catalogue of DETECTIONS.md: every CloudTrail operation that can grant, revoke or use access. Each file's
/// Operations come from its AwsDetectionDefinitions (<c>definition.ToOperation()</c>), so the same declaration drives
/// the readers and ConvertTo-DetectionQuery; add a file's operations here with one more Concat line.
/// </summary>
internal static class AwsOperations
{
    public static readonly AwsShareOperation[] All =
        SnapshotGrantExtractors.Operations
        .Concat(SnapshotUseExtractors.Operations)
        .Concat(StorageGrantExtractors.Operations)
        .Concat(KeyGrantExtractors.Operations)
        .Concat(BackupGrantExtractors.Operations)
        .Concat(ResourceGrantExtractors.Operations)
        .Concat(ExportGrantExtractors.Operations)
        .Concat(GuardrailExtractors.Operations)
        .ToArray();
}
