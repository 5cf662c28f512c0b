using System;
using System.Management.Automation;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Model;

namespace TransferDetect.Commands;

/// <summary>
/// Keeps the share events whose grantee lies outside the trust zone (or is public) and returns
/// them as findings with a severity and a reason. Revocations and trusted grants are not findings.
/// </summary>
[Cmdlet(VerbsCommon.Find, "ExternalShare")]
[OutputType(typeof(Finding))]
public sealed class FindExternalShareCommand : TrustZoneCommandBase
{
    private ExternalShareDetector? _detector;

    /// <summary>Share events, usually from Get-SnapshotShareEvent.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    public ShareEvent[] InputObject { get; set; } = Array.Empty<ShareEvent>();

    protected override void BeginProcessing()
    {
        var zone = BuildTrustZone();
        if (zone.IsEmpty)
        {
            WriteWarning("No trust zone was given: only the account that owns each resource is trusted, so shares to your other accounts are findings too. Use -TrustZonePath, or -TrustedAccount, -TrustedOrganization, -TrustedTenant, -TrustedSubscription, -TrustedDomain or -TrustedProject.");
        }
        _detector = new ExternalShareDetector(zone);
    }

    protected override void ProcessRecord()
    {
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
