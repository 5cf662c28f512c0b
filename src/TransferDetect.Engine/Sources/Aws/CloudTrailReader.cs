using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.IO;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>Settings of a CloudTrail scan.</summary>
public sealed class CloudTrailReaderOptions
{
    /// <summary>Only share records whose eventTime falls in the window are returned.</summary>
    public TimeWindow Window { get; set; } = TimeWindow.All;

    /// <summary>A record larger than this is reported and skipped (default 64 MiB).</summary>
    public int MaxRecordBytes { get; set; } = 64 << 20;

    /// <summary>Problems reported one by one per file before the rest are only counted.</summary>
    public int MaxIssuesPerFile { get; set; } = 25;

    /// <summary>
    /// How many times its compressed size a gzip file may expand before it is taken for a gzip bomb and
    /// reading stops (checked past 64 MiB of text). CloudTrail compresses about 10 to 20 times; the
    /// default is 200.
    /// </summary>
    public int MaxCompressionRatio { get; set; } = LogFileOpener.DefaultMaxCompressionRatio;

    /// <summary>Only these regions (awsRegion); in an AWSLogs tree the folders of other regions are not opened. Null: all.</summary>
    public ICollection<string>? Regions { get; set; }

    /// <summary>Only these operations (event names), a subset of the reader's. Null: all.</summary>
    public ICollection<string>? Operations { get; set; }

    /// <summary>Files decoded at once; 0 (the default) means one per processor. Events still come out in file order.</summary>
    public int MaxParallelFiles { get; set; }
}

/// <summary>
/// Streams CloudTrail logs (S3 delivery <c>{"Records":[...]}</c>, bare arrays, JSON lines,
/// LookupEvents output, plain or gzip, single files or whole AWSLogs trees) into share events.
/// One record is in memory at a time. Problems are reported to the host and reading goes on.
/// </summary>
public sealed class CloudTrailReader
{
    /// <summary>Properties whose array holds the records: S3 delivery and LookupEvents output.</summary>
    internal static readonly string[] WrapperKeys = { "Records", "Events" };
    private readonly IScanHost _host;
    private readonly CloudTrailReaderOptions _options;
    private readonly AwsShareCatalog _catalog;

    private readonly HashSet<string>? _regions;

    /// <exception cref="ArgumentException">An operation in <see cref="CloudTrailReaderOptions.Operations"/> is not one this reader reads.</exception>
    public CloudTrailReader(IScanHost host, CloudTrailReaderOptions? options = null)
        : this(host, options, AwsShareCatalog.Snapshots)
    {
    }

    internal CloudTrailReader(IScanHost host, CloudTrailReaderOptions? options, AwsShareCatalog catalog)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _options = options ?? new CloudTrailReaderOptions();
        _catalog = _options.Operations == null ? catalog : catalog.Only(_options.Operations);
        _regions = _options.Regions == null ? null : new HashSet<string>(_options.Regions, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The event names Get-SnapshotShareEvent reads.</summary>
    public static IReadOnlyList<string> SnapshotOperations { get; } =
        AwsShareCatalog.Snapshots.Operations.Select(o => o.EventName).ToArray();

    /// <summary>Counts of everything read and skipped so far.</summary>
    public ScanStatistics Statistics { get; } = new();

    /// <summary>
    /// Reads files and folders (see <see cref="InputFiles"/>). Several files are decoded at once
    /// (<see cref="CloudTrailReaderOptions.MaxParallelFiles"/>); events, problems and messages still
    /// reach the caller in file order, on the caller's thread, and memory stays bounded: each file in
    /// flight holds at most a small queue of events.
    /// </summary>
    public IEnumerable<ShareEvent> Read(IEnumerable<string> paths, CancellationToken cancellationToken = default)
    {
        var files = InputFiles.Expand(paths, _options.Window, _regions, Statistics, _host, cancellationToken);
        int workers = _options.MaxParallelFiles > 0 ? _options.MaxParallelFiles : Environment.ProcessorCount;
        return workers <= 1 ? ReadSequential(files, cancellationToken) : ReadParallel(files, workers, cancellationToken);
    }

    private IEnumerable<ShareEvent> ReadSequential(IEnumerable<string> files, CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            foreach (var e in ReadFile(file, cancellationToken)) yield return e;
        }
    }

    private IEnumerable<ShareEvent> ReadParallel(IEnumerable<string> files, int workers, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Twice as many files queued as decoded: a small file never waits behind a large one, and no
        // more decoders run than there are cores.
        using var decoders = new SemaphoreSlim(workers, workers);
        var inFlight = new Queue<FileJob>();
        using var next = files.GetEnumerator();
        try
        {
            while (true)
            {
                while (inFlight.Count < workers * 2 && next.MoveNext())
                {
                    inFlight.Enqueue(FileJob.Start(this, next.Current, decoders, stop.Token));
                }
                if (inFlight.Count == 0) yield break;
                var job = inFlight.Peek();
                _host.Progress(new ScanProgress(job.Path, Statistics.FilesRead, Statistics.Records, Statistics.BytesRead));
                foreach (var item in job.Items.GetConsumingEnumerable(cancellationToken))
                {
                    switch (item)
                    {
                        case ShareEvent e:
                            yield return e;
                            break;
                        case ReadIssue issue:
                            _host.ReportIssue(issue);
                            break;
                        case string message:
                            _host.Verbose(message);
                            break;
                    }
                }
                inFlight.Dequeue();
                job.Task.GetAwaiter().GetResult();
                Statistics.Add(job.Statistics);
            }
        }
        finally
        {
            stop.Cancel();
            foreach (var job in inFlight)
            {
                try
                {
                    job.Task.Wait();
                }
                catch (AggregateException)
                {
                    // Cancelled with the scan; nothing of it is reported.
                }
            }
        }
    }

