using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using TransferDetect.Bench;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Sources.Aws;

// bench generate <dir> <size e.g. 300MB> [seed]   writes a CloudTrail delivery tree
// bench scan <dir> [repeats]                       decompression-only vs. the full scan, side by side
// bench smoke                                      a few MB end to end, for CI (checks, not timings)
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string command = args.Length > 0 ? args[0] : "help";
switch (command)
{
    case "generate":
        return Generate(args[1], ParseSize(args[2]), args.Length > 3 ? int.Parse(args[3]) : 1537);
    case "scan":
        return Scan(args[1], args.Length > 2 ? int.Parse(args[2]) : 3);
    case "smoke":
        string dir = Path.Combine(Path.GetTempPath(), "transferdetect-bench-smoke-" + Environment.ProcessId);
        try
        {
            Generate(dir, 8L << 20, 7, shareEvery: 500);
            return Scan(dir, 1, expectShares: true);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    default:
        Console.Error.WriteLine("usage: bench generate <dir> <size: 300MB, 1GB> [seed] | bench scan <dir> [repeats] | bench smoke");
        return 2;
}

static int Generate(string dir, long bytes, int seed, int shareEvery = 20_000)
{
    var sw = Stopwatch.StartNew();
    var g = new CorpusGenerator(seed, shareEvery);
    g.Write(dir, bytes);
    Console.WriteLine($"generated {g.Files} file(s), {g.Records:N0} record(s) ({g.ShareRecords} share), {g.UncompressedBytes / 1e6:N1} MB JSON, {g.CompressedBytes / 1e6:N1} MB gzip, in {sw.Elapsed.TotalSeconds:N1} s");
    return 0;
}

static int Scan(string dir, int repeats, bool expectShares = false)
{
    var files = Directory.GetFiles(dir, "*.json.gz", SearchOption.AllDirectories);
    Array.Sort(files, StringComparer.Ordinal);
    double bestInflate = double.MaxValue, bestScan = double.MaxValue;
    long bytes = 0, records = 0, findings = 0, issues = 0;
    for (int round = 0; round < repeats; round++)
    {
        // (a) decompression only: the limit for a single-threaded scan of the same files.
        var sw = Stopwatch.StartNew();
        long inflated = 0;
        var buffer = new byte[1 << 16];
        foreach (var f in files)
        {
            using var gz = new GZipStream(File.OpenRead(f), CompressionMode.Decompress);
            int n;
            while ((n = gz.Read(buffer, 0, buffer.Length)) > 0) inflated += n;
        }
        bestInflate = Math.Min(bestInflate, sw.Elapsed.TotalSeconds);
        bytes = inflated;

        // (b) Get-SnapshotShareEvent | Find-ExternalShare, through the engine.
        sw.Restart();
        var host = new CollectingScanHost();
        var reader = new CloudTrailReader(host);
        var detector = new ExternalShareDetector(TrustZone.Empty);
        long found = 0;
        foreach (var e in reader.Read(new[] { dir }))
        {
            if (detector.Evaluate(e) != null) found++;
        }
        bestScan = Math.Min(bestScan, sw.Elapsed.TotalSeconds);
        records = reader.Statistics.Records;
        findings = found;
        issues = host.Issues.Count;
    }
    double mb = bytes / 1e6;
    Console.WriteLine($"corpus: {files.Length} file(s), {mb:N1} MB JSON, {records:N0} record(s); best of {repeats}");
    Console.WriteLine($"{"",-34}{"seconds",10}{"MB/s",10}{"records/s",14}");
    Console.WriteLine($"{"(a) decompression only",-34}{bestInflate,10:N2}{mb / bestInflate,10:N0}{records / bestInflate,14:N0}");
    Console.WriteLine($"{"(b) TransferDetect scan",-34}{bestScan,10:N2}{mb / bestScan,10:N0}{records / bestScan,14:N0}");
    Console.WriteLine($"ratio (b)/(a) throughput: {bestInflate / bestScan:N2}x; findings {findings}; problems {issues}; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:N0} MB");
    if (issues > 0 || records == 0 || (expectShares && findings == 0))
    {
        Console.Error.WriteLine("bench: the scan did not read the corpus cleanly");
        return 1;
    }
    return 0;
}

static long ParseSize(string s)
{
    s = s.Trim().ToUpperInvariant();
    long unit = s.EndsWith("GB") ? 1L << 30 : s.EndsWith("MB") ? 1L << 20 : s.EndsWith("KB") ? 1L << 10 : 1;
    return (long)(double.Parse(s.TrimEnd('G', 'M', 'K', 'B')) * unit);
}
