using System.Diagnostics;
using System.Globalization;
using TransferDetect.Bench;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Internal;
using TransferDetect.Engine.Sources.Aws;

// bench generate <dir> <size e.g. 300MB> [seed]   writes a CloudTrail delivery tree
// bench scan <dir> [repeats]                       decompression-only vs. the full scan, side by side
// bench decompress|split-once|scan-once <dir>      one pass as a process, for compare.sh: (a), the structural floor, (b)
// bench providers <dir> <size per provider> [rounds] Azure, M365 (CSV) and GCP exports: decompression vs. scan (first round and best of 5)
// bench read <dir> [rounds] [files at once]       any export, all providers, three rounds or more (for a profiler); 1: one file at a time
// bench smoke                                      a few MB end to end, for CI (checks, not timings)
// bench inflate-buffers <dir> [rounds]            row (a) with reads of 16 KB to 4 MB: why (a) reads 256 KB at a time
// bench jit <dir> [N]                             what the runtime compiles during one scan: by tier, by thread, the N longest
// bench byte-ranks <dir>                           the rank table Needle picks its rare bytes with, from the log files under <dir>
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string command = args.Length > 0 ? args[0] : "help";
switch (command)
{
    case "generate":
        return Generate(args[1], ParseSize(args[2]), args.Length > 3 ? int.Parse(args[3]) : 1537);
    case "scan":
        return Scan(args[1], args.Length > 2 ? int.Parse(args[2]) : 3);
    case "decompress":
        return Once(args[1], scan: false);
    case "scan-once":
        return Once(args[1], scan: true);
    case "split-once":
        {
            // The floor of any sound scan, as a process: (a) plus the structural pass that cuts the records (no prefilter, no claims).
            var (records, bytes) = Inflate.AllSplit(Directory.GetFiles(args[1], "*.json.gz", SearchOption.AllDirectories));
            Console.WriteLine($"{records} 0 {bytes}");
            return 0;
        }
    case "cpu":
        {
            for (int round = 0; round < 3; round++)
            {
                var proc = Process.GetCurrentProcess();
                var cpu0 = proc.TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                var reader = new ShareLogReader(new CollectingScanHost(), SnapshotScan.Options());
                long n = 0;
                foreach (var _ in reader.Read(new[] { args[1] })) n++;
                proc.Refresh();
                double wall = sw.Elapsed.TotalSeconds, cpu = (proc.TotalProcessorTime - cpu0).TotalSeconds;
                Console.WriteLine($"wall {wall:N2} s, cpu {cpu:N2} s, cores busy {cpu / wall:N2}, {reader.Statistics.BytesRead / 1e6 / wall:N0} MB/s");
            }
            return 0;
        }
    case "read":
        {
            // Any export, every provider and category, three rounds or more (for a profiler): bench read <dir> [rounds] [files at once]
            int rounds = args.Length > 2 ? int.Parse(args[2]) : 3;
            int parallel = args.Length > 3 ? int.Parse(args[3]) : 0;
            for (int round = 0; round < rounds; round++)
            {
                var sw = Stopwatch.StartNew();
                var reader = new ShareLogReader(new CollectingScanHost(), new ShareLogReaderOptions { MaxParallelFiles = parallel });
                long n = 0;
                foreach (var _ in reader.Read(new[] { args[1] })) n++;
                Console.WriteLine($"{reader.Statistics.Records:N0} record(s), {reader.Statistics.CandidateRecords:N0} parsed as candidates, {n} event(s), {reader.Statistics.BytesRead / 1e6 / sw.Elapsed.TotalSeconds:N0} MB/s; " +
                    $"since start: GCs gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, allocated {GC.GetTotalAllocatedBytes() / 1e6:N0} MB, paused {GC.GetTotalPauseDuration().TotalSeconds:N2} s");
            }
            return 0;
        }
    case "providers":
        return ProviderCorpus.Run(args[1], ParseSize(args[2]), rounds: args.Length > 3 ? int.Parse(args[3]) : 5);
    case "micro":
        BenchmarkDotNet.Running.BenchmarkSwitcher.FromTypes(new[] { typeof(Micro) }).Run(args.Skip(1).ToArray());
        return 0;
    case "components":
        Components.Run(args[1]);
        return 0;
    case "in-memory":
        Components.RunInMemory(args[1]);
        return 0;
    case "inflate-buffers":
        Inflate.CompareBufferSizes(args[1], args.Length > 2 ? int.Parse(args[2]) : 7);
        return 0;
    case "jit":
        return JitLog.Run(args[1], args.Length > 2 ? int.Parse(args[2]) : 15);
    case "byte-ranks":
        ByteRanks(args[1]);
        return 0;
    case "smoke":
        string dir = Path.Combine(Path.GetTempPath(), "transferdetect-bench-smoke-" + Environment.ProcessId);
        try
        {
            Generate(dir, 8L << 20, 7, shareEvery: 500);
            // The compile listing first, while the scan's code is still to be compiled in this process.
            int status = JitLog.Run(dir, 3);
            if (status == 0) status = Scan(dir, 1, expectShares: true);
            if (status == 0) status = FloorAgrees(dir);
            return status != 0 ? status : ProviderCorpus.Run(Path.Combine(dir, "providers"), 1L << 20, shareEvery: 500);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    default:
        Console.Error.WriteLine("usage: bench generate <dir> <size: 300MB, 1GB> [seed] | bench scan <dir> [repeats] | bench providers <dir> <size per provider> [rounds] | bench smoke");
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
    int cores = Environment.ProcessorCount;
    var best = new Dictionary<string, double>();
    long bytes = 0, records = 0, findings = 0, issues = 0;
    void Keep(string row, double seconds) => best[row] = best.TryGetValue(row, out var b) ? Math.Min(b, seconds) : seconds;
    // Each round's (a) and (b) run back to back: their ratio is disturbed less by a shared machine's slow spells than
    // the ratio of two bests taken at different times. The first round (code still being compiled) is left out.
    var paired = new Dictionary<int, List<double>>();

    for (int round = 0; round < repeats; round++)
    {
        foreach (int threads in new[] { cores, 1 })
        {
            // (a) decompression only: the best .NET can inflate these files.
            var sw = Stopwatch.StartNew();
            long inflated = Inflate.All(files, threads);
            double secondsA = sw.Elapsed.TotalSeconds;
            Keep($"(a) decompression only, {threads} thread(s)", secondsA);
            bytes = inflated;

            // (b) Get-SnapshotShareEvent | Find-ExternalShare, through the engine.
            sw.Restart();
            var host = new CollectingScanHost();
            var reader = new ShareLogReader(host, SnapshotScan.Options(threads));
            var detector = new ExternalShareDetector(TrustZone.Empty);
            long found = 0;
            foreach (var e in reader.Read(new[] { dir }))
            {
                if (detector.Evaluate(e) != null) found++;
            }
            Keep($"(b) TransferDetect scan, {threads} thread(s)", sw.Elapsed.TotalSeconds);
            if (round > 0 || repeats == 1)
            {
                if (!paired.TryGetValue(threads, out var list)) paired[threads] = list = new List<double>();
                list.Add(secondsA / sw.Elapsed.TotalSeconds);
            }
            records = reader.Statistics.Records;
            findings = found;
            issues = host.Issues.Count;
        }
    }
    double mb = bytes / 1e6;
    Console.WriteLine($"corpus: {files.Length} file(s), {mb:N1} MB JSON, {records:N0} record(s); best of {repeats}; {cores} core(s)");
    Console.WriteLine($"{"",-40}{"seconds",9}{"MB/s",9}{"records/s",13}");
    foreach (var (row, seconds) in best.OrderBy(kv => kv.Key.Contains(", 1 thread") ? 1 : 0).ThenBy(kv => kv.Key))
    {
        Console.WriteLine($"{row,-40}{seconds,9:N2}{mb / seconds,9:N0}{records / seconds,13:N0}");
    }
    double all = best[$"(a) decompression only, {cores} thread(s)"] / best[$"(b) TransferDetect scan, {cores} thread(s)"];
    double one = best["(a) decompression only, 1 thread(s)"] / best["(b) TransferDetect scan, 1 thread(s)"];
    string Median(int threads)
    {
        var r = paired[threads];
        r.Sort();
        double median = r.Count % 2 == 1 ? r[r.Count / 2] : (r[r.Count / 2 - 1] + r[r.Count / 2]) / 2;
        return $"{median:N2}x (rounds {r[0]:N2} to {r[^1]:N2})";
    }
    Console.WriteLine($"ratio per round, (a) and (b) back to back, median of {paired[cores].Count}: {Median(cores)} on {cores} core(s), {Median(1)} on one");
    Console.WriteLine($"ratio scan/decompression throughput: {all:N2}x on {cores} core(s), {one:N2}x on one; findings {findings}; problems {issues}; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:N0} MB; GCs gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, allocated {GC.GetTotalAllocatedBytes() / 1e6:N0} MB");
    if (issues > 0 || records == 0 || (expectShares && findings == 0))
    {
        Console.Error.WriteLine("bench: the scan did not read the corpus cleanly");
        return 1;
    }
    return 0;
}

// One pass of one mode, for a whole-process measurement (bench/compare.sh): prints "records findings bytes".
static int Once(string dir, bool scan)
{
    long bytes = 0, records = 0, findings = 0;
    if (!scan)
    {
        bytes = Inflate.All(Directory.GetFiles(dir, "*.json.gz", SearchOption.AllDirectories));
    }
    else
    {
        (records, findings, bytes, int issues) = SnapshotScan.Once(dir);
        if (issues > 0) return 1;
    }
    Console.WriteLine($"{records} {findings} {bytes}");
    return 0;
}

// The structural floor of compare.sh (split-once) cuts exactly the records the scan reads, or it measures something else.
static int FloorAgrees(string dir)
{
    var (records, _) = Inflate.AllSplit(Directory.GetFiles(dir, "*.json.gz", SearchOption.AllDirectories));
    var scan = SnapshotScan.Once(dir);
    Console.WriteLine($"structural floor (split-once): {records:N0} record(s), the scan {scan.Records:N0}");
    if (records == scan.Records && records > 0) return 0;
    Console.Error.WriteLine("smoke: the structural floor and the scan cut different records");
    return 1;
}

// The table of IO/Needle.cs (Needle.Ranks), from the log files under dir.
static void ByteRanks(string dir)
{
    var rank = BenchAccess.ByteRanks(dir);
    for (int row = 0; row < 256; row += 16)
    {
        Console.WriteLine("        " + string.Join(", ", rank.Skip(row).Take(16)) + ",");
    }
}

static long ParseSize(string s)
{
    s = s.Trim().ToUpperInvariant();
    long unit = s.EndsWith("GB") ? 1L << 30 : s.EndsWith("MB") ? 1L << 20 : s.EndsWith("KB") ? 1L << 10 : 1;
    return (long)(double.Parse(s.TrimEnd('G', 'M', 'K', 'B')) * unit);
}
