using System.Text;
using System.Text.Json.Nodes;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Sources.Aws;
using Xunit;
using static TransferDetect.Engine.Tests.CloudTrailJson;

namespace TransferDetect.Engine.Tests;

/// <summary>CloudTrail records of the AWS catalogue's rows, read through the real reader and judged by the real detector.</summary>
internal static class AwsRecords
{
    /// <summary>An account the zone lists.</summary>
    public const string Trusted = "444455556666";

    /// <summary>An account outside the zone.</summary>
    public const string Foreign = "999988887777";

    public const string TrustedOrg = "o-a1b2c3d4e5";
    public const string ForeignOrg = "o-zz9y8x7w6v";

    public static TrustZone Zone()
    {
        var zone = TrustZone.Empty;
        zone.AddAwsAccount(Trusted);
        zone.AddAwsOrganization(TrustedOrg);
        return zone;
    }

    public static JsonObject Call(string eventName, string eventSource, string requestParameters, string? errorCode = null) =>
        Record(eventName, eventSource, requestParameters, errorCode);

    /// <summary>The events of the records, read from an S3 delivery file; fails on any reported problem.</summary>
    public static List<ShareEvent> Events(params JsonObject[] records)
    {
        var (events, host, _) = Read(Delivery(records));
        Assert.Empty(host.Issues);
        return events;
    }

    public static ShareEvent Single(JsonObject record) => Assert.Single(Events(record));

    /// <summary>The finding for the event against <see cref="Zone"/>, or null.</summary>
    public static Finding? Judge(ShareEvent e) => new ExternalShareDetector(Zone()).Evaluate(e);

    /// <summary>The one finding of the record, asserting there is exactly one.</summary>
    public static Finding Finding(JsonObject record)
    {
        var findings = Events(record).Select(Judge).Where(f => f != null).ToList();
        return Assert.Single(findings)!;
    }

    /// <summary>JSON text of a string, for a policy written into requestParameters as a string.</summary>
    public static string Quoted(string json) => System.Text.Json.JsonSerializer.Serialize(json);
}

public class AwsCatalogTests
{
    private static byte[] RecordBytes(string eventName, string source = "ec2.amazonaws.com") =>
        Encoding.UTF8.GetBytes(Record(eventName, source, "{}").ToJsonString());

    [Fact]
    public void Every_catalogue_operation_passes_the_byte_prefilter_and_is_found_by_name()
    {
        foreach (var op in AwsShareCatalog.All.Operations)
        {
            Assert.Equal(EventNameFilter.InCatalogue, AwsShareCatalog.All.Filter(RecordBytes(op.EventName, op.EventSource)));
            Assert.Same(op, AwsShareCatalog.All.Find(op.EventName));
        }
        Assert.Equal(AwsShareCatalog.All.Operations.Count, AwsShareCatalog.All.Operations.Select(o => o.EventName).Distinct().Count());
    }

    [Theory]
    [InlineData("GetBucketPolicy")]
    [InlineData("PutBucketPolicyX")]
    [InlineData("putBucketPolicy")]
    [InlineData("DeleteBucketPolicy")]
    [InlineData("PutBucketAclx")]
    [InlineData("CreateGrantX")]
    [InlineData("AddPermission20150331v2")]
    [InlineData("AddLayerVersionPermission2018103")]
    [InlineData("AddLayerVersionPermission20181031x")]
    [InlineData("AddLayerVersionPermission20181031v")]
    [InlineData("ModifySnapshotAttribute20181031")]
    [InlineData("GetObject")]
    public void Look_alike_names_are_skipped_and_not_found(string name)
    {
        Assert.Equal(EventNameFilter.NotInCatalogue, AwsShareCatalog.All.Filter(RecordBytes(name)));
        Assert.Null(AwsShareCatalog.All.Find(name));
    }

