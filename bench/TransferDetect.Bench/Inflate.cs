using System.Diagnostics;
using System.IO.Compression;

namespace TransferDetect.Bench;

/// <summary>
/// Row (a) of every table: decompression only, the limit a scan is held to. It reads each file through .NET's
/// GZipStream (zlib-ng) into a buffer of <see cref="BufferSize"/>, files in parallel.
/// </summary>
internal static class Inflate
{
    /// <summary>
    /// The read size of row (a). zlib copies up to 32 KB of each call's output into its window, so small reads cost
    /// more: 64 KB reads inflate 7 to 12% slower than 128 KB to 4 MB, which are all the same within the noise
    /// (<c>bench inflate-buffers &lt;dir&gt;</c>). 256 KB is on that plateau, and is what the splitter asks for.
    /// </summary>
    public const int BufferSize = 1 << 18;

    /// <summary>Decompressed bytes of all <paramref name="files"/>, <paramref name="threads"/> files at a time (0: one per core).</summary>
    public static long All(string[] files, int threads = 0, int bufferSize = BufferSize)
    {
        long inflated = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        Parallel.ForEach(files, options, () => (new byte[bufferSize], 0L), (f, _, local) =>
        {
            using var gz = new GZipStream(File.OpenRead(f), CompressionMode.Decompress);
            int n;
            while ((n = gz.Read(local.Item1, 0, local.Item1.Length)) > 0) local.Item2 += n;
            return local;
        }, local => Interlocked.Add(ref inflated, local.Item2));
        return inflated;
    }

    /// <summary>
    /// The floor of any sound scan: <see cref="All"/> plus the structural pass the scan cuts records with (every quote,
    /// backslash and bracket of every byte, the records handed out), with no prefilter, claim or parse; files in
    /// parallel as in <see cref="All"/>. Records and their bytes.
    /// </summary>
    public static (long Records, long Bytes) AllSplit(string[] files, int threads = 0)
    {
        long records = 0, bytes = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        Parallel.ForEach(files, options, () => (0L, 0L), (f, _, local) =>
        {
            foreach (int length in TransferDetect.Engine.Internal.BenchAccess.Split(f))
            {
                local.Item1++;
                local.Item2 += length;
            }
            return local;
        }, local =>
        {
            Interlocked.Add(ref records, local.Item1);
            Interlocked.Add(ref bytes, local.Item2);
        });
        return (records, bytes);
    }

    /// <summary>
    /// bench inflate-buffers &lt;dir&gt; [rounds]: row (a) with read sizes from 16 KB to 4 MB, the sizes in turn within
    /// each round (a different one first each round), best of the rounds, on all cores and on one.
    /// </summary>
    public static void CompareBufferSizes(string dir, int rounds)
    {
        var files = Directory.GetFiles(dir, "*.json.gz", SearchOption.AllDirectories);
        int[] sizes = { 1 << 14, 1 << 16, 1 << 17, 1 << 18, 1 << 20, 1 << 22 };
        foreach (int threads in new[] { Environment.ProcessorCount, 1 })
        {
            var best = new double[sizes.Length];
            Array.Fill(best, double.MaxValue);
            long bytes = 0;
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < sizes.Length; k++)
                {
                    int which = (k + round) % sizes.Length;
                    var sw = Stopwatch.StartNew();
                    bytes = All(files, threads, sizes[which]);
                    best[which] = Math.Min(best[which], sw.Elapsed.TotalSeconds);
                }
            }
            double fastest = best.Min();
            Console.WriteLine($"{files.Length} file(s), {bytes / 1e6:N1} MB JSON, {threads} thread(s), best of {rounds}:");
            for (int k = 0; k < sizes.Length; k++)
            {
                Console.WriteLine($"  reads of {sizes[k] / 1024,5:N0} KB  {best[k],7:N3} s  {bytes / 1e6 / best[k],7:N0} MB/s  {best[k] / fastest,5:N2}x the fastest's time");
            }
        }
    }
}
