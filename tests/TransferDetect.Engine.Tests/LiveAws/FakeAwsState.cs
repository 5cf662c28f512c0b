using System.Security.Cryptography;
using System.Security;
using System.Text;
using System.Web;

namespace TransferDetect.Engine.Tests.LiveAws;

/// <summary>
/// The current state of a fake account as EC2 (query protocol, XML in 2016-11-15), STS and S3 (REST XML, path
/// style) return it: snapshots and images with their permissions, buckets with policies, ACLs and replication.
/// </summary>
internal sealed class FakeAwsState
{
    public const string Owner = "111122223333";
    public const string OwnerCanonicalId = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";
    private const string Ec2Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private const string S3Ns = "http://s3.amazonaws.com/doc/2006-03-01/";

    public sealed record Snapshot(string Id, string Region, string[] Users, bool Public = false);
    public sealed record Image(string Id, string Region, string[] Users, string[] Organizations, bool Public = false);
    public sealed record Bucket(string Name, string Region, string? Policy = null, string[]? AclGroups = null, string? ReplicationAccount = null, bool DenyAcl = false);

    public List<Snapshot> Snapshots { get; } = new();
    public List<Image> Images { get; } = new();
    public List<Bucket> Buckets { get; } = new();
    public Dictionary<string, byte[]> Objects { get; } = new();
    public string[] Regions { get; set; } = { "us-east-1", "eu-west-1" };
    public int PageSize { get; set; } = 1000;

    /// <summary>(request) -> a response to send instead, or null.</summary>
    public Func<FakeRequest, FakeResponse?>? Override { get; set; }

    public FakeResponse Handle(FakeRequest request)
    {
        if (Override?.Invoke(request) is FakeResponse special) return special;
        if (request.Service == "ec2") return Ec2(request);
        if (request.Service == "sts") return FakeResponse.Xml($"<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::{Owner}:user/responder</Arn><UserId>AIDAFAKE</UserId><Account>{Owner}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>");
        return S3(request);
    }

    private static string RegionOf(FakeRequest r) => (r.Header("authorization") ?? "").Split('/')[2];

    private FakeResponse Ec2(FakeRequest r)
    {
        var form = HttpUtility.ParseQueryString(r.BodyText);
        string region = RegionOf(r);
        int from = form["NextToken"] is string t ? int.Parse(t) : 0;
        string Page<T>(IEnumerable<T> all, string set, Func<T, string> item)
        {
            var list = all.ToList();
            var page = list.Skip(from).Take(PageSize).ToList();
            string next = from + PageSize < list.Count ? $"<nextToken>{from + PageSize}</nextToken>" : "";
            return $"<{set}>{string.Concat(page.Select(item))}</{set}>{next}";
        }
        string body = form["Action"] switch
        {
            "DescribeRegions" => "<regionInfo>" + string.Concat(Regions.Select(n => $"<item><regionName>{n}</regionName><regionEndpoint>ec2.{n}.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>")) + "</regionInfo>",
            "DescribeSnapshots" => Page(Snapshots.Where(s => s.Region == region), "snapshotSet", s =>
                $"<item><snapshotId>{s.Id}</snapshotId><volumeId>vol-{s.Id[5..]}</volumeId><status>completed</status><startTime>2026-11-01T00:00:00.000Z</startTime><progress>100%</progress><ownerId>{Owner}</ownerId><volumeSize>8</volumeSize><encrypted>false</encrypted></item>"),
            "DescribeSnapshotAttribute" => Snapshots.First(s => s.Id == form["SnapshotId"]) is var snap
                ? $"<snapshotId>{snap.Id}</snapshotId><createVolumePermission>{string.Concat(snap.Users.Select(u => $"<item><userId>{u}</userId></item>"))}{(snap.Public ? "<item><group>all</group></item>" : "")}</createVolumePermission>" : "",
            "DescribeImages" => Page(Images.Where(i => i.Region == region), "imagesSet", i =>
                $"<item><imageId>{i.Id}</imageId><imageOwnerId>{Owner}</imageOwnerId><isPublic>{(i.Public ? "true" : "false")}</isPublic><name>build-{i.Id}</name><imageState>available</imageState></item>"),
            "DescribeImageAttribute" => Images.First(i => i.Id == form["ImageId"]) is var img
                ? $"<imageId>{img.Id}</imageId><launchPermission>{string.Concat(img.Users.Select(u => $"<item><userId>{u}</userId></item>"))}{string.Concat(img.Organizations.Select(o => $"<item><organizationArn>{o}</organizationArn></item>"))}{(img.Public ? "<item><group>all</group></item>" : "")}</launchPermission>" : "",
            _ => throw new InvalidOperationException("unexpected EC2 action " + form["Action"]),
        };
        return FakeResponse.Xml($"<{form["Action"]}Response xmlns=\"{Ec2Ns}\"><requestId>r-1</requestId>{body}</{form["Action"]}Response>");
    }

    public static FakeResponse Ec2Error(string code, int status) =>
        FakeResponse.Xml($"<Response><Errors><Error><Code>{code}</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r-1</RequestID></Response>", status);

    public static FakeResponse S3Error(string code, int status) =>
        FakeResponse.Xml($"<Error><Code>{code}</Code><Message>{code}</Message><RequestId>r-1</RequestId></Error>", status);

