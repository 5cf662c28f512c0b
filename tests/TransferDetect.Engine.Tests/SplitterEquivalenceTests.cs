using System.Text;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.IO;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>
/// The vectorized splitter (64 bytes at a time) must cut exactly what the byte-by-byte reference cuts,
/// with the same lines, offsets and problems, on any input: escapes, backslash runs and quotes that
/// straddle block edges, brackets inside strings, every layout, and broken input.
/// </summary>
public class SplitterEquivalenceTests
{
    private static (List<string> Records, List<string> Issues) Split(byte[] data, bool vectorized, int chunk)
    {
        var issues = new List<ReadIssue>();
        var splitter = new JsonRecordSplitter(new ChunkedStream(data, chunk), "f", new[] { "Records", "Events" }, 1 << 20, issues.Add, vectorized);
        var records = splitter.Records(CancellationToken.None)
            .Select(r => $"{r.Number}@{r.Line}:{r.Offset}:{Encoding.UTF8.GetString(r.Json.Span)}").ToList();
        return (records, issues.Select(i => i.Message).ToList());
    }

    /// <summary>Splits both ways, asserts they agree, and returns the result.</summary>
    private static (List<string> Records, List<string> Issues) SplitBothWays(byte[] data)
    {
        var fast = Split(data, vectorized: true, 1 << 20);
        var reference = Split(data, vectorized: false, 1 << 20);
        Assert.Equal(reference.Records, fast.Records);
        Assert.Equal(reference.Issues, fast.Issues);
        return fast;
    }

    private static string RandomString(Random r)
    {
        var sb = new StringBuilder();
        int n = r.Next(0, 90);
        for (int i = 0; i < n; i++)
        {
            switch (r.Next(14))
            {
                case 0: sb.Append(new string('\\', 2 * r.Next(1, 4))); break; // even run: literal backslashes
                case 1: sb.Append("\\\""); break;                             // escaped quote
                case 2: sb.Append('{'); break;
                case 3: sb.Append(']'); break;
                case 4: sb.Append("\\\\\\\""); break;                         // \\ then \"
                case 5: sb.Append("\\u00e9"); break;
                case 6: sb.Append('é'); break;
                case 7: sb.Append("\\n"); break;
                default: sb.Append((char)r.Next('a', 'z' + 1)); break;
            }
        }
        return sb.ToString();
    }

    private static string RandomValue(Random r, int depth)
    {
        switch (depth > 3 ? r.Next(3) : r.Next(6))
        {
            case 0: return "\"" + RandomString(r) + "\"";
            case 1: return r.Next(1000).ToString();
            case 2: return r.Next(2) == 0 ? "true" : "null";
            case 3: return RandomObject(r, depth + 1);
            default:
                int n = r.Next(0, 4);
                return "[" + string.Join(",", Enumerable.Range(0, n).Select(_ => RandomValue(r, depth + 1))) + "]";
        }
    }

    private static string RandomObject(Random r, int depth)
    {
        int n = r.Next(0, 6);
        return "{" + string.Join(",", Enumerable.Range(0, n).Select(i => $"\"{(i == 0 && r.Next(4) == 0 ? "Records" : "k" + RandomString(r))}\":{RandomValue(r, depth)}")) + "}";
    }

