using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;

namespace TransferDetect.Engine.Live.Azure;

/// <summary>
/// Reads the Azure Activity Log of subscriptions live, through the documented REST API
/// (<c>GET /subscriptions/{id}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01</c>
/// with <c>$filter=eventTimestamp ge '...' and eventTimestamp le '...'</c>), page by page through nextLink,
/// and gives the pages to the same reader as the portal and CLI exports: live events are the ShareEvents
/// the offline reader makes. The API serves the last 90 days; an older start is reported and the rest read.
/// A failure in the middle (a 5xx or 429 that outlasts the retries, a token that expires) is reported
/// naming the subscription and the page, and what was read before it is kept.
/// </summary>
public sealed class AzureActivityLogSource
{
    /// <summary>How far back the Activity Log API serves events.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(90);

    internal const string ApiVersion = "2015-04-01";

    private readonly IScanHost _host;
    private readonly AzureLiveOptions _options;
    private readonly ShareLogReader _reader;
    private readonly TimeWindow _window;

    /// <param name="readerOptions">The reader's filters (operations, categories, fold); its provider is Azure and its window the options'.</param>
    public AzureActivityLogSource(IScanHost host, AzureLiveOptions options, ShareLogReaderOptions? readerOptions = null)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.SubscriptionIds.Count == 0) throw new ArgumentException("The Activity Log is read per subscription: give at least one subscription id.");
        _window = options.Window;
        var r = readerOptions ?? new ShareLogReaderOptions();
        r.Providers = new[] { Provider.Azure };
        r.Window = _window;
        _reader = new ShareLogReader(host, r);
    }

    /// <summary>Counts of pages (as files), records and events read so far.</summary>
    public ScanStatistics Statistics => _reader.Statistics;

    /// <summary>Pages that could not be read (each reported).</summary>
    public int FailedRequests { get; private set; }

    /// <summary>The share events of every subscription, in the order the API returns them (newest first).</summary>
    /// <exception cref="AzureLiveException">Signing in failed, or Resource Manager refused the credential on the first page.</exception>
    public IEnumerable<ShareEvent> Read(CancellationToken cancellationToken = default)
    {
        var arm = new ArmClient(_options);
        return _reader.ReadPages(Pages(arm, cancellationToken), cancellationToken);
    }

    /// <summary>The query window: the options' window, its start no earlier than 90 days ago (reported when it was).</summary>
    internal (DateTime Start, DateTime End) QueryWindow()
    {
        var now = _options.UtcNow();
        var oldest = now - Retention;
        var end = _window.End ?? now;
        var start = _window.Start ?? oldest;
        if (start < oldest)
        {
            _host.ReportIssue(new ReadIssue(ReadIssueKind.SourceLimited, "Azure Activity Log",
                $"the Activity Log API serves the last 90 days only: events from {start.ToString("u", CultureInfo.InvariantCulture)} to {oldest.ToString("u", CultureInfo.InvariantCulture)} cannot be read live; " +
                "read them from logs exported by a diagnostic setting (Get-ShareEvent -BlobContainerUri) or a Log Analytics workspace."));
            start = oldest;
        }
        if (end > now) end = now;
        return (start, end);
    }

    internal static string Filter(DateTime start, DateTime end) =>
        $"eventTimestamp ge '{start.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)}' and eventTimestamp le '{end.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)}'";

    private IEnumerable<KeyValuePair<string, Stream>> Pages(ArmClient arm, CancellationToken cancellationToken)
    {
        var (start, end) = QueryWindow();
        if (start > end) yield break;
        string filter = Uri.EscapeDataString(Filter(start, end));
        foreach (var raw in _options.SubscriptionIds)
        {
            string subscription = raw.Trim();
            var first = arm.Address($"/subscriptions/{Uri.EscapeDataString(subscription)}/providers/Microsoft.Insights/eventtypes/management/values?api-version={ApiVersion}&$filter={filter}");
            _host.Verbose($"Reading the Activity Log of subscription {subscription} from {start:u} to {end:u} with {arm.CredentialDescription}.");
            using var pages = arm.List(first, cancellationToken).GetEnumerator();
            int read = 0;
            while (true)
            {
                ArmPage page;
                try
                {
                    if (!pages.MoveNext()) break;
                    page = pages.Current;
                }
                catch (ArmRequestException e) when (!(e.IsAuthentication && read == 0))
                {
                    FailedRequests++;
                    _host.ReportIssue(new ReadIssue(ReadIssueKind.SourceFailed, $"Azure Activity Log of subscription {subscription}",
                        $"page {read + 1} could not be read: {e.Message}. {read} page(s) before it were read and kept; the older events of the window were not read, so the result is incomplete: run the command again for the window before the last event read."));
                    break;
                }
                catch (ArmRequestException e)
                {
                    throw new AzureLiveException($"The Activity Log of subscription {subscription} cannot be read: {e.Message}.", e.Status);
                }
                read++;
                _host.Progress(new ScanProgress($"Activity Log of {subscription}, page {page.Number}", Statistics.FilesRead, Statistics.Records, Statistics.BytesRead));
                yield return new KeyValuePair<string, Stream>($"Activity Log of subscription {subscription}, page {page.Number}", page.Body.ToStream());
            }
            _host.Verbose($"Read {read} page(s) of the Activity Log of subscription {subscription}.");
        }
    }
}
