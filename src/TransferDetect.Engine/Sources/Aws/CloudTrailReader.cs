using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
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
}

/// <summary>
/// Streams CloudTrail logs (S3 delivery <c>{"Records":[...]}</c>, bare arrays, JSON lines,
/// LookupEvents output, plain or gzip, single files or whole AWSLogs trees) into share events.
/// One record is in memory at a time. Problems are reported to the host and reading goes on.
/// </summary>
public sealed class CloudTrailReader
{
    private static readonly string[] WrapperKeys = { "Records", "Events" };
    private readonly IScanHost _host;
    private readonly CloudTrailReaderOptions _options;
    private readonly AwsShareCatalog _catalog;

    public CloudTrailReader(IScanHost host, CloudTrailReaderOptions? options = null)
        : this(host, options, AwsShareCatalog.Snapshots)
    {
    }

    internal CloudTrailReader(IScanHost host, CloudTrailReaderOptions? options, AwsShareCatalog catalog)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _options = options ?? new CloudTrailReaderOptions();
        _catalog = catalog;
    }

    /// <summary>Counts of everything read and skipped so far.</summary>
    public ScanStatistics Statistics { get; } = new();

    /// <summary>The event names this reader turns into share events.</summary>
    public IEnumerable<string> Operations
    {
        get
        {
            foreach (var op in _catalog.Operations) yield return op.EventName;
        }
    }

    /// <summary>Reads files and folders (see <see cref="InputFiles"/>).</summary>
    public IEnumerable<ShareEvent> Read(IEnumerable<string> paths, CancellationToken cancellationToken = default)
    {
        foreach (var file in InputFiles.Expand(paths, _options.Window, Statistics, _host, cancellationToken))
        {
            foreach (var e in ReadFile(file, cancellationToken)) yield return e;
        }
    }

    public IEnumerable<ShareEvent> ReadFile(string path, CancellationToken cancellationToken = default)
    {
        Stream stream;
        try
        {
            stream = LogFileOpener.Open(path, out _);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InputFormatException)
        {
            Statistics.Issues++;
            Statistics.FilesWithIssues++;
            _host.ReportIssue(new ReadIssue(ReadIssueKind.FileUnreadable, path, "the file cannot be opened: " + e.Message));
            yield break;
        }
        using (stream)
        {
            foreach (var e in ReadStream(stream, path, cancellationToken)) yield return e;
        }
    }

    /// <summary>Reads one stream of decompressed log text; <paramref name="name"/> names it in errors.</summary>
    public IEnumerable<ShareEvent> ReadStream(Stream stream, string name, CancellationToken cancellationToken = default)
    {
        _host.Verbose($"Reading {name}");
        _host.Progress(new ScanProgress(name, Statistics.FilesRead, Statistics.Records, Statistics.BytesRead));
        var issues = new FileIssues(_host, Statistics, name, _options.MaxIssuesPerFile);
        var splitter = new JsonRecordSplitter(stream, name, WrapperKeys, _options.MaxRecordBytes, issues.Report);
        var events = new List<ShareEvent>();
        long before = Statistics.ShareEvents;
        try
        {
            foreach (var raw in splitter.Records(cancellationToken))
            {
                Statistics.Records++;
                events.Clear();
                ReadRecord(raw, name, issues, events);
                foreach (var e in events)
                {
                    Statistics.ShareEvents++;
                    yield return e;
                }
            }
        }
        finally
        {
            Statistics.FilesRead++;
            Statistics.BytesRead += splitter.BytesRead;
            Statistics.InvalidRecords += splitter.BrokenRecords;
            issues.Finish("CloudTrail");
        }
        _host.Verbose($"Read {name}: {splitter.RecordCount} record(s), {Statistics.ShareEvents - before} share event(s).");
    }

    private void ReadRecord(in RawRecord raw, string name, FileIssues issues, List<ShareEvent> output)
    {
        CloudTrailHeader header;
        try
        {
            header = CloudTrailHeader.Read(raw.Json.Span, _catalog);
        }
        catch (JsonException e)
        {
            Statistics.InvalidRecords++;
            issues.Report(ReadIssueKind.InvalidRecord, "the record is not valid JSON: " + CleanJsonMessage(e), raw);
            return;
        }
        if (!header.IsCloudTrail)
        {
            Statistics.ForeignRecords++;
            issues.Foreign(raw);
            return;
        }
        if (header.OperationIndex < 0 || !_catalog.SourceFits(header.OperationIndex, header.SourceIndex, header.HasEventSource))
        {
            return;
        }
        Statistics.CandidateRecords++;
        var operation = _catalog[header.OperationIndex];
        using var doc = JsonDocument.Parse(raw.Json);
        var root = doc.RootElement;
        JsonDocument? inner = null;
        try
        {
            if (header.IsLookupEvent)
            {
                string? text = root.Str("CloudTrailEvent");
                try
                {
                    inner = JsonDocument.Parse(text ?? "");
                }
                catch (JsonException e)
                {
                    Statistics.InvalidRecords++;
                    issues.Report(ReadIssueKind.InvalidRecord, "the CloudTrailEvent string of this LookupEvents element is not valid JSON: " + CleanJsonMessage(e), raw);
                    return;
                }
                root = inner.RootElement;
            }
            var location = new SourceLocation(name, raw.Line, raw.Number, raw.Offset);
            Map(root, operation, location, issues, raw, output);
        }
        finally
        {
            inner?.Dispose();
        }
    }

    private void Map(JsonElement record, AwsShareOperation operation, SourceLocation location, FileIssues issues, in RawRecord raw, List<ShareEvent> output)
    {
        string? eventId = record.Str("eventID");
        string idText = eventId != null ? $" (eventID {eventId})" : "";
        DateTime? time = ParseTime(record.Str("eventTime") ?? record.Str("@timestamp"));
        if (time == null)
        {
            if (!_options.Window.IsUnbounded)
            {
                Statistics.OutsideTimeWindow++;
                issues.Report(ReadIssueKind.IncompleteRecord, $"the {operation.EventName} record{idText} has no readable eventTime, so it cannot be placed in the time window; it was skipped", raw);
                return;
            }
            issues.Report(ReadIssueKind.IncompleteRecord, $"the {operation.EventName} record{idText} has no readable eventTime; its events carry the minimum date", raw);
        }
        else if (!_options.Window.Contains(time.Value))
        {
            Statistics.OutsideTimeWindow++;
            return;
        }

        var rp = record.Prop("requestParameters");
        if (!rp.IsObject())
        {
            Statistics.InvalidRecords++;
            issues.Report(ReadIssueKind.IncompleteRecord, $"the {operation.EventName} record{idText} has no requestParameters, so what it shared cannot be read", raw);
            return;
        }
        var grants = operation.Extract(rp, operation.EventName);
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
