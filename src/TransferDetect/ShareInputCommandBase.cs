using System;
using System.Management.Automation;
using System.Threading;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;

namespace TransferDetect.Commands;

/// <summary>
/// What the cmdlets that read logs (or take share events and findings from the pipeline), judge them against the
/// trust zone and build something from them share: -Path / -LiteralPath / -InputObject, the time window, the
/// provider filter and the trust-zone parameters. Each cmdlet only says what it does with an event.
/// </summary>
public abstract class ShareInputCommandBase : TrustZoneCommandBase
{
    internal const string PathSet = "Path";
    internal const string LiteralPathSet = "LiteralPath";
    internal const string InputObjectSet = "InputObject";

    private readonly CancellationTokenSource _cancel = new();
    private ShareLogReader? _reader;
    private CmdletScanHost? _host;
    private TimeWindow _window = TimeWindow.All;
    private bool _warnOnEvent;

    /// <summary>Log files or folders to read; wildcards allowed.</summary>
    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Log files or folders to read, taken as written (Get-ChildItem output binds here through PSPath).</summary>
    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Share events (Get-ShareEvent) or findings (Find-ExternalShare) from the pipeline.</summary>
    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

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

    /// <summary>The detector of the trust zone, made in BeginProcessing.</summary>
    internal ExternalShareDetector Detector { get; private set; } = null!;

    internal CancellationToken Cancellation => _cancel.Token;

    internal CmdletScanHost ScanHost => _host!;

    /// <summary>Read lifecycle events (resources created) as well.</summary>
    internal virtual bool IncludeLifecycle => false;

    internal abstract string Activity { get; }

    /// <summary>Called once the zone is loaded, before any input.</summary>
    internal abstract void Begin();

    /// <summary>One event of the input (a finding from the pipeline gives its event, and the finding).</summary>
    internal abstract void Process(ShareEvent e, Finding? finding);

    /// <summary>The end of the input.</summary>
    internal abstract void End();

    protected override void BeginProcessing()
    {
        try
        {
            _window = new TimeWindow(
                MyInvocation.BoundParameters.ContainsKey(nameof(StartTime)) ? StartTime : null,
                MyInvocation.BoundParameters.ContainsKey(nameof(EndTime)) ? EndTime : null);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "TransferDetect.InvalidTimeWindow", ErrorCategory.InvalidArgument, null));
            return;
        }
        // Pipeline parameters are not bound yet: without -Path the input comes from the pipeline (events, findings, or
        // paths by property name). Findings were judged already: the zone matters (and its absence is warned about) only for events.
        bool fromPipeline = !MyInvocation.BoundParameters.ContainsKey(nameof(Path)) && !MyInvocation.BoundParameters.ContainsKey(nameof(LiteralPath));
        Detector = new ExternalShareDetector(LoadTrustZone(warnIfEmpty: !fromPipeline));
        _warnOnEvent = fromPipeline && Detector.Zone.IsEmpty;
        _host = new CmdletScanHost(this, Activity);
        Begin();
    }

    protected override void ProcessRecord()
    {
        try
        {
            if (ParameterSetName == InputObjectSet)
            {
                foreach (var item in InputObject)
                {
                    switch (item?.BaseObject)
                    {
                        case null:
                            continue;
                        case ShareEvent e:
                            if (_warnOnEvent)
                            {
                                _warnOnEvent = false;
                                WarnEmptyZone();
                            }
                            if (Wanted(e)) Process(e, null);
                            break;
                        case Finding f:
                            if (Wanted(f.Event)) Process(f.Event, f);
                            break;
                        case string path:
                            // A path piped as text: read like -Path.
                            foreach (var e in Reader().Read(PathResolver.Resolve(this, new[] { path }, false), _cancel.Token)) Process(e, null);
                            break;
                        default:
                            WriteError(new ErrorRecord(new ArgumentException($"The input is a {item.BaseObject.GetType().Name}, not a share event, a finding or a path; pipe Get-ShareEvent or Find-ExternalShare here."),
                                "TransferDetect.NotAShareEvent", ErrorCategory.InvalidType, item));
                            break;
                    }
                }
                return;
            }
            if (_warnOnEvent)
            {
                _warnOnEvent = false;
                WarnEmptyZone();
            }
            bool literal = ParameterSetName == LiteralPathSet;
            var paths = PathResolver.Resolve(this, literal ? LiteralPath : Path, literal);
            foreach (var e in Reader().Read(paths, _cancel.Token)) Process(e, null);
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            // Ctrl+C: StopProcessing cancelled the scan; PowerShell ends the pipeline.
        }
    }

    private ShareLogReader Reader() =>
        _reader ??= new ShareLogReader(_host!, new ShareLogReaderOptions { Window = _window, Providers = Provider, IncludeLifecycle = IncludeLifecycle });

    private bool Wanted(ShareEvent e) =>
        (Provider == null || Array.IndexOf(Provider, e.Provider) >= 0) && (_window.IsUnbounded || _window.Contains(e.EventTime));

    protected override void EndProcessing()
    {
        _host?.Complete();
        End();
        if (_reader != null) WriteVerbose(_reader.Statistics.Summary());
        WriteVerbose(Detector.Statistics.Summary());
    }

    protected override void StopProcessing() => _cancel.Cancel();
}
