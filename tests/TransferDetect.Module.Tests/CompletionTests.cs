using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Module.Tests;

/// <summary>Tab completion, through PowerShell's own completion engine (what Tab calls).</summary>
public class CompletionTests
{
    private static string[] Complete(string input)
    {
        using var s = new PowerShellSession();
        var r = s.Run("[System.Management.Automation.CommandCompletion]::CompleteInput($args[0], $args[0].Length, $null).CompletionMatches | ForEach-Object { $_.CompletionText }", input);
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        return r.Output.Select(o => o.ToString()).ToArray();
    }

    [Fact]
    public void Region_completes_to_the_aws_regions_with_that_prefix()
    {
        Assert.Equal(new[] { "eu-west-1", "eu-west-2", "eu-west-3" }, Complete("Get-SnapshotShareEvent -Region eu-w"));
    }

    [Fact]
    public void Operation_completes_to_the_share_operations_with_that_prefix()
    {
        Assert.Equal(new[] { "ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute" }, Complete("Get-SnapshotShareEvent -Operation modifydb"));
    }

    [Fact]
    public void Unknown_operation_stops_the_command_with_a_clear_error()
    {
        using var s = new PowerShellSession();
        var r = s.Run("Get-SnapshotShareEvent -Path . -Operation PutBucketPolicy");
        var e = Assert.Single(r.Errors);
        Assert.Equal("TransferDetect.UnknownOperation,TransferDetect.Commands.GetSnapshotShareEventCommand", e.FullyQualifiedErrorId);
        Assert.Contains("ModifySnapshotAttribute", e.Exception.Message);
    }

    [Fact]
    public void Provider_completes_to_the_four_providers()
    {
        Assert.Equal(new[] { "Aws", "Azure", "Gcp", "M365" }, Complete("Get-ShareEvent -Provider "));
        Assert.Equal(new[] { "Gcp" }, Complete("Get-StorageShareEvent -Provider g"));
    }

    [Fact]
    public void Category_completes_to_the_share_categories()
    {
        Assert.Equal(new[] { "Snapshot", "Storage" }, Complete("Get-ShareEvent -Category s"));
    }

    [Fact]
    public void Operation_completion_follows_the_command_and_the_providers_typed_before_it()
    {
        var snapshotOps = Complete("Get-SnapshotShareEvent -Operation ");
        Assert.Contains("ModifySnapshotAttribute", snapshotOps);
        Assert.DoesNotContain("PutBucketPolicy", snapshotOps);
        Assert.Contains("PutBucketPolicy", Complete("Get-StorageShareEvent -Operation "));
        var azureOnly = Complete("Get-SnapshotShareEvent -Provider Azure -Operation ");
        Assert.NotEmpty(azureOnly);
        Assert.All(azureOnly, o => Assert.StartsWith("Microsoft.", o, StringComparison.OrdinalIgnoreCase));
    }
}
