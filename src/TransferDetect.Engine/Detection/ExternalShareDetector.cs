using System;
using System.Globalization;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Engine.Detection;

/// <summary>Counts of what the detector decided, so nothing it passes over goes unmentioned.</summary>
public sealed class DetectionStatistics
{
    public long Evaluated { get; internal set; }
    public long Findings { get; internal set; }
    public long Revocations { get; internal set; }
    public long Trusted { get; internal set; }
    public long Marketplace { get; internal set; }

    /// <summary>Lifecycle events (a snapshot or image created): never findings.</summary>
    public long Lifecycle { get; internal set; }

    public string Summary() => string.Format(CultureInfo.InvariantCulture,
        "Evaluated {0} share event(s): {1} finding(s); not findings: {2} revocation(s), {3} grant(s) inside the trust zone, {4} AWS Marketplace call(s).",
        Evaluated, Findings, Revocations, Trusted, Marketplace) + (Lifecycle > 0 ? string.Format(CultureInfo.InvariantCulture, " {0} lifecycle event(s) (resources created) are not shares.", Lifecycle) : "");
}

/// <summary>
/// Decides which share events are findings: a grant (successful or attempted) to a principal
/// outside the trust zone, or to the public, and a share used by such a principal. Revocations and
/// grants inside the zone are not. Each provider's judge classifies the grantee; severity and
/// reason follow from the verdict unless the judge sets them.
/// </summary>
public sealed class ExternalShareDetector
{
    public ExternalShareDetector(TrustZone zone)
    {
        Zone = zone ?? throw new ArgumentNullException(nameof(zone));
    }

    public TrustZone Zone { get; }

    public DetectionStatistics Statistics { get; } = new();

    /// <summary>The finding for this event, or null when it is not one.</summary>
    public Finding? Evaluate(ShareEvent e)
    {
        Statistics.Evaluated++;
        if (e.Action == ShareAction.Create)
        {
            Statistics.Lifecycle++;
            return null;
        }
        if (e.Action == ShareAction.Remove)
        {
            Statistics.Revocations++;
            return null;
        }
        if (e.Provider == Provider.Aws && IsMarketplace(e.InvokedBy))
        {
            Statistics.Marketplace++;
            return null;
        }
        var judgement = e.Provider switch
        {
            Provider.Aws => AwsJudge.Judge(e, Zone),
            Provider.Azure => AzureJudge.Judge(e, Zone),
            Provider.M365 => M365Judge.Judge(e, Zone),
            Provider.Gcp => GcpJudge.Judge(e, Zone),
            _ => new Judgement(Verdict.Unknown),
        };
        if (judgement.Verdict == Verdict.Trusted)
        {
            Statistics.Trusted++;
            return null;
        }
        Statistics.Findings++;
        return new Finding(e, judgement.Severity ?? SeverityOf(e, judgement.Verdict), judgement.Reason ?? ReasonFor(e, judgement.Verdict));
    }

    private static bool IsMarketplace(string? invokedBy) =>
        invokedBy != null && invokedBy.IndexOf("marketplace", StringComparison.OrdinalIgnoreCase) >= 0;

    /// <summary>
    /// Public grants are Critical, grants to an outside principal High, to a grantee that could not be
    /// classified Medium. A failed call is an attempt: Medium when it tried to make data public, Low otherwise.
    /// A share used by an outside principal is High (data has left).
    /// </summary>
    internal static Severity SeverityOf(ShareEvent e, Verdict verdict)
    {
        if (!e.Succeeded)
        {
            return verdict == Verdict.Public ? Severity.Medium : Severity.Low;
        }
        return verdict switch
        {
            Verdict.Public => Severity.Critical,
            Verdict.External => Severity.High,
            _ => Severity.Medium,
        };
    }

    internal static string ReasonFor(ShareEvent e, Verdict verdict)
    {
        string resource = $"{Describe(e.ResourceType)} {e.ResourceId ?? "(no id recorded)"}";
        string who = verdict switch
        {
            Verdict.Public => "everyone (public)",
            Verdict.External => $"{DescribeGrantee(e.Provider, e.GranteeType)} {e.Grantee}, which is outside the trust zone",
            _ => $"'{e.Grantee}', a grantee that could not be classified",
        };
        if (!e.Succeeded)
        {
            return $"An attempt to share {resource} with {who} failed ({e.ErrorCode ?? e.Status}); no access was granted.";
        }
        if (e.Action == ShareAction.Use)
        {
            return $"{resource} was used through a share by {who} ({e.Operation}).";
        }
        return $"{resource} was shared with {who}.";
    }