    [Theory]
    [InlineData("\u00c4ddPermission")]
    [InlineData("\u00e9")]
    [InlineData("\u00ffModifySnapshotAttribut")]
    public void Names_that_begin_with_a_byte_above_127_are_skipped_and_not_found(string name)
    {
        // Written raw (UTF-8, not \u escapes), so that the lookup sees the name's first byte.
        var json = Encoding.UTF8.GetBytes("{\"eventSource\":\"lambda.amazonaws.com\",\"eventName\":\"" + name + "\"}");
        Assert.Equal(EventNameFilter.NotInCatalogue, AwsShareCatalog.All.Filter(json));
        Assert.Null(AwsShareCatalog.All.Find(name));
    }

    [Theory]
    [InlineData("{\"operationName\":\"MICROSOFT.COMPUTE/DISKS/WRITE\",\"resultType\":\"Success\"}", "NoKey")]
    [InlineData("{\"protoPayload\":{\"methodName\":\"v1.compute.instances.insert\"}}", "NoKey")]
    [InlineData("{\"eventN\\u0061me\":\"ModifySnapshotAttribute\"}", "NoKey")]
    [InlineData("{\"properties\":{\"eventName\":{\"value\":\"BeginRequest\"}}}", "Undecided")]
    [InlineData("{\"eventName\":\"Modify\\u0053napshotAttribute\"}", "Undecided")]
    [InlineData("{\"xeventName\":\"GetObject\"}", "Undecided")]
    public void A_record_without_the_eventName_bytes_is_told_in_one_search_from_one_whose_key_cannot_be_read(string json, string expected)
    {
        // NoKey lets the CloudTrail claim answer "not mine" for another provider's record without searching it a second time;
        // a key whose value is escaped or an object, or a look-alike key, still leaves the record undecided.
        Assert.Equal(expected, AwsShareCatalog.All.Filter(Encoding.UTF8.GetBytes(json)).ToString());
    }

    [Theory]
    [InlineData("AddLayerVersionPermission", "AddLayerVersionPermission")]
    [InlineData("AddLayerVersionPermission20181031", "AddLayerVersionPermission")]
    [InlineData("AddLayerVersionPermission20181031v2", "AddLayerVersionPermission")]
    [InlineData("RemoveLayerVersionPermission20181031", "RemoveLayerVersionPermission")]
    public void Lambda_names_match_with_or_without_their_api_version(string recorded, string operation)
    {
        Assert.Equal(EventNameFilter.InCatalogue, AwsShareCatalog.All.Filter(RecordBytes(recorded, "lambda.amazonaws.com")));
        Assert.Equal(operation, AwsShareCatalog.All.Find(recorded)!.EventName);
    }

    [Fact]
    public void Header_reader_agrees_with_the_prefilter_and_the_name_lookup()
    {
        foreach (var name in new[] { "PutBucketAcl", "AddLayerVersionPermission20181031", "GetBucketAcl", "SharedSnapshotVolumeCreated", "Add\\u004cayerVersionPermission20181031" })
        {
            byte[] json = Encoding.UTF8.GetBytes("{\"eventName\":\"" + name + "\",\"eventSource\":\"x.amazonaws.com\"}");
            var header = CloudTrailHeader.Read(json, AwsShareCatalog.All);
            string unescaped = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("eventName").GetString()!;
            Assert.Equal(AwsShareCatalog.All.Find(unescaped) != null, header.OperationIndex >= 0);
        }
    }

