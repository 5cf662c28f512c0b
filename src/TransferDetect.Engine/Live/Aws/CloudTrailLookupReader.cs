using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks;
using System.IO;
using System.Linq;
using System.Threading;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Engine.Live.Aws;

/// <summary>
/// Pages CloudTrail LookupEvents (NextToken) region by region and streams every page through the same
/// reader as exported logs, so the events are the same ShareEvents (Source "LookupEvents &lt;region&gt; ...").
/// A call that fails after its retries is reported with its region and page; what was read stays, the
/// listing after it is named as not read. Access denied skips the region; expired credentials stop all.
/// </summary>
internal sealed class CloudTrailLookupReader
{
    /// <summary>How far back LookupEvents goes (documented: the last 90 days of management events).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(90);

    /// <summary>Data events (S3 CopyObject) are never in LookupEvents: only management events are.</summary>
    private static readonly HashSet<string> DataEvents = new(StringComparer.OrdinalIgnoreCase) { "CopyObject" };

    /// <summary>Names CloudTrail records with the API version after them (the catalogue matches the prefix).</summary>
    private static readonly Dictionary<string, string[]> VersionedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AddLayerVersionPermission"] = new[] { "AddLayerVersionPermission20181031" },
        ["RemoveLayerVersionPermission"] = new[] { "RemoveLayerVersionPermission20181031" },
    };

    private readonly ICloudTrailEventSource _source;
    private readonly ShareLogReader _reader;
    private readonly IScanHost _host;
    private readonly TimeWindow _window;

    public CloudTrailLookupReader(ICloudTrailEventSource source, ShareLogReader reader, IScanHost host, TimeWindow window)
    {
        _source = source;
        _reader = reader;
        _host = host;
        _window = window;
    }

    public CloudTrailLookupStrategy Strategy { get; set; } = CloudTrailLookupStrategy.PerEventName;

    /// <summary>Pages read (calls that returned), for -Verbose and tests.</summary>
    public int Pages { get; private set; }

    /// <summary>The event names looked up for these categories and operations (null: all).</summary>
    public static IReadOnlyList<string> EventNames(ICollection<ShareCategory>? categories, ICollection<string>? operations)
    {
        var catalog = AwsShareCatalog.All.For(categories);
        var names = catalog.Operations.Select(o => o.EventName)
            .Where(n => operations == null || operations.Contains(n, StringComparer.OrdinalIgnoreCase))
            .Where(n => !DataEvents.Contains(n))
            .SelectMany(n => VersionedNames.TryGetValue(n, out var v) ? v : new[] { n })
            .ToList();
        return names;
    }

    /// <summary>A warning when the window starts before what LookupEvents keeps, or null.</summary>
    public static string? RetentionWarning(TimeWindow window, DateTime utcNow)
    {
        var oldest = utcNow - Retention;
        if (window.Start is DateTime start && start < oldest)
        {
            return $"CloudTrail LookupEvents only returns the last 90 days of management events (from {oldest:yyyy-MM-dd HH:mm} UTC); the window starts {start:yyyy-MM-dd HH:mm} UTC, so the days before are not read. Read the trail's log files for older events (-Bucket, or -Path on a copy).";
        }
        return null;
    }

    /// <summary>
    /// Reads the regions at once (each at its own rate limit), one page in memory per region at most plus a
    /// small shared queue; the pages are parsed here, on the caller's thread, as they arrive, so events of
    /// different regions interleave. Problems are reported on the caller's thread too.
    /// </summary>
    public IEnumerable<ShareEvent> Read(IReadOnlyList<string> regions, IReadOnlyList<string> eventNames, CancellationToken cancellationToken)
    {
        if (regions.Count <= 1)
        {
            foreach (var region in regions)
            {
                foreach (var e in Parse(Fetch(region, eventNames, cancellationToken), cancellationToken)) yield return e;
            }
            yield break;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var queue = new BlockingCollection<object>(boundedCapacity: Math.Max(4, regions.Count));
        int running = regions.Count;
        // Each region on a thread of its own: a producer blocks (rate limit, back-off, the call itself), and on the
        // thread pool of a 2-core machine the regions past the second waited for the pool to grow instead of starting.
        var producers = regions.Select(region => Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var item in Fetch(region, eventNames, stop.Token)) queue.Add(item, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The read was stopped (Ctrl+C, or another region's fatal error).
            }
            catch (Exception e)
            {
                try
                {
                    queue.Add(ExceptionDispatchInfo.Capture(e), stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
            finally
            {
                if (Interlocked.Decrement(ref running) == 0) queue.CompleteAdding();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            foreach (var e in Parse(queue.GetConsumingEnumerable(cancellationToken), cancellationToken)) yield return e;
        }
        finally
        {
            stop.Cancel();
            try
            {
                Task.WaitAll(producers);
            }
            catch (AggregateException)
            {
                // Cancelled with the read; its errors were passed on through the queue.
            }
        }
    }

    /// <summary>A page as it came, with the name its events are read under.</summary>
    private sealed class FetchedPage
    {
        public FetchedPage(string name, byte[] body)
        {
            Name = name;
            Body = body;
        }

        public string Name { get; }
        public byte[] Body { get; }
    }

    /// <summary>Messages for -Verbose from other threads (the client's retries), passed on by the caller's thread.</summary>
    public ConcurrentQueue<string> Pending { get; } = new();

    /// <summary>Turns fetched pages into events and passes problems to the host, on the caller's thread.</summary>
    private IEnumerable<ShareEvent> Parse(IEnumerable<object> items, CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            while (Pending.TryDequeue(out var pending)) _host.Verbose(pending);
            switch (item)
            {
                case FetchedPage page:
                    Pages++;
                    using (var stream = new MemoryStream(page.Body, writable: false))
                    {
                        foreach (var e in _reader.ReadStream(stream, page.Name, cancellationToken)) yield return e;
                    }
                    break;
                case ReadIssue issue:
                    _host.ReportIssue(issue);
                    break;
                case string message:
                    _host.Verbose(message);
                    break;
                case ExceptionDispatchInfo error:
                    error.Throw();
                    break;
            }
        }
        while (Pending.TryDequeue(out var last)) _host.Verbose(last);
    }

    /// <summary>The pages of one region (every listing of it), and the issues of the calls that failed.</summary>
    private IEnumerable<object> Fetch(string region, IReadOnlyList<string> eventNames, CancellationToken cancellationToken)
    {
        if (Strategy == CloudTrailLookupStrategy.WriteEvents)
        {
            foreach (var item in Listing(region, null, () => { }, cancellationToken)) yield return item;
            yield break;
        }
        foreach (var name in eventNames)
        {
            bool denied = false;
            foreach (var item in Listing(region, name, () => denied = true, cancellationToken)) yield return item;
            if (denied) yield break;
        }
    }

    private IEnumerable<object> Listing(string region, string? eventName, Action denied, CancellationToken cancellationToken)
    {
        string what = eventName ?? "write events";
        var request = new CloudTrailLookupRequest(region)
        {
            EventName = eventName,
            ReadOnly = eventName == null ? false : null,
            StartTime = _window.Start,
            EndTime = _window.End,
        };
        int page = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            page++;
            CloudTrailEventsPage? result = null;
            ReadIssue? failure = null;
            try
            {
                result = _source.LookupEventsAsync(request, cancellationToken).GetAwaiter().GetResult();
            }
            catch (AwsApiException e) when (e.IsCredentialError)
            {
                throw AwsCredentialErrors.Fatal(e);
            }
            catch (AwsApiException e) when (e.IsAccessDenied)
            {
                failure = new ReadIssue(ReadIssueKind.AccessDenied, $"LookupEvents {region}",
                    $"access denied ({e.ErrorCode ?? "HTTP " + e.StatusCode}): the identity needs cloudtrail:LookupEvents; region {region} was not read");
                denied();
            }
            catch (AwsApiException e)
            {
                string kept = page == 1 ? "nothing of it was read" : $"the events of pages 1 to {page - 1} were kept";
                failure = new ReadIssue(ReadIssueKind.SourceFailed, $"LookupEvents {region}",
                    $"page {page} of {what} failed ({e.Message}); {kept}, and the rest of {what} in {region} was not read");
            }
            if (failure != null)
            {
                yield return failure;
                yield break;
            }
            string name = eventName == null ? $"LookupEvents {region} page {page}" : $"LookupEvents {region} {eventName} page {page}";
            yield return new FetchedPage(name, result!.Body);
            if (result.NextToken == null) yield break;
            if (result.NextToken == request.NextToken)
            {
                yield return new ReadIssue(ReadIssueKind.SourceFailed, $"LookupEvents {region}",
                    $"page {page} of {what} returned the token it was asked with; paging stopped there so it does not loop");
                yield break;
            }
            request.NextToken = result.NextToken;
        }
    }
}
