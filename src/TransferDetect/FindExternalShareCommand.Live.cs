using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using TransferDetect.Engine.Live.Azure;
using TransferDetect.Engine.Live.M365;
using TransferDetect.Engine.Model;

namespace TransferDetect.Commands;

/// <summary>
/// Find-ExternalShare -Live: what is shared now, read from the providers' APIs (read-only) and judged by
/// the same trust zone. Azure: disks and snapshots with an open SAS export, galleries shared outside,
/// storage accounts that allow public blob access or cross-tenant replication. M365: OneDrive and
/// SharePoint sharing links and grants.
/// </summary>
public sealed partial class FindExternalShareCommand
{
    internal const string InputObjectSet = "InputObject";
    internal const string LiveSet = "Live";

    /// <summary>Read the current sharing state from the providers' APIs instead of share events from the pipeline.</summary>
    [Parameter(ParameterSetName = LiveSet, Mandatory = true)]
    public SwitchParameter Live { get; set; }

    /// <summary>The providers whose current state is read: Azure, M365.</summary>
    [Parameter(ParameterSetName = LiveSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public Provider[] Provider { get; set; } = Array.Empty<Provider>();

    /// <summary>The Azure subscriptions read (required for Azure).</summary>
    [Parameter(ParameterSetName = LiveSet)]
    [ValidateNotNullOrEmpty]
    public string[]? SubscriptionId { get; set; }

    /// <summary>The Microsoft Entra tenant to sign in to (and the tenant the M365 links belong to).</summary>
    [Parameter(ParameterSetName = LiveSet)]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    /// <summary>Sign in with the managed identity.</summary>
    [Parameter(ParameterSetName = LiveSet)]
    public SwitchParameter ManagedIdentity { get; set; }

    /// <summary>The client id of a user-assigned managed identity.</summary>
    [Parameter(ParameterSetName = LiveSet)]
    [ValidateNotNullOrEmpty]
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The Resource Manager endpoint (sovereign clouds).</summary>
    [Parameter(ParameterSetName = LiveSet)]
    [ValidateNotNull]
    public Uri? ArmEndpoint { get; set; }

    /// <summary>The Microsoft Graph endpoint (sovereign clouds).</summary>
    [Parameter(ParameterSetName = LiveSet)]
    [ValidateNotNull]
    public Uri? GraphEndpoint { get; set; }

    private void ProcessLive()
    {
        var unsupported = Provider.Where(p => p != Engine.Model.Provider.Azure && p != Engine.Model.Provider.M365).ToArray();
        if (unsupported.Length > 0)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Live reads Azure and M365 here; {string.Join(", ", unsupported)} has no live source."), "TransferDetect.InvalidLiveArgument", ErrorCategory.InvalidArgument, Provider));
            return;
        }
        var host = new CmdletScanHost(this, "Reading the current sharing state");
        var options = AzureLiveCommand.Options(SubscriptionId, TenantId, ManagedIdentity.IsPresent, ManagedIdentityClientId, ArmEndpoint, GraphEndpoint, TimeWindow.All);
        if (Provider.Contains(Engine.Model.Provider.Azure))
        {
            if (options.SubscriptionIds.Count == 0)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Provider Azure reads subscriptions: give -SubscriptionId."), "TransferDetect.InvalidLiveArgument", ErrorCategory.InvalidArgument, null));
                return;
            }
            var source = new AzureShareStateSource(host, options);
            AzureLiveCommand.Run(this, () => source.Read(_cancel.Token), Judge);
            WriteVerbose($"Read {source.ResourcesRead} Azure resource(s); {source.FailedRequests} request(s) failed.");
        }
        if (Provider.Contains(Engine.Model.Provider.M365))
        {
            var source = new M365SharingLinkSource(host, options);
            AzureLiveCommand.Run(this, () => source.Read(_cancel.Token), Judge);
            WriteVerbose($"Read {source.DrivesRead} drive(s) and {source.SharedItems} shared item(s); {source.FailedRequests} request(s) failed.");
        }
        host.Complete();
    }

    private void Judge(ShareEvent e)
    {
        var finding = _detector!.Evaluate(e);
        if (finding != null) WriteObject(finding);
    }

    protected override void StopProcessing() => _cancel.Cancel();
}