    private FakeResponse S3(FakeRequest r)
    {
        string path = Uri.UnescapeDataString(r.Path.Trim('/'));
        string name = path.Split('/')[0];
        var bucket = Buckets.FirstOrDefault(b => b.Name == name);
        switch (r.Operation)
        {
            case "ListBuckets":
                return FakeResponse.Xml($"<ListAllMyBucketsResult xmlns=\"{S3Ns}\"><Owner><ID>{OwnerCanonicalId}</ID><DisplayName>owner</DisplayName></Owner><Buckets>" +
                    string.Concat(Buckets.Select(b => $"<Bucket><Name>{b.Name}</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket>")) + "</Buckets></ListAllMyBucketsResult>");
            case "GetBucketLocation":
                return FakeResponse.Xml($"<LocationConstraint xmlns=\"{S3Ns}\">{(bucket!.Region == "us-east-1" ? "" : bucket.Region)}</LocationConstraint>");
            case "GetBucketPolicy":
                return bucket!.Policy == null ? S3Error("NoSuchBucketPolicy", 404) : new FakeResponse { Body = Encoding.UTF8.GetBytes(bucket.Policy), ContentType = "application/json" };
            case "GetBucketAcl":
                if (bucket!.DenyAcl) return S3Error("AccessDenied", 403);
                string grants = $"<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>{OwnerCanonicalId}</ID><DisplayName>owner</DisplayName></Grantee><Permission>FULL_CONTROL</Permission></Grant>"
                    + string.Concat((bucket.AclGroups ?? Array.Empty<string>()).Select(g => $"<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\"><URI>http://acs.amazonaws.com/groups/global/{g}</URI></Grantee><Permission>READ</Permission></Grant>"));
                return FakeResponse.Xml($"<AccessControlPolicy xmlns=\"{S3Ns}\"><Owner><ID>{OwnerCanonicalId}</ID><DisplayName>owner</DisplayName></Owner><AccessControlList>{grants}</AccessControlList></AccessControlPolicy>");
            case "GetBucketReplication":
                return bucket!.ReplicationAccount == null ? S3Error("ReplicationConfigurationNotFoundError", 404)
                    : FakeResponse.Xml($"<ReplicationConfiguration xmlns=\"{S3Ns}\"><Role>arn:aws:iam::{Owner}:role/replication</Role><Rule><ID>to-backup</ID><Priority>1</Priority><Status>Enabled</Status><Filter></Filter><DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication><Destination><Bucket>arn:aws:s3:::far-away</Bucket><Account>{bucket.ReplicationAccount}</Account></Destination></Rule></ReplicationConfiguration>");
            case "ListObjectsV2":
                return ListObjects(name, r);
            case "GetObject":
            case "HeadObject":
            {
                string key = path.Substring(name.Length + 1);
                if (!Objects.TryGetValue(name + "/" + key, out var bytes)) return S3Error("NoSuchKey", 404);
                var response = new FakeResponse { Body = bytes, ContentType = "application/octet-stream" };
                response.Headers["ETag"] = "\"" + Convert.ToHexString(MD5.HashData(bytes)).ToLowerInvariant() + "\"";
                response.Headers["Last-Modified"] = "Mon, 23 Nov 2026 10:00:00 GMT";
                return response;
            }
        }
        throw new InvalidOperationException("unexpected S3 call " + r.Operation);
    }

    /// <summary>ListObjectsV2 with prefix, delimiter (common prefixes), start-after, continuation tokens (the index to go on from).</summary>
    private FakeResponse ListObjects(string bucket, FakeRequest r)
    {
        var q = HttpUtility.ParseQueryString(r.Query);
        string prefix = q["prefix"] ?? "";
        string? delimiter = q["delimiter"];
        int max = int.TryParse(q["max-keys"], out var m) ? Math.Min(m, PageSize) : PageSize;
        int from = q["continuation-token"] is string t ? int.Parse(t) : 0;
        var keys = Objects.Keys.Where(k => k.StartsWith(bucket + "/" + prefix, StringComparison.Ordinal)).Select(k => k.Substring(bucket.Length + 1)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var entries = new List<(string Key, bool IsPrefix)>();
        foreach (var k in keys)
        {
            if (delimiter != null)
            {
                int at = k.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                if (at >= 0)
                {
                    string p = k.Substring(0, at + delimiter.Length);
                    if (!entries.Contains((p, true))) entries.Add((p, true));
                    continue;
                }
            }
            entries.Add((k, false));
        }
        var page = entries.Skip(from).Take(max).ToList();
        bool more = from + max < entries.Count;
        var sb = new StringBuilder($"<ListBucketResult xmlns=\"{S3Ns}\"><Name>{bucket}</Name><Prefix>{SecurityElement.Escape(prefix)}</Prefix><KeyCount>{page.Count}</KeyCount><MaxKeys>{max}</MaxKeys><IsTruncated>{(more ? "true" : "false")}</IsTruncated>");
        if (more) sb.Append($"<NextContinuationToken>{from + max}</NextContinuationToken>");
        foreach (var (key, isPrefix) in page)
        {
            if (isPrefix) sb.Append($"<CommonPrefixes><Prefix>{SecurityElement.Escape(key)}</Prefix></CommonPrefixes>");
            else sb.Append($"<Contents><Key>{SecurityElement.Escape(key)}</Key><LastModified>2026-11-23T10:00:00.000Z</LastModified><ETag>\"x\"</ETag><Size>{Objects[bucket + "/" + key].Length}</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }
        sb.Append("</ListBucketResult>");
        return FakeResponse.Xml(sb.ToString());
    }
}
