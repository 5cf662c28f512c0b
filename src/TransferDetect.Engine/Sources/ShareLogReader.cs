using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.IO;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Aws;
using TransferDetect.Engine.Sources.Azure;
using TransferDetect.Engine.Sources.Gcp;
using TransferDetect.Engine.Sources.M365;

namespace TransferDetect.Engine.Sources;

/// <summary>Settings of a scan.</summary>
public sealed class ShareLogReaderOptions
{
    /// <summary>Only share records whose time falls in the window are returned.</summary>
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

    /// <summary>Only these AWS regions (awsRegion); in an AWSLogs tree the folders of other regions are not opened. Null: all.</summary>
    public ICollection<string>? Regions { get; set; }

    /// <summary>Only these operations (event or operation names, any case), among those the reader reads. Null: all.</summary>
    public ICollection<string>? Operations { get; set; }

    /// <summary>Only records of these providers; the others are reported as records of another shape. Null: detected from each record.</summary>
    public ICollection<Provider>? Providers { get; set; }

    /// <summary>Only shares of these categories. Null: all.</summary>
    public ICollection<ShareCategory>? Categories { get; set; }

    /// <summary>Files decoded at once; 0 (the default) means one per processor. Events still come out in file order.</summary>
    public int MaxParallelFiles { get; set; }

    /// <summary>
    /// Records of one operation (an Azure operation's Started and Succeeded records, an M365 share and its
    /// companions) are folded into one event when they are at most this far apart in time (default one hour).
    /// </summary>
    public TimeSpan FoldWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Events held back while waiting for the rest of their operation, at most (default 10,000): memory stays bounded.</summary>
    public int FoldCapacity { get; set; } = 10_000;

    /// <summary>
    /// Also return lifecycle events (<see cref="ShareAction.Create"/>: CreateSnapshot, CopySnapshot, CreateImage,
    /// CreateDBSnapshot, ...), which correlation uses to tell a snapshot made to be shared. Off by default: the
    /// share cmdlets return shares only, and records of these operations are skipped unparsed.
    /// </summary>
    public bool IncludeLifecycle { get; set; }
}

