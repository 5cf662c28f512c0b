<#
.SYNOPSIS
    Builds, tests and packages TransferDetect (for machines with pwsh; without it, see README).
.EXAMPLE
    ./build.ps1                 # Build and Test
.EXAMPLE
    ./build.ps1 -Task Package   # out/package/TransferDetect/<version>/ and out/package/TransferDetect.zip
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'All')]
    [string[]] $Task = @('Build', 'Test'),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

if ($Task -contains 'All') { $Task = 'Build', 'Test', 'Package' }

if ($Task -contains 'Build') {
    Invoke-Dotnet build Cmdlets.sln -c $Configuration
}

if ($Task -contains 'Test') {
    Invoke-Dotnet test Cmdlets.sln -c $Configuration
    if (Get-Module -ListAvailable -Name Pester | Where-Object Version -ge '5.0.0') {
        $pester = Join-Path $PSScriptRoot 'tests/pester'
        if (Test-Path $pester) {
            $result = Invoke-Pester -Path $pester -PassThru -Output Detailed
            if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester test(s) failed." }
        }
    }
    else {
        Write-Warning 'Pester 5 is not installed: skipping tests/pester.'
    }
}

if ($Task -contains 'Package') {
    # The same MSBuild target as without pwsh: out/package/TransferDetect/<ModuleVersion>/ and out/package/TransferDetect.zip.
    Invoke-Dotnet build src/TransferDetect/TransferDetect.csproj -c $Configuration -t:Package
    $version = (Import-PowerShellDataFile (Join-Path $PSScriptRoot 'TransferDetect.psd1')).ModuleVersion
    $target = Join-Path $PSScriptRoot "out/package/TransferDetect/$version"
    Test-ModuleManifest -Path (Join-Path $target 'TransferDetect.psd1') | Out-Null
    $zip = Get-Item (Join-Path $PSScriptRoot 'out/package/TransferDetect.zip')
    Write-Host "Packaged $target and $($zip.FullName) ($([math]::Round($zip.Length / 1MB, 2)) MB)"
}