    /// <summary>One file decoded on a worker; what it finds waits in a bounded queue for the caller.</summary>
    private sealed class FileJob : IScanHost
    {
        private CancellationToken _token;

        private FileJob(string path)
        {
            Path = path;
        }

        public string Path { get; }
        public ScanStatistics Statistics { get; } = new();
        public System.Collections.Concurrent.BlockingCollection<object> Items { get; } = new(boundedCapacity: 1024);
        public System.Threading.Tasks.Task Task { get; private set; } = System.Threading.Tasks.Task.CompletedTask;

        public static FileJob Start(CloudTrailReader reader, string path, SemaphoreSlim decoders, CancellationToken token)
        {
            var job = new FileJob(path) { _token = token };
            job.Task = System.Threading.Tasks.Task.Run(() =>
            {
                try
                {
                    decoders.Wait(token);
                    try
                    {
                        foreach (var e in reader.ReadFileCore(path, job.Statistics, job, token)) job.Items.Add(e, token);
                    }
                    finally
                    {
                        decoders.Release();
                    }
                }
                finally
                {
                    job.Items.CompleteAdding();
                }
            });
            return job;
        }

        public void ReportIssue(ReadIssue issue) => Items.Add(issue, _token);
        public void Verbose(string message) => Items.Add(message, _token);
        public void Progress(ScanProgress progress) { }
    }

    public IEnumerable<ShareEvent> ReadFile(string path, CancellationToken cancellationToken = default) =>
        ReadFileCore(path, Statistics, _host, cancellationToken);

    /// <summary>Reads one stream of decompressed log text; <paramref name="name"/> names it in errors.</summary>
    public IEnumerable<ShareEvent> ReadStream(Stream stream, string name, CancellationToken cancellationToken = default) =>
        ReadStreamCore(stream, name, Statistics, _host, cancellationToken);

    private IEnumerable<ShareEvent> ReadFileCore(string path, ScanStatistics stats, IScanHost host, CancellationToken cancellationToken)
    {
        Stream stream;
        try
        {
            stream = LogFileOpener.Open(path, _options.MaxCompressionRatio);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InputFormatException)
        {
            stats.Issues++;
            stats.FilesWithIssues++;
            host.ReportIssue(new ReadIssue(ReadIssueKind.FileUnreadable, path, "the file cannot be opened: " + e.Message));
            yield break;
        }
        using (stream)
        {
            foreach (var e in ReadStreamCore(stream, path, stats, host, cancellationToken)) yield return e;
        }
    }

    private IEnumerable<ShareEvent> ReadStreamCore(Stream stream, string name, ScanStatistics stats, IScanHost host, CancellationToken cancellationToken)
    {
        host.Verbose($"Reading {name}");
        host.Progress(new ScanProgress(name, stats.FilesRead, stats.Records, stats.BytesRead));
        var issues = new FileIssues(host, stats, name, _options.MaxIssuesPerFile);
        var splitter = new JsonRecordSplitter(stream, name, WrapperKeys, _options.MaxRecordBytes, issues.Report);
        var events = new List<ShareEvent>();
        long before = stats.ShareEvents;
        try
        {
            foreach (var raw in splitter.Records(cancellationToken))
            {
                stats.Records++;
                events.Clear();
                ReadRecord(raw, name, issues, stats, events);
                foreach (var e in events)
                {
                    stats.ShareEvents++;
                    yield return e;
                }
            }
        }
        finally
        {
            stats.FilesRead++;
            stats.BytesRead += splitter.BytesRead;
            stats.InvalidRecords += splitter.BrokenRecords;
            issues.Finish("CloudTrail");
        }
        host.Verbose($"Read {name}: {splitter.RecordCount} record(s), {stats.ShareEvents - before} share event(s).");
    }

