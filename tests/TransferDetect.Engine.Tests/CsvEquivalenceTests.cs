using System.Text;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.IO;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>
/// The CSV reader's 32-bytes-a-step copy of quoted fields must give exactly what its byte-run code gives: the same
/// records, numbers, lines, offsets and problems, on rows of AuditData-like text with doubled quotes, backslashes,
/// control characters, line breaks and non-ASCII text at every place, cut into reads of every size.
/// </summary>
public class CsvEquivalenceTests
{
    private static (List<string> Records, List<string> Issues) Read(byte[] data, int chunk, bool vectorized, int maxRecordBytes)
    {
        var issues = new List<ReadIssue>();
        var reader = new CsvRecordReader(new SplitterEquivalenceTests.ChunkedStream(data, chunk), "f.csv", maxRecordBytes, issues.Add) { Vectorized = vectorized };
        var records = reader.Records(CancellationToken.None).Select(r => $"{r.Number}@{r.Line}:{r.Offset}:{Encoding.UTF8.GetString(r.Json.Span)}").ToList();
        return (records, issues.Select(i => $"{i.Line}:{i.Message}").ToList());
    }

    private static string QuotedJson(Random r)
    {
        // The text of a field before quoting: JSON-like runs of up to 80 bytes between the characters that matter.
        var sb = new StringBuilder();
        int parts = r.Next(0, 30);
        for (int i = 0; i < parts; i++)
        {
            // Runs of 0 to 79 bytes, or of 0 to 3 now and then, so that quotes crowd a block and its edges.
            sb.Append('x', r.Next(4) == 0 ? r.Next(0, 4) : r.Next(0, 80));
            sb.Append(r.Next(12) switch
            {
                0 => "\"",
                9 => "\"\"",
                10 => "\"\"\"",
                11 => "\"\":\"\",\"\"",
                1 => "\\",
                2 => "\n",
                3 => "\r\n",
                4 => "\t",
                5 => "é",
                6 => "\u0001",
                7 => ",",
                _ => "\"Operation\":\"FileAccessed\",",
            });
        }
        return "\"" + sb.ToString().Replace("\"", "\"\"") + "\"";
    }

    private static (byte[] Data, int MaxRecordBytes) RandomCsv(Random r)
    {
        var sb = new StringBuilder("CreationDate,UserIds,Operations,AuditData\r\n");
        int rows = r.Next(0, 25);
        for (int i = 0; i < rows; i++)
        {
            sb.Append("2024-08-01T12:00:00Z,u").Append(i).Append("@contoso.com,FileAccessed,").Append(QuotedJson(r)).Append(r.Next(2) == 0 ? "\r\n" : "\n");
        }
        string text = sb.ToString();
        // Sometimes damaged: cut short (often inside a quoted field), or a quote added.
        switch (r.Next(6))
        {
            case 0 when text.Length > 50: text = text.Substring(0, r.Next(40, text.Length)); break;
            case 1 when text.Length > 50: text = text.Insert(r.Next(40, text.Length), "\""); break;
        }
        // Sometimes a record limit that rows reach.
        return (Encoding.UTF8.GetBytes(text), r.Next(4) == 0 ? 1024 + r.Next(2000) : 1 << 20);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Copying_quoted_fields_32_bytes_a_step_reads_what_the_byte_run_code_reads(int seed)
    {
        var r = new Random(seed);
        int records = 0, issues = 0;
        for (int i = 0; i < 120; i++)
        {
            var (data, max) = RandomCsv(r);
            int chunk = r.Next(3) switch { 0 => r.Next(1, 100), 1 => r.Next(100, 5000), _ => 1 << 20 };
            var reference = Read(data, chunk, vectorized: false, max);
            var fast = Read(data, chunk, vectorized: true, max);
            Assert.True(reference.Records.SequenceEqual(fast.Records), $"records differ, seed {seed} document {i} chunk {chunk}");
            Assert.True(reference.Issues.SequenceEqual(fast.Issues), $"problems differ, seed {seed} document {i} chunk {chunk}");
            records += fast.Records.Count;
            issues += fast.Issues.Count;
        }
        Assert.True(records > 500 && issues > 5, $"{records} records, {issues} problems");
    }
}