    [Theory]
    [InlineData("ModifySnapshotAttribute", ShareCategory.Snapshot)]
    [InlineData("SharedSnapshotCopyInitiated", ShareCategory.Snapshot)]
    [InlineData("SharedSnapshotVolumeCreated", ShareCategory.Snapshot)]
    [InlineData("PutBucketPolicy", ShareCategory.Storage)]
    [InlineData("PutBucketAcl", ShareCategory.Storage)]
    [InlineData("PutBucketReplication", ShareCategory.Storage)]
    [InlineData("CopyObject", ShareCategory.Storage)]
    [InlineData("CreateGrant", ShareCategory.Key)]
    [InlineData("PutKeyPolicy", ShareCategory.Key)]
    [InlineData("StartCopyJob", ShareCategory.Backup)]
    [InlineData("PutBackupVaultAccessPolicy", ShareCategory.Backup)]
    [InlineData("CreateResourceShare", ShareCategory.Resource)]
    [InlineData("SetRepositoryPolicy", ShareCategory.Resource)]
    [InlineData("AddLayerVersionPermission", ShareCategory.Resource)]
    [InlineData("ModifyDocumentPermission", ShareCategory.Resource)]
    [InlineData("CreateInstanceExportTask", ShareCategory.Export)]
    [InlineData("ExportImage", ShareCategory.Export)]
    [InlineData("StartExportTask", ShareCategory.Export)]
    [InlineData("ExportTableToPointInTime", ShareCategory.Export)]
    [InlineData("PutBucketPublicAccessBlock", ShareCategory.Guardrail)]
    [InlineData("DeleteAccountPublicAccessBlock", ShareCategory.Guardrail)]
    [InlineData("DisableSnapshotBlockPublicAccess", ShareCategory.Guardrail)]
    [InlineData("DisableImageBlockPublicAccess", ShareCategory.Guardrail)]
    public void Each_row_has_its_category(string operation, ShareCategory category)
    {
        Assert.Equal(category, AwsShareCatalog.All.Find(operation)!.Category);
        Assert.Contains(operation, AwsShareCatalog.All.For(new[] { category }).Operations.Select(o => o.EventName));
    }

    [Fact]
    public void Snapshot_category_reads_only_snapshot_rows_and_skips_the_others_unparsed()
    {
        var options = new ShareLogReaderOptions { Categories = new[] { ShareCategory.Snapshot } };
        var bucket = AwsRecords.Call("PutBucketPolicy", "s3.amazonaws.com", """{"bucketName":"b","bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}}""");
        var (events, host, reader) = Read(Delivery(bucket, SnapshotShare("add", """{"userId":"999988887777"}""")), options);
        Assert.Equal("ModifySnapshotAttribute", Assert.Single(events).Operation);
        Assert.Empty(host.Issues);
        Assert.Equal(1, reader.Statistics.CandidateRecords);
        Assert.DoesNotContain("PutBucketPolicy", ShareLogReader.SnapshotOperations);
        Assert.Contains("SharedSnapshotVolumeCreated", ShareLogReader.SnapshotOperations);
    }

    [Fact]
    public void Operation_filter_names_the_operation_without_its_api_version()
    {
        var layer = AwsRecords.Call("AddLayerVersionPermission20181031", "lambda.amazonaws.com",
            """{"layerName":"tools","versionNumber":3,"principal":"999988887777","statementId":"s1","action":"lambda:GetLayerVersion"}""");
        var (events, host, _) = Read(Delivery(layer, SnapshotShare("add", """{"userId":"999988887777"}""")),
            new ShareLogReaderOptions { Operations = new[] { "addlayerversionpermission" } });
        var e = Assert.Single(events);
        Assert.Equal("AddLayerVersionPermission", e.Operation);
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void Account_level_block_public_access_is_read_from_either_s3_event_source()
    {
        string rp = """{"PublicAccessBlockConfiguration":{"BlockPublicAcls":false,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}}""";
        var events = AwsRecords.Events(
            AwsRecords.Call("PutAccountPublicAccessBlock", "s3.amazonaws.com", rp),
            AwsRecords.Call("PutAccountPublicAccessBlock", "s3-control.amazonaws.com", rp),
            AwsRecords.Call("PutAccountPublicAccessBlock", "s3-outposts.amazonaws.com", rp));
        Assert.Equal(new[] { "s3.amazonaws.com", "s3-control.amazonaws.com" }, events.Select(e => e.EventSource));
    }
}