    private static (string Doc, bool Damaged) RandomDocument(Random r)
    {
        var records = Enumerable.Range(0, r.Next(0, 40)).Select(_ => RandomObject(r, 1)).ToList();
        string doc = r.Next(5) switch
        {
            0 => "{\"Records\":[" + string.Join(",", records) + "]}",
            1 => "[\n" + string.Join(",\n", records) + "\n]",
            2 => string.Join("\n", records) + "\n",
            3 => "{\"NextToken\":\"a]b\",\"Events\":[" + string.Join(", ", records) + "]}",
            _ => "{\n  \"Records\": [\n    " + string.Join(",\n    ", records) + "\n  ]\n}\n",
        };
        // Sometimes damage it: cut it short, or break a line.
        switch (r.Next(6))
        {
            case 0 when doc.Length > 10: return (doc.Substring(0, r.Next(doc.Length)), true);
            case 1 when doc.Length > 10: return (doc.Insert(r.Next(doc.Length), r.Next(2) == 0 ? "\n" : "\""), true);
            default: return (doc, false);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Vectorized_and_byte_by_byte_splitting_agree_on_random_documents(int seed)
    {
        var r = new Random(seed);
        for (int i = 0; i < 150; i++)
        {
            var (doc, damaged) = RandomDocument(r);
            byte[] data = Encoding.UTF8.GetBytes(doc);
            int chunk = r.Next(3) == 0 ? r.Next(1, 200) : 1 << 20;
            var reference = Split(data, vectorized: false, chunk);
            var fast = Split(data, vectorized: true, chunk);
            // Damaged input must not hang or throw on either path (both ran above); where a backslash stands
            // outside any string, which valid JSON never has, the two may cut it differently.
            if (damaged) continue;
            Assert.True(reference.Records.SequenceEqual(fast.Records), $"records differ for seed {seed} document {i}: {doc}");
            Assert.True(reference.Issues.SequenceEqual(fast.Issues), $"problems differ for seed {seed} document {i}: {doc}");
        }
    }

    [Theory]
    [InlineData(60)]
    [InlineData(61)]
    [InlineData(62)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(127)]
    [InlineData(128)]
    public void Backslash_runs_and_quotes_on_a_block_edge_are_read_right(int pad)
    {
        foreach (int run in new[] { 1, 2, 3, 4, 5 })
        {
            // A string whose backslash run ends right around byte `pad`, followed by a quote and a brace.
            string value = new string('x', pad) + new string('\\', run) + (run % 2 == 1 ? "\"}{" : "") + "]";
            string record = "{\"v\":\"" + value + "\",\"n\":{\"a\":[1]}}";
            string doc = "{\"Records\":[" + record + "," + record + "]}";
            var fast = SplitBothWays(Encoding.UTF8.GetBytes(doc));
            Assert.Equal(2, fast.Records.Count);
            Assert.Empty(fast.Issues);
            Assert.EndsWith(record, fast.Records[0]);
        }
    }

    [Fact]
    public void Line_numbers_and_offsets_survive_long_pretty_printed_records()
    {
        string pretty = "{\n  \"a\": \"" + new string('y', 300) + "\",\n  \"b\": [\n    {\"c\": 1}\n  ]\n}";
        string doc = "[\n" + string.Join(",\n", Enumerable.Repeat(pretty, 20)) + "\n]\n";
        var fast = SplitBothWays(Encoding.UTF8.GetBytes(doc));
        Assert.Equal(20, fast.Records.Count);
        Assert.StartsWith("2@8:", fast.Records[1]);
    }

    [Fact]
    public void Many_records_of_varied_size_keep_their_order_numbers_lines_offsets_and_issues()
    {
        // 500 records of varied size through the fast path's in-record branch (brackets counted or walked,
        // records ending in the block where the next begins), with one closed by ']' and one too large,
        // across every buffer boundary: the same records, numbers, lines, offsets and issues as the reference.
        var r = new Random(1537);
        var parts = new List<string>();
        for (int i = 0; i < 500; i++)
        {
            string body = i == 250 ? "{\"big\":\"" + new string('z', 1_100_000) + "\"}"
                : i == 300 ? "{\"bad\":[1,2]]"
                : "{\"eventName\":\"E" + i + "\",\"n\":{\"m\":[" + r.Next(1000) + "]},\"s\":\"" + new string('x', r.Next(0, 200)) + "\"}";
            parts.Add(body);
        }
        var sb = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < parts.Count; i++) sb.Append(i == 0 ? "" : r.Next(2) == 0 ? "," : ",\n  ").Append(parts[i]);
        string doc = sb.Append("]}").ToString();
        foreach (int chunk in new[] { 1 << 20, 4096, 61 })
        {
            var fast = Split(Encoding.UTF8.GetBytes(doc), vectorized: true, chunk);
            var reference = Split(Encoding.UTF8.GetBytes(doc), vectorized: false, chunk);
            Assert.Equal(reference.Records, fast.Records);
            Assert.Equal(reference.Issues, fast.Issues);
            Assert.Equal(498, fast.Records.Count);
            Assert.Equal(2, fast.Issues.Count);
            Assert.StartsWith("500@", fast.Records[^1]);
        }
    }

    /// <summary>Hands out the data in chunks of a given size, to move every buffer boundary.</summary>
    [Fact]
    public void A_line_break_anywhere_in_a_long_json_line_is_read_as_the_byte_by_byte_code_reads_it()
    {
        // Three JSON lines of a few hundred bytes (nested objects, arrays, strings with brackets); a line break put at
        // each place of the middle one in turn (inside a string it is a broken string, elsewhere it ends or cuts the line).
        string Line(int n) => "{\"time\":\"2026-11-01T00:00:0" + n + "Z\",\"resourceId\":\"/SUBSCRIPTIONS/D5B7/RESOURCEGROUPS/RG-" + n +
            "\",\"operationName\":\"MICROSOFT.COMPUTE/DISKS/WRITE\",\"identity\":{\"claims\":{\"name\":\"u{" + n + "}[\",\"ids\":[1,2,{\"x\":null}]}}," +
            "\"properties\":{\"message\":\"a \\\"quoted\\\" } word\",\"entity\":\"" + new string('e', 90) + "\"}}";
        string middle = Line(2);
        int cut = 0, same = 0;
        for (int at = 1; at < middle.Length; at++)
        {
            string doc = Line(1) + "\n" + middle.Insert(at, "\n") + "\n" + Line(3) + "\n";
            var data = Encoding.UTF8.GetBytes(doc);
            var fastOnes = Split(data, vectorized: true, 1 << 20);
            var referenceOnes = Split(data, vectorized: false, 1 << 20);
            Assert.True(referenceOnes.Records.SequenceEqual(fastOnes.Records) && referenceOnes.Issues.SequenceEqual(fastOnes.Issues),
                $"break at {at}: reference [{string.Join(" | ", referenceOnes.Issues)}] [{string.Join(" | ", referenceOnes.Records.Select(r => r.Substring(0, Math.Min(20, r.Length))))}], " +
                $"fast [{string.Join(" | ", fastOnes.Issues)}] [{string.Join(" | ", fastOnes.Records.Select(r => r.Substring(0, Math.Min(20, r.Length))))}]");
            var (records, issues) = fastOnes;
            Assert.Contains(records, r => r.EndsWith(Line(1), StringComparison.Ordinal));
            Assert.Contains(records, r => r.EndsWith(Line(3), StringComparison.Ordinal));
            if (issues.Count > 0) cut++;
            else same++;
        }
        Assert.True(cut > 100, $"{cut} cut, {same} read whole");
    }

    [Fact]
    public void An_escaped_line_break_in_broken_json_is_counted_as_a_line_by_both_paths()
    {
        // A backslash before a raw line break (not valid JSON, but such files reach responders): the line after it is
        // still a line, so the records after it keep their line numbers whichever path read the text.
        string pad = new string('p', 120);
        string doc = "[\n  {\"a\":\"" + pad + "\\\n" + pad + "\"},\n  {\"b\":\"" + pad + "\"}\n]\n";
        var (records, _) = SplitBothWays(Encoding.UTF8.GetBytes(doc));
        Assert.Equal(2, records.Count);
        Assert.StartsWith("2@4:", records[1]);
    }

    internal sealed class ChunkedStream : MemoryStream
    {
        private readonly int _chunk;
        public ChunkedStream(byte[] data, int chunk) : base(data) => _chunk = chunk;
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(_chunk, count));
    }
}