    internal static string DescribeGrantee(Provider provider, GranteeType t) => (provider, t) switch
    {
        (Provider.Aws, GranteeType.Account) => "AWS account",
        (Provider.Aws, GranteeType.Organization) => "AWS organization",
        (Provider.Aws, GranteeType.OrganizationalUnit) => "AWS organizational unit",
        (Provider.Gcp, GranteeType.Organization) => "GCP organization",
        (Provider.Gcp, GranteeType.Account) => "GCP project",
        (_, GranteeType.Tenant) => "tenant",
        (_, GranteeType.Subscription) => "subscription",
        (_, GranteeType.Domain) => "domain",
        (_, GranteeType.User) => "user",
        (_, GranteeType.AnonymousLink) => "anyone with the link",
        _ => t.ToString(),
    };

    // Added with Add (not the indexer): a type named twice fails when the class loads, not silently.
    private static readonly System.Collections.Generic.Dictionary<string, string> ResourceNames = new(StringComparer.Ordinal)
    {
        { "EbsSnapshot", "EBS snapshot" },
        { "Ami", "AMI" },
        { "RdsSnapshot", "RDS snapshot" },
        { "RdsClusterSnapshot", "RDS cluster snapshot" },
        { "RedshiftSnapshot", "Redshift snapshot" },
        { "SharePointFile", "SharePoint file" },
        { "SharePointFolder", "SharePoint folder" },
        { "SharePointSite", "SharePoint site" },
        { "SharePointList", "SharePoint list" },
        { "SharePointListItem", "SharePoint list item" },
        { "SharePointItem", "SharePoint item" },
        { "OneDriveFile", "OneDrive file" },
        { "OneDriveFolder", "OneDrive folder" },
        { "OneDriveSite", "OneDrive site" },
        { "OneDriveList", "OneDrive list" },
        { "OneDriveListItem", "OneDrive list item" },
        { "OneDriveItem", "OneDrive item" },
        { "SharePointSharingPolicy", "SharePoint sharing policy" },
        { "ComputeSnapshot", "Compute Engine snapshot" },
        { "ComputeImage", "Compute Engine image" },
        { "ComputeDisk", "Compute Engine disk" },
        { "ComputeMachineImage", "Compute Engine machine image" },
        { "GcsBucket", "Cloud Storage bucket" },
        { "GcsObject", "Cloud Storage object" },
        { "BigQueryDataset", "BigQuery dataset" },
        { "BigQueryTable", "BigQuery table" },
        { "TransferJob", "Storage Transfer job" },
        { "S3Bucket", "S3 bucket" },
        { "S3Object", "S3 object" },
        { "KmsKey", "KMS key" },
        { "RamResourceShare", "RAM resource share" },
        { "EcrRepository", "ECR repository" },
        { "SsmDocument", "SSM document" },
        { "Ec2Instance", "EC2 instance" },
        { "DynamoDbTable", "DynamoDB table" },
        { "RdsCluster", "RDS cluster" },
        { "S3BucketPublicAccessBlock", "S3 Block Public Access of bucket" },
        { "S3AccountPublicAccessBlock", "S3 Block Public Access of account" },
        { "EbsSnapshotBlockPublicAccess", "EBS snapshot block public access in region" },
        { "AmiBlockPublicAccess", "AMI block public access in region" },
        { "AzureDisk", "Azure managed disk" },
        { "AzureSnapshot", "Azure disk snapshot" },
        { "AzureDiskRestorePoint", "Azure disk restore point" },
        { "AzureGallery", "Azure compute gallery" },
        { "AzureGalleryImageVersion", "Azure gallery image version" },
        { "AzureImage", "Azure managed image" },
        { "StorageAccount", "Azure storage account" },
        { "StorageContainer", "Azure blob container" },
        { "DataShare", "Azure Data Share" },
    };

    /// <summary>A resource type for a sentence: a known name, or the type's words (S3Bucket: "S3 bucket").</summary>
    internal static string Describe(string resourceType)
    {
        if (ResourceNames.TryGetValue(resourceType, out var name)) return name;
        var words = new System.Text.StringBuilder();
        for (int i = 0; i < resourceType.Length; i++)
        {
            char c = resourceType[i];
            bool boundary = i > 0 && char.IsUpper(c) && (char.IsLower(resourceType[i - 1]) || (i + 1 < resourceType.Length && char.IsLower(resourceType[i + 1]) && char.IsUpper(resourceType[i - 1])));
            if (boundary) words.Append(' ');
            words.Append(c);
        }
        var parts = words.ToString().Split(' ');
        for (int i = 1; i < parts.Length; i++)
        {
            if (parts[i].Length > 1 && char.IsUpper(parts[i][0]) && !char.IsUpper(parts[i][1])) parts[i] = char.ToLowerInvariant(parts[i][0]) + parts[i].Substring(1);
        }
        return string.Join(" ", parts);
    }
}
