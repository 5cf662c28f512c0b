using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using TransferDetect.Engine.Sources;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>The hashed field lookup of the Azure reader against TryGetProperty, the answer it must give.</summary>
public class JsonFieldIndexTests
{
    // Names that differ only where the hash does not look (same length, first, middle and last bytes) share a slot.
    private static readonly string[] Names =
    {
        "", "a", "b", "ab", "ba", "abxba", "acxca", "adxda", "operationName", "OperationName", "operationname", "OperationNameValue",
        "time", "TimeGenerated", "TimeGenerated [UTC]", "é", "日本", "resourceId", "_ResourceId", "ResourceId",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    };

    private static readonly string[] Absent = { "c", "abyba", "operationNam", "OperationNameValu", "Time", "timegenerated", "日", "x y" };

    /// <summary>The answer as TryGetProperty gives it, as text: the kind and the raw value (each value is unique, so it names the field).</summary>
    private static string Answer(JsonElement e) => e.ValueKind == JsonValueKind.Undefined ? "(absent)" : e.ValueKind + " " + e.GetRawText();

    // One index reset for every object of a test, as the Azure reader reuses its tables from record to record.
    private readonly JsonFieldIndex _reused = new();

    private void AssertSameAnswers(JsonElement obj, IEnumerable<string> queries, bool indexed)
    {
        _reused.Reset(obj);
        foreach (var index in new[] { new JsonFieldIndex(obj), _reused })
        {
            Assert.Equal(indexed, index.Indexed);
            foreach (var q in queries)
            {
                var name = Encoding.UTF8.GetBytes(q);
                Assert.Equal(Answer(obj.Prop(name)), Answer(index.Prop(name)));
                Assert.Equal(obj.Str(name), index.Str(name));
            }
        }
    }

    [Fact]
    public void Every_name_present_or_absent_gets_the_field_TryGetProperty_gives_and_of_duplicates_the_last()
    {
        var random = new Random(1537);
        int duplicates = 0, hits = 0;
        for (int r = 0; r < 3000; r++)
        {
            int count = random.Next(0, 60);
            var names = Enumerable.Range(0, count).Select(_ => Names[random.Next(Names.Length)]).ToList();
            var text = new StringBuilder("{");
            for (int i = 0; i < count; i++)
            {
                if (i > 0) text.Append(',');
                // Values of every kind, each naming its field: "v3", 3, {"n":3}, [3], and true/false/null now and then.
                string value = (i % 6) switch
                {
                    0 => $"\"v{i}\"",
                    1 => $"{i}",
                    2 => $"{{\"n\":{i}}}",
                    3 => $"[{i}]",
                    4 => i % 4 == 0 ? "true" : "false",
                    _ => "null",
                };
                text.Append('"').Append(names[i]).Append("\":").Append(value);
            }
            text.Append('}');
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetBytes(text.ToString()));
            duplicates += names.Count - names.Distinct().Count();
            hits += Names.Count(n => names.Contains(n));
            AssertSameAnswers(doc.RootElement, Names.Concat(Absent), indexed: true);
        }
        Assert.True(duplicates > 10_000, $"{duplicates} duplicate names");
        Assert.True(hits > 20_000, $"{hits} names present");
    }

    [Fact]
    public void Objects_with_an_escaped_name_too_many_fields_or_no_fields_to_hash_answer_as_TryGetProperty()
    {
        // "\u0061" is "a" to TryGetProperty; the table compares raw bytes, so such an object is not hashed.
        using (var doc = JsonDocument.Parse("{\"b\":1,\"\\u0061\":2,\"ab\":3}"))
        {
            AssertSameAnswers(doc.RootElement, new[] { "a", "b", "ab", "\\u0061" }, indexed: false);
            Assert.Equal("2", new JsonFieldIndex(doc.RootElement).Prop("a"u8).GetRawText());
        }
        var many = "{" + string.Join(",", Enumerable.Range(0, JsonFieldIndex.MaxFields + 1).Select(i => $"\"f{i}\":{i}")) + "}";
        using (var doc = JsonDocument.Parse(many))
        {
            AssertSameAnswers(doc.RootElement, new[] { "f0", "f128", "f129", "g" }, indexed: false);
        }
        var most = "{" + string.Join(",", Enumerable.Range(0, JsonFieldIndex.MaxFields).Select(i => $"\"f{i}\":{i}")) + "}";
        using (var doc = JsonDocument.Parse(most))
        {
            AssertSameAnswers(doc.RootElement, Enumerable.Range(0, JsonFieldIndex.MaxFields + 5).Select(i => "f" + i), indexed: true);
        }
        foreach (var notObject in new[] { "[1,2]", "\"a\"", "3", "null" })
        {
            using var doc = JsonDocument.Parse(notObject);
            AssertSameAnswers(doc.RootElement, new[] { "a", "" }, indexed: false);
        }
        AssertSameAnswers(default, new[] { "a" }, indexed: false);
    }

    [Fact]
    public void Every_field_of_every_object_in_the_shared_real_records_is_found_by_its_own_name()
    {
        RepoPaths.RequireSharedData();
        var files = Directory.EnumerateFiles(RepoPaths.SharedData, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".json") || f.EndsWith(".jsonl") || f.EndsWith(".log"))
            .ToList();
        int objects = 0, fields = 0;
        foreach (var file in files)
        {
            foreach (var text in JsonTexts(file))
            {
                using var doc = JsonDocument.Parse(text);
                foreach (var obj in ObjectsIn(doc.RootElement))
                {
                    var names = obj.EnumerateObject().Select(p => p.Name).ToList();
                    AssertSameAnswers(obj, names.Concat(names.Select(n => n.ToUpperInvariant())).Concat(Absent), indexed: !HasEscapedName(obj) && names.Count <= JsonFieldIndex.MaxFields);
                    objects++;
                    fields += names.Count;
                }
            }
        }
        Assert.True(objects > 2000, $"{objects} objects in {files.Count} files");
        Assert.True(fields > 10_000, $"{fields} fields");
    }

    private static bool HasEscapedName(JsonElement obj) =>
        obj.EnumerateObject().Any(p => System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(p).IndexOf((byte)'\\') >= 0);

    /// <summary>The file whole when it parses as one document, else each line that does.</summary>
    private static IEnumerable<string> JsonTexts(string file)
    {
        var all = File.ReadAllText(file);
        if (AthenaTable.IsSingleDocument(all)) return new[] { all };
        return File.ReadLines(file).Where(AthenaTable.IsSingleDocument);
    }

    private static IEnumerable<JsonElement> ObjectsIn(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            yield return e;
            foreach (var p in e.EnumerateObject())
            {
                foreach (var o in ObjectsIn(p.Value)) yield return o;
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
            {
                foreach (var o in ObjectsIn(item)) yield return o;
            }
        }
    }
}
