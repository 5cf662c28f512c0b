using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;

namespace TransferDetect.Bench;

/// <summary>
/// bench jit &lt;dir&gt;: what the runtime compiles during one scan (the semantics of scan-once), from its own events:
/// compiles and time by tier and by thread, and the longest. A long scan calls its per-file and per-event code (and the
/// framework code under it) often enough for the runtime to compile it again, instrumented and then optimized, on a
/// thread of its own that shares the cores with the decoders: this shows how much that is.
/// </summary>
internal static class JitLog
{
    private static readonly string[] TierNames =
        { "unknown", "minopts", "optimized (marked)", "tier 0", "tier 1", "tier 1 OSR", "tier 0 instrumented", "tier 1 instrumented" };

    public static int Run(string dir, int top)
    {
        using var listener = new CompileListener();
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var threadCpu0 = ThreadsNow().ToDictionary(t => t, t => ThreadCpuSeconds(t) ?? 0);
        var sw = Stopwatch.StartNew();
        var (records, findings, _, issues) = SnapshotScan.Once(dir);
        double wall = sw.Elapsed.TotalSeconds;
        var ended = DateTime.UtcNow;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        // Each thread's own CPU time during the scan, where the system tells it (Linux): read now, before an idle thread ends.
        var threadCpu = listener.Threads().ToDictionary(t => t, t => ThreadCpuSeconds(t) - threadCpu0.GetValueOrDefault(t));
        // The runtime hands its events to the listener a little late: let the last ones arrive.
        Thread.Sleep(1000);
        // Only what began during the scan: not this report's own code.
        var compiles = listener.Compiles().Where(c => c.Started < ended).ToList();

        Console.WriteLine($"scan: {records:N0} record(s), {findings} finding(s), {wall:N2} s wall, {cpu:N2} s CPU");
        Console.WriteLine($"compiles: {compiles.Count:N0}, {compiles.Sum(c => c.Milliseconds):N0} ms from start to end of each (wall time, a compile the scan's threads preempt takes longer)");
        Console.WriteLine("by tier:");
        foreach (var g in compiles.GroupBy(c => c.Tier).OrderBy(g => g.Key))
        {
            Console.WriteLine($"  {TierNames[g.Key],-22}{g.Count(),7:N0} compile(s) {g.Sum(c => c.Milliseconds),8:N0} ms");
        }
        Console.WriteLine("by thread (a thread that compiled nothing at tier 0 is the runtime's tier-up worker):");
        foreach (var g in compiles.GroupBy(c => c.Thread).OrderByDescending(g => g.Sum(c => c.Milliseconds)))
        {
            bool worker = g.All(c => c.Tier != 3);
            double? own = threadCpu.TryGetValue(g.Key, out var s) ? s : null;
            Console.WriteLine($"  thread {g.Key,-8}{(worker ? "tier-up worker" : ""),-16}{g.Count(),7:N0} compile(s) {g.Sum(c => c.Milliseconds),8:N0} ms, " +
                $"from {g.Min(c => c.At):N2} s to {g.Max(c => c.At):N2} s" +
                (own is double o ? $", the thread's CPU {o:N2} s ({o / cpu:P1} of the process's)" : ""));
        }
        Console.WriteLine($"the {top} longest:");
        foreach (var c in compiles.OrderByDescending(c => c.Milliseconds).Take(top))
        {
            Console.WriteLine($"  {c.Milliseconds,7:N1} ms  {TierNames[c.Tier],-20} at {c.At,5:N2} s  {c.Method}");
        }
        if (compiles.Count == 0)
        {
            // The runtime compiled something for this scan in any case: no event at all means the listener is broken.
            Console.Error.WriteLine("bench jit: the runtime reported no compile");
            return 1;
        }
        return issues > 0 ? 1 : 0;
    }

    /// <summary>The process's threads where the system lists them (Linux), none elsewhere.</summary>
    private static IEnumerable<long> ThreadsNow()
    {
        try
        {
            return Directory.GetDirectories("/proc/self/task").Select(d => long.TryParse(Path.GetFileName(d), out long t) ? t : -1).Where(t => t > 0).ToList();
        }
        catch (IOException)
        {
            return Array.Empty<long>();
        }
        catch (UnauthorizedAccessException)
        {
            return Array.Empty<long>();
        }
    }

    /// <summary>A thread's CPU seconds since it began, where the system tells them (Linux).</summary>
    private static double? ThreadCpuSeconds(long thread)
    {
        try
        {
            // /proc/self/task/<tid>/stat: the fields after the name's closing parenthesis; utime and stime are the 12th and 13th.
            string stat = File.ReadAllText($"/proc/self/task/{thread}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private sealed record Compile(string Method, int Tier, long Thread, DateTime Started, double At, double Milliseconds);

    /// <summary>The runtime's JIT events (keyword 0x10): a compile's start (145) and the method's load (143), paired by thread and method.</summary>
    private sealed class CompileListener : EventListener
    {
        private readonly ConcurrentDictionary<(long Thread, ulong Method), (DateTime At, string Name)> _started = new();
        private readonly ConcurrentQueue<Compile> _done = new();
        private readonly DateTime _t0 = DateTime.UtcNow;

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x10);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.Payload is null) return;
            if (e.EventId == 145)
            {
                _started[(e.OSThreadId, Convert.ToUInt64(e.Payload[0]))] = (e.TimeStamp.ToUniversalTime(), $"{e.Payload[4]}::{e.Payload[5]}");
            }
            else if (e.EventId == 143 && _started.TryRemove((e.OSThreadId, Convert.ToUInt64(e.Payload[0])), out var start))
            {
                int tier = (int)((Convert.ToUInt32(e.Payload[5]) >> 7) & 7);
                _done.Enqueue(new Compile(start.Name, tier, e.OSThreadId, start.At, (start.At - _t0).TotalSeconds, (e.TimeStamp.ToUniversalTime() - start.At).TotalMilliseconds));
            }
        }

        public List<Compile> Compiles() => _done.ToList();

        public IEnumerable<long> Threads() => _done.Select(c => c.Thread).Concat(_started.Keys.Select(k => k.Thread)).Distinct().ToList();
    }
}
