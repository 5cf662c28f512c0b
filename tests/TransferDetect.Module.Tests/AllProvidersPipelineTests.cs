using System.Text.Json;
using TransferDetect.Tests;
using Xunit;
using static TransferDetect.Module.Tests.ScriptResult;

namespace TransferDetect.Module.Tests;

/// <summary>One pipeline over the exports of every provider shipped in examples/data, as a responder runs it.</summary>
public class AllProvidersPipelineTests
{
    private static string Data => Path.Combine(RepoPaths.Root, "examples", "data");
    private static string Zone => Path.Combine(RepoPaths.Root, "examples", "zone.json");

    [Fact]
    public void Findings_of_every_provider_export_as_json_lines_with_the_same_fields()
    {
        string report = Path.Combine(RepoPaths.NewTempDirectory(), "all.jsonl");
        using var s = new PowerShellSession();
        var r = s.Run("Get-ShareEvent -Path $args[0] | Find-ExternalShare -TrustZonePath $args[1] | Export-TransferReport -Path $args[2]", Data, Zone, report);
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        var rows = File.ReadAllLines(report).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(20, rows.Count); // 17, and the 3 of the snapshot chain in data/chains
        string[] fields = { "EventId", "Provider", "Operation", "EventTime", "Actor", "SourceIp", "AccountId", "ResourceType", "ResourceId", "Grantee", "GranteeType", "Succeeded", "Severity", "Reason", "Source" };
        Assert.All(rows, row => Assert.Equal(fields, row.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(new[] { "Aws", "Azure", "Gcp", "M365" }, rows.Select(row => row.GetProperty("Provider").GetString()).Distinct().OrderBy(x => x, StringComparer.Ordinal));

        var link = rows.Single(row => row.GetProperty("Operation").GetString() == "AnonymousLinkCreated");
        Assert.Equal("AnonymousLink", link.GetProperty("GranteeType").GetString());
        Assert.Equal("Critical", link.GetProperty("Severity").GetString());
        Assert.Equal("72f988bf-0000-4e2a-9c1d-2b3c4d5e6f70", link.GetProperty("AccountId").GetString());
        Assert.Equal("2026-11-03T09:14:02Z", link.GetProperty("EventTime").GetString());
        Assert.Contains("audit-search-2026-11-03.csv:", link.GetProperty("Source").GetString());

        var sas = rows.Single(row => row.GetProperty("Operation").GetString() == "Microsoft.Compute/snapshots/beginGetAccess/action");
        Assert.Equal("d5b7e1c2-3f4a-4b6c-9d8e-0f1a2b3c4d5e", sas.GetProperty("AccountId").GetString());
        Assert.Equal("198.51.100.23", sas.GetProperty("SourceIp").GetString());
        Assert.True(sas.GetProperty("Succeeded").GetBoolean());

        var bucket = rows.Single(row => row.GetProperty("Operation").GetString() == "storage.setIamPermissions");
        Assert.Equal("contoso-prod", bucket.GetProperty("AccountId").GetString());
        Assert.Equal("Public", bucket.GetProperty("GranteeType").GetString());
    }

    [Fact]
    public void Trusted_domains_tenants_and_projects_given_as_parameters_remove_their_findings()
    {
        using var s = new PowerShellSession();
        var without = s.Run("Get-ShareEvent -Path $args[0] -Provider Gcp | Find-ExternalShare -TrustedProject contoso-prod 3>$null", Path.Combine(Data, "gcp"));
        Assert.Empty(without.Errors);
        // The image shared with group:platform-team@contoso.com is a finding until contoso.com is trusted.
        Assert.Contains(without.Output, o => S(o, "Grantee") == "group:platform-team@contoso.com");
        var with = s.Run("Get-ShareEvent -Path $args[0] -Provider Gcp | Find-ExternalShare -TrustedProject contoso-prod -TrustedDomain contoso.com", Path.Combine(Data, "gcp"));
        Assert.Equal(new[] { "user:exfil.drop@gmail.com", "allUsers" }, with.Output.Select(o => S(o, "Grantee")));
    }

    [Fact]
    public void A_malformed_tenant_id_stops_find_external_share_naming_it()
    {
        using var s = new PowerShellSession();
        var r = s.Run("@() | Find-ExternalShare -TrustedTenant not-a-guid");
        Assert.NotNull(r.Terminating ?? r.Errors.FirstOrDefault()?.Exception);
        var message = (r.Terminating ?? r.Errors.First().Exception).Message;
        Assert.Contains("'not-a-guid' is not an Azure tenant id (a GUID)", message);
    }

    private static string S(System.Management.Automation.PSObject o, string name) => Prop(o, name)?.ToString() ?? "";
}
