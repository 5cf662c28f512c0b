using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.S3;
using Amazon.S3.Model;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Engine.Live.Aws;

/// <summary>
/// What is shared now: EBS snapshots and AMIs owned by the account with create-volume or launch permissions
/// (EC2 Describe*), S3 bucket policies, ACLs and replication rules. Each grant becomes a ShareEvent (Action Add,
/// Status "Current", Operation the Describe/Get call) read by the same grant extractors as the CloudTrail call
/// that would have made it, so the same judges decide. A grant whose making event is in <see cref="AwsGrantIndex"/>
/// names it (RelatedEventIds, Actor, Details). A refused or failed call is reported and the rest goes on.
/// </summary>
internal sealed class AwsCurrentStateReader
{
    private readonly AwsLiveSession _session;
    private readonly IScanHost _host;
    private readonly AwsGrantIndex? _grants;
    private readonly DateTime _observed;
    private readonly string? _accountId;

    public AwsCurrentStateReader(AwsLiveSession session, IScanHost host, AwsGrantIndex? grants, string? accountId, DateTime observedUtc)
    {
        _session = session;
        _host = host;
        _grants = grants;
        _accountId = accountId;
        _observed = observedUtc;
        _calls = new AwsCalls(host);
    }

    private readonly AwsCalls _calls;

    private IEnumerable<TItem> Pages<TRequest, TResponse, TItem>(string operation, string region, TRequest request,
        Func<TRequest, System.Threading.Tasks.Task<TResponse>> call, Func<TResponse, List<TItem>?> items, Func<TResponse, string?> next,
        Action<TRequest, string?> setNext, CancellationToken cancellationToken) =>
        _calls.Pages(operation, region, request, call, items, next, setNext, cancellationToken);

    private T? TryCall<T>(string operation, string region, string resource, Func<System.Threading.Tasks.Task<T>> call, string? noneCode = null) where T : class =>
        _calls.TryCall(operation, region, resource, call, noneCode);

    public IEnumerable<ShareEvent> Read(IReadOnlyList<string> regions, ICollection<ShareCategory>? categories, bool allRegions, CancellationToken cancellationToken)
    {
        bool snapshots = categories == null || categories.Contains(ShareCategory.Snapshot);
        bool storage = categories == null || categories.Contains(ShareCategory.Storage);
        if (snapshots)
        {
            foreach (var region in regions)
            {
                using var ec2 = _session.Ec2(region);
                foreach (var e in Snapshots(ec2, region, cancellationToken)) yield return e;
                foreach (var e in Images(ec2, region, cancellationToken)) yield return e;
            }
        }
        if (storage)
        {
            foreach (var e in Buckets(regions, allRegions, cancellationToken)) yield return e;
        }
    }

    // ---------------------------------------------------------------- EC2

    private IEnumerable<ShareEvent> Snapshots(AmazonEC2Client ec2, string region, CancellationToken cancellationToken)
    {
        var request = new DescribeSnapshotsRequest { OwnerIds = new List<string> { "self" }, MaxResults = 1000 };
        foreach (var snapshot in Pages("DescribeSnapshots", region, request, r => ec2.DescribeSnapshotsAsync(r, cancellationToken),
                     r => r.Snapshots, r => r.NextToken, (r, t) => r.NextToken = t, cancellationToken))
        {
            var attribute = TryCall("DescribeSnapshotAttribute", region, snapshot.SnapshotId, () => ec2.DescribeSnapshotAttributeAsync(
                new DescribeSnapshotAttributeRequest { SnapshotId = snapshot.SnapshotId, Attribute = SnapshotAttributeName.CreateVolumePermission }, cancellationToken));
            if (attribute?.CreateVolumePermissions == null || attribute.CreateVolumePermissions.Count == 0) continue;
            string items = string.Join(",", attribute.CreateVolumePermissions.Select(p => Item(p.UserId, p.Group?.Value, null, null)));
            string rp = "{\"snapshotId\":" + Json(snapshot.SnapshotId) + ",\"createVolumePermission\":{\"add\":{\"items\":[" + items + "]}}}";
            string details = $"current state of {snapshot.SnapshotId}" + (snapshot.VolumeSize is int gb ? $" ({gb} GiB" + (snapshot.VolumeId != null ? " of " + snapshot.VolumeId : "") + ")" : "")
                + (snapshot.Encrypted == true ? ", encrypted" : "");
            foreach (var e in Events("ModifySnapshotAttribute", "DescribeSnapshotAttribute", "ec2.amazonaws.com", rp, region, snapshot.OwnerId, details)) yield return e;
        }
    }

