using System;
using System.Collections.Generic;
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

    public IEnumerable<ShareEvent> Read(IReadOnlyList<string> regions, IReadOnlyList<string> eventNames, CancellationToken cancellationToken)
    {
        foreach (var region in regions)
        {
            if (Strategy == CloudTrailLookupStrategy.WriteEvents)
            {
                foreach (var e in Listing(region, null, () => { }, cancellationToken)) yield return e;
                continue;
            }
            foreach (var name in eventNames)
            {
                bool denied = false;
                foreach (var e in Listing(region, name, () => denied = true, cancellationToken)) yield return e;
                if (denied) break;
            }
        }
    }

    private IEnumerable<ShareEvent> Listing(string region, string? eventName, Action denied, CancellationToken cancellationToken)
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
        long events = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            page++;
            CloudTrailEventsPage result;
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
                _host.ReportIssue(new ReadIssue(ReadIssueKind.AccessDenied, $"LookupEvents {region}",
                    $"access denied ({e.ErrorCode ?? "HTTP " + e.StatusCode}): the identity needs cloudtrail:LookupEvents; region {region} was not read"));
                denied();
                yield break;
            }
            catch (AwsApiException e)
            {
                string kept = page == 1 ? "nothing of it was read" : $"the {events} share event(s) of pages 1 to {page - 1} were kept";
                _host.ReportIssue(new ReadIssue(ReadIssueKind.ApiCallFailed, $"LookupEvents {region}",
                    $"page {page} of {what} failed ({e.Message}); {kept}, and the rest of {what} in {region} was not read"));
                yield break;
            }
            Pages++;
            string name = eventName == null ? $"LookupEvents {region} page {page}" : $"LookupEvents {region} {eventName} page {page}";
            using (var stream = new MemoryStream(result.Body, writable: false))
            {
                foreach (var e in _reader.ReadStream(stream, name, cancellationToken))
                {
                    events++;
                    yield return e;
                }
            }
            if (result.NextToken == null) yield break;
            if (result.NextToken == request.NextToken)
            {
                _host.ReportIssue(new ReadIssue(ReadIssueKind.ApiCallFailed, $"LookupEvents {region}",
                    $"page {page} of {what} returned the token it was asked with; paging stopped there so it does not loop"));
                yield break;
            }
            request.NextToken = result.NextToken;
        }
    }
}
