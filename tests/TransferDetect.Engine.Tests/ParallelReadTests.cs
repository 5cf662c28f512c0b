using System.Diagnostics;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Sources;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>
/// Runs alone: its decoders keep both cores busy for seconds, which starved the rate-timed live tests
/// (CloudTrailLookupTests) running beside it.
/// </summary>
[CollectionDefinition(nameof(CpuHeavyCollection), DisableParallelization = true)]
public sealed class CpuHeavyCollection
{
}

/// <summary>Several files decoded at once: events still in file order, and no file can stall the others.</summary>
[Collection(nameof(CpuHeavyCollection))]
public class ParallelReadTests
{
    private const int Files = 24;
    private const int SharesPerFile = 1_300; // more than a file's queue holds (1,024), so a decoder that runs ahead must wait

    private static string[] WriteShareHeavyFiles()
    {
        string dir = TransferDetect.Tests.RepoPaths.NewTempDirectory();
        var paths = new string[Files];
        for (int f = 0; f < Files; f++)
        {
            var records = new System.Text.Json.Nodes.JsonObject[SharesPerFile];
            for (int r = 0; r < SharesPerFile; r++)
            {
                records[r] = CloudTrailJson.SnapshotShare("add", $"{{\"userId\":\"{100_000_000_000 + f * SharesPerFile + r}\"}}");
            }
            paths[f] = Path.Combine(dir, $"{f:D3}.json.gz");
            File.WriteAllBytes(paths[f], CloudTrailJson.Gzip(CloudTrailJson.Delivery(records)));
        }
        return paths;
    }

    [Fact]
    public async Task Read_of_many_files_each_with_more_events_than_its_queue_holds_finishes_with_every_event_in_file_order()
    {
        var paths = WriteShareHeavyFiles();
        for (int run = 0; run < 5; run++)
        {
            var host = new CollectingScanHost();
            var reader = new ShareLogReader(host, new ShareLogReaderOptions { MaxParallelFiles = 2 });
            var seen = new List<(string File, long Record)>();
            // Its own thread, not one of the pool's: it blocks.
            var consumer = Task.Factory.StartNew(() =>
            {
                string? last = null;
                foreach (var e in reader.Read(paths, TestContext.Current.CancellationToken))
                {
                    if (e.Source!.File != last)
                    {
                        // A slow consumer at each new file lets the decoders run ahead and fill their queues.
                        Thread.Sleep(15);
                        last = e.Source.File;
                    }
                    seen.Add((e.Source.File, e.Source.Record));
                }
            }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            // Before the decoders took files in order, one run in five or so hung here for good.
            var done = await Task.WhenAny(consumer, Task.Delay(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken));
            Assert.True(done == consumer, $"run {run}: the parallel read stopped making progress after {seen.Count} events");
            await consumer;
            Assert.Empty(host.Issues);
            Assert.Equal(Files * SharesPerFile, seen.Count);
            var expected = paths.SelectMany(p => Enumerable.Range(1, SharesPerFile).Select(r => (p, (long)r))).ToList();
            Assert.Equal(expected, seen);
            Assert.Equal(Files, reader.Statistics.FilesRead);
        }
    }

    [Fact]
    public void Parallel_read_stopped_early_by_its_consumer_returns_and_reads_no_further()
    {
        var paths = WriteShareHeavyFiles();
        var reader = new ShareLogReader(new CollectingScanHost(), new ShareLogReaderOptions { MaxParallelFiles = 2 });
        var sw = Stopwatch.StartNew();
        var first = reader.Read(paths, TestContext.Current.CancellationToken).Take(SharesPerFile + 5).ToList();
        Assert.Equal(SharesPerFile + 5, first.Count);
        Assert.Equal(paths[1], first[^1].Source!.File);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60));
        // Only the files consumed and those in flight were counted; not all of them.
        Assert.True(reader.Statistics.FilesRead < Files, $"{reader.Statistics.FilesRead} files counted");
    }
}
