using System.Collections.Generic;
using System.IO;
using System.Threading;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.IO;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Engine.Internal;

/// <summary>Entry points into the reader's stages, for the benchmark's breakdown of where time goes.</summary>
public static class BenchAccess
{
    /// <summary>The splitter as the reader builds it (same wrapper keys, same default record limit).</summary>
    private static JsonRecordSplitter NewSplitter(Stream stream, string name, bool vectorized = true) =>
        new(stream, name, ShareLogReader.WrapperKeys, new ShareLogReaderOptions().MaxRecordBytes, _ => { }, vectorized);

    private static Stream InMemory(byte[] json) => new MemoryStream(json, writable: false);

    /// <summary>The rank table <see cref="Needle"/> picks its rare bytes with, computed from the log files under dir.</summary>
    public static byte[] ByteRanks(string dir) => Needle.RanksOf(dir);

    public static long OpenAndRead(string path)
    {
        using var s = LogFileOpener.Open(path);
        var buffer = new byte[1 << 18];
        long total = 0;
        int n;
        while ((n = s.Read(buffer, 0, buffer.Length)) > 0) total += n;
        return total;
    }

    public static IEnumerable<int> Split(string path, bool vectorized = true)
    {
        using var s = LogFileOpener.Open(path);
        foreach (var r in NewSplitter(s, path, vectorized).Records(CancellationToken.None)) yield return r.Json.Length;
    }

    /// <summary>Records in decompressed JSON held in memory.</summary>
    public static int CountRecords(byte[] json, bool vectorized)
    {
        int n = 0;
        foreach (var _ in NewSplitter(InMemory(json), "bench", vectorized).Records(CancellationToken.None)) n++;
        return n;
    }

#if NET8_0_OR_GREATER
    /// <summary>The splitter's per-block classification alone (masks, strings, brackets outside them), no record logic: its upper bound.</summary>
    public static long ClassifyOnly(byte[] json)
    {
        long sum = 0;
        ulong prevInString = 0;
        var bytes = JsonRecordSplitter.BlockBytes.Create();
        for (int pos = 0; pos + 64 <= json.Length; pos += 64)
        {
            bytes.Classify(ref json[pos], out ulong quote, out _, out ulong open, out ulong close, out ulong newline);
            ulong inString = JsonRecordSplitter.PrefixXor(quote) ^ prevInString;
            sum += System.Numerics.BitOperations.PopCount((open | close) & ~inString) + System.Numerics.BitOperations.PopCount(newline);
            prevInString = (ulong)((long)inString >> 63);
        }
        return sum;
    }
#endif

    /// <summary>Records whose eventName the prefilter lets through.</summary>
    public static int CountPrefiltered(byte[] json)
    {
        int n = 0;
        foreach (var r in NewSplitter(InMemory(json), "bench").Records(CancellationToken.None))
        {
            if (AwsShareCatalog.Snapshots.Filter(r.Json.Span) != EventNameFilter.NotInCatalogue) n++;
        }
        return n;
    }

    /// <summary>Records whose header names a catalogue operation, every record parsed (no prefilter).</summary>
    public static int CountByHeader(byte[] json)
    {
        int n = 0;
        foreach (var r in NewSplitter(InMemory(json), "bench").Records(CancellationToken.None))
        {
            if (CloudTrailHeader.Read(r.Json.Span, AwsShareCatalog.Snapshots).OperationIndex >= 0) n++;
        }
        return n;
    }

    /// <summary>The splitter and the CloudTrail claim (the prefilter) of Get-SnapshotShareEvent, nothing parsed.</summary>
    public static IEnumerable<int> SplitAndClaim(string path)
    {
        var interpreter = new CloudTrailInterpreter(new HashSet<Model.ShareCategory> { Model.ShareCategory.Snapshot }, null, null);
        using var s = LogFileOpener.Open(path);
        foreach (var r in NewSplitter(s, path).Records(CancellationToken.None))
        {
            yield return (int)interpreter.Claim(r.Json.Span);
        }
    }

    public static IEnumerable<int> SplitAndHeader(string path)
    {
        using var s = LogFileOpener.Open(path);
        foreach (var r in NewSplitter(s, path).Records(CancellationToken.None))
        {
            yield return CloudTrailHeader.Read(r.Json.Span, AwsShareCatalog.Snapshots).OperationIndex;
        }
    }

    /// <summary>Where each record of the text is (start, length), split once, for timing what is done per record.</summary>
    public static List<(int Start, int Length)> RecordRanges(byte[] json)
    {
        var ranges = new List<(int, int)>();
        foreach (var r in NewSplitter(InMemory(json), "bench").Records(CancellationToken.None))
        {
            ranges.Add(((int)r.Offset, r.Json.Length));
        }
        return ranges;
    }

    /// <summary>
    /// Every <c>ventName"</c> of every record, as the prefilter looks for them: with <see cref="Needle"/> (its two rarest
    /// bytes first) or with the runtime's <c>IndexOf</c> (the first and last bytes, as this project's search did before).
    /// </summary>
    public static int CountEventNameKeys(byte[] json, List<(int Start, int Length)> records, bool rarest)
    {
        var needle = AwsShareCatalog.EventNameKey;
        var bytes = needle.Bytes;
        int n = 0;
        foreach (var (start, length) in records)
        {
            var record = new System.ReadOnlySpan<byte>(json, start, length);
            while (true)
            {
                int at = rarest ? needle.IndexOf(record) : System.MemoryExtensions.IndexOf(record, bytes);
                if (at < 0) break;
                n++;
                record = record.Slice(at + bytes.Length);
            }
        }
        return n;
    }
}
