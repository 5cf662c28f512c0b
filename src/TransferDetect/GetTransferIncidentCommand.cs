using System;
using System.IO;
using System.Management.Automation;
using TransferDetect.Engine.Baselines;
using TransferDetect.Engine.Correlation;
using TransferDetect.Engine.Model;

namespace TransferDetect.Commands;

/// <summary>
/// Correlates share events into incidents: what left, to whom, when, whether it was used, and whether it is
/// still open. Reads logs (with the creation calls of snapshots and images) or takes share events and findings
/// from the pipeline; incidents come out as soon as their chain can no longer grow.
/// </summary>
[Cmdlet(VerbsCommon.Get, "TransferIncident", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TransferIncident))]
public sealed class GetTransferIncidentCommand : ShareInputCommandBase
{
    private IncidentCorrelator? _correlator;

    /// <summary>A baseline (Save-ShareBaseline): the grantees it knows are not first-seen.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BaselinePath { get; set; }

    /// <summary>How far apart in time the events of one chain may be (default 3 days).</summary>
    [Parameter]
    public TimeSpan ChainWindow { get; set; } = TimeSpan.FromDays(3);

    /// <summary>This many resources (or more) shared to one principal make a MassShare incident (default 3).</summary>
    [Parameter]
    [ValidateRange(2, int.MaxValue)]
    public int MassShareThreshold { get; set; } = 3;

    internal override bool IncludeLifecycle => true;

    internal override string Activity => "Correlating share events into incidents";

    internal override void Begin()
    {
        var options = new IncidentCorrelatorOptions { ChainWindow = ChainWindow, MassShareThreshold = MassShareThreshold };
        if (BaselinePath != null) options.Baseline = BaselineFile.Load(this, BaselinePath);
        try
        {
            _correlator = new IncidentCorrelator(Detector, options, ScanHost);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "TransferDetect.InvalidCorrelationOption", ErrorCategory.InvalidArgument, ChainWindow));
        }
    }

    internal override void Process(ShareEvent e, Finding? finding)
    {
        foreach (var incident in finding != null ? _correlator!.Add(finding) : _correlator!.Add(e)) WriteObject(incident);
    }

    internal override void End()
    {
        if (_correlator == null) return;
        foreach (var incident in _correlator.Complete()) WriteObject(incident);
        WriteVerbose(_correlator.Statistics.Summary());
        if (_correlator.Statistics.ClosedAtCapacity > 0)
        {
            WriteWarning($"{_correlator.Statistics.ClosedAtCapacity} incident(s) were emitted before their chain window had passed because correlation reached its capacity; a later event of theirs started a new incident.");
        }
    }
}

/// <summary>Loads a baseline for a cmdlet: a missing or invalid file terminates it with a clear error.</summary>
internal static class BaselineFile
{
    public static ShareBaseline Load(PSCmdlet cmdlet, string path)
    {
        string full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        try
        {
            return ShareBaseline.Load(full);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(new IOException($"The baseline {full} cannot be read: {e.Message}", e), "TransferDetect.BaselineUnreadable", ErrorCategory.ReadError, path));
            throw;
        }
        catch (InvalidDataException e)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(e, "TransferDetect.InvalidBaseline", ErrorCategory.InvalidData, path));
            throw;
        }
    }
}
