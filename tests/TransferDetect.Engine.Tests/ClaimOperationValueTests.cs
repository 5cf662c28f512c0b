using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using TransferDetect.Engine.IO;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Sources.Azure;
using TransferDetect.Engine.Sources.M365;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>
/// The claims first read only the operation values of a record (Azure operationName / OperationNameValue,
/// M365 Operation / Operations and AuditData's Operation): every catalogue operation, in every shape, case
/// and JSON encoding, is still a candidate, and a value the byte reader cannot read cleanly falls back to
/// the whole-record test.
/// </summary>
public class ClaimOperationValueTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly AzureActivityInterpreter Azure = new(null);
    private static readonly M365AuditInterpreter M365 = new(null);

    /// <summary>The rows of a CSV export as the reader hands them to the claims.</summary>
    private static List<byte[]> CsvRows(string csv) =>
        new CsvRecordReader(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "t.csv", 1 << 20, _ => { }).Records(default).Select(r => r.Json.ToArray()).ToList();

    private static IEnumerable<string> Cases(string op) => new[] { op, op.ToLowerInvariant(), op.ToUpperInvariant() };

    /// <summary>Every text form of the record: default (\u0022, \u002B) and relaxed (\") JSON escaping.</summary>
    private static IEnumerable<string> Encodings(JsonObject record) => new[] { record.ToJsonString(), record.ToJsonString(Relaxed) };

    private static IEnumerable<(string Shape, byte[] Json)> AzureShapes(string op)
    {
        var rest = AzureJson.Rest(op, "Started", AzureJson.Account, "c");
        var diagnostic = AzureJson.Diagnostic(op, "Start", AzureJson.Account, "c");
        var logAnalytics = AzureJson.LogAnalytics(op, "Start", AzureJson.Account, "c");
        foreach (var (shape, record) in new[] { ("rest", rest), ("diagnostic", diagnostic), ("log analytics", logAnalytics) })
        {
            // Without the alternative places of the operation (properties.message, authorization.action).
            record.Remove("authorization");
            if (record["identity"] is JsonObject identity) identity.Remove("authorization");
            record.Remove("Authorization_d");
            (record["properties"] as JsonObject)?.Remove("message");
            foreach (var text in Encodings(record)) yield return (shape, Encoding.UTF8.GetBytes(text));
        }
        var row = AzureJson.LogAnalytics(op, "Start", AzureJson.Account, "c");
        foreach (var json in CsvRows(AzureJson.Csv(row))) yield return ("log analytics csv", json);
    }

    [Fact]
    public void Every_azure_catalogue_operation_in_every_shape_case_and_encoding_is_a_candidate()
    {
        int read = 0;
        foreach (var op in AzureOperations.All)
        {
            foreach (var name in Cases(op.Name))
            {
                foreach (var (shape, json) in AzureShapes(name))
                {
                    Assert.True(Azure.Claim(json) == RecordClaim.Candidate, $"{name} ({shape}): {Encoding.UTF8.GetString(json)}");
                    var values = AzureActivityInterpreter.ReadOperationValues(json);
                    Assert.NotEqual(OperationValues.NoShare, values);
                    if (values == OperationValues.MaybeShare) read++;
                }
            }
        }
        // The operation values were read (not only the whole-record fallback) in most of them.
        Assert.True(read > AzureOperations.All.Length * 3 * 3, $"{read}");
    }

    [Fact]
    public void Azure_operations_outside_the_catalogue_are_skipped_from_their_values()
    {
        foreach (var name in Cases("Microsoft.Compute/virtualMachines/start/action"))
        {
            foreach (var (shape, json) in AzureShapes(name))
            {
                Assert.True(AzureActivityInterpreter.ReadOperationValues(json) != OperationValues.MaybeShare, shape);
                // A \u escape anywhere (the default encoder's \u0022) leaves it to the whole-record test, which parses it.
                if (json.AsSpan().IndexOf("\\u"u8) < 0) Assert.True(Azure.Claim(json) == RecordClaim.Skip, $"{shape}: {Encoding.UTF8.GetString(json)}");
            }
        }
        // The REST object shape and the Log Analytics column, read without the fallback.
        Assert.Equal(OperationValues.NoShare, AzureActivityInterpreter.ReadOperationValues(
            "{\"operationName\" : { \"value\" : \"Microsoft.Web/sites/restart/action\", \"localizedValue\" : \"Restart Web App\" },\"eventDataId\":\"e\"}"u8));
        Assert.Equal(OperationValues.NoShare, AzureActivityInterpreter.ReadOperationValues(
            "{\"OperationNameValue\":\"MICROSOFT.WEB/SITES/RESTART/ACTION\",\"ActivityStatusValue\":\"Success\"}"u8));
        // A localized OperationName beside it: properties.message may name the operation, so the whole record decides.
        Assert.Equal(OperationValues.Unknown, AzureActivityInterpreter.ReadOperationValues(
            "{\"OperationNameValue\":\"MICROSOFT.WEB/SITES/RESTART/ACTION\",\"OperationName\":\"Restart Web App\",\"ActivityStatusValue\":\"Success\"}"u8));
    }

    [Theory]
    // Escapes in the value or in a key: the value is not read, the whole record decides.
    [InlineData("{\"operationName\":\"Microsoft.Compute\\/disks\\/beginGetAccess\\/action\",\"resultType\":\"Start\"}")]
    [InlineData("{\"operationName\":\"Microsoft.Compute/disks/\\u0062eginGetAccess/action\",\"resultType\":\"Start\"}")]
    [InlineData("{\"operati\\u006fnName\":\"Microsoft.Compute/disks/beginGetAccess/action\",\"operationName\":\"Microsoft.Web/sites/write\",\"resultType\":\"Start\"}")]
    [InlineData("{\"operationName\":{\"value\":\"Microsoft.Compute/disks/\\u0062eginGetAccess/action\"},\"eventDataId\":\"x\"}")]
    // A fragment in the value, in any member of the object form.
    [InlineData("{\"operationName\":{\"value\":\"Microsoft.Web/sites/write\",\"localizedValue\":\"Microsoft.Storage/storageAccounts/listKeys/action\"},\"eventDataId\":\"x\"}")]
    [InlineData("{\"operationName\":\"Microsoft.Web/sites/write\",\"resultType\":\"Start\",\"properties\":{\"operationName\":\"MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION\"}}")]
    // Duplicate keys (the last one is read) and duplicate members.
    [InlineData("{\"operationName\":\"Microsoft.Web/sites/write\",\"resultType\":\"Start\",\"operationName\":\"Microsoft.Compute/galleries/share/action\"}")]
    [InlineData("{\"operationName\":{\"value\":\"Microsoft.Web/sites/write\",\"value\":\"Microsoft.Compute/galleries/share/action\"},\"eventDataId\":\"x\"}")]
    // Non-ASCII text in the name (dotless i folds to I in an ordinal ignore-case comparison).
    [InlineData("{\"operationName\":\"Microsoft.Storage/storageAccounts/l\u0131stKeys/action\",\"resultType\":\"Start\"}")]
    // A localized name: properties.message names the operation.
    [InlineData("{\"OperationName\":\"List Storage Account Keys\",\"ActivityStatusValue\":\"Success\",\"properties\":{\"message\":\"Microsoft.Storage/storageAccounts/listKeys/action\"}}")]
    // A data-plane operation: read as a record of another shape.
    [InlineData("{\"operationName\":\"GetBlob\",\"category\":\"StorageRead\"}")]
    // Datadog's evt.name is read too.
    [InlineData("{\"operationName\":\"Microsoft.Web/sites/write\",\"evt\":{\"name\":\"Microsoft.Compute/disks/beginGetAccess/action\"},\"resourceId\":\"/x\"}")]
    public void Azure_values_that_cannot_be_read_cleanly_or_name_a_share_are_candidates(string json)
    {
        Assert.Equal(RecordClaim.Candidate, Azure.Claim(Encoding.UTF8.GetBytes(json)));
        Assert.NotEqual(OperationValues.NoShare, AzureActivityInterpreter.ReadOperationValues(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("{\"operationName\":5,\"resultType\":\"Start\"}")]
    [InlineData("{\"operationName\":null,\"OperationNameValue\":\"Microsoft.Web/sites/write\",\"resultType\":\"Start\"}")]
    [InlineData("{\"operationName\":{\"value\":\" \",\"localizedValue\":\"Microsoft.Web/sites/write\"},\"eventDataId\":\"x\"}")]
    [InlineData("{\"operationName\":{\"value\":[\"Microsoft.Web/sites/write\"]},\"eventDataId\":\"x\"}")]
    [InlineData("{\"operationName\":{\"localizedValue\":\"Microsoft.Web/sites/write\"},\"eventDataId\":\"x\"}")]
    [InlineData("{\"note\":\"operationName\",\"operationName\":\"Microsoft.Web/sites/write\",\"resultType\":\"Start\"}")]
    [InlineData("{\"operationName\":\"Microsoft.Web/sites/write\",\"Operation\":\"x\",\"resultType\":\"Start\"}")]
    public void Azure_values_of_an_unusual_shape_fall_back_to_the_whole_record(string json)
    {
        Assert.Equal(OperationValues.Unknown, AzureActivityInterpreter.ReadOperationValues(Encoding.UTF8.GetBytes(json)));
    }

    private static IEnumerable<(string Shape, byte[] Json)> M365Shapes(string op, string? column = null)
    {
        var r = M365Json.Record(op, objectId: M365Json.TeamFile, target: "bob@fabrikam.com", targetType: "Guest");
        foreach (var text in Encodings(r)) yield return ("api", Encoding.UTF8.GetBytes(text));
        // Search-UnifiedAuditLog: the columns and the record as a JSON string; the column may name another operation.
        var row = JsonNode.Parse(M365Json.SearchUnifiedAuditLog(r))!.AsArray()[0]!.AsObject();
        if (column != null) row["Operations"] = column;
        foreach (var text in Encodings(row)) yield return ("search-unifiedauditlog", Encoding.UTF8.GetBytes(text));
        // AuditData as an object (Sentinel-like rows).
        var nested = new JsonObject { ["CreationDate"] = "2024-08-01T12:00:00Z", ["Operations"] = column ?? op, ["AuditData"] = r.DeepClone() };
        foreach (var text in Encodings(nested)) yield return ("auditdata object", Encoding.UTF8.GetBytes(text));
        foreach (bool newer in new[] { false, true })
        {
            string csv = M365Json.PurviewCsv(newer, r);
            if (column != null) csv = csv.Replace($",{op},", $",{column},");
            foreach (var json in CsvRows(csv)) yield return (newer ? "purview csv (newer)" : "purview csv", json);
        }
    }

    [Fact]
    public void Every_m365_sharing_operation_in_every_shape_case_and_encoding_is_a_candidate()
    {
        int read = 0;
        foreach (var op in M365Operations.All)
        {
            foreach (var name in Cases(op.Name))
            {
                foreach (var column in new[] { null, "FileAccessed" })
                {
                    foreach (var (shape, json) in M365Shapes(name, column))
                    {
                        Assert.True(M365.Claim(json) == RecordClaim.Candidate, $"{name} ({shape}, column {column}): {Encoding.UTF8.GetString(json)}");
                        var values = M365AuditInterpreter.ReadOperationValues(json);
                        Assert.NotEqual(OperationValues.NoShare, values);
                        if (values == OperationValues.MaybeShare) read++;
                    }
                }
            }
        }
        Assert.True(read > M365Operations.All.Count * 3 * 2 * 3, $"{read}");
    }

    [Fact]
    public void M365_operations_outside_the_catalogue_are_skipped_from_their_values()
    {
        int read = 0;
        foreach (var name in Cases("FileAccessed"))
        {
            foreach (var (shape, json) in M365Shapes(name))
            {
                Assert.True(M365.Claim(json) == RecordClaim.Skip, $"{shape}: {Encoding.UTF8.GetString(json)}");
                if (M365AuditInterpreter.ReadOperationValues(json) == OperationValues.NoShare) read++;
            }
        }
        Assert.True(read >= 3 * 5, $"{read}");
    }

    [Theory]
    // AuditData's own Operation is read first: a column naming another operation does not hide it.
    [InlineData("{\"CreationDate\":\"x\",\"Operations\":\"FileAccessed\",\"AuditData\":\"{\\\"Operation\\\":\\\"SharingSet\\\",\\\"Workload\\\":\\\"OneDrive\\\"}\"}")]
    [InlineData("{\"CreationDate\":\"x\",\"Operations\":\"FileAccessed\",\"AuditData\":\"{\\\"Operation\\\" :\\n\\t\\\"SharingSet\\\"}\"}")]
    // Escapes: a quote or a letter written \u, or a value with an escape.
    [InlineData("{\"CreationDate\":\"x\",\"Operations\":\"FileAccessed\",\"AuditData\":\"{\\u0022Operation\\u0022:\\u0022SharingSet\\u0022}\"}")]
    [InlineData("{\"CreationTime\":\"x\",\"Operation\":\"\\u0053haringSet\",\"Workload\":\"OneDrive\"}")]
    [InlineData("{\"CreationTime\":\"x\",\"Operation\":\"Sharing\\/Set\",\"Workload\":\"OneDrive\"}")]
    [InlineData("{\"CreationDate\":\"x\",\"Operations\":\"FileAccessed\",\"AuditData\":\"{\\\"Operation\\\":\\\"Sharing\\\\u0053et\\\"}\"}")]
    // Duplicate keys: the last one is read.
    [InlineData("{\"CreationTime\":\"x\",\"Operation\":\"FileAccessed\",\"Workload\":\"OneDrive\",\"Operation\":\"AnonymousLinkCreated\"}")]
    // Non-ASCII text in the name (long s folds to S in an ordinal ignore-case comparison).
    [InlineData("{\"CreationTime\":\"x\",\"Operation\":\"\u017FharingSet\",\"Workload\":\"OneDrive\"}")]
    public void M365_values_that_cannot_be_read_cleanly_or_name_a_share_are_candidates(string json)
    {
        Assert.Equal(RecordClaim.Candidate, M365.Claim(Encoding.UTF8.GetBytes(json)));
        Assert.NotEqual(OperationValues.NoShare, M365AuditInterpreter.ReadOperationValues(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("{\"CreationTime\":\"x\",\"Operation\":null,\"Operations\":\"FileAccessed\",\"Workload\":\"OneDrive\"}")]
    [InlineData("{\"CreationTime\":\"x\",\"Operation\":7,\"Workload\":\"OneDrive\"}")]
    [InlineData("{\"CreationDate\":\"x\",\"Operations\":\"FileAccessed\",\"AuditData\":\"{\\\"Operation\\\":null}\"}")]
    [InlineData("{\"CreationTime\":\"x\",\"ItemType\":\"Operation\",\"Operation\":\"FileAccessed\",\"Workload\":\"OneDrive\"}")]
    public void M365_values_of_an_unusual_shape_fall_back_to_the_whole_record(string json)
    {
        Assert.Equal(OperationValues.Unknown, M365AuditInterpreter.ReadOperationValues(Encoding.UTF8.GetBytes(json)));
    }

    /// <summary>Pieces of records for the comparison below: every operation key in every form, near misses and escaped copies.</summary>
    private static readonly string[] OperationPieces =
    {
        "\"operationName\":\"Microsoft.Compute/disks/write\"",
        "\"operationName\":\"Microsoft.Compute/snapshots/beginGetAccess/action\"",
        "\"operationName\":\"GetBlob\"",
        "\"operationName\":{\"value\":\"Microsoft.Compute/virtualMachines/write\",\"localizedValue\":\"Create VM\"}",
        "\"operationName\":{\"value\":\"Microsoft.Storage/storageAccounts/listKeys/action\"}",
        "\"operationName\": \"Microsoft.Web/sites/write\"",
        "\"operationName\":17",
        "\"OperationNameValue\":\"MICROSOFT.STORAGE/STORAGEACCOUNTS/WRITE\"",
        "\"OperationNameValue\":\"MICROSOFT.COMPUTE/DISKS/BEGINGETACCESS/ACTION\"",
        "\"OperationNameValue\":\"Delete\"",
        "\"OperationName\":\"Create or Update Virtual Machine\"",
        "\"OperationName\":\"Microsoft.Network/networkSecurityGroups/write\"",
        "\"OperationName\":{\"Value\":\"Microsoft.Compute/galleries/share/action\"}",
        "\"Operation\":\"FileAccessed\"",
        "\"Operations\":\"SharingSet\"",
        "\"operationname\":\"Microsoft.Compute/disks/write\"",
        "\"xoperationName\":\"Microsoft.Compute/disks/beginGetAccess/action\"",
        "\"operationNames\":\"a/b\"",
        "\"message\":\"an operation \\\"operationName\\\" peration\"",
        "\"text\":\"x\\\"OperationName\":\"Microsoft.Compute/disks/write\"",
        "\"properties\":{\"operationName\":\"Microsoft.Compute/snapshots/write\"}",
        "\"resultType\":\"Success\"",
        "\"note\":\"peration\"",
        "\"evt\":{\"name\":\"x\"}",
        "\"escaped\":\"\\u0041\"",
    };

    [Fact]
    public void The_one_search_for_the_azure_operation_keys_answers_as_reading_each_key_in_turn()
    {
        var records = new List<byte[]>();
        foreach (var op in AzureOperations.All)
        {
            foreach (var name in Cases(op.Name)) records.AddRange(AzureShapes(name).Select(s => s.Json));
        }
        foreach (var op in new[] { "Microsoft.Compute/virtualMachines/write", "Microsoft.Resources/deployments/write" })
        {
            records.AddRange(AzureShapes(op).Select(s => s.Json));
        }
        OneSearchAnswersAsKeyByKey(OperationPieces, records, j => AzureActivityInterpreter.ReadOperationValuesKeyByKey(j), j => AzureActivityInterpreter.ReadOperationValues(j));
    }

    /// <summary>
    /// Compares a claim's one-search reading with its key-by-key reading on 20,000 records of 0 to 6 of
    /// <paramref name="pieces"/> in random order (seeded) and on <paramref name="more"/>; each of the three answers
    /// must be given over 100 times, so that each way through the reading is taken.
    /// </summary>
    private static void OneSearchAnswersAsKeyByKey(string[] pieces, IEnumerable<byte[]> more, Func<byte[], OperationValues> keyByKey, Func<byte[], OperationValues> oneSearch)
    {
        var random = new Random(1537);
        var answers = new Dictionary<OperationValues, int>();
        void Compare(byte[] json)
        {
            var expected = keyByKey(json);
            Assert.True(expected == oneSearch(json), Encoding.UTF8.GetString(json));
            answers[expected] = answers.TryGetValue(expected, out var n) ? n + 1 : 1;
        }
        for (int r = 0; r < 20_000; r++)
        {
            int count = random.Next(7);
            Compare(Encoding.UTF8.GetBytes("{" + string.Join(",", Enumerable.Range(0, count).Select(_ => pieces[random.Next(pieces.Length)])) + "}"));
        }
        foreach (var json in more) Compare(json);
        Assert.True(answers.Count == 3 && answers.Values.All(n => n > 100), string.Join(", ", answers));
    }

    /// <summary>Pieces of M365 records for the comparison below: each operation key plain and inside AuditData, odd values, near misses.</summary>
    private static readonly string[] M365Pieces =
    {
        "\"Operation\":\"FileAccessed\"",
        "\"Operation\":\"SharingSet\"",
        "\"Operations\":\"AnonymousLinkCreated\"",
        "\"Operations\":\"UserLoggedIn\"",
        "\"Operation\":17",
        "\"Operation\" : \"FileModified\"",
        "\"Operation\":\"Caf\u00e9\"",
        "\"AuditData\":\"{\\\"Operation\\\":\\\"FileAccessed\\\",\\\"Workload\\\":\\\"OneDrive\\\"}\"",
        "\"AuditData\":\"{\\\"Operation\\\":\\\"SecureLinkUsed\\\"}\"",
        "\"AuditData\":\"{\\\"Operations\\\":\\\"PageViewed\\\"}\"",
        "\"AuditData\":\"{\\\"Operation\\\":5}\"",
        "\"AuditData\":{\"Operation\":\"CompanyLinkCreated\"}",
        "\"note\":\"x\\\"Operation\":\"FileAccessed\"",
        "\"k\":\"Operation\\\":\\\"SharingSet\\\"\"",
        "\"operation\":\"SharingSet\"",
        "\"xOperation\":\"SharingSet\"",
        "\"OperationName\":\"SharingSet\"",
        "\"Operationss\":\"SharingSet\"",
        "\"text\":\"peration\"",
        "\"CreationDate\":\"2024-08-01T12:00:00Z\"",
        "\"escaped\":\"\\u0041\"",
    };

    [Fact]
    public void The_one_search_for_the_m365_operation_keys_answers_as_reading_each_key_in_turn()
    {
        var records = new List<byte[]>();
        foreach (var op in M365Operations.All.Select(o => o.Name).Append("FileAccessed"))
        {
            foreach (var name in Cases(op))
            {
                foreach (var column in new[] { null, "FileAccessed" }) records.AddRange(M365Shapes(name, column).Select(s => s.Json));
            }
        }
        OneSearchAnswersAsKeyByKey(M365Pieces, records, j => M365AuditInterpreter.ReadOperationValuesKeyByKey(j), j => M365AuditInterpreter.ReadOperationValues(j));
    }

    [Fact]
    public void The_azure_mark_found_by_one_search_is_the_mark_found_key_by_key()
    {
        // Records of Azure and M365 pieces, and of the lower-case operationname and a Datadog evt with and without resourceId.
        var pieces = OperationPieces.Concat(M365Pieces).Concat(new[] { "\"resourceId\":\"/subscriptions/x\"", "\"operationname \":\"a/b\"" }).ToArray();
        var random = new Random(1537);
        int marked = 0;
        for (int r = 0; r < 20_000; r++)
        {
            var json = Encoding.UTF8.GetBytes("{" + string.Join(",", Enumerable.Range(0, random.Next(5)).Select(_ => pieces[random.Next(pieces.Length)])) + "}");
            bool expected = AzureActivityInterpreter.MarkedKeyByKey(json);
            Assert.True(expected == AzureActivityInterpreter.Marked(json), Encoding.UTF8.GetString(json));
            if (expected) marked++;
        }
        Assert.True(marked > 2000 && marked < 18_000, $"{marked}");
    }
}
