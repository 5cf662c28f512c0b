using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace TransferDetect.Bench;

/// <summary>
/// Writes a deterministic CloudTrail delivery tree (AWSLogs/account/CloudTrail/region/yyyy/mm/dd/*.json.gz)
/// with the event mix of a real account: mostly Describe/List/Get, a few share events. The same seed
/// and size always give the same bytes.
/// </summary>
public sealed class CorpusGenerator
{
    public const string Account = "111122223333";
    private static readonly string[] Regions = { "us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2" };

    private static readonly (string Name, string Source, int Weight)[] Background =
    {
        ("DescribeInstances", "ec2.amazonaws.com", 120), ("DescribeInstanceStatus", "ec2.amazonaws.com", 60),
        ("DescribeVolumes", "ec2.amazonaws.com", 40), ("DescribeSnapshots", "ec2.amazonaws.com", 30),
        ("DescribeSecurityGroups", "ec2.amazonaws.com", 30), ("AssumeRole", "sts.amazonaws.com", 90),
        ("GetCallerIdentity", "sts.amazonaws.com", 30), ("Decrypt", "kms.amazonaws.com", 90),
        ("GenerateDataKey", "kms.amazonaws.com", 40), ("ListBuckets", "s3.amazonaws.com", 20),
        ("GetBucketAcl", "s3.amazonaws.com", 30), ("GetBucketPolicy", "s3.amazonaws.com", 20),
        ("DescribeDBInstances", "rds.amazonaws.com", 25), ("DescribeDBSnapshots", "rds.amazonaws.com", 10),
        ("ListFunctions20150331", "lambda.amazonaws.com", 15), ("GetParameter", "ssm.amazonaws.com", 40),
        ("DescribeInstanceInformation", "ssm.amazonaws.com", 40), ("CreateLogStream", "logs.amazonaws.com", 30),
        ("GetSecretValue", "secretsmanager.amazonaws.com", 10), ("ConsoleLogin", "signin.amazonaws.com", 2),
        ("CreateSnapshot", "ec2.amazonaws.com", 3), ("RunInstances", "ec2.amazonaws.com", 2),
    };

    private readonly Random _random;
    private readonly int _totalWeight;
    private readonly int _shareEvery;

    /// <param name="shareEvery">About one record in this many is a share event.</param>
    public CorpusGenerator(int seed, int shareEvery = 20_000)
    {
        _random = new Random(seed);
        _totalWeight = Background.Sum(b => b.Weight);
        _shareEvery = shareEvery;
    }

    public long Records { get; private set; }
    public long ShareRecords { get; private set; }
    public long UncompressedBytes { get; private set; }
    public long CompressedBytes { get; private set; }
    public int Files { get; private set; }

    /// <summary>Writes about <paramref name="targetBytes"/> of uncompressed JSON in files of about <paramref name="fileBytes"/>.</summary>
    public void Write(string root, long targetBytes, int fileBytes = 4 << 20)
    {
        var day = new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc);
        var time = day;
        var buffer = new MemoryStream(fileBytes + (64 << 10));
        while (UncompressedBytes < targetBytes)
        {
            string region = Regions[Files % Regions.Length];
            buffer.SetLength(0);
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteStartArray("Records");
                while (buffer.Length + w.BytesPending < fileBytes)
                {
                    time = time.AddMilliseconds(_random.Next(5, 400));
                    WriteRecord(w, region, time);
                    Records++;
                    if (w.BytesPending > 1 << 16) w.Flush();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            string dir = Path.Combine(root, "AWSLogs", Account, "CloudTrail", region, time.ToString("yyyy"), time.ToString("MM"), time.ToString("dd"));
            Directory.CreateDirectory(dir);
            string file = Path.Combine(dir, $"{Account}_CloudTrail_{region}_{time:yyyyMMdd'T'HHmm}Z_{Files:x8}.json.gz");
            using (var f = File.Create(file))
            using (var gz = new GZipStream(f, CompressionLevel.Optimal))
            {
                buffer.Position = 0;
                buffer.CopyTo(gz);
            }
            UncompressedBytes += buffer.Length;
            CompressedBytes += new FileInfo(file).Length;
            Files++;
        }
    }

