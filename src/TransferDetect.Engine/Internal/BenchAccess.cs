using System.Collections.Generic;
using System.Threading;
using TransferDetect.Engine.IO;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Engine.Internal;

/// <summary>Entry points into the reader's stages, for the benchmark's breakdown of where time goes.</summary>
public static class BenchAccess
{
    public static long OpenAndRead(string path)
    {
        using var s = LogFileOpener.Open(path, out _);
        var buffer = new byte[1 << 18];
        long total = 0;
        int n;
        while ((n = s.Read(buffer, 0, buffer.Length)) > 0) total += n;
        return total;
    }

    public static IEnumerable<int> Split(string path, bool vectorized = true)
    {
        using var s = LogFileOpener.Open(path, out _);
        var splitter = new JsonRecordSplitter(s, path, new[] { "Records", "Events" }, 64 << 20, _ => { }, vectorized);
        foreach (var r in splitter.Records(CancellationToken.None)) yield return r.Json.Length;
    }

    /// <summary>Records in decompressed JSON held in memory.</summary>
    public static int CountRecords(byte[] json, bool vectorized)
    {
        var splitter = new JsonRecordSplitter(new System.IO.MemoryStream(json, writable: false), "bench", new[] { "Records", "Events" }, 64 << 20, _ => { }, vectorized);
        int n = 0;
        foreach (var _ in splitter.Records(CancellationToken.None)) n++;
        return n;
    }

    /// <summary>Records whose eventName the prefilter lets through.</summary>
    public static int CountPrefiltered(byte[] json)
    {
        var splitter = new JsonRecordSplitter(new System.IO.MemoryStream(json, writable: false), "bench", new[] { "Records", "Events" }, 64 << 20, _ => { });
        int n = 0;
        foreach (var r in splitter.Records(CancellationToken.None))
        {
            if (AwsShareCatalog.Snapshots.Filter(r.Json.Span) != EventNameFilter.NotInCatalogue) n++;
        }
        return n;
    }

    /// <summary>Records whose header names a catalogue operation, every record parsed (no prefilter).</summary>
    public static int CountByHeader(byte[] json)
    {
        var splitter = new JsonRecordSplitter(new System.IO.MemoryStream(json, writable: false), "bench", new[] { "Records", "Events" }, 64 << 20, _ => { });
        int n = 0;
        foreach (var r in splitter.Records(CancellationToken.None))
        {
            if (CloudTrailHeader.Read(r.Json.Span, AwsShareCatalog.Snapshots).OperationIndex >= 0) n++;
        }
        return n;
    }

    public static IEnumerable<int> SplitAndHeader(string path)
    {
        using var s = LogFileOpener.Open(path, out _);
        var splitter = new JsonRecordSplitter(s, path, new[] { "Records", "Events" }, 64 << 20, _ => { });
        foreach (var r in splitter.Records(CancellationToken.None))
        {
            yield return CloudTrailHeader.Read(r.Json.Span, AwsShareCatalog.Snapshots).OperationIndex;
        }
    }
}
