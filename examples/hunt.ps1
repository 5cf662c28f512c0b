<#
.SYNOPSIS
    Hunts a CloudTrail tree for snapshots and images shared outside the trust zone (T1537).
.DESCRIPTION
    Reads every CloudTrail file below -Path (an AWSLogs folder as S3 delivers it, or any folder of
    .json / .json.gz exports), keeps the grants outside the trust zone, prints them as a table and,
    with -ReportPath, writes them as JSON lines for a case file or a SIEM.
.EXAMPLE
    ./hunt.ps1
    Runs on the sample data shipped beside this script.
.EXAMPLE
    ./hunt.ps1 -Path ./AWSLogs -TrustZonePath ./zone.json -StartTime '2026-11-01' -ReportPath ./findings.jsonl
#>
[CmdletBinding()]
param(
    [string] $Path = "$PSScriptRoot/data/AWSLogs",
    [string] $TrustZonePath = "$PSScriptRoot/zone.json",
    [datetime] $StartTime = [datetime]::MinValue,
    [datetime] $EndTime = [datetime]::MaxValue,
    [string] $ReportPath
)

$window = @{}
if ($StartTime -ne [datetime]::MinValue) { $window.StartTime = $StartTime }
if ($EndTime -ne [datetime]::MaxValue) { $window.EndTime = $EndTime }

$findings = @(Get-SnapshotShareEvent -Path $Path @window | Find-ExternalShare -TrustZonePath $TrustZonePath)

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
