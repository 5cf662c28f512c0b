using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TransferDetect.Engine.Integrity;

namespace TransferDetect.Tests.Integrity;

/// <summary>
/// Writes a CloudTrail S3 delivery tree with log files and digests made the way CloudTrail documents
/// them ("CloudTrail digest file structure", "Custom implementations of CloudTrail log file integrity
/// validation"): hourly digests under AWSLogs/[o-id/]account/CloudTrail-Digest/region/yyyy/mm/dd/, each
/// listing the SHA-256 of its log files' uncompressed content, chained by previousDigestHashValue and
/// previousDigestSignature, signed with SHA256withRSA over the data-signing string.
/// </summary>
internal sealed class CloudTrailTreeBuilder
{
    public CloudTrailTreeBuilder(string bucketRoot, RSA key, string bucket = "amzn-s3-demo-bucket", string? keyPrefix = null)
    {
        BucketRoot = bucketRoot;
        Key = key;
        Bucket = bucket;
        KeyPrefix = keyPrefix;
        PublicKeyDer = key.ExportRSAPublicKey();
        Fingerprint = Convert.ToHexStringLower(MD5.HashData(PublicKeyDer));
    }

    public string BucketRoot { get; }
    public RSA Key { get; }
    public string Bucket { get; }
    public string? KeyPrefix { get; }
    public byte[] PublicKeyDer { get; }
    public string Fingerprint { get; }

    public CloudTrailPublicKey PublicKey => CloudTrailPublicKey.FromDer(PublicKeyDer);

    public Trail AddTrail(string account, string region, string trailName = "management-events", string? organizationId = null, string homeRegion = "us-east-1") =>
        new(this, account, region, trailName, organizationId, homeRegion);

    internal sealed class Digest
    {
        public required string Path { get; init; }
        public required string S3Key { get; init; }
        public required DateTime Start { get; init; }
        public required DateTime End { get; init; }
        public required string Signature { get; init; }
        public required string Sha256 { get; init; }
        public required List<string> LogFiles { get; init; }
    }

    internal sealed class Trail
    {
        private readonly CloudTrailTreeBuilder _b;
        private int _seq;

        public Trail(CloudTrailTreeBuilder builder, string account, string region, string name, string? organizationId, string homeRegion)
        {
            _b = builder;
            Account = account;
            Region = region;
            Name = name;
            OrganizationId = organizationId;
            HomeRegion = homeRegion;
        }

        public string Account { get; }
        public string Region { get; }
        public string Name { get; }
        public string? OrganizationId { get; }
        public string HomeRegion { get; }
        public List<Digest> Digests { get; } = new();

        /// <summary>The S3 key below the bucket of the account's folder: [prefix/]AWSLogs/[o-id/]account/.</summary>
        public string AccountKey => (_b.KeyPrefix == null ? "" : _b.KeyPrefix + "/") + "AWSLogs/" + (OrganizationId == null ? "" : OrganizationId + "/") + Account + "/";

        /// <summary>The local folder of the account (the bucket prefix is not part of a local copy).</summary>
        public string AccountDir => Path.Combine(_b.BucketRoot, "AWSLogs", OrganizationId ?? "", Account);

