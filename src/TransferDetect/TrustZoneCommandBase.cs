using System;
using System.Management.Automation;
using TransferDetect.Engine.Detection;

namespace TransferDetect.Commands;

/// <summary>
/// The trust-zone parameters (-TrustZonePath, -TrustedAccount, ...) and how they make a zone: shared by
/// Find-ExternalShare and the cmdlets that read, judge and correlate in one go.
/// </summary>
public abstract class TrustZoneCommandBase : PSCmdlet
{
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

    /// <summary>The zone of the parameters; a bad zone file terminates the cmdlet, an empty zone is warned about (when <paramref name="warnIfEmpty"/>).</summary>
    internal TrustZone LoadTrustZone(bool warnIfEmpty = true)
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
            throw; // not reached: ThrowTerminatingError throws
        }
        if (zone.IsEmpty && warnIfEmpty) WarnEmptyZone();
        return zone;
    }

    /// <summary>Warns that no trust zone was given.</summary>
    internal void WarnEmptyZone()
    {
        WriteWarning("No trust zone was given: only the account that owns each resource is trusted, so shares to your other accounts are findings too. Use -TrustZonePath, or -TrustedAccount, -TrustedOrganization, -TrustedTenant, -TrustedSubscription, -TrustedDomain or -TrustedProject.");
    }
}