    private void WriteRecord(Utf8JsonWriter w, string region, DateTime time)
    {
        bool share = _random.Next(_shareEvery) == 0;
        var (name, source) = share ? ShareOperation() : PickBackground();
        string role = _random.Next(4) switch { 0 => "OrganizationAccountAccessRole", 1 => "ci-deployer", 2 => "AWSServiceRoleForSSM", _ => "ops-admin" };
        w.WriteStartObject();
        w.WriteString("eventVersion", "1.09");
        w.WriteStartObject("userIdentity");
        w.WriteString("type", "AssumedRole");
        w.WriteString("principalId", $"AROA{Hex(8).ToUpperInvariant()}:{role}-session");
        w.WriteString("arn", $"arn:aws:sts::{Account}:assumed-role/{role}/{role}-session");
        w.WriteString("accountId", Account);
        w.WriteString("accessKeyId", "ASIA" + Hex(8).ToUpperInvariant());
        w.WriteStartObject("sessionContext");
        w.WriteStartObject("sessionIssuer");
        w.WriteString("type", "Role");
        w.WriteString("principalId", "AROA" + Hex(8).ToUpperInvariant());
        w.WriteString("arn", $"arn:aws:iam::{Account}:role/{role}");
        w.WriteString("accountId", Account);
        w.WriteString("userName", role);
        w.WriteEndObject();
        w.WriteStartObject("attributes");
        w.WriteString("creationDate", time.AddMinutes(-_random.Next(1, 60)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        w.WriteString("mfaAuthenticated", "false");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("eventTime", time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        w.WriteString("eventSource", source);
        w.WriteString("eventName", name);
        w.WriteString("awsRegion", region);
        w.WriteString("sourceIPAddress", $"{_random.Next(1, 223)}.{_random.Next(256)}.{_random.Next(256)}.{_random.Next(1, 255)}");
        w.WriteString("userAgent", _random.Next(3) switch
        {
            0 => "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79-99.167.amzn2023.x86_64 exe/x86_64.amzn.2023 prompt/off command/ec2.describe-instances",
            1 => "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.149.3",
            _ => "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69",
        });
        w.WritePropertyName("requestParameters");
        if (share)
        {
            ShareRecords++;
            WriteShareParameters(w, name);
        }
        else
        {
            WriteBackgroundParameters(w, name);
        }
        if (_random.Next(3) == 0)
        {
            w.WriteStartObject("responseElements");
            w.WriteString("requestId", Guid());
            w.WriteStartArray("items");
            int n = _random.Next(1, 6);
            for (int i = 0; i < n; i++)
            {
                w.WriteStartObject();
                w.WriteString("id", $"i-{Hex(17)}");
                w.WriteString("state", "running");
                w.WriteString("privateIpAddress", $"10.{_random.Next(256)}.{_random.Next(256)}.{_random.Next(256)}");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("responseElements");
        }
        w.WriteString("requestID", Guid());
        w.WriteString("eventID", Guid());
        w.WriteBoolean("readOnly", !share && (name.StartsWith("Describe") || name.StartsWith("Get") || name.StartsWith("List")));
        w.WriteString("eventType", "AwsApiCall");
        w.WriteBoolean("managementEvent", true);
        w.WriteString("recipientAccountId", Account);
        w.WriteString("eventCategory", "Management");
        w.WriteStartObject("tlsDetails");
        w.WriteString("tlsVersion", "TLSv1.3");
        w.WriteString("cipherSuite", "TLS_AES_128_GCM_SHA256");
        w.WriteString("clientProvidedHostHeader", $"{source.Split('.')[0]}.{region}.amazonaws.com");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private (string, string) PickBackground()
    {
        int r = _random.Next(_totalWeight);
        foreach (var b in Background)
        {
            if ((r -= b.Weight) < 0) return (b.Name, b.Source);
        }
        return (Background[0].Name, Background[0].Source);
    }

    private (string, string) ShareOperation() => _random.Next(4) switch
    {
        0 => ("ModifySnapshotAttribute", "ec2.amazonaws.com"),
        1 => ("ModifyImageAttribute", "ec2.amazonaws.com"),
        2 => ("ModifyDBSnapshotAttribute", "rds.amazonaws.com"),
        _ => ("AuthorizeSnapshotAccess", "redshift.amazonaws.com"),
    };

    private void WriteShareParameters(Utf8JsonWriter w, string name)
    {
        string grantee = _random.Next(3) == 0 ? "444455556666" : "999988887777";
        w.WriteStartObject();
        switch (name)
        {
            case "ModifySnapshotAttribute":
            case "ModifyImageAttribute":
                bool snapshot = name == "ModifySnapshotAttribute";
                w.WriteString(snapshot ? "snapshotId" : "imageId", snapshot ? $"snap-{Hex(17)}" : $"ami-{Hex(17)}");
                w.WriteString("attributeType", snapshot ? "CREATE_VOLUME_PERMISSION" : "launchPermission");
                w.WriteStartObject(snapshot ? "createVolumePermission" : "launchPermission");
                w.WriteStartObject("add");
                w.WriteStartArray("items");
                w.WriteStartObject();
                w.WriteString("userId", grantee);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case "ModifyDBSnapshotAttribute":
                w.WriteString("dBSnapshotIdentifier", "nightly-" + Hex(6));
                w.WriteString("attributeName", "restore");
                w.WriteStartArray("valuesToAdd");
                w.WriteStringValue(grantee);
                w.WriteEndArray();
                break;
            default:
                w.WriteString("snapshotIdentifier", "dw-" + Hex(6));
                w.WriteString("accountWithRestoreAccess", grantee);
                break;
        }
        w.WriteEndObject();
    }

    private void WriteBackgroundParameters(Utf8JsonWriter w, string name)
    {
        if (_random.Next(5) == 0)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartObject();
        switch (name)
        {
            case "DescribeInstances":
            case "DescribeInstanceStatus":
            case "DescribeVolumes":
            case "DescribeSnapshots":
                w.WriteStartObject("filterSet");
                w.WriteStartArray("items");
                w.WriteStartObject();
                w.WriteString("name", "tag:Environment");
                w.WriteStartObject("valueSet");
                w.WriteStartArray("items");
                w.WriteStartObject();
                w.WriteString("value", "production");
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteNumber("maxResults", 1000);
                break;
            case "AssumeRole":
                w.WriteString("roleArn", $"arn:aws:iam::{Account}:role/ci-deployer");
                w.WriteString("roleSessionName", "session-" + Hex(8));
                w.WriteNumber("durationSeconds", 3600);
                break;
            case "Decrypt":
            case "GenerateDataKey":
                w.WriteStartObject("encryptionContext");
                w.WriteString("aws:ebs:id", $"vol-{Hex(17)}");
                w.WriteEndObject();
                w.WriteString("encryptionAlgorithm", "SYMMETRIC_DEFAULT");
                break;
            default:
                w.WriteString("name", "/prod/app/" + Hex(6));
                w.WriteBoolean("withDecryption", true);
                break;
        }
        w.WriteEndObject();
    }

    private string Hex(int n)
    {
        Span<byte> bytes = stackalloc byte[(n + 1) / 2];
        _random.NextBytes(bytes);
        return Convert.ToHexString(bytes).ToLowerInvariant().Substring(0, n);
    }

    private string Guid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }
}