        /// <summary>Writes a log file delivered at <paramref name="delivered"/> and returns its S3 key.</summary>
        public string WriteLogFile(DateTime delivered, int records = 3)
        {
            string unique = Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes($"{Account}/{Region}/{Name}/{_seq++}"))).Substring(0, 16);
            string relative = $"CloudTrail/{Region}/{delivered:yyyy}/{delivered:MM}/{delivered:dd}/{Account}_CloudTrail_{Region}_{delivered:yyyyMMdd'T'HHmm'Z'}_{unique}.json.gz";
            string path = Path.Combine(AccountDir, relative.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, RepoPaths.Gzip(Encoding.UTF8.GetBytes(LogFileJson(delivered, records))));
            return AccountKey + relative;
        }

        /// <summary>CloudTrail records of read-only calls (no share events), the last a few minutes before delivery.</summary>
        public string LogFileJson(DateTime delivered, int records)
        {
            var sb = new StringBuilder("{\"Records\":[");
            for (int i = 0; i < records; i++)
            {
                if (i > 0) sb.Append(',');
                var t = delivered.AddMinutes(-5 - i);
                sb.Append(CultureInfo.InvariantCulture, $$"""{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","accountId":"{{Account}}","userName":"auditor"},"eventTime":"{{t:yyyy-MM-dd'T'HH:mm:ss'Z'}}","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"{{Region}}","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","requestParameters":{"maxResults":50},"responseElements":null,"requestID":"{{Guid.NewGuid()}}","eventID":"{{Guid.NewGuid()}}","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"{{Account}}","eventCategory":"Management"}""");
            }
            return sb.Append("]}").ToString();
        }

        /// <summary>
        /// Delivers log files during the hour before <paramref name="end"/> and the digest that ends then,
        /// chained to the previous digest unless <paramref name="startsChain"/>.
        /// </summary>
        public Digest AddHour(DateTime end, int logFiles = 2, bool startsChain = false)
        {
            var start = Digests.Count > 0 && !startsChain ? Digests[^1].End : end.AddHours(-1);
            var keys = new List<string>();
            for (int i = 0; i < logFiles; i++) keys.Add(WriteLogFile(start.AddMinutes(5 + i * 10)));
            return WriteDigest(start, end, keys, startsChain);
        }

        /// <param name="backfill">A backfill digest (name suffix _backfill): outside the chain, for log files the hourly digest missed.</param>
        public Digest WriteDigest(DateTime start, DateTime end, List<string> logFileKeys, bool startsChain = false, bool backfill = false)
        {
            var previous = startsChain || backfill || Digests.Count == 0 ? null : Digests[^1];
            string relative = $"CloudTrail-Digest/{Region}/{end:yyyy}/{end:MM}/{end:dd}/{Account}_CloudTrail-Digest_{Region}_{Name}_{HomeRegion}_{end:yyyyMMdd'T'HHmmss'Z'}{(backfill ? "_backfill" : "")}.json.gz";
            string key = AccountKey + relative;
            string path = Path.Combine(AccountDir, relative.Replace('/', Path.DirectorySeparatorChar));

            var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
            {
                w.WriteStartObject();
                w.WriteString("awsAccountId", Account);
                w.WriteString("digestStartTime", Time(start));
                w.WriteString("digestEndTime", Time(end));
                w.WriteString("digestS3Bucket", _b.Bucket);
                w.WriteString("digestS3Object", key);
                w.WriteString("digestPublicKeyFingerprint", _b.Fingerprint);
                w.WriteString("digestSignatureAlgorithm", "SHA256withRSA");
                if (logFileKeys.Count > 0)
                {
                    w.WriteString("newestEventTime", Time(end.AddMinutes(-10)));
                    w.WriteString("oldestEventTime", Time(start.AddMinutes(-10)));
                }
                else
                {
                    w.WriteNull("newestEventTime");
                    w.WriteNull("oldestEventTime");
                }
                if (previous == null)
                {
                    foreach (var f in new[] { "previousDigestS3Bucket", "previousDigestS3Object", "previousDigestHashValue", "previousDigestHashAlgorithm", "previousDigestSignature" })
                    {
                        w.WriteNull(f);
                    }
                }
                else
                {
                    w.WriteString("previousDigestS3Bucket", _b.Bucket);
                    w.WriteString("previousDigestS3Object", previous.S3Key);
                    w.WriteString("previousDigestHashValue", previous.Sha256);
                    w.WriteString("previousDigestHashAlgorithm", "SHA-256");
                    w.WriteString("previousDigestSignature", previous.Signature);
                }
                w.WriteStartArray("logFiles");
                foreach (var logKey in logFileKeys)
                {
                    string local = Path.Combine(_b.BucketRoot, logKey.Substring(logKey.IndexOf("AWSLogs/", StringComparison.Ordinal)).Replace('/', Path.DirectorySeparatorChar));
                    w.WriteStartObject();
                    w.WriteString("s3Bucket", _b.Bucket);
                    w.WriteString("s3Object", logKey);
                    w.WriteString("hashValue", Convert.ToHexStringLower(SHA256.HashData(Gunzip(File.ReadAllBytes(local)))));
                    w.WriteString("hashAlgorithm", "SHA-256");
                    w.WriteString("newestEventTime", Time(end.AddMinutes(-10)));
                    w.WriteString("oldestEventTime", Time(start.AddMinutes(-10)));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            byte[] json = ms.ToArray();
            string sha = Convert.ToHexStringLower(SHA256.HashData(json));
            byte[] toSign = Encoding.UTF8.GetBytes($"{Time(end)}\n{_b.Bucket}/{key}\n{sha}\n{previous?.Signature ?? "null"}");
            string signature = Convert.ToHexStringLower(_b.Key.SignData(toSign, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, RepoPaths.Gzip(json));
            var digest = new Digest { Path = path, S3Key = key, Start = start, End = end, Signature = signature, Sha256 = sha, LogFiles = logFileKeys };
            if (!backfill) Digests.Add(digest);
            return digest;
        }

        /// <summary>What a responder saves from S3 object metadata: the newest digest's x-amz-meta-signature.</summary>
        public void WriteNewestSignatureSidecar() =>
            File.WriteAllText(Digests[^1].Path + CloudTrailDigestValidator.SignatureSuffix, Digests[^1].Signature + "\n");

        public string LocalPath(string s3Key) =>
            Path.Combine(_b.BucketRoot, s3Key.Substring(s3Key.IndexOf("AWSLogs/", StringComparison.Ordinal)).Replace('/', Path.DirectorySeparatorChar));
    }

    public static string Time(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static byte[] Gunzip(byte[] data)
    {
        using var gz = new System.IO.Compression.GZipStream(new MemoryStream(data), System.IO.Compression.CompressionMode.Decompress);
        var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }
}
