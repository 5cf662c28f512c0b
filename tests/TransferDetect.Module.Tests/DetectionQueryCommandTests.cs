using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Module.Tests;

/// <summary>ConvertTo-DetectionQuery in the hosted engine: the zone reaches the query, errors are the documented ones.</summary>
public class DetectionQueryCommandTests
{
    [Fact]
    public void Trusted_ids_of_the_command_line_are_written_into_each_query()
    {
        using var s = new PowerShellSession();
        var r = s.Run("ConvertTo-DetectionQuery -Engine Athena -Table logs.trail -Operation CreateGrant, PutBucketPolicy -TrustedAccount 444455556666 -TrustedOrganization o-a1b2c3d4e5 -TrustedOrganizationalUnit ou-ab12-cdef3456");
        Assert.Empty(r.Errors);
        Assert.Equal(2, r.Output.Count);
        foreach (var q in r.Output)
        {
            string text = q.BaseObject.ToString()!;
            Assert.Contains("FROM logs.trail e", text);
            Assert.Contains("p.granteeaccount IN ('444455556666')", text);
            Assert.Contains("p.granteeorganization IN ('o-a1b2c3d4e5')", text);
            Assert.Contains("p.granteeunit IN ('ou-ab12-cdef3456')", text);
        }
        Assert.Equal(new[] { "CreateGrant", "PutBucketPolicy" }, r.Output.Select(q => ((IEnumerable<string>)q.Properties["Detections"].Value).Single()).OrderBy(x => x));
    }

    [Fact]
    public void Invalid_trust_zone_and_missing_event_data_store_are_terminating_errors()
    {
        using var s = new PowerShellSession();
        var bad = s.Run("ConvertTo-DetectionQuery -Engine Athena -TrustedAccount 12");
        Assert.Equal("TransferDetect.InvalidTrustZone,TransferDetect.Commands.ConvertToDetectionQueryCommand", Assert.Single(bad.Errors).FullyQualifiedErrorId);
        var lake = s.Run("ConvertTo-DetectionQuery -Engine CloudTrailLake");
        Assert.Equal("TransferDetect.MissingEventDataStore,TransferDetect.Commands.ConvertToDetectionQueryCommand", Assert.Single(lake.Errors).FullyQualifiedErrorId);
        var op = s.Run("ConvertTo-DetectionQuery -Engine Athena -Operation NoSuchCall");
        var e = Assert.Single(op.Errors);
        Assert.Equal("TransferDetect.InvalidOperation,TransferDetect.Commands.ConvertToDetectionQueryCommand", e.FullyQualifiedErrorId);
        Assert.Contains("'NoSuchCall' is not an operation", e.Exception.Message);
    }

    [Fact]
    public void Kql_for_one_provider_carries_the_trusted_tenants_and_domains_of_the_command_line()
    {
        using var s = new PowerShellSession();
        var azure = s.Run("ConvertTo-DetectionQuery -Engine Kql -Provider Azure -TrustedTenant 11111111-2222-3333-4444-555555555555 -TrustedDomain fabrikam.com");
        Assert.Empty(azure.Errors);
        var q = Assert.Single(azure.Output);
        Assert.Equal("Azure", q.Properties["Provider"].Value.ToString());
        string text = q.BaseObject.ToString()!;
        Assert.Contains("let TrustedTenants = dynamic([\"11111111-2222-3333-4444-555555555555\"]);", text);
        Assert.Contains("let TrustedDomains = dynamic([\"fabrikam.com\"]);", text);
        Assert.Contains("\"Microsoft.Compute/galleries/share/action\", \"GalleryShare\"", text);
        var m365 = s.Run("ConvertTo-DetectionQuery -Engine Kql -Provider M365 -TrustedDomain fabrikam.com");
        Assert.Empty(m365.Errors);
        Assert.Contains("\nOfficeActivity\n", Assert.Single(m365.Output).BaseObject.ToString()!);
    }

    [Fact]
    public void Kql_for_aws_is_one_query_per_detection_over_aws_cloud_trail_with_the_trusted_accounts()
    {
        using var s = new PowerShellSession();
        var all = s.Run("ConvertTo-DetectionQuery -Engine Kql -Provider Aws -TrustedAccount 444455556666 -TrustedOrganization o-a1b2c3d4e5 -StartTime 2024-08-01T00:00:00Z");
        Assert.Empty(all.Errors);
        Assert.Equal(39, all.Output.Count);
        Assert.All(all.Output, o => Assert.Equal("Kql Aws", $"{o.Properties["Engine"].Value} {o.Properties["Provider"].Value}"));
        string text = all.Output[0].BaseObject.ToString()!;
        Assert.Contains("\nlet Base = AWSCloudTrail\n", text);
        Assert.Contains("let TrustedAccounts = dynamic([\"444455556666\"]);", text);
        Assert.Contains("let TrustedOrganizations = dynamic([\"o-a1b2c3d4e5\"]);", text);
        Assert.Contains("| where TimeGenerated >= datetime(2024-08-01T00:00:00Z)\n", text);

        var one = s.Run("ConvertTo-DetectionQuery -Engine Kql -Provider Aws -Operation putbucketacl");
        Assert.Empty(one.Errors);
        var q = Assert.Single(one.Output);
        Assert.Equal("PutBucketAcl", Assert.Single((System.Collections.Generic.IReadOnlyList<string>)q.Properties["Detections"].Value));
        Assert.Contains("| where EventName in (\"PutBucketAcl\")\n", q.BaseObject.ToString()!);

        var bad = s.Run("ConvertTo-DetectionQuery -Engine Kql -Provider Aws -Operation NoSuchCall");
        Assert.Equal("TransferDetect.InvalidOperation,TransferDetect.Commands.ConvertToDetectionQueryCommand", Assert.Single(bad.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void Kql_refuses_the_sql_parameters_and_operation_without_aws_and_sql_refuses_azure()
    {
        using var s = new PowerShellSession();
        var operation = s.Run("ConvertTo-DetectionQuery -Engine Kql -Provider Azure -Operation PutBucketAcl");
        Assert.Equal("TransferDetect.ParameterNotForKql,TransferDetect.Commands.ConvertToDetectionQueryCommand", Assert.Single(operation.Errors).FullyQualifiedErrorId);
        var noProvider = s.Run("ConvertTo-DetectionQuery -Engine Kql -Operation PutBucketAcl");
        Assert.Contains("-Provider Aws", Assert.Single(noProvider.Errors).Exception.Message);
        var table = s.Run("ConvertTo-DetectionQuery -Engine Kql -Provider Aws -Table logs.trail");
        Assert.Equal("TransferDetect.ParameterNotForKql,TransferDetect.Commands.ConvertToDetectionQueryCommand", Assert.Single(table.Errors).FullyQualifiedErrorId);
        var athena = s.Run("ConvertTo-DetectionQuery -Engine Athena -Provider Azure");
        Assert.Equal("TransferDetect.ProviderNotForEngine,TransferDetect.Commands.ConvertToDetectionQueryCommand", Assert.Single(athena.Errors).FullyQualifiedErrorId);
        var gcp = s.Run("ConvertTo-DetectionQuery -Engine Kql -Provider Gcp");
        Assert.Contains("ParameterArgumentValidationError", Assert.Single(gcp.Errors).FullyQualifiedErrorId);
    }
}
