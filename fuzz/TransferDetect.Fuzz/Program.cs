using SharpFuzz;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Fuzz;

/// <summary>
/// Fuzzing target: feeds the input bytes to ShareLogReader (ReadStream; ReadFile when the bytes are gzip)
/// and the text to TrustZone.Parse. It throws only on a contract violation:
/// an exception out of the reader's enumeration, an event that is not a share of a catalogued operation,
/// statistics that do not add up, or TrustZone.Parse throwing anything but TrustZoneException.
/// </summary>
public static class Program
{
    private static readonly HashSet<string> Catalogue = new(ShareLogReader.OperationsOf(null, null), StringComparer.Ordinal);
    private static readonly string GzipPath = Path.Combine(Path.GetTempPath(), $"transferdetect-fuzz-{Environment.ProcessId}.json.gz");

    public static void Main(string[] args)
    {
        if (args.Length > 0)
        {
            // Replay: run the target on saved inputs (crashes from fuzz/findings, the corpus) without AFL.
            foreach (var path in args.SelectMany(a => Directory.Exists(a) ? Directory.GetFiles(a) : new[] { a }))
            {
                Console.WriteLine(path);
                Run(File.ReadAllBytes(path));
            }
            return;
        }
        Fuzzer.OutOfProcess.Run(stream =>
        {
            var ms = new MemoryStream();
            stream.CopyTo(ms);
            Run(ms.ToArray());
        });
    }

    public static void Run(byte[] data)
    {
        ReadCloudTrail(data);
        ParseTrustZone(data);
    }

    private static void ReadCloudTrail(byte[] data)
    {
        var host = new CollectingScanHost();
        // A small record limit so the oversized-record path is reachable with small inputs.
        var reader = new ShareLogReader(host, new ShareLogReaderOptions { MaxRecordBytes = 4096, MaxIssuesPerFile = int.MaxValue, MaxParallelFiles = 1 });
        bool gzip = data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b;
        List<TransferDetect.Engine.Model.ShareEvent> events;
        if (gzip)
        {
            File.WriteAllBytes(GzipPath, data);
            events = reader.ReadFile(GzipPath).ToList();
        }
        else
        {
            events = reader.ReadStream(new MemoryStream(data, writable: false), "fuzz-input").ToList();
        }

        foreach (var e in events)
        {
            Check(Catalogue.Contains(e.Operation), $"event with operation '{e.Operation}' not in the catalogue");
            Check(!string.IsNullOrEmpty(e.Grantee), "event with an empty grantee");
        }
        var s = reader.Statistics;
        int reported = host.Issues.Count(i => i.Kind != ReadIssueKind.MoreIssues);
        Check(s.FilesRead == 1, $"FilesRead {s.FilesRead}, expected 1");
        Check(s.ShareEvents - s.FoldedEvents == events.Count, $"ShareEvents {s.ShareEvents} - folded {s.FoldedEvents} but {events.Count} returned");
        Check(s.Issues == reported, $"Issues {s.Issues} but {reported} reported");
        Check(s.CandidateRecords + s.ForeignRecords <= s.Records, $"candidates {s.CandidateRecords} + foreign {s.ForeignRecords} > records {s.Records}");
        Check(s.InvalidRecords <= s.Issues, $"InvalidRecords {s.InvalidRecords} > Issues {s.Issues}");
        Check(s.ForeignRecords == 0 || host.Issues.Any(i => i.Kind == ReadIssueKind.UnexpectedShape), "foreign records without an UnexpectedShape issue");
        Check((s.FilesWithIssues > 0) == (s.Issues > 0), $"FilesWithIssues {s.FilesWithIssues} with Issues {s.Issues}");
    }

    private static void ParseTrustZone(byte[] data)
    {
        string text = System.Text.Encoding.UTF8.GetString(data);
        try
        {
            TrustZone.Parse(text, "fuzz");
        }
        catch (TrustZoneException)
        {
            // The documented failure.
        }
    }

    private static void Check(bool ok, string what)
    {
        if (!ok) throw new ContractViolationException(what);
    }
}

public sealed class ContractViolationException(string message) : Exception(message);
