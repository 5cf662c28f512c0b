using System.Text;
using BenchmarkDotNet.Attributes;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Internal;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Bench;

/// <summary>
/// The inner parts, one delivery file (about 4 MB of JSON) in memory, in process:
/// <c>dotnet run -c Release --project bench/TransferDetect.Bench -- micro --filter '*'</c>.
/// The differences between rows are what each stage costs; MemoryDiagnoser shows the skip path allocates nothing per record.
/// </summary>
[MemoryDiagnoser]
[InProcess]
public class Micro
{
    private byte[] _json = Array.Empty<byte>();

    [GlobalSetup]
    public void Setup()
    {
        string dir = Path.Combine(Path.GetTempPath(), "transferdetect-micro-" + Environment.ProcessId);
        var g = new CorpusGenerator(seed: 42, shareEvery: 500);
        g.Write(dir, 4L << 20);
        string file = Directory.GetFiles(dir, "*.json.gz", SearchOption.AllDirectories)[0];
        using (var gz = new System.IO.Compression.GZipStream(File.OpenRead(file), System.IO.Compression.CompressionMode.Decompress))
        using (var ms = new MemoryStream())
        {
            gz.CopyTo(ms);
            _json = ms.ToArray();
        }
        Directory.Delete(dir, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "split, byte by byte")]
    public int SplitScalar() => BenchAccess.CountRecords(_json, vectorized: false);

    [Benchmark(Description = "split, vectorized")]
    public int SplitVectorized() => BenchAccess.CountRecords(_json, vectorized: true);

    [Benchmark(Description = "split + eventName prefilter")]
    public int SplitPrefilter() => BenchAccess.CountPrefiltered(_json);

    [Benchmark(Description = "split + header parse of every record")]
    public int SplitHeader() => BenchAccess.CountByHeader(_json);

    [Benchmark(Description = "ShareLogReader.ReadStream (all of it)")]
    public int ReadStream()
    {
        var reader = new ShareLogReader(new CollectingScanHost());
        int n = 0;
        foreach (var _ in reader.ReadStream(new MemoryStream(_json, writable: false), "micro")) n++;
        return n;
    }
}
