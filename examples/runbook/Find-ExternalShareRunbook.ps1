<#
.SYNOPSIS
    Azure Automation runbook: finds data shared outside the trust zone now (T1537) in Azure
    subscriptions and in OneDrive / SharePoint, signed in with the Automation account's managed identity.
.DESCRIPTION
    Reads the current sharing state through the TransferDetect module (read-only: every call is a GET):
    Azure disks and snapshots with an open SAS export, Compute Galleries shared with other tenants or
    with everyone, storage accounts that allow public blob access or cross-tenant replication, and the
    anyone links and grants to outside people on every SharePoint and OneDrive drive. Each finding is
    written to the output stream as an object (the job's output), one at a time, so memory stays low.

    No prompt, no global state, no files written: every input is a parameter. The job fails (throws)
    when signing in fails, when a source could not be read completely (the findings read before are
    still in the output), and, with -FailOnFinding, when there is any finding.

    Setup: import the TransferDetect module into the Automation account (Runtime 7.4 or 5.1), enable
    its system-assigned managed identity (or pass -ManagedIdentityClientId for a user-assigned one) and
    grant it the Reader role on the subscriptions and, for M365, the Microsoft Graph application
    permissions Sites.Read.All and User.Read.All.
.EXAMPLE
    Start-AzAutomationRunbook -Name Find-ExternalShareRunbook -Parameters @{ SubscriptionId = '<guid>'; TrustedTenant = '<guid>'; TrustedDomain = 'contoso.com' } ...
#>
param(
    [Parameter(Mandatory = $true)]
    [string[]] $SubscriptionId,
    [string] $TenantId,
    [ValidateSet('Azure', 'M365')]
    [string[]] $Provider = @('Azure', 'M365'),
    [string[]] $TrustedTenant = @(),
    [string[]] $TrustedSubscription = @(),
    [string[]] $TrustedDomain = @(),
    [string] $ManagedIdentityClientId,
    [string] $ArmEndpoint,
    [string] $GraphEndpoint,
    [switch] $FailOnFinding
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if (-not (Get-Module -Name TransferDetect)) { Import-Module -Name TransferDetect -ErrorAction Stop }

$live = @{
    Live            = $true
    Provider        = $Provider
    SubscriptionId  = $SubscriptionId
    ManagedIdentity = $true
    ErrorAction     = 'Continue'
    ErrorVariable   = 'readErrors'
}
if ($TenantId) { $live.TenantId = $TenantId }
if ($ManagedIdentityClientId) { $live.ManagedIdentityClientId = $ManagedIdentityClientId }
if ($ArmEndpoint) { $live.ArmEndpoint = $ArmEndpoint }
if ($GraphEndpoint) { $live.GraphEndpoint = $GraphEndpoint }
if ($TrustedTenant.Count -gt 0) { $live.TrustedTenant = $TrustedTenant }
if ($TrustedSubscription.Count -gt 0) { $live.TrustedSubscription = $TrustedSubscription }
if ($TrustedDomain.Count -gt 0) { $live.TrustedDomain = $TrustedDomain }

$count = 0
Find-ExternalShare @live | ForEach-Object {
    $count++
    $_
}

if ($readErrors.Count -gt 0) {
    throw "The sharing state was read incompletely: $($readErrors.Count) request(s) failed ($($readErrors[0].Exception.Message)). The $count finding(s) above were read before or around them."
}
if ($FailOnFinding -and $count -gt 0) {
    throw "$count share(s) outside the trust zone were found."
}
