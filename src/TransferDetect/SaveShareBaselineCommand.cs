using System;
using System.IO;
using System.Management.Automation;
using TransferDetect.Engine.Baselines;
using TransferDetect.Engine.Model;

namespace TransferDetect.Commands;

/// <summary>
/// Saves what is shared outside the trust zone (grants not revoked) and the known external grantees to a
/// baseline file, from logs or from share events and findings in the pipeline.
/// </summary>
[Cmdlet(VerbsData.Save, "ShareBaseline", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(ShareBaseline))]
public sealed class SaveShareBaselineCommand : ShareInputCommandBase
{
    private ShareBaselineBuilder? _builder;

    /// <summary>The baseline file to write (replaced if it exists).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string BaselinePath { get; set; } = "";

    /// <summary>Also return the baseline object.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    internal override string Activity => "Reading logs for a share baseline";

    internal override void Begin() => _builder = new ShareBaselineBuilder(Detector);

    internal override void Process(ShareEvent e, Finding? finding)
    {
        if (finding != null) _builder!.Add(finding);
        else _builder!.Add(e);
    }

    internal override void End()
    {
        if (_builder == null) return;
        var baseline = _builder.ToBaseline();
        if (_builder.NotKept > 0) WriteWarning($"{_builder.NotKept} grant(s) or grantee(s) did not fit in the baseline's capacity and are not in it.");
        string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(BaselinePath);
        if (!ShouldProcess(full, $"Save a share baseline ({baseline.Grants.Count} grant(s), {baseline.Grantees.Count} grantee(s))")) return;
        try
        {
            baseline.Save(full);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(new IOException($"The baseline {full} cannot be written: {e.Message}", e), "TransferDetect.BaselineNotWritten", ErrorCategory.WriteError, BaselinePath));
        }
        WriteVerbose($"Saved {baseline.Grants.Count} grant(s) and {baseline.Grantees.Count} grantee(s) to {full}.");
        if (PassThru) WriteObject(baseline);
    }
}