    private IEnumerable<ShareEvent> Images(AmazonEC2Client ec2, string region, CancellationToken cancellationToken)
    {
        var request = new DescribeImagesRequest { Owners = new List<string> { "self" }, MaxResults = 1000 };
        foreach (var image in Pages("DescribeImages", region, request, r => ec2.DescribeImagesAsync(r, cancellationToken),
                     r => r.Images, r => r.NextToken, (r, t) => r.NextToken = t, cancellationToken))
        {
            var attribute = TryCall("DescribeImageAttribute", region, image.ImageId, () => ec2.DescribeImageAttributeAsync(
                new DescribeImageAttributeRequest { ImageId = image.ImageId, Attribute = ImageAttributeName.LaunchPermission }, cancellationToken));
            var permissions = attribute?.ImageAttribute?.LaunchPermissions ?? new List<LaunchPermission>();
            var items = permissions.Select(p => Item(p.UserId, p.Group?.Value, p.OrganizationArn, p.OrganizationalUnitArn)).ToList();
            // DescribeImages says Public even when the attribute call was refused.
            if (image.Public == true && !permissions.Any(p => p.Group?.Value == "all")) items.Add(Item(null, "all", null, null));
            if (items.Count == 0) continue;
            string rp = "{\"imageId\":" + Json(image.ImageId) + ",\"launchPermission\":{\"add\":{\"items\":[" + string.Join(",", items) + "]}}}";
            string details = $"current state of {image.ImageId}" + (image.Name != null ? $" ({image.Name})" : "");
            foreach (var e in Events("ModifyImageAttribute", "DescribeImageAttribute", "ec2.amazonaws.com", rp, region, image.OwnerId, details)) yield return e;
        }
    }

    private static string Item(string? userId, string? group, string? organizationArn, string? ouArn)
    {
        var parts = new List<string>();
        if (userId != null) parts.Add("\"userId\":" + Json(userId));
        if (group != null) parts.Add("\"group\":" + Json(group));
        if (organizationArn != null) parts.Add("\"organizationArn\":" + Json(organizationArn));
        if (ouArn != null) parts.Add("\"organizationalUnitArn\":" + Json(ouArn));
        return "{" + string.Join(",", parts) + "}";
    }

    // ---------------------------------------------------------------- S3

