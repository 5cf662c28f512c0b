using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Sources;

namespace TransferDetect.Bench;

/// <summary>The scan every timed mode measures: the semantics of <c>Get-SnapshotShareEvent | Find-ExternalShare</c>.</summary>
internal static class SnapshotScan
{
    /// <summary>The snapshot category, every provider recognised by content; 0 threads is one per core.</summary>
    public static ShareLogReaderOptions Options(int threads = 0) =>
        new() { MaxParallelFiles = threads, Categories = new[] { TransferDetect.Engine.Model.ShareCategory.Snapshot } };

    /// <summary>One pass over <paramref name="dir"/>: records, findings (an empty trust zone), bytes read and problems reported.</summary>
    public static (long Records, long Findings, long Bytes, int Issues) Once(string dir)
    {
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host, Options());
        var detector = new ExternalShareDetector(TrustZone.Empty);
        long findings = 0;
        foreach (var e in reader.Read(new[] { dir }))
        {
            if (detector.Evaluate(e) != null) findings++;
        }
        return (reader.Statistics.Records, findings, reader.Statistics.BytesRead, host.Issues.Count);
    }
}
