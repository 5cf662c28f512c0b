using System.Management.Automation;
using TransferDetect.Tests;
using Xunit;
using static TransferDetect.Module.Tests.ScriptResult;

namespace TransferDetect.Module.Tests;

/// <summary>Get-TransferIncident, Save-ShareBaseline and Compare-ShareBaseline in the hosted engine, on the sample data.</summary>
public class IncidentCmdletTests
{
    private static string Data => Path.Combine(RepoPaths.Root, "examples", "data");
    private static string Zone => Path.Combine(RepoPaths.Root, "examples", "zone.json");

    private static string S(PSObject o, string name) => Prop(o, name)?.ToString() ?? "";

    [Fact]
    public void Incidents_from_piped_events_agree_with_incidents_read_from_the_logs_except_the_creations_only_the_logs_hold()
    {
        using var s = new PowerShellSession();
        var read = s.Run("Get-TransferIncident -Path $args[0] -TrustZonePath $args[1] -Verbose", Data, Zone);
        var piped = s.Run("Get-ShareEvent -Path $args[0] | Get-TransferIncident -TrustZonePath $args[1]", Data, Zone);
        Assert.Empty(read.Errors);
        Assert.Empty(piped.Errors);
        Assert.All(read.Output, o => Assert.Equal("TransferDetect.Engine.Model.TransferIncident", o.TypeNames[0]));
        Assert.Equal(read.Output.Select(o => S(o, "IncidentId")), piped.Output.Select(o => S(o, "IncidentId")));
        var chain = Assert.Single(piped.Output, o => S(o, "Grantee") == "210987654321");
        Assert.Equal("Shared, KeyShared, Used, Revoked", S(chain, "Stages")); // Get-ShareEvent returns no CreateSnapshot
        Assert.Contains(read.Verbose, v => v.StartsWith("Correlated 31 share event(s): 24 in 13 incident(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void Findings_from_the_pipeline_are_correlated_too_without_a_trust_zone_warning()
    {
        using var s = new PowerShellSession();
        var r = s.Run("Get-ShareEvent -Path $args[0] | Find-ExternalShare -TrustedDomain contoso.com | Get-TransferIncident", Path.Combine(Data, "m365"));
        Assert.Empty(r.Errors);
        Assert.Empty(r.Warnings);
        Assert.Equal(new[] { "AnonymousLink Shared, Used", "ExternalShare Shared" }, r.Output.Select(o => $"{S(o, "Kind")} {S(o, "Stages")}"));
    }

    [Fact]
    public void A_baseline_of_the_same_data_leaves_no_grantee_first_seen()
    {
        string baseline = Path.Combine(RepoPaths.NewTempDirectory(), "baseline.json");
        using var s = new PowerShellSession();
        var before = s.Run("Get-TransferIncident -Path $args[0] -TrustZonePath $args[1] | Where-Object FirstSeenGrantee", Data, Zone);
        Assert.Equal(6, before.Output.Count);
        var r = s.Run("Save-ShareBaseline -Path $args[0] -TrustZonePath $args[1] -BaselinePath $args[2]; Get-TransferIncident -Path $args[0] -TrustZonePath $args[1] -BaselinePath $args[2] | Where-Object FirstSeenGrantee", Data, Zone, baseline);
        Assert.Empty(r.Errors);
        Assert.Empty(r.Output);
        Assert.True(File.Exists(baseline));
    }

    [Fact]
    public void Save_with_WhatIf_writes_nothing()
    {
        string baseline = Path.Combine(RepoPaths.NewTempDirectory(), "baseline.json");
        using var s = new PowerShellSession();
        var r = s.Run("Save-ShareBaseline -Path $args[0] -TrustZonePath $args[1] -BaselinePath $args[2] -WhatIf", Data, Zone, baseline);
        Assert.Empty(r.Errors);
        Assert.False(File.Exists(baseline));
    }

    [Fact]
    public void A_file_that_is_not_a_baseline_stops_the_command_with_an_error_naming_it()
    {
        string dir = RepoPaths.NewTempDirectory();
        string bad = Path.Combine(dir, "not-a-baseline.json");
        File.WriteAllText(bad, """{"aws":{"accounts":[]}}""");
        using var s = new PowerShellSession();
        var r = s.Run("Compare-ShareBaseline -Path $args[0] -TrustZonePath $args[1] -BaselinePath $args[2]", Data, Zone, bad);
        var error = r.Terminating?.ErrorRecord ?? Assert.Single(r.Errors);
        Assert.StartsWith("TransferDetect.InvalidBaseline", error.FullyQualifiedErrorId);
        Assert.Contains("not-a-baseline.json is not a share baseline", error.Exception.Message);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void Input_that_is_not_a_share_event_is_an_error_per_item_and_the_rest_is_read()
    {
        using var s = new PowerShellSession();
        var r = s.Run("@(42) + @(Get-ShareEvent -Path $args[0]) | Get-TransferIncident -TrustedDomain contoso.com", Path.Combine(Data, "m365"));
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("TransferDetect.NotAShareEvent", error.FullyQualifiedErrorId);
        Assert.Equal(2, r.Output.Count);
    }

    [Fact]
    public void Compare_with_a_baseline_of_part_of_the_data_reports_the_rest_as_new_and_a_runbook_can_test_it()
    {
        string baseline = Path.Combine(RepoPaths.NewTempDirectory(), "baseline.json");
        using var s = new PowerShellSession();
        var r = s.Run("""
            Save-ShareBaseline -Path $args[0] -TrustZonePath $args[2] -BaselinePath $args[3]
            $changes = @(Compare-ShareBaseline -Path $args[1] -TrustZonePath $args[2] -BaselinePath $args[3])
            if ($changes | Where-Object Change -eq 'New') { 'alert' }
            $changes
            """, Path.Combine(Data, "gcp"), Path.Combine(Data, "chains"), Zone, baseline);
        Assert.Empty(r.Errors);
        Assert.Equal("alert", r.Output[0].ToString());
        var changes = r.Output.Skip(1).Select(o => $"{S(o, "Change")} {S(o, "Item")} {S(o, "Grantee")} {S(o, "ResourceId")}").ToArray();
        Assert.Equal(
            new[]
            {
                "New Grantee 210987654321 ",
                "New Grant 210987654321 arn:aws:kms:us-east-1:111122223333:key/5d1f7a2e-9b3c-4e8f-a0d1-2c3b4a5f6e70",
                "Gone Grant allUsers projects/_/buckets/contoso-prod-exports",
            },
            changes);
        Assert.Equal("TransferDetect.Engine.Baselines.BaselineChange", r.Output[1].TypeNames[0]);
    }

    [Fact]
    public void A_path_piped_as_text_is_read_like_Path()
    {
        using var s = new PowerShellSession();
        var r = s.Run("$args[0] | Get-TransferIncident -TrustZonePath $args[1]", Path.Combine(Data, "chains"), Zone);
        Assert.Empty(r.Errors);
        Assert.Equal("Created, Shared, KeyShared, Used, Revoked", S(Assert.Single(r.Output), "Stages"));
    }
}
