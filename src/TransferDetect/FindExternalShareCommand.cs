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
public sealed partial class FindExternalShareCommand : PSCmdlet
{
    internal const string InputObjectSet = "InputObject";

    private ExternalShareDetector? _detector;

    /// <summary>Share events, usually from Get-SnapshotShareEvent.</summary>
    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    public ShareEvent[] InputObject { get; set; } = Array.Empty<ShareEvent>();

    /// <summary>The trust zone file (JSON: aws.accounts, aws.organizations, aws.organizationalUnits, ...).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TrustZonePath { get; set; }

    /// <summary>AWS account ids that are "us", added to the zone file's.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] TrustedAccount { get; set; } = Array.Empty<string>();

    /// <summary>AWS organization ids (o-...) or ARNs, and GCP organization ids (digits, or organizations/123...), that are "us".</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] TrustedOrganization { get; set; } = Array.Empty<string>();

    /// <summary>AWS organizational unit ids (ou-...) or ARNs that are "us".</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] TrustedOrganizationalUnit { get; set; } = Array.Empty<string>();

    /// <summary>Azure tenant ids (GUIDs) that are "us".</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] TrustedTenant { get; set; } = Array.Empty<string>();

    /// <summary>Azure subscription ids (GUIDs) that are "us".</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] TrustedSubscription { get; set; } = Array.Empty<string>();

    /// <summary>Domains that are "us", for Microsoft 365 and GCP members (subdomains included).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] TrustedDomain { get; set; } = Array.Empty<string>();

    /// <summary>GCP project ids that are "us".</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] TrustedProject { get; set; } = Array.Empty<string>();

    protected override void BeginProcessing()
    {
        TrustZone zone;
        try
        {
            zone = TrustZonePath != null
                ? TrustZone.Load(SessionState.Path.GetUnresolvedProviderPathFromPSPath(TrustZonePath))
                : TrustZone.Empty;
            foreach (var a in TrustedAccount) zone.AddAwsAccount(a);
            foreach (var o in TrustedOrganization) zone.AddOrganization(o);
            foreach (var u in TrustedOrganizationalUnit) zone.AddAwsOrganizationalUnit(u);
            foreach (var t in TrustedTenant) zone.AddAzureTenant(t);
            foreach (var s in TrustedSubscription) zone.AddAzureSubscription(s);
            foreach (var d in TrustedDomain)
            {
                zone.AddM365Domain(d);
                zone.AddGcpDomain(d);
            }
            foreach (var p in TrustedProject) zone.AddGcpProject(p);
        }
        catch (TrustZoneException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "TransferDetect.InvalidTrustZone", ErrorCategory.InvalidArgument, TrustZonePath));
            return;
        }
        if (zone.IsEmpty)
        {
            WriteWarning("No trust zone was given: only the account that owns each resource is trusted, so shares to your other accounts are findings too. Use -TrustZonePath, or -TrustedAccount, -TrustedOrganization, -TrustedTenant, -TrustedSubscription, -TrustedDomain or -TrustedProject.");
        }
        _detector = new ExternalShareDetector(zone);
    }

    protected override void ProcessRecord()
    {
        if (ProcessLive(_detector!)) return;
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
