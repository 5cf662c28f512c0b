@{
    # PowerShell 7 loads the net8.0 build; Windows PowerShell 5.1 the netstandard2.0 build.
    RootModule = if ($PSEdition -eq 'Core') { 'bin/net8.0/TransferDetect.dll' } else { 'bin/netstandard2.0/TransferDetect.dll' }
    ModuleVersion = '0.1.0'
    CompatiblePSEditions = @('Core', 'Desktop')
    GUID = '6f0f4a3e-6a8e-4d6b-9a43-1537d7ac1537'
    Author = 'TransferDetect contributors'
    CompanyName = 'TransferDetect'
    Copyright = '(c) TransferDetect contributors.'
    Description = 'Finds MITRE ATT&CK T1537 (Transfer Data to Cloud Account): snapshots, images and data shared with accounts outside your trust zone, from CloudTrail and other cloud logs.'
    PowerShellVersion = '5.1'
    FormatsToProcess = @('TransferDetect.format.ps1xml')
    TypesToProcess = @('TransferDetect.types.ps1xml')
    CmdletsToExport = @(
        'Get-ShareEvent'
        'Get-SnapshotShareEvent'
        'Get-StorageShareEvent'
        'Get-FileShareEvent'
        'Find-ExternalShare'
        'Export-TransferReport'
        'ConvertTo-DetectionQuery'
        'Test-CloudTrailLogIntegrity'
        'Get-TransferIncident'
        'Save-ShareBaseline'
        'Compare-ShareBaseline'
    )
    FunctionsToExport = @()
    VariablesToExport = @()
    AliasesToExport = @()
    PrivateData = @{
        PSData = @{
            Tags = @('Security', 'IncidentResponse', 'DFIR', 'CloudTrail', 'AWS', 'Azure', 'M365', 'GCP', 'MITRE', 'T1537', 'Exfiltration')
            ProjectUri = 'https://github.com/transferdetect/transferdetect'
        }
    }
}
