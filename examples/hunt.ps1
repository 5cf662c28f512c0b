<#
.SYNOPSIS
    Hunts cloud logs for data shared outside the trust zone (T1537): every provider, every kind of share.
.DESCRIPTION
    Reads every log file below -Path (AWSLogs trees as S3 delivers them, Azure Activity Log exports,
    Microsoft 365 audit searches, GCP Cloud Logging exports: .json, .json.gz, .jsonl, .csv), keeps
    the shares outside the trust zone, prints them as a table and, with -ReportPath, writes them as
    JSON lines for a case file or a SIEM. Use -Category to narrow the hunt (Snapshot, Storage, File, ...).
    Then prints the incidents: the findings correlated into stories (created, shared, key granted, used,
    revoked), with the worst first in mind: used and then cleaned up is Critical. -BaselinePath names a
    Save-ShareBaseline file whose grantees are not first-seen.
.EXAMPLE
    ./hunt.ps1
    Runs on the sample data shipped beside this script.
.EXAMPLE
    ./hunt.ps1 -Path ./case-exports -TrustZonePath ./zone.json -StartTime '2026-11-01' -ReportPath ./findings.jsonl
#>
[CmdletBinding()]
param(
    [string[]] $Path = "$PSScriptRoot/data",
    [string] $TrustZonePath = "$PSScriptRoot/zone.json",
    [datetime] $StartTime = [datetime]::MinValue,
    [datetime] $EndTime = [datetime]::MaxValue,
    [string[]] $Category,
    [string] $ReportPath,
    [string] $BaselinePath
)

$window = @{}
if ($StartTime -ne [datetime]::MinValue) { $window.StartTime = $StartTime }
if ($EndTime -ne [datetime]::MaxValue) { $window.EndTime = $EndTime }
$correlation = @{} + $window
if ($BaselinePath) { $correlation.BaselinePath = $BaselinePath }
if ($Category) { $window.Category = $Category }

$findings = @(Get-ShareEvent -Path $Path @window | Find-ExternalShare -TrustZonePath $TrustZonePath)

if ($ReportPath) {
    $findings | Export-TransferReport -Path $ReportPath -Format JsonLines
}

# Two tables, one after the other: each type through its own view (a single output stream would show the
# incidents as lists under the findings' table).
$findings | Out-Default
$bySeverity = @{}
foreach ($f in $findings) { $bySeverity["$($f.Severity)"] = 1 + [int]$bySeverity["$($f.Severity)"] }
$summary = foreach ($level in 'Critical', 'High', 'Medium', 'Low', 'Informational') {
    if ($bySeverity[$level]) { "$($bySeverity[$level]) $level" }
}
"$($findings.Count) finding(s): $($summary -join ', ')" | Out-Default

# The same logs again, correlated: Get-TransferIncident also reads the creation of snapshots and images.
$incidents = @(Get-TransferIncident -Path $Path -TrustZonePath $TrustZonePath @correlation)
if ($Category) { $incidents = @($incidents | Where-Object { $c = $_.Findings | ForEach-Object { "$($_.Event.Category)" }; @($c | Where-Object { $Category -contains $_ }).Count -gt 0 }) }
$incidents | Out-Default
$used = @($incidents | Where-Object { $_.Stages.HasFlag([TransferDetect.Engine.Model.IncidentStage]::Used) }).Count
$open = @($incidents | Where-Object StillOpen).Count
$new = @($incidents | Where-Object FirstSeenGrantee).Count
"$($incidents.Count) incident(s): $used used (data has left), $open still open, $new with a grantee never seen before"