    private IEnumerable<ShareEvent> Buckets(IReadOnlyList<string> regions, bool allRegions, CancellationToken cancellationToken)
    {
        string home = regions.Count > 0 ? regions[0] : "us-east-1";
        using var s3 = _session.S3(home);
        var wanted = new HashSet<string>(regions, StringComparer.OrdinalIgnoreCase);
        var request = new ListBucketsRequest();
        foreach (var bucket in Pages("ListBuckets", "global", request, r => s3.ListBucketsAsync(r, cancellationToken),
                     r => r.Buckets, r => r.ContinuationToken, (r, t) => r.ContinuationToken = t, cancellationToken))
        {
            string name = bucket.BucketName;
            var location = TryCall("GetBucketLocation", "global", name, () => s3.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = name }, cancellationToken));
            if (location == null) continue;
            string region = BucketRegion(location.Location?.Value);
            if (!allRegions && !wanted.Contains(region))
            {
                _host.Verbose($"Bucket {name} is in {region}, not a region read; skipped.");
                continue;
            }
            using var regional = region == home ? null : _session.S3(region);
            var client = regional ?? s3;
            foreach (var e in BucketPolicy(client, name, region, cancellationToken)) yield return e;
            foreach (var e in BucketAcl(client, name, region, cancellationToken)) yield return e;
            foreach (var e in BucketReplication(client, name, region, cancellationToken)) yield return e;
        }
    }

    /// <summary>GetBucketLocation's LocationConstraint: empty is us-east-1, EU is eu-west-1.</summary>
    internal static string BucketRegion(string? constraint) => string.IsNullOrEmpty(constraint) ? "us-east-1"
        : string.Equals(constraint, "EU", StringComparison.OrdinalIgnoreCase) ? "eu-west-1" : constraint!;

    private IEnumerable<ShareEvent> BucketPolicy(AmazonS3Client s3, string bucket, string region, CancellationToken cancellationToken)
    {
        var response = TryCall("GetBucketPolicy", region, bucket, () => s3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket }, cancellationToken), "NoSuchBucketPolicy");
        // The SDK hands a 404 NoSuchBucketPolicy back as a response whose Policy is the error document: no policy.
        if (response == null || response.HttpStatusCode == System.Net.HttpStatusCode.NotFound || string.IsNullOrWhiteSpace(response.Policy)) return Array.Empty<ShareEvent>();
        string rp = "{\"bucketName\":" + Json(bucket) + ",\"bucketPolicy\":" + Json(response!.Policy) + "}";
        return Events("PutBucketPolicy", "GetBucketPolicy", "s3.amazonaws.com", rp, region, _accountId, $"current bucket policy of {bucket}");
    }

    private IEnumerable<ShareEvent> BucketAcl(AmazonS3Client s3, string bucket, string region, CancellationToken cancellationToken)
    {
        var response = TryCall("GetBucketAcl", region, bucket, () => s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket }, cancellationToken));
        if (response?.Grants == null || response.Grants.Count == 0) return Array.Empty<ShareEvent>();
        var grants = response.Grants.Select(g => "{\"Grantee\":{" + string.Join(",", new[]
        {
            g.Grantee?.URI != null ? "\"URI\":" + Json(g.Grantee.URI) : null,
            g.Grantee?.CanonicalUser != null ? "\"ID\":" + Json(g.Grantee.CanonicalUser) : null,
            g.Grantee?.EmailAddress != null ? "\"EmailAddress\":" + Json(g.Grantee.EmailAddress) : null,
            g.Grantee?.DisplayName != null ? "\"DisplayName\":" + Json(g.Grantee.DisplayName) : null,
        }.Where(x => x != null)) + "},\"Permission\":" + Json(g.Permission?.Value ?? "") + "}");
        string owner = response.Owner?.Id != null ? "\"Owner\":{\"ID\":" + Json(response.Owner.Id) + "}," : "";
        string rp = "{\"bucketName\":" + Json(bucket) + ",\"AccessControlPolicy\":{" + owner + "\"AccessControlList\":{\"Grant\":[" + string.Join(",", grants) + "]}}}";
        return Events("PutBucketAcl", "GetBucketAcl", "s3.amazonaws.com", rp, region, _accountId, $"current ACL of {bucket}");
    }

    private IEnumerable<ShareEvent> BucketReplication(AmazonS3Client s3, string bucket, string region, CancellationToken cancellationToken)
    {
        var response = TryCall("GetBucketReplication", region, bucket, () => s3.GetBucketReplicationAsync(new GetBucketReplicationRequest { BucketName = bucket }, cancellationToken), "ReplicationConfigurationNotFoundError");
        var rules = response?.Configuration?.Rules;
        if (rules == null || rules.Count == 0) return Array.Empty<ShareEvent>();
        var json = rules.Select(r => "{" + string.Join(",", new[]
        {
            r.Id != null ? "\"ID\":" + Json(r.Id) : null,
            "\"Status\":" + Json(r.Status?.Value ?? ""),
            "\"Destination\":{" + string.Join(",", new[]
            {
                r.Destination?.BucketArn != null ? "\"Bucket\":" + Json(r.Destination.BucketArn) : null,
                r.Destination?.AccountId != null ? "\"Account\":" + Json(r.Destination.AccountId) : null,
                r.Destination?.AccessControlTranslation?.Owner != null ? "\"AccessControlTranslation\":{\"Owner\":" + Json(r.Destination.AccessControlTranslation.Owner.Value) + "}" : null,
            }.Where(x => x != null)) + "}",
        }.Where(x => x != null)) + "}");
        string rp = "{\"bucketName\":" + Json(bucket) + ",\"ReplicationConfiguration\":{\"Rule\":[" + string.Join(",", json) + "]}}";
        return Events("PutBucketReplication", "GetBucketReplication", "s3.amazonaws.com", rp, region, _accountId, $"current replication of {bucket}");
    }

    // ---------------------------------------------------------------- common

    private int _number;

    /// <summary>The grants of a state, read by the extractor of the CloudTrail call that sets it.</summary>
    private IEnumerable<ShareEvent> Events(string grantingOperation, string describeOperation, string eventSource, string requestParameters,
        string region, string? owner, string details)
    {
        var operation = AwsShareCatalog.All.Find(grantingOperation)!;
        using var doc = JsonDocument.Parse(requestParameters);
        var grants = operation.Extract(doc.RootElement, default);
        if (grants?.Problem != null)
        {
            _host.ReportIssue(new ReadIssue(ReadIssueKind.IncompleteRecord, $"{describeOperation} {region}", $"{details} {grants.Problem}"));
        }
        if (grants == null) return Array.Empty<ShareEvent>();
        var output = new List<ShareEvent>();
        foreach (var g in grants.Grants)
        {
            if (g.Action != ShareAction.Add) continue;
            var link = _grants?.GrantOf(grants.ResourceId, g.Grantee);
            string linked = link == null ? "" : string.Format(CultureInfo.InvariantCulture, "; granted by {0}{1} at {2:yyyy-MM-dd HH:mm:ss} UTC{3}",
                link.Operation, link.EventId != null ? $" (event {link.EventId})" : "", link.EventTime, link.Actor != null ? " by " + link.Actor : "");
            output.Add(new ShareEvent
            {
                Provider = Provider.Aws,
                Operation = describeOperation,
                EventSource = eventSource,
                EventTime = _observed,
                Actor = link?.Actor,
                ActorAccountId = link?.ActorAccountId,
                SourceIp = link?.SourceIp,
                UserAgent = link?.UserAgent,
                AccountId = grants.OwnerAccountId ?? owner,
                Region = region,
                Category = operation.Category,
                ResourceType = grants.ResourceType,
                ResourceId = grants.ResourceId,
                Action = ShareAction.Add,
                Grantee = g.Grantee,
                GranteeType = g.GranteeType ?? AwsGrantee.Parse(g.Grantee).Type,
                Permission = g.Permission,
                Details = (g.Details != null ? g.Details + "; " : "") + details + linked,
                Status = "Current",
                RelatedEventIds = link?.EventId != null ? new[] { link.EventId } : Array.Empty<string>(),
                Succeeded = true,
                Source = new SourceLocation($"{describeOperation} {region}", 0, Interlocked.Increment(ref _number), 0),
            });
        }
        return output;
    }

    private static string Json(string? s) => JsonSerializer.Serialize(s ?? "");
}