    private void ReadRecord(in RawRecord raw, string name, FileIssues issues, ScanStatistics stats, List<ShareEvent> output)
    {
        if (_catalog.Filter(raw.Json.Span) == EventNameFilter.NotInCatalogue)
        {
            return;
        }
        CloudTrailHeader header;
        try
        {
            header = CloudTrailHeader.Read(raw.Json.Span, _catalog);
        }
        catch (JsonException e)
        {
            stats.InvalidRecords++;
            issues.Report(ReadIssueKind.InvalidRecord, "the record is not valid JSON: " + CleanJsonMessage(e), raw);
            return;
        }
        if (!header.IsCloudTrail)
        {
            stats.ForeignRecords++;
            issues.Foreign(raw);
            return;
        }
        if (header.OperationIndex < 0 || !_catalog.SourceFits(header.OperationIndex, header.SourceIndex, header.HasEventSource))
        {
            return;
        }
        stats.CandidateRecords++;
        var operation = _catalog[header.OperationIndex];
        using var doc = JsonDocument.Parse(raw.Json);
        var root = doc.RootElement;
        JsonDocument? inner = null;
        int before = output.Count;
        try
        {
            if (header.IsLookupEvent)
            {
                try
                {
                    inner = JsonDocument.Parse(root.Str("CloudTrailEvent") ?? "");
                }
                catch (JsonException e)
                {
                    stats.InvalidRecords++;
                    issues.Report(ReadIssueKind.InvalidRecord, "the CloudTrailEvent string of this LookupEvents element is not valid JSON: " + CleanJsonMessage(e), raw);
                    return;
                }
                root = inner.RootElement;
            }
            Map(root, operation, new SourceLocation(name, raw.Line, raw.Number, raw.Offset), issues, stats, raw, output);
        }
        catch (InvalidOperationException e)
        {
            // JsonElement.GetString throws this (not JsonException) on a string that is not UTF-8, in the
            // record or in a LookupEvents element's CloudTrailEvent string: nothing of the record is kept.
            output.RemoveRange(before, output.Count - before);
            stats.InvalidRecords++;
            issues.Report(ReadIssueKind.InvalidRecord, "the record holds text that is not valid UTF-8: " + e.Message, raw);
        }
        finally
        {
            inner?.Dispose();
        }
    }

    private void Map(JsonElement record, AwsShareOperation operation, SourceLocation location, FileIssues issues, ScanStatistics stats, in RawRecord raw, List<ShareEvent> output)
    {
        string? eventId = record.Str("eventID");
        string idText = eventId != null ? $" (eventID {eventId})" : "";
        DateTime? time = ParseTime(record.Str("eventTime") ?? record.Str("@timestamp"));
        if (time == null)
        {
            if (!_options.Window.IsUnbounded)
            {
                stats.OutsideTimeWindow++;
                issues.Report(ReadIssueKind.IncompleteRecord, $"the {operation.EventName} record{idText} has no readable eventTime, so it cannot be placed in the time window; it was skipped", raw);
                return;
            }
            issues.Report(ReadIssueKind.IncompleteRecord, $"the {operation.EventName} record{idText} has no readable eventTime; its events carry the minimum date", raw);
        }
        else if (!_options.Window.Contains(time.Value))
        {
            stats.OutsideTimeWindow++;
            return;
        }

        if (_regions != null && !_regions.Contains(record.Str("awsRegion") ?? ""))
        {
            stats.OtherRegions++;
            return;
        }

        var rp = record.Prop("requestParameters");
        if (!rp.IsObject())
        {
            stats.InvalidRecords++;
            issues.Report(ReadIssueKind.IncompleteRecord, $"the {operation.EventName} record{idText} has no requestParameters, so what it shared cannot be read", raw);
            return;
        }
        var grants = operation.Extract(rp);
        if (grants == null || grants.Grants.Count == 0) return;

        var identity = record.Prop("userIdentity");
        string? errorCode = record.Str("errorCode");
        string? owner = record.Str("recipientAccountId") ?? identity.Str("accountId");
        foreach (var (action, grantee) in grants.Grants)
        {
            output.Add(new ShareEvent
            {
                EventId = eventId,
                Provider = Provider.Aws,
                Operation = operation.EventName,
                EventSource = record.Str("eventSource") ?? operation.EventSource,
                EventTime = time ?? DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc),
                Actor = identity.Str("arn") ?? identity.Str("principalId") ?? identity.Str("invokedBy") ?? identity.Str("type"),
                ActorAccountId = identity.Str("accountId"),
                InvokedBy = identity.Str("invokedBy"),
                SourceIp = record.Str("sourceIPAddress"),
                UserAgent = record.Str("userAgent"),
                AccountId = owner,
                Region = record.Str("awsRegion"),
                ResourceType = grants.ResourceType,
                ResourceId = grants.ResourceId,
                Action = action,
                Grantee = grantee,
                GranteeType = AwsGrantee.Parse(grantee).Type,
                Succeeded = errorCode == null,
                ErrorCode = errorCode,
                ErrorMessage = record.Str("errorMessage"),
                Source = location,
            });
        }
    }

    internal static DateTime? ParseTime(string? text)
    {
        if (text == null) return null;
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
        {
            return DateTime.SpecifyKind(t, DateTimeKind.Utc);
        }
        return null;
    }

    /// <summary>System.Text.Json messages name a .NET type path; keep the part about the place.</summary>
    private static string CleanJsonMessage(JsonException e)
    {
        string head = e.Message;
        foreach (var marker in new[] { " Path:", " LineNumber:" })
        {
            int cut = head.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0) head = head.Substring(0, cut);
        }
        return e.BytePositionInLine is long col ? $"{head.TrimEnd('.')} (at byte {col} of the record)" : head;
    }
}
