using System;
using System.Linq;
using System.Management.Automation;
using TransferDetect.Engine.Live.Azure;
using TransferDetect.Engine.Model;

namespace TransferDetect.Commands;

/// <summary>
/// Get-ShareEvent's Azure sources: the Activity Log read live (-Live -Provider Azure -SubscriptionId)
/// and Activity Log exported by a diagnostic setting to a storage account (-StorageAccount or
/// -BlobContainerUri). Read-only; the events are the ones the offline reader gives.
/// </summary>
public sealed partial class GetShareEventCommand
{
    internal const string LiveSet = "Live";
    internal const string StorageAccountSet = "StorageAccount";
    internal const string BlobContainerSet = "BlobContainer";

    /// <summary>Read from the provider's API instead of files (with -Provider Azure: the Activity Log).</summary>
    [Parameter(ParameterSetName = LiveSet, Mandatory = true)]
    public SwitchParameter Live { get; set; }

    /// <summary>The subscriptions whose Activity Log is read (live, or the exported blobs of).</summary>
    [Parameter(ParameterSetName = LiveSet, Mandatory = true)]
    [Parameter(ParameterSetName = StorageAccountSet)]
    [Parameter(ParameterSetName = BlobContainerSet)]
    [ValidateNotNullOrEmpty]
    public string[]? SubscriptionId { get; set; }

    /// <summary>The Microsoft Entra tenant to sign in to.</summary>
    [Parameter(ParameterSetName = LiveSet)]
    [Parameter(ParameterSetName = StorageAccountSet)]
    [Parameter(ParameterSetName = BlobContainerSet)]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    /// <summary>Sign in with the managed identity (Azure Automation, VMs) instead of DefaultAzureCredential.</summary>
    [Parameter(ParameterSetName = LiveSet)]
    [Parameter(ParameterSetName = StorageAccountSet)]
    [Parameter(ParameterSetName = BlobContainerSet)]
    public SwitchParameter ManagedIdentity { get; set; }

    /// <summary>The client id of a user-assigned managed identity.</summary>
    [Parameter(ParameterSetName = LiveSet)]
    [Parameter(ParameterSetName = StorageAccountSet)]
    [Parameter(ParameterSetName = BlobContainerSet)]
    [ValidateNotNullOrEmpty]
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The Resource Manager endpoint (sovereign clouds).</summary>
    [Parameter(ParameterSetName = LiveSet)]
    [ValidateNotNull]
    public Uri? ArmEndpoint { get; set; }

    /// <summary>A storage account whose insights-activity-logs container holds the exported Activity Log.</summary>
    [Parameter(ParameterSetName = StorageAccountSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? StorageAccount { get; set; }

    /// <summary>The URI of the container that holds the exported Activity Log (with a SAS token or not).</summary>
    [Parameter(ParameterSetName = BlobContainerSet, Mandatory = true)]
    [ValidateNotNull]
    public Uri? BlobContainerUri { get; set; }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case LiveSet:
                if (Provider == null || Provider.Length != 1 || Provider[0] != Engine.Model.Provider.Azure)
                {
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Live reads one provider's API: give -Provider Azure."), "TransferDetect.InvalidLiveArgument", ErrorCategory.InvalidArgument, Provider));
                    return;
                }
                AzureLiveCommand.Run(this, () => new AzureActivityLogSource(ScanHost, LiveOptions(), ReaderOptions()).Read(Cancellation), e => WriteObject(e));
                break;
            case StorageAccountSet:
            case BlobContainerSet:
                var container = BlobContainerUri ?? AzureExportedLogSource.ContainerOf(StorageAccount!);
                AzureLiveCommand.Run(this, () => new AzureExportedLogSource(ScanHost, LiveOptions(), container, ReaderOptions()).Read(Cancellation), e => WriteObject(e));
                break;
            default:
                base.ProcessRecord();
                break;
        }
    }

    private AzureLiveOptions LiveOptions() =>
        AzureLiveCommand.Options(SubscriptionId, TenantId, ManagedIdentity.IsPresent, ManagedIdentityClientId, ArmEndpoint, null, Window);
}
