<#
.SYNOPSIS
    Hunts cloud logs for data shared outside the trust zone (T1537): every provider, every kind of share.
.DESCRIPTION
    Reads every log file below -Path (AWSLogs trees as S3 delivers them, Azure Activity Log exports,
    Microsoft 365 audit searches, GCP Cloud Logging exports: .json, .json.gz, .jsonl, .csv), keeps
    the shares outside the trust zone, prints them as a table and, with -ReportPath, writes them as
    JSON lines for a case file or a SIEM. Use -Category to narrow the hunt (Snapshot, Storage, File, ...).
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
    [string] $ReportPath
)

$window = @{}
if ($StartTime -ne [datetime]::MinValue) { $window.StartTime = $StartTime }
if ($EndTime -ne [datetime]::MaxValue) { $window.EndTime = $EndTime }
if ($Category) { $window.Category = $Category }

$findings = @(Get-ShareEvent -Path $Path @window | Find-ExternalShare -TrustZonePath $TrustZonePath)

if ($ReportPath) {
    $findings | Export-TransferReport -Path $ReportPath -Format JsonLines
}

$findings
$bySeverity = @{}
foreach ($f in $findings) { $bySeverity["$($f.Severity)"] = 1 + [int]$bySeverity["$($f.Severity)"] }
$summary = foreach ($level in 'Critical', 'High', 'Medium', 'Low', 'Informational') {
    if ($bySeverity[$level]) { "$($bySeverity[$level]) $level" }
}
"$($findings.Count) finding(s): $($summary -join ', ')"
