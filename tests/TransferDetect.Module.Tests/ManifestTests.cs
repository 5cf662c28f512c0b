using TransferDetect.Tests;
using Xunit;
using static TransferDetect.Module.Tests.ScriptResult;

namespace TransferDetect.Module.Tests;

public class ManifestTests
{
    [Fact]
    public void Manifest_passes_Test_ModuleManifest_and_declares_both_editions()
    {
        using var s = new PowerShellSession();
        var r = s.Run("Test-ModuleManifest -Path $args[0]", RepoPaths.ModuleManifest);
        Assert.Empty(r.Errors);
        var m = Assert.Single(r.Output);
        Assert.Equal("TransferDetect", Prop(m, "Name"));
        Assert.Equal(new[] { "Core", "Desktop" }, ((IEnumerable<string>)Prop(m, "CompatiblePSEditions")!).ToArray());
        Assert.Equal(new Version(5, 1), Prop(m, "PowerShellVersion"));
    }

    [Fact]
    public void Imported_module_exports_exactly_its_cmdlets()
    {
        using var s = new PowerShellSession();
        var r = s.Run("(Get-Module TransferDetect).ExportedCmdlets.Keys | ForEach-Object { $_ }");
        Assert.Equal(new[] { "Compare-ShareBaseline", "ConvertTo-DetectionQuery", "Export-TransferReport", "Find-ExternalShare", "Get-FileShareEvent", "Get-ShareEvent", "Get-SnapshotShareEvent", "Get-StorageShareEvent", "Get-TransferIncident", "Save-ShareBaseline", "Test-CloudTrailLogIntegrity" }, r.Output.Select(o => o.ToString()).OrderBy(x => x, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Get-SnapshotShareEvent", "TransferDetect.Engine.Model.ShareEvent")]
    [InlineData("Get-StorageShareEvent", "TransferDetect.Engine.Model.ShareEvent")]
    [InlineData("Get-FileShareEvent", "TransferDetect.Engine.Model.ShareEvent")]
    [InlineData("Get-ShareEvent", "TransferDetect.Engine.Model.ShareEvent")]
    [InlineData("Find-ExternalShare", "TransferDetect.Engine.Model.Finding")]
    [InlineData("Export-TransferReport", "TransferDetect.Engine.Model.Finding,TransferDetect.Engine.Model.TransferIncident")]
    [InlineData("ConvertTo-DetectionQuery", "TransferDetect.Engine.Queries.DetectionQuery")]
    [InlineData("Get-TransferIncident", "TransferDetect.Engine.Model.TransferIncident")]
    [InlineData("Save-ShareBaseline", "TransferDetect.Engine.Baselines.ShareBaseline")]
    [InlineData("Compare-ShareBaseline", "TransferDetect.Engine.Baselines.BaselineChange")]
    public void Every_cmdlet_declares_its_output_type(string cmdlet, string type)
    {
        using var s = new PowerShellSession();
        var r = s.Run("(Get-Command $args[0]).OutputType | ForEach-Object { $_.Name }", cmdlet);
        Assert.Equal(type, string.Join(",", r.Output.Select(o => o.ToString())));
    }

    [Fact]
    public void LiteralPath_has_the_PSPath_alias_so_provider_items_bind()
    {
        using var s = new PowerShellSession();
        var r = s.Run("(Get-Command Get-SnapshotShareEvent).Parameters['LiteralPath'].Aliases");
        Assert.Contains("PSPath", r.Output.Select(o => o.ToString()));
    }
}
