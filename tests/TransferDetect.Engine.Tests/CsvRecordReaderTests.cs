using System.Text;
using System.Text.Json;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.IO;
using Xunit;

namespace TransferDetect.Engine.Tests;

public class CsvRecordReaderTests
{
    private static (List<Dictionary<string, string>> Rows, List<RawRecord> Raw, List<ReadIssue> Issues, CsvRecordReader Reader) Read(string text, int maxRecordBytes = 1 << 20) =>
        Read(Encoding.UTF8.GetBytes(text), maxRecordBytes);

    private static (List<Dictionary<string, string>> Rows, List<RawRecord> Raw, List<ReadIssue> Issues, CsvRecordReader Reader) Read(byte[] bytes, int maxRecordBytes = 1 << 20)
    {
        var issues = new List<ReadIssue>();
        var reader = new CsvRecordReader(new MemoryStream(bytes), "export.csv", maxRecordBytes, issues.Add);
        var rows = new List<Dictionary<string, string>>();
        var raw = new List<RawRecord>();
        foreach (var r in reader.Records(TestContext.Current.CancellationToken))
        {
            raw.Add(new RawRecord(r.Json.ToArray(), r.Number, r.Line, r.Offset));
            using var doc = JsonDocument.Parse(r.Json);
            rows.Add(doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!));
        }
        return (rows, raw, issues, reader);
    }

    [Fact]
    public void Each_row_becomes_an_object_keyed_by_the_header()
    {
        var (rows, raw, issues, _) = Read("CreationDate,UserIds,Operations\r\n2026-11-03T09:14:02Z,mallory@contoso.com,AnonymousLinkCreated\r\n");
        Assert.Empty(issues);
        var row = Assert.Single(rows);
        Assert.Equal("2026-11-03T09:14:02Z", row["CreationDate"]);
        Assert.Equal("mallory@contoso.com", row["UserIds"]);
        Assert.Equal("AnonymousLinkCreated", row["Operations"]);
        Assert.Equal(2, raw[0].Line);
        Assert.Equal(1, raw[0].Number);
        Assert.Equal("CreationDate,UserIds,Operations\r\n".Length, raw[0].Offset);
    }

    [Fact]
    public void Quoted_fields_keep_commas_doubled_quotes_and_line_breaks()
    {
        string audit = "{\"Operation\":\"SharingSet\",\"EventData\":\"<Permissions granted>Contribute</Permissions granted>\"}";
        string quoted = "\"" + audit.Replace("\"", "\"\"") + "\"";
        var (rows, raw, issues, _) = Read($"A,AuditData,C\n\"x, y\",{quoted},\"two\nlines\"\nnext,{{}},row\n");
        Assert.Empty(issues);
        Assert.Equal(2, rows.Count);
        Assert.Equal("x, y", rows[0]["A"]);
        Assert.Equal(audit, rows[0]["AuditData"]);
        Assert.Equal("two\nlines", rows[0]["C"]);
        Assert.Equal(4, raw[1].Line);
    }

    [Fact]
    public void A_utf8_bom_and_a_tab_delimiter_are_recognised()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("TimeGenerated\tOperationNameValue\n2026-11-02T14:05:10Z\tMICROSOFT.COMPUTE/SNAPSHOTS/BEGINGETACCESS/ACTION\n")).ToArray();
        var (rows, _, issues, reader) = Read(bytes);
        Assert.Empty(issues);
        Assert.Equal(new[] { "TimeGenerated", "OperationNameValue" }, reader.Columns);
        Assert.Equal("MICROSOFT.COMPUTE/SNAPSHOTS/BEGINGETACCESS/ACTION", Assert.Single(rows)["OperationNameValue"]);
    }

    [Fact]
    public void Duplicate_and_empty_column_names_are_made_unique()
    {
        var (rows, _, _, reader) = Read("Id,Id,\n1,2,3\n");
        Assert.Equal(new[] { "Id", "Id_2", "Column3" }, reader.Columns);
        Assert.Equal("3", Assert.Single(rows)["Column3"]);
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_fields_is_reported_by_line_and_the_rest_is_read()
    {
        var (rows, _, issues, reader) = Read("A,B\n1,2\n3\n4,5\n");
        Assert.Equal(new[] { "1", "4" }, rows.Select(r => r["A"]));
        var issue = Assert.Single(issues);
        Assert.Equal(ReadIssueKind.InvalidRecord, issue.Kind);
        Assert.Equal(3, issue.Line);
        Assert.Contains("1 field(s) where the header has 2", issue.Message);
        Assert.Equal(1, reader.BrokenRecords);
    }

    [Fact]
    public void A_file_cut_inside_a_quoted_field_reports_the_cut_row_and_keeps_the_rows_before()
    {
        var (rows, _, issues, _) = Read("A,B\n1,2\n3,\"never closed\n");
        Assert.Equal("1", Assert.Single(rows)["A"]);
        var issue = Assert.Single(issues);
        Assert.Equal(ReadIssueKind.Truncated, issue.Kind);
        Assert.Equal(3, issue.Line);
    }

    [Fact]
    public void An_oversized_row_is_skipped_and_reported_and_the_next_row_is_read()
    {
        string big = new string('x', 5000);
        var (rows, _, issues, _) = Read($"A,B\n{big},1\nsmall,2\n", maxRecordBytes: 1024);
        Assert.Equal("small", Assert.Single(rows)["A"]);
        Assert.Equal(ReadIssueKind.OversizedRecord, Assert.Single(issues).Kind);
    }

    [Fact]
    public void Text_that_is_not_utf8_is_reported_and_the_row_skipped()
    {
        var bytes = Encoding.UTF8.GetBytes("A,B\n").Concat(new byte[] { (byte)'o', 0xC3, 0x28, (byte)',', (byte)'1', (byte)'\n' }).Concat(Encoding.UTF8.GetBytes("ok,2\n")).ToArray();
        var (rows, _, issues, _) = Read(bytes);
        Assert.Equal("ok", Assert.Single(rows)["A"]);
        Assert.Contains("not valid UTF-8", Assert.Single(issues).Message);
    }

    [Fact]
    public void The_type_line_of_windows_powershell_export_csv_is_skipped()
    {
        const string text = "#TYPE Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks.AuditRecord\r\n\"CreationDate\",\"UserIds\",\"Operations\"\r\n\"2026-11-03\",\"a@contoso.com\",\"SharingSet\"\r\n";
        Stream s = new MemoryStream(Encoding.UTF8.GetBytes(text));
        Assert.Equal(LogTextKind.Csv, LogTextSniffer.Sniff(ref s));
        var (rows, raw, issues, reader) = Read(text);
        Assert.Empty(issues);
        Assert.Equal(new[] { "CreationDate", "UserIds", "Operations" }, reader.Columns);
        Assert.Equal("SharingSet", Assert.Single(rows)["Operations"]);
        Assert.Equal(3, raw[0].Line);
    }

    [Fact]
    public void Fields_longer_than_a_read_buffer_keep_every_quote_line_break_and_line_number()
    {
        var random = new Random(1537);
        const string alphabet = "ab,\"\n\r x;\t";
        string Field(int length) => new string(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
        var values = Enumerable.Range(0, 6).Select(i => Field(i % 2 == 0 ? 70_000 : 300)).ToArray();
        string Quote(string v) => "\"" + v.Replace("\"", "\"\"") + "\"";
        var text = new StringBuilder("A,B\r\n");
        for (int i = 0; i < values.Length; i += 2) text.Append(Quote(values[i])).Append(',').Append(Quote(values[i + 1])).Append("\r\n");
        var (rows, raw, issues, _) = Read(text.ToString());
        Assert.Empty(issues);
        Assert.Equal(values.Where((_, i) => i % 2 == 0), rows.Select(r => r["A"]));
        Assert.Equal(values.Where((_, i) => i % 2 == 1), rows.Select(r => r["B"]));
        long expectedLine = 2;
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(expectedLine, raw[i].Line);
            expectedLine += values[2 * i].Count(c => c == '\n') + values[2 * i + 1].Count(c => c == '\n') + 1;
        }
    }

    [Fact]
    public void Blank_lines_are_not_rows()
    {
        var (rows, _, issues, _) = Read("A,B\n1,2\n\n3,4\n");
        Assert.Empty(issues);
        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public void The_sniffer_tells_json_from_csv_and_replays_the_bytes_it_read()
    {
        foreach (var (text, kind) in new[]
        {
            ("\uFEFF  [{\"a\":1}]", LogTextKind.Json),
            ("{\"Records\":[]}", LogTextKind.Json),
            ("CreationDate,UserIds,Operations,AuditData\n", LogTextKind.Csv),
            ("not a log at all\n", LogTextKind.Json),
            ("", LogTextKind.Json),
        })
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            Stream s = new MemoryStream(bytes);
            Assert.Equal(kind, LogTextSniffer.Sniff(ref s));
            var copy = new MemoryStream();
            s.CopyTo(copy);
            Assert.Equal(bytes, copy.ToArray());
        }
    }
    [Fact]
    public void Rows_are_written_as_json_strings_that_hold_every_byte_of_their_fields()
    {
        // Quoted and unquoted fields full of what JSON escapes (quotes, backslashes, every control character) and what it
        // does not (non-ASCII, a stray quote inside an unquoted field), each delimiter, LF and CRLF: every row is valid JSON,
        // its values are the fields, its quotes are written \" (never \u0022: the claims read \"), and a CR before the line
        // feed outside quotes is not kept.
        var random = new Random(1537);
        string[] pieces = { "a", "Z", "\"", "\\", "\\u0041", "\r", "\n", "\t", "\u0001", "\u001F", "\u007F", "\u00e9", "\u65e5", "\ud83d\ude00", " ", "{\"Operation\":\"SharingSet\"}", ",", ";" };
        foreach (char delimiter in new[] { ',', '\t', ';' })
        {
            for (int round = 0; round < 200; round++)
            {
                int columns = random.Next(2, 5); // the delimiter is chosen from the header line
                var text = new StringBuilder(string.Join(delimiter.ToString(), Enumerable.Range(0, columns).Select(c => "C" + c))).Append('\n');
                var expected = new List<string[]>();
                for (int row = 0; row < random.Next(1, 6); row++)
                {
                    var values = new string[columns];
                    for (int c = 0; c < columns; c++)
                    {
                        bool quote = random.Next(3) > 0;
                        var value = new StringBuilder();
                        for (int k = random.Next(0, 12); k > 0; k--)
                        {
                            string piece = pieces[random.Next(pieces.Length)];
                            // Unquoted fields hold no delimiter and no line break; a quote only past the first character.
                            if (!quote && (piece.Contains(delimiter) || piece.Contains('\n') || (piece.Contains('"') && value.Length == 0))) continue;
                            value.Append(piece);
                        }
                        values[c] = value.ToString();
                        if (!quote && values[c].EndsWith('\r') && c == columns - 1) values[c] += "x"; // only the last field's CR is the line end's
                        text.Append(c > 0 ? delimiter.ToString() : "").Append(quote ? "\"" + values[c].Replace("\"", "\"\"") + "\"" : values[c]);
                    }
                    text.Append(random.Next(2) == 0 ? "\n" : "\r\n");
                    expected.Add(values);
                }
                var (rows, raw, issues, _) = Read(text.ToString());
                Assert.Empty(issues);
                Assert.Equal(expected.Count, rows.Count);
                for (int r = 0; r < rows.Count; r++)
                {
                    for (int c = 0; c < columns; c++) Assert.Equal(expected[r][c], rows[r]["C" + c]);
                    Assert.DoesNotContain("\\u0022", Encoding.UTF8.GetString(raw[r].Json.Span));
                }
            }
        }
    }
    [Fact]
    public void Quotes_that_fall_on_a_read_buffers_edge_are_read_as_doubled_or_closing()
    {
        // The reader takes CsvRecordReader.ChunkSize bytes at a time: a doubled quote split by the edge, or a closing
        // quote as the last byte read, must still be told apart. Each shift moves the quotes one byte across the edge.
        const int chunk = CsvRecordReader.ChunkSize;
        for (int shift = -4; shift <= 4; shift++)
        {
            string header = "A,B\n";
            string pad = new string('p', chunk - header.Length - 1 + shift); // after the opening quote
            foreach (string tail in new[] { "x\"\"y", "\"\"", "\"\"\"\"z" })
            {
                string value = pad + tail.Replace("\"\"", "\"");
                string text = header + "\"" + pad + tail + "\",2\n\"last\"\"\",3\n";
                var (rows, _, issues, _) = Read(text);
                Assert.Empty(issues);
                Assert.Equal(2, rows.Count);
                Assert.Equal(value, rows[0]["A"]);
                Assert.Equal("2", rows[0]["B"]);
                Assert.Equal("last\"", rows[1]["A"]);
            }
        }
    }
}
