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
        var buffer = new byte[1 << 16];
        double inflate = 0, verify = 0, scalar = 0, split = 0, header = 0, full = 0;
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
        header = Time(f =>
        {
            foreach (var _ in BenchAccess.SplitAndHeader(f)) { }
        });
        full = Time(f =>
        {
            var reader = new ShareLogReader(new CollectingScanHost());
            foreach (var _ in reader.ReadFile(f)) { }
        });
        }
        double mb = bytes / 1e6;
        Console.WriteLine($"inflate only         {mb / inflate,8:N0} MB/s");
        Console.WriteLine($"+ CRC-32 verify      {mb / verify,8:N0} MB/s");
        Console.WriteLine($"+ split (scalar)     {mb / scalar,8:N0} MB/s");
        Console.WriteLine($"+ split (vectorized) {mb / split,8:N0} MB/s");
        Console.WriteLine($"+ header parse       {mb / header,8:N0} MB/s");
        Console.WriteLine($"full reader          {mb / full,8:N0} MB/s");
    }
}
