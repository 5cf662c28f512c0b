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