/// <summary>
/// Streams exported cloud logs into share events: CloudTrail (S3 delivery <c>{"Records":[...]}</c>, bare
/// arrays, JSON lines, LookupEvents output, AWSLogs trees), the Azure Activity Log (portal and CLI
/// exports, diagnostic-setting blobs, Log Analytics AzureActivity as JSON or CSV), the Microsoft 365
/// Unified Audit Log (Purview CSV, Search-UnifiedAuditLog and Management Activity API JSON) and GCP
/// Cloud Audit Logs (JSON lines or arrays of LogEntry), plain or gzip. The provider is recognised
/// record by record from its shape, or forced with <see cref="ShareLogReaderOptions.Providers"/>.
/// One record is in memory at a time. Problems are reported to the host and reading goes on.
/// </summary>
public sealed class ShareLogReader
{
    /// <summary>Properties whose array holds the records: S3 delivery, LookupEvents output, Azure diagnostic blobs, GCP entries.list.</summary>
    internal static readonly string[] WrapperKeys = { "Records", "Events", "records", "entries" };
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 256 };
    private readonly IScanHost _host;
    private readonly ShareLogReaderOptions _options;
    private readonly ShareInterpreter[] _interpreters;
    private readonly HashSet<string>? _operations;
    private readonly string _expected;

    /// <exception cref="ArgumentException">An operation in <see cref="ShareLogReaderOptions.Operations"/> is not one this reader reads.</exception>
    public ShareLogReader(IScanHost host, ShareLogReaderOptions? options = null)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _options = options ?? new ShareLogReaderOptions();
        _interpreters = CreateInterpreters(_options.Providers, _options.Categories, _options.Operations, _options.Regions, _options.IncludeLifecycle);
        if (_options.Operations != null)
        {
            var known = _interpreters.SelectMany(i => i.Operations).ToArray();
            foreach (var op in _options.Operations)
            {
                if (!known.Contains(op, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"'{op}' is not an operation this command reads; it reads {string.Join(", ", known)}.");
                }
            }
            _operations = new HashSet<string>(_options.Operations, StringComparer.OrdinalIgnoreCase);
        }
        _expected = string.Join(" or ", _interpreters.Select(i => i.FormatName));
    }

    private static ShareInterpreter[] CreateInterpreters(ICollection<Provider>? providers, ICollection<ShareCategory>? categories, ICollection<string>? operations, ICollection<string>? regions, bool includeLifecycle = false)
    {
        var set = categories == null ? null : new HashSet<ShareCategory>(categories);
        // The order is the order of claims: each looks for a key only its provider writes.
        var all = new List<ShareInterpreter>();
        bool Wanted(Provider p) => providers == null || providers.Contains(p);
        if (Wanted(Provider.Aws)) all.Add(new CloudTrailInterpreter(set, operations, regions, includeLifecycle));
        if (Wanted(Provider.Gcp)) all.Add(new GcpAuditInterpreter(set));
        if (Wanted(Provider.Azure)) all.Add(new AzureActivityInterpreter(set));
        if (Wanted(Provider.M365)) all.Add(new M365AuditInterpreter(set));
        return all.ToArray();
    }

    /// <summary>The operations read for these providers and categories (null: all), for completion and help.</summary>
    public static IReadOnlyList<string> OperationsOf(ICollection<Provider>? providers, ICollection<ShareCategory>? categories) =>
        CreateInterpreters(providers, categories, null, null).SelectMany(i => i.Operations).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    /// <summary>The operations Get-SnapshotShareEvent reads.</summary>
    public static IReadOnlyList<string> SnapshotOperations { get; } = OperationsOf(null, new[] { ShareCategory.Snapshot });

    /// <summary>Counts of everything read and skipped so far.</summary>
    public ScanStatistics Statistics { get; } = new();

    /// <summary>
    /// Reads files and folders (see <see cref="InputFiles"/>). Several files are decoded at once
    /// (<see cref="ShareLogReaderOptions.MaxParallelFiles"/>); events, problems and messages still
    /// reach the caller in file order, on the caller's thread, and memory stays bounded: each file in
    /// flight holds at most a small queue of events.
    /// </summary>
    public IEnumerable<ShareEvent> Read(IEnumerable<string> paths, CancellationToken cancellationToken = default)
    {
        var regions = _options.Regions == null ? null : new HashSet<string>(_options.Regions, StringComparer.OrdinalIgnoreCase);
        var files = InputFiles.Expand(paths, _options.Window, regions, Statistics, _host, cancellationToken);
        int workers = _options.MaxParallelFiles > 0 ? _options.MaxParallelFiles : Environment.ProcessorCount;
        return Fold(workers <= 1 ? ReadSequential(files, cancellationToken) : ReadParallel(files, workers, cancellationToken));
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
        // The decoders take files from one queue, in file order, so the file the caller waits on was taken before
        // any later one: a decoder waiting for room in a later file's full queue can never hold that file up. (Each
        // job once waited for a decoder on its own, in no set order; two later files could take both decoders, fill
        // their queues and wait for the caller, who waited for the earlier file: the scan hung.) At most four files
        // per decoder are taken and not yet consumed, so memory stays bounded and uneven files keep every decoder busy.
        int window = workers * 4;
        using var todo = new BlockingCollection<FileJob>(new ConcurrentQueue<FileJob>());
        var inFlight = new Queue<FileJob>();
        var decoders = new List<Task>();
        using var next = files.GetEnumerator();
        try
        {
            while (true)
            {
                while (inFlight.Count < window && next.MoveNext())
                {
                    var added = new FileJob(next.Current, stop.Token);
                    inFlight.Enqueue(added);
                    todo.Add(added, stop.Token);
                    if (decoders.Count < workers) decoders.Add(Task.Factory.StartNew(() => Decode(todo, stop.Token), stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default));
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
                job.Items.Dispose();
                if (job.Error != null) ExceptionDispatchInfo.Capture(job.Error).Throw();
                Statistics.Add(job.Statistics);
            }
        }
        finally
        {
            stop.Cancel();
            todo.CompleteAdding();
            try
            {
                Task.WaitAll(decoders.ToArray());
            }
            catch (AggregateException)
            {
                // Cancelled with the scan; nothing of it is reported.
            }
        }
    }

    /// <summary>One decoder: files from the queue, in order, until it is complete or the scan stops.</summary>
    private void Decode(BlockingCollection<FileJob> todo, CancellationToken token)
    {
        try
        {
            foreach (var job in todo.GetConsumingEnumerable(token)) job.Run(this);
        }
        catch (OperationCanceledException)
        {
            // The scan stopped.
        }
    }

    /// <summary>One file decoded on a decoder; what it finds waits in a bounded queue for the caller.</summary>
    private sealed class FileJob : IScanHost
    {
        private readonly CancellationToken _token;

        public FileJob(string path, CancellationToken token)
        {
            Path = path;
            _token = token;
        }

        public string Path { get; }
        public ScanStatistics Statistics { get; } = new();
        public BlockingCollection<object> Items { get; } = new(boundedCapacity: 1024);

        /// <summary>What stopped the file's decoding, rethrown on the caller's thread when it reaches the file.</summary>
        public Exception? Error { get; private set; }

        public void Run(ShareLogReader reader)
        {
            try
            {
                foreach (var e in reader.ReadFileCore(Path, Statistics, this, _token)) Items.Add(e, _token);
            }
            catch (Exception e)
            {
                Error = e;
            }
            finally
            {
                Items.CompleteAdding();
            }
        }

        public void ReportIssue(ReadIssue issue) => Items.Add(issue, _token);
        public void Verbose(string message) => Items.Add(message, _token);
        public void Progress(ScanProgress progress) { }
    }

    public IEnumerable<ShareEvent> ReadFile(string path, CancellationToken cancellationToken = default) =>
        Fold(ReadFileCore(path, Statistics, _host, cancellationToken));

    /// <summary>Reads one stream of decompressed log text; <paramref name="name"/> names it in errors.</summary>
    public IEnumerable<ShareEvent> ReadStream(Stream stream, string name, CancellationToken cancellationToken = default) =>
        Fold(ReadStreamCore(stream, name, Statistics, _host, cancellationToken));

    /// <summary>Wrapper properties of API pages (<c>{"value":[...],"nextLink":...}</c>) and of exported blobs.</summary>
    internal static readonly string[] PageWrapperKeys = { "value", "Records", "records" };

    /// <summary>
    /// Reads the pages of a live API answer (each a stream of JSON named in errors) as one log: records of
    /// one operation are folded across page boundaries. Each page is disposed once read. Used by the live sources.
    /// </summary>
    internal IEnumerable<ShareEvent> ReadPages(IEnumerable<KeyValuePair<string, Stream>> pages, CancellationToken cancellationToken = default) =>
        Fold(ReadPagesCore(pages, cancellationToken));

    private IEnumerable<ShareEvent> ReadPagesCore(IEnumerable<KeyValuePair<string, Stream>> pages, CancellationToken cancellationToken)
    {
        foreach (var page in pages)
        {
            using (page.Value)
            {
                foreach (var e in ReadStreamCore(page.Value, page.Key, Statistics, _host, cancellationToken, PageWrapperKeys)) yield return e;
            }
        }
    }

    private IEnumerable<ShareEvent> Fold(IEnumerable<ShareEvent> events)
    {
        if (!_interpreters.Any(i => i.Fold != null)) return events;
        // Each provider's fold, found once (the first interpreter of the provider, as a search of the list finds it), not per event.
        var folds = new Dictionary<Provider, IShareEventFold?>();
        foreach (var interpreter in _interpreters)
        {
            if (!folds.ContainsKey(interpreter.Provider)) folds[interpreter.Provider] = interpreter.Fold;
        }
        var folder = new ShareEventFolder(p => folds.TryGetValue(p, out var fold) ? fold : null, _options.FoldWindow, _options.FoldCapacity, Statistics);
        return folder.Apply(events);
    }

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

    private IEnumerable<ShareEvent> ReadStreamCore(Stream stream, string name, ScanStatistics stats, IScanHost host, CancellationToken cancellationToken, string[]? wrapperKeys = null)
    {
        host.Verbose($"Reading {name}");
        host.Progress(new ScanProgress(name, stats.FilesRead, stats.Records, stats.BytesRead));
        var issues = new FileIssues(host, stats, name, _options.MaxIssuesPerFile);
        var kind = LogTextSniffer.Sniff(ref stream);
        JsonRecordSplitter? splitter = null;
        CsvRecordReader? csv = null;
        IRawRecordSource records;
        if (kind == LogTextKind.Csv)
        {
            csv = new CsvRecordReader(stream, name, _options.MaxRecordBytes, issues.Report);
            records = new EnumeratedRecords(csv.Records(cancellationToken));
        }
        else
        {
            splitter = new JsonRecordSplitter(stream, name, wrapperKeys ?? WrapperKeys, _options.MaxRecordBytes, issues.Report);
            records = splitter;
        }
        var events = new List<ShareEvent>();
        var formats = new int[_interpreters.Length];
        long before = stats.ShareEvents;
        try
        {
            splitter?.Open();
            while (ReadUntilEvents(records, name, issues, stats, events, formats, cancellationToken))
            {
                foreach (var e in events)
                {
                    stats.ShareEvents++;
                    yield return e;
                }
            }
        }
        finally
        {
            records.Dispose();
            stats.FilesRead++;
            stats.BytesRead += splitter?.BytesRead ?? csv!.BytesRead;
            stats.InvalidRecords += splitter?.BrokenRecords ?? csv!.BrokenRecords;
            issues.Finish(_expected);
        }
        long count = splitter?.RecordCount ?? csv!.RecordCount;
        var seen = _interpreters.Where((_, i) => formats[i] > 0).Select(i => i.FormatName).ToArray();
        string what = seen.Length == 0 ? "" : $" ({string.Join(", ", seen)}{(kind == LogTextKind.Csv ? ", CSV" : "")})";
        host.Verbose($"Read {name}: {count} record(s){what}, {stats.ShareEvents - before} share event(s).");
    }

    /// <summary>
    /// Reads records into <paramref name="events"/> (emptied first) until one yields any: true with them, false at
    /// the end of the file. The loop over the records a scan skips, outside the iterator that hands out the events:
    /// in the iterator's body it ran unoptimized code until the runtime replaced it mid-loop, at the start of every
    /// scan, and each record went through two iterators.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    private bool ReadUntilEvents(IRawRecordSource records, string name, FileIssues issues, ScanStatistics stats, List<ShareEvent> events, int[] formats, CancellationToken cancellationToken)
    {
        events.Clear();
        while (records.TryNext(cancellationToken, out RawRecord raw))
        {
            stats.Records++;
            ReadRecord(raw, name, issues, stats, events, formats);
            if (events.Count > 0) return true;
        }
        return false;
    }

    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    private void ReadRecord(in RawRecord raw, string name, FileIssues issues, ScanStatistics stats, List<ShareEvent> output, int[] formats)
    {
        var span = raw.Json.Span;
        int claimed = -1;
        for (int i = 0; i < _interpreters.Length; i++)
        {
            var claim = _interpreters[i].Claim(span);
            if (claim == RecordClaim.Skip)
            {
                formats[i]++;
                return;
            }
            if (claim == RecordClaim.Candidate)
            {
                claimed = i;
                break;
            }
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(raw.Json, ParseOptions);
        }
        catch (JsonException e)
        {
            stats.InvalidRecords++;
            issues.Report(ReadIssueKind.InvalidRecord, "the record is not valid JSON: " + JsonMessages.Clean(e), raw);
            return;
        }
        using (doc)
        {
            var root = doc.RootElement;
            int first = output.Count;
            ShareInterpreter interpreter;
            try
            {
                int reader = claimed >= 0 && _interpreters[claimed].Recognizes(root) ? claimed : Array.FindIndex(_interpreters, i => i.Recognizes(root));
                if (reader < 0)
                {
                    stats.ForeignRecords++;
                    issues.Foreign(raw);
                    return;
                }
                formats[reader]++;
                interpreter = _interpreters[reader];
                interpreter.Interpret(root, new RecordContext(issues, raw, new SourceLocation(name, raw.Line, raw.Number, raw.Offset), stats), output);
            }
            catch (InvalidOperationException e)
            {
                // JsonElement.GetString throws this (not JsonException) on a string that is not UTF-8, in the record
                // or in a JSON string inside it (LookupEvents CloudTrailEvent, UAL AuditData), while an interpreter
                // recognizes the record (the Azure operation name) or reads it: nothing of the record is kept.
                output.RemoveRange(first, output.Count - first);
                stats.InvalidRecords++;
                issues.Report(ReadIssueKind.InvalidRecord, "the record holds text that is not valid UTF-8: " + e.Message, raw);
                return;
            }
            Keep(output, first, interpreter, issues, stats, raw);
        }
    }

    /// <summary>Applies the time window and the operation filter to the events of one record.</summary>
    private void Keep(List<ShareEvent> output, int first, ShareInterpreter interpreter, FileIssues issues, ScanStatistics stats, in RawRecord raw)
    {
        if (output.Count == first) return;
        var e = output[first];
        if (_operations != null)
        {
            output.RemoveAll(x => !_operations.Contains(x.Operation));
            if (output.Count == first) return;
        }
        string idText = e.EventId != null ? $" (id {e.EventId})" : "";
        if (e.EventTime == ShareTimes.Unknown)
        {
            if (!_options.Window.IsUnbounded)
            {
                stats.OutsideTimeWindow++;
                output.RemoveRange(first, output.Count - first);
                issues.Report(ReadIssueKind.IncompleteRecord, $"the {e.Operation} record{idText} has no readable time, so it cannot be placed in the time window; it was skipped", raw);
                return;
            }
            issues.Report(ReadIssueKind.IncompleteRecord, $"the {e.Operation} record{idText} has no readable time; its events carry the minimum date", raw);
        }
        else if (!_options.Window.Contains(e.EventTime))
        {
            stats.OutsideTimeWindow++;
            output.RemoveRange(first, output.Count - first);
        }
    }
}
