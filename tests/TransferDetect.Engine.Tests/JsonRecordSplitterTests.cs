using System.Text;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.IO;
using Xunit;

namespace TransferDetect.Engine.Tests;

public class JsonRecordSplitterTests
{
    private static (List<string> Records, List<ReadIssue> Issues, List<RawRecord> Raw) Split(string text, int maxRecordBytes = 1 << 20)
    {
        var issues = new List<ReadIssue>();
        var splitter = new JsonRecordSplitter(new MemoryStream(Encoding.UTF8.GetBytes(text)), "f.json", new[] { "Records", "Events" }, maxRecordBytes, issues.Add);
        var raw = new List<RawRecord>();
        var records = new List<string>();
        foreach (var r in splitter.Records(CancellationToken.None))
        {
            records.Add(Encoding.UTF8.GetString(r.Json.Span));
            raw.Add(new RawRecord(r.Json.ToArray(), r.Number, r.Line, r.Offset));
        }
        return (records, issues, raw);
    }

    [Fact]
    public void Delivery_wrapper_yields_each_record_not_the_wrapper()
    {
        var (records, issues, _) = Split("""{"Records":[{"a":1},{"b":{"c":[1,2]}}]}""");
        Assert.Equal(new[] { """{"a":1}""", """{"b":{"c":[1,2]}}""" }, records);
        Assert.Empty(issues);
    }

    [Fact]
    public void Wrapper_key_after_other_properties_is_found()
    {
        var (records, issues, _) = Split("""{"NextToken":"x{y","Events":[{"EventName":"A"}],"More":{"Records":[{"no":1}]}}""");
        Assert.Equal(new[] { """{"EventName":"A"}""" }, records);
        Assert.Empty(issues);
    }

    [Fact]
    public void Bare_array_yields_its_objects()
    {
        var (records, _, raw) = Split("[\n  {\"a\": 1},\n  {\"b\": 2}\n]\n");
        Assert.Equal(2, records.Count);
        Assert.Equal(2, raw[0].Line);
        Assert.Equal(3, raw[1].Line);
    }

    [Fact]
    public void Json_lines_yield_one_record_per_line_with_line_numbers()
    {
        var (records, issues, raw) = Split("{\"a\":1}\n\n{\"b\":2}\r\n{\"c\":3}");
        Assert.Equal(3, records.Count);
        Assert.Equal(new long[] { 1, 3, 4 }, raw.Select(r => r.Line));
        Assert.Equal(new long[] { 1, 2, 3 }, raw.Select(r => r.Number));
        Assert.Empty(issues);
    }

    [Fact]
    public void A_record_holding_a_Records_property_deeper_down_is_still_one_record()
    {
        var (records, _, _) = Split("""{"x":{"Records":[{"a":1}]}}""");
        Assert.Single(records);
    }

    [Fact]
    public void Braces_and_quotes_inside_strings_do_not_split_records()
    {
        string tricky = """{"userAgent":"evil\"}]{[\\","n":"}"}""";
        var (records, issues, _) = Split("[" + tricky + ",{\"z\":1}]");
        Assert.Equal(new[] { tricky, "{\"z\":1}" }, records);
        Assert.Empty(issues);
    }

    [Fact]
    public void Byte_order_mark_is_skipped()
    {
        var (records, issues, _) = Split("\uFEFF{\"Records\":[{\"a\":1}]}");
        Assert.Single(records);
        Assert.Empty(issues);
    }

    [Fact]
    public void Records_larger_than_the_read_buffer_are_reassembled_whole()
    {
        string big = new string('x', 700_000);
        var (records, issues, _) = Split("{\"Records\":[{\"a\":\"" + big + "\"},{\"b\":1}]}", maxRecordBytes: 4 << 20);
        Assert.Equal(2, records.Count);
        Assert.Equal(700_008, records[0].Length);
        Assert.Empty(issues);
    }

