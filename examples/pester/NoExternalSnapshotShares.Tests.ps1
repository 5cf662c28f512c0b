<#
.SYNOPSIS
    Pester 5 compliance check: no snapshot or image was shared outside the trust zone (T1537).
.DESCRIPTION
    Fails when Get-SnapshotShareEvent | Find-ExternalShare finds anything in the CloudTrail logs, and
    names every finding in the failure message.

    Run it where Pester 5 and TransferDetect are installed:

        $container = New-PesterContainer -Path ./examples/pester/NoExternalSnapshotShares.Tests.ps1 -Data @{
            Path = '/cases/acme/AWSLogs'; TrustZonePath = '/cases/acme/zone.json'; StartTime = '2026-11-01'
            ModulePath = './out/TransferDetect/TransferDetect.psd1' }   # omit ModulePath when the module is installed
        Invoke-Pester -Container $container -Output Detailed

    or set TRANSFERDETECT_LOGS and TRANSFERDETECT_ZONE (and optionally TRANSFERDETECT_START) and run
    Invoke-Pester ./examples/pester. Without either, it reads the sample data in examples/data with
    examples/zone.json, which holds findings on purpose: the check fails there, showing what a failure
    looks like.

    Pester is not available on the machines that build this repository, so this file is not run by
    the tests; tests/TransferDetect.Module.Tests only checks that it parses.
#>
param(
    [string] $Path = $(if ($env:TRANSFERDETECT_LOGS) { $env:TRANSFERDETECT_LOGS } else { "$PSScriptRoot/../data/AWSLogs" }),
    [string] $TrustZonePath = $(if ($env:TRANSFERDETECT_ZONE) { $env:TRANSFERDETECT_ZONE } else { "$PSScriptRoot/../zone.json" }),
    [string] $StartTime = $env:TRANSFERDETECT_START,
    [string] $ModulePath = 'TransferDetect'
)

BeforeDiscovery {
    # One It per log location, so a report names the tree that failed.
    $cases = @(@{ Path = $Path; TrustZonePath = $TrustZonePath; StartTime = $StartTime })
}

BeforeAll {
    Import-Module $ModulePath -ErrorAction Stop
}

Describe 'T1537: no snapshot or image shared outside the trust zone' {
    It 'finds no external share in <Path>' -ForEach $cases {
        $window = @{}
        if ($StartTime) { $window.StartTime = [datetime]$StartTime }

        # -ErrorAction Stop: a log that cannot be read fails the check instead of passing unseen.
        $findings = @(Get-SnapshotShareEvent -Path $Path @window -ErrorAction Stop |
            Find-ExternalShare -TrustZonePath $TrustZonePath -ErrorAction Stop)

        $because = ($findings | ForEach-Object {
            "$($_.Severity) $($_.EventTime.ToString('u')) $($_.Operation) $($_.ResourceId) -> $($_.Grantee)"
        }) -join '; '
        $findings | Should -BeNullOrEmpty -Because "these shares left the trust zone: $because"
    }
}
