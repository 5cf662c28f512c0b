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
}