    [Fact]
    public void Oversized_record_is_reported_and_the_next_one_still_read()
    {
        string big = new string('x', 3 << 20);
        var (records, issues, _) = Split("{\"Records\":[{\"a\":\"" + big + "\"},{\"b\":1}]}", maxRecordBytes: 1 << 20);
        Assert.Equal(new[] { "{\"b\":1}" }, records);
        var issue = Assert.Single(issues);
        Assert.Equal(ReadIssueKind.OversizedRecord, issue.Kind);
        Assert.Equal(1, issue.Record);
    }

    [Fact]
    public void Cut_json_line_is_reported_and_reading_resumes_on_the_next_line()
    {
        var (records, issues, _) = Split("{\"a\":1}\n{\"b\":\"cut here\n{\"c\":3}\n");
        Assert.Equal(new[] { "{\"a\":1}", "{\"c\":3}" }, records);
        var issue = Assert.Single(issues);
        Assert.Equal(ReadIssueKind.InvalidRecord, issue.Kind);
        Assert.Equal(2, issue.Line);
    }

    [Fact]
    public void Garbage_between_json_lines_is_reported_with_its_line()
    {
        var (records, issues, _) = Split("{\"a\":1}\nnot json at all\n{\"c\":3}\n");
        Assert.Equal(2, records.Count);
        var issue = Assert.Single(issues);
        Assert.Equal(ReadIssueKind.UnexpectedContent, issue.Kind);
        Assert.Equal(2, issue.Line);
    }

    [Fact]
    public void File_ending_inside_a_record_reports_truncation_and_keeps_earlier_records()
    {
        var (records, issues, _) = Split("{\"Records\":[{\"a\":1},{\"b\":2},{\"c\":");
        Assert.Equal(2, records.Count);
        var issue = Assert.Single(issues);
        Assert.Equal(ReadIssueKind.Truncated, issue.Kind);
        Assert.Equal(3, issue.Record);
    }

    [Fact]
    public void File_ending_between_records_inside_the_array_reports_truncation()
    {
        var (records, issues, _) = Split("{\"Records\":[{\"a\":1},");
        Assert.Single(records);
        Assert.Equal(ReadIssueKind.Truncated, Assert.Single(issues).Kind);
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("  \n\t ", "only white space")]
    public void Empty_input_is_reported(string text, string expected)
    {
        var (records, issues, _) = Split(text);
        Assert.Empty(records);
        var issue = Assert.Single(issues);
        Assert.Equal(ReadIssueKind.EmptyFile, issue.Kind);
        Assert.Contains(expected, issue.Message);
    }

    [Fact]
    public void Text_that_is_not_json_is_reported_once_per_line()
    {
        var (records, issues, _) = Split("<html><body>Access Denied</body></html>");
        Assert.Empty(records);
        var issue = Assert.Single(issues);
        Assert.Equal(ReadIssueKind.NotJson, issue.Kind);
        Assert.Contains("'<'", issue.Message);
    }

    [Fact]
    public void Offsets_point_at_the_opening_brace_of_each_record()
    {
        string text = "{\"Records\":[{\"a\":1}, {\"b\":2}]}";
        var (_, _, raw) = Split(text);
        Assert.Equal(text.IndexOf("{\"a\"", StringComparison.Ordinal), raw[0].Offset);
        Assert.Equal(text.IndexOf("{\"b\"", StringComparison.Ordinal), raw[1].Offset);
    }

    [Fact]
    public void Input_arriving_one_byte_at_a_time_splits_the_same()
    {
        string text = """{"Events":[{"a":"x\"y"},{"b":[{"c":1}]}]}""";
        var issues = new List<ReadIssue>();
        var splitter = new JsonRecordSplitter(new TrickleStream(Encoding.UTF8.GetBytes(text)), "f", new[] { "Records", "Events" }, 1 << 20, issues.Add);
        var records = splitter.Records(CancellationToken.None).Select(r => Encoding.UTF8.GetString(r.Json.Span)).ToList();
        Assert.Equal(new[] { """{"a":"x\"y"}""", """{"b":[{"c":1}]}""" }, records);
        Assert.Empty(issues);
    }

    /// <summary>A stream that returns one byte per read, to put every boundary mid-token.</summary>
    private sealed class TrickleStream : MemoryStream
    {
        public TrickleStream(byte[] data) : base(data) { }
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(1, count));
    }
}
