using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;

namespace TransferDetect.Commands;

/// <summary>
/// What the Get-*ShareEvent cmdlets share: the paths, the time window, the provider, region and
/// operation filters, streaming, errors and Ctrl+C. Each cmdlet only says which categories it reads.
/// </summary>
public abstract class ShareEventCommandBase : PSCmdlet
{
    internal const string PathSet = "Path";
    internal const string LiteralPathSet = "LiteralPath";

    private readonly CancellationTokenSource _cancel = new();
    private ShareLogReader? _reader;
    private CmdletScanHost? _host;

    /// <summary>Files or folders to read; wildcards allowed.</summary>
    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Files or folders to read, taken as written (Get-ChildItem output binds here through PSPath).</summary>
    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Only events at or after this time (local unless marked UTC).</summary>
    [Parameter]
    public DateTime StartTime { get; set; }

    /// <summary>Only events at or before this time.</summary>
    [Parameter]
    public DateTime EndTime { get; set; }

    /// <summary>Only records of these providers; by default each record's provider is recognised from its content.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public Provider[]? Provider { get; set; }

    /// <summary>Only these AWS regions; the region folders of others in an AWSLogs tree are not opened.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AwsRegionCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Region { get; set; }

    /// <summary>Only these operations (the providers' event or operation names).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(OperationCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Operation { get; set; }

    /// <summary>The time window of -StartTime / -EndTime (set in BeginProcessing), for the live sources.</summary>
    internal TimeWindow Window { get; private set; } = TimeWindow.All;

    /// <summary>Cancelled by Ctrl+C (StopProcessing).</summary>
    internal CancellationToken Cancellation => _cancel.Token;

    /// <summary>The engine's host of this cmdlet (set in BeginProcessing).</summary>
    internal CmdletScanHost ScanHost => _host!;

    /// <summary>The reader's options of this invocation (operations, categories), for the live sources.</summary>
    internal ShareLogReaderOptions ReaderOptions() => new()
    {
        Window = Window,
        Regions = Region,
        Operations = Operation,
        Providers = Provider,
        Categories = Categories,
    };

    /// <summary>The categories this cmdlet reads; null for all.</summary>
    internal abstract ICollection<ShareCategory>? Categories { get; }

    /// <summary>The progress activity ("Reading logs for snapshot and image shares").</summary>
    internal abstract string Activity { get; }

    protected override void BeginProcessing()
    {
        TimeWindow window;
        try
        {
            window = new TimeWindow(
                MyInvocation.BoundParameters.ContainsKey(nameof(StartTime)) ? StartTime : null,
                MyInvocation.BoundParameters.ContainsKey(nameof(EndTime)) ? EndTime : null);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "TransferDetect.InvalidTimeWindow", ErrorCategory.InvalidArgument, null));
            return;
        }
        Window = window;
        _host = new CmdletScanHost(this, Activity);
        try
        {
            _reader = new ShareLogReader(_host, new ShareLogReaderOptions
            {
                Window = window,
                Regions = Region,
                Operations = Operation,
                Providers = Provider,
                Categories = Categories,
            });
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "TransferDetect.UnknownOperation", ErrorCategory.InvalidArgument, Operation));
        }
    }

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        var paths = PathResolver.Resolve(this, literal ? LiteralPath : Path, literal);
        try
        {
            foreach (var e in _reader!.Read(paths, _cancel.Token))
            {
                WriteObject(e);
            }
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            // Ctrl+C: StopProcessing cancelled the scan; PowerShell ends the pipeline.
        }
    }

    protected override void EndProcessing()
    {
        _host?.Complete();
        if (_reader != null) WriteVerbose(_reader.Statistics.Summary());
    }

    protected override void StopProcessing() => _cancel.Cancel();
}
