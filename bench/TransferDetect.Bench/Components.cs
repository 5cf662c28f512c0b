using System.Diagnostics;
using System.IO.Compression;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Internal;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Bench;

/// <summary>Times each stage of the scan alone, one thread, to show where the time goes.</summary>
internal static class Components
{
    /// <summary>The stages after inflation alone, on decompressed text held in memory (up to 64 MB of it), best of 20.</summary>
    private static void InMemory(string[] files, int rounds = 20, long limit = 64L << 20)
    {
        var texts = new List<byte[]>();
        long total = 0;
        foreach (var f in files)
        {
            if (total > limit) break;
            using var gz = new GZipStream(File.OpenRead(f), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            gz.CopyTo(ms);
            texts.Add(ms.ToArray());
            total += ms.Length;
        }
        double Best(Func<byte[], int> run)
        {
            double best = double.MaxValue;
            for (int round = 0; round < rounds; round++)
            {
                // Best of many short rounds: the rounds a shared machine disturbs are dropped.
                var sw = Stopwatch.StartNew();
                foreach (var t in texts) run(t);
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
            }
            return total / 1e6 / best;
        }
        // The key search of the prefilter alone, both ways, round by round in this process (each the best of its rounds).
        var ranges = texts.Select(BenchAccess.RecordRanges).ToList();
        double rarest = double.MaxValue, firstLast = double.MaxValue;
        int keys = 0;
        for (int round = 0; round < rounds; round++)
        {
            var sw = Stopwatch.StartNew();
            for (int t = 0; t < texts.Count; t++) keys = BenchAccess.CountEventNameKeys(texts[t], ranges[t], rarest: true);
            rarest = Math.Min(rarest, sw.Elapsed.TotalSeconds);
            sw.Restart();
            for (int t = 0; t < texts.Count; t++) BenchAccess.CountEventNameKeys(texts[t], ranges[t], rarest: false);
            firstLast = Math.Min(firstLast, sw.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"in memory, {total / 1e6:N0} MB: every record searched for its eventName keys: two rarest bytes first (Needle) " +
            $"{total / 1e6 / rarest,6:N0} MB/s, first and last bytes first (the runtime's IndexOf) {total / 1e6 / firstLast,6:N0} MB/s, {firstLast / rarest:N2}x ({keys:N0} keys in {ranges[^1].Count:N0} records of the last text)");
        Console.WriteLine($"in memory, {total / 1e6:N0} MB: classify only {Best(t => (int)BenchAccess.ClassifyOnly(t)),6:N0} MB/s, split {Best(t => BenchAccess.CountRecords(t, vectorized: true)),6:N0} MB/s, " +
            $"split + prefilter {Best(BenchAccess.CountPrefiltered),6:N0} MB/s");
    }

    /// <summary>Only the in-memory stages, best of many rounds over 16 MB: for comparing two builds of the splitter.</summary>
    public static void RunInMemory(string dir) =>
        InMemory(Directory.GetFiles(dir, "*.json.gz", SearchOption.AllDirectories), rounds: 150, limit: 16L << 20);

    public static void Run(string dir)
    {
        var files = Directory.GetFiles(dir, "*.json.gz", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        long bytes = 0;
        var best = new Dictionary<string, double>();
        double Time(Action<string> perFile, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(perFile))] string key = "")
        {
            var sw = Stopwatch.StartNew();
            foreach (var f in files) perFile(f);
            double t = sw.Elapsed.TotalSeconds;
            best[key] = best.TryGetValue(key, out var b) ? Math.Min(b, t) : t;
            return best[key];
        }
        var buffer = new byte[Inflate.BufferSize];
        double inflate = 0, verify = 0, scalar = 0, split = 0, claim = 0, header = 0, full = 0;
        for (int round = 0; round < 3; round++)
        {
        bytes = 0;
        inflate = Time(f =>
        {
            using var gz = new GZipStream(File.OpenRead(f), CompressionMode.Decompress);
            int n;
            while ((n = gz.Read(buffer, 0, buffer.Length)) > 0) bytes += n;
        });
        verify = Time(f => BenchAccess.OpenAndRead(f));
        scalar = Time(f =>
        {
            foreach (var _ in BenchAccess.Split(f, vectorized: false)) { }
        });
        split = Time(f =>
        {
            foreach (var _ in BenchAccess.Split(f)) { }
        });
        claim = Time(f =>
        {
            foreach (var _ in BenchAccess.SplitAndClaim(f)) { }
        });
        header = Time(f =>
        {
            foreach (var _ in BenchAccess.SplitAndHeader(f)) { }
        });
        full = Time(f =>
        {
            var reader = new ShareLogReader(new CollectingScanHost(), new ShareLogReaderOptions { Categories = new[] { TransferDetect.Engine.Model.ShareCategory.Snapshot } });
            foreach (var _ in reader.ReadFile(f)) { }
        });
        }
        double mb = bytes / 1e6;
        InMemory(files);
        Console.WriteLine($"inflate only         {mb / inflate,8:N0} MB/s");
        Console.WriteLine($"+ CRC-32 verify      {mb / verify,8:N0} MB/s");
        Console.WriteLine($"+ split (scalar)     {mb / scalar,8:N0} MB/s");
        Console.WriteLine($"+ split (vectorized) {mb / split,8:N0} MB/s");
        Console.WriteLine($"+ claim (prefilter)  {mb / claim,8:N0} MB/s");
        Console.WriteLine($"+ header parse       {mb / header,8:N0} MB/s");
        Console.WriteLine($"full reader          {mb / full,8:N0} MB/s");
    }
}
