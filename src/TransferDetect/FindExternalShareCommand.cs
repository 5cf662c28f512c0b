using System;
using System.Management.Automation;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;

namespace TransferDetect.Commands;

/// <summary>
/// Keeps the share events whose grantee lies outside the trust zone (or is public) and returns
/// them as findings with a severity and a reason. Revocations and trusted grants are not findings.
/// </summary>
[Cmdlet(VerbsCommon.Find, "ExternalShare", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(Finding))]
public sealed partial class FindExternalShareCommand : TrustZoneCommandBase
{
    private readonly System.Threading.CancellationTokenSource _cancel = new();
    private ExternalShareDetector? _detector;

    /// <summary>Share events, usually from Get-SnapshotShareEvent.</summary>
    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    public ShareEvent[] InputObject { get; set; } = Array.Empty<ShareEvent>();

    protected override void BeginProcessing()
    {
        var zone = LoadTrustZone();
        _detector = new ExternalShareDetector(zone);
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == LiveSet)
        {
            ProcessLive();
            return;
        }
        foreach (var e in InputObject)
        {
            if (e == null) continue;
            var finding = _detector!.Evaluate(e);
            if (finding != null) WriteObject(finding);
        }
    }

    protected override void EndProcessing()
    {
        if (_detector != null) WriteVerbose(_detector.Statistics.Summary());
    }
}
