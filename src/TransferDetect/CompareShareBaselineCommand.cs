using System.IO;
using System.Management.Automation;
using TransferDetect.Engine.Baselines;
using TransferDetect.Engine.Model;

namespace TransferDetect.Commands;

/// <summary>
/// Compares what is shared now (from logs or the pipeline) with a baseline file: new grantees, new grants,
/// and grants gone, as objects a runbook can test.
/// </summary>
[Cmdlet(VerbsData.Compare, "ShareBaseline", DefaultParameterSetName = PathSet)]
[OutputType(typeof(BaselineChange))]
public sealed class CompareShareBaselineCommand : ShareInputCommandBase
{
    private ShareBaselineBuilder? _builder;
    private ShareBaseline? _baseline;

    /// <summary>The baseline file to compare with (Save-ShareBaseline).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string BaselinePath { get; set; } = "";

    internal override string Activity => "Reading logs to compare with a share baseline";

    internal override void Begin()
    {
        _baseline = BaselineFile.Load(this, BaselinePath);
        _builder = new ShareBaselineBuilder(Detector);
    }

    internal override void Process(ShareEvent e, Finding? finding)
    {
        if (finding != null) _builder!.Add(finding);
        else _builder!.Add(e);
    }

    internal override void End()
    {
        if (_builder == null || _baseline == null) return;
        foreach (var change in ShareBaselineComparer.Compare(_baseline, _builder.ToBaseline())) WriteObject(change);
    }
}
