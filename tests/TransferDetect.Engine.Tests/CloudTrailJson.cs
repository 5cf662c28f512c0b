using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Aws;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>Builds CloudTrail records in the documented shape, and reads them back through the real reader.</summary>
internal static class CloudTrailJson
{
    public const string Owner = "111122223333";
    private static int _ids;

    public static JsonObject Record(string eventName, string eventSource, string requestParameters,
        string? errorCode = null, string time = "2024-08-01T12:00:00Z", string owner = Owner, string? invokedBy = null)
    {
        var identity = new JsonObject
        {
            ["type"] = "IAMUser",
            ["principalId"] = "AIDAEXAMPLE",
            ["arn"] = $"arn:aws:iam::{owner}:user/alice",
            ["accountId"] = owner,
            ["userName"] = "alice",
        };
        if (invokedBy != null) identity["invokedBy"] = invokedBy;
        var r = new JsonObject
        {
            ["eventVersion"] = "1.09",
            ["userIdentity"] = identity,
            ["eventTime"] = time,
            ["eventSource"] = eventSource,
            ["eventName"] = eventName,
            ["awsRegion"] = "us-east-1",
            ["sourceIPAddress"] = "203.0.113.7",
            ["userAgent"] = "aws-cli/2.15.0",
            ["requestParameters"] = JsonNode.Parse(requestParameters),
            ["responseElements"] = null,
            ["requestID"] = Guid.NewGuid().ToString(),
            ["eventID"] = $"00000000-0000-0000-0000-{Interlocked.Increment(ref _ids):D12}",
            ["readOnly"] = false,
            ["eventType"] = "AwsApiCall",
            ["managementEvent"] = true,
            ["recipientAccountId"] = owner,
        };
        if (errorCode != null)
        {
            r["errorCode"] = errorCode;
            r["errorMessage"] = "You are not authorized to perform this operation.";
        }
        return r;
    }

    public static JsonObject Background(string eventName = "DescribeInstances") =>
        Record(eventName, "ec2.amazonaws.com", """{"instancesSet":{},"filterSet":{}}""");

    public static JsonObject SnapshotShare(string addOrRemove, string item, string attributeType = "CREATE_VOLUME_PERMISSION", string? errorCode = null) =>
        Record("ModifySnapshotAttribute", "ec2.amazonaws.com",
            "{\"snapshotId\":\"snap-0123456789abcdef0\",\"attributeType\":\"" + attributeType + "\",\"createVolumePermission\":{\"" + addOrRemove + "\":{\"items\":[" + item + "]}}}",
            errorCode);

    public static JsonObject ImageShare(string addOrRemove, string item) =>
        Record("ModifyImageAttribute", "ec2.amazonaws.com",
            "{\"imageId\":\"ami-0123456789abcdef0\",\"attributeType\":\"launchPermission\",\"launchPermission\":{\"" + addOrRemove + "\":{\"items\":[" + item + "]}}}");

    /// <summary>The S3 delivery shape.</summary>
    public static string Delivery(params JsonObject[] records) =>
        new JsonObject { ["Records"] = new JsonArray(records.Select(r => (JsonNode)r.DeepClone()).ToArray()) }.ToJsonString();

    public static string Lines(params JsonObject[] records) =>
        string.Join("\n", records.Select(r => r.ToJsonString())) + "\n";

    public static byte[] Gzip(string text) => TransferDetect.Tests.RepoPaths.Gzip(Encoding.UTF8.GetBytes(text));

    /// <summary>Reads text through the reader as if it were a file.</summary>
    public static (List<ShareEvent> Events, CollectingScanHost Host, ShareLogReader Reader) Read(string text, ShareLogReaderOptions? options = null) =>
        Read(Encoding.UTF8.GetBytes(text), options);

    public static (List<ShareEvent> Events, CollectingScanHost Host, ShareLogReader Reader) Read(byte[] bytes, ShareLogReaderOptions? options = null)
    {
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host, options);
        var events = reader.ReadStream(new MemoryStream(bytes), "test.json").ToList();
        return (events, host, reader);
    }

    /// <summary>Writes the text to a file in a fresh folder and reads it through <see cref="ShareLogReader.Read"/>.</summary>
    public static (List<ShareEvent> Events, CollectingScanHost Host, ShareLogReader Reader) ReadFile(string name, byte[] content, ShareLogReaderOptions? options = null)
    {
        string dir = TransferDetect.Tests.RepoPaths.NewTempDirectory();
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, content);
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host, options);
        var events = reader.Read(new[] { path }, TestContext.Current.CancellationToken).ToList();
        return (events, host, reader);
    }
}
