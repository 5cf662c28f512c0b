using TransferDetect.Engine.Detection;
using Xunit;

namespace TransferDetect.Engine.Tests;

public class TrustZoneTests
{
    private const string Guid1 = "8a4de8b5-095c-47d0-a96f-a75130c61d53";

    [Fact]
    public void Zone_file_of_DETECTIONS_md_loads_every_section()
    {
        var zone = TrustZone.Parse($$"""
            {
              "aws":   { "accounts": ["111122223333"], "organizations": ["o-a1b2c3d4e5"],
                         "organizationalUnits": ["ou-ab12-cdef3456"] },
              "azure": { "tenants": ["{{Guid1}}"], "subscriptions": ["{{Guid1}}"] },
              "m365":  { "domains": ["contoso.com", "contoso.onmicrosoft.com"] },
              "gcp":   { "organizations": ["123456789012"], "projects": ["prod-1"], "domains": ["contoso.com"] }
            }
            """);
        Assert.Equal(new[] { "111122223333" }, zone.AwsAccounts);
        Assert.Equal(new[] { "o-a1b2c3d4e5" }, zone.AwsOrganizations);
        Assert.Equal(new[] { "ou-ab12-cdef3456" }, zone.AwsOrganizationalUnits);
        Assert.Equal(new[] { Guid1 }, zone.AzureTenants);
        Assert.Equal(2, zone.M365Domains.Count);
        Assert.Equal(new[] { "prod-1" }, zone.GcpProjects);
        Assert.False(zone.IsEmpty);
    }

    [Theory]
    [InlineData("""{"aws":{"acounts":["111122223333"]}}""", "unknown key 'aws.acounts'")]
    [InlineData("""{"amazon":{}}""", "unknown section 'amazon'")]
    [InlineData("""{"aws":{"accounts":[111122223333]}}""", "must be a string")]
    [InlineData("""{"aws":{"accounts":["1111-2222-3333"]}}""", "aws.accounts[0] '1111-2222-3333' is not an AWS account id")]
    [InlineData("""{"aws":{"organizations":["o-short"]}}""", "is not an AWS organization id")]
    [InlineData("""{"azure":{"tenants":["contoso"]}}""", "is not an Azure tenant id")]
    [InlineData("""{"aws":{"accounts":"111122223333"}}""", "must be an array")]
    [InlineData("""{"aws":""", "not valid JSON")]
    public void Invalid_zone_is_refused_with_the_place_named(string json, string expected)
    {
        var e = Assert.Throws<TrustZoneException>(() => TrustZone.Parse(json, "zone.json"));
        Assert.Contains(expected, e.Message);
        Assert.Contains("zone.json", e.Message);
    }

    [Fact]
    public void Organization_and_ou_arns_are_accepted_as_their_ids()
    {
        var zone = TrustZone.Empty;
        zone.AddAwsOrganization("arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5");
        zone.AddAwsOrganizationalUnit("arn:aws:organizations::111122223333:ou/o-a1b2c3d4e5/ou-ab12-cdef3456");
        Assert.True(zone.TrustsAwsOrganization("o-a1b2c3d4e5"));
        Assert.True(zone.TrustsAwsOrganizationalUnit("ou-ab12-cdef3456", null));
    }

    [Fact]
    public void Owner_account_is_trusted_even_in_an_empty_zone()
    {
        Assert.True(TrustZone.Empty.TrustsAwsAccount("111122223333", "111122223333"));
        Assert.False(TrustZone.Empty.TrustsAwsAccount("444455556666", "111122223333"));
    }

    [Fact]
    public void Ou_of_a_trusted_organization_is_trusted()
    {
        var zone = TrustZone.Empty;
        zone.AddAwsOrganization("o-a1b2c3d4e5");
        Assert.True(zone.TrustsAwsOrganizationalUnit("ou-zz99-abcdefgh", "o-a1b2c3d4e5"));
        Assert.False(zone.TrustsAwsOrganizationalUnit("ou-zz99-abcdefgh", "o-zz9y8x7w6v"));
    }

    [Fact]
    public void Missing_zone_file_names_the_path()
    {
        var e = Assert.Throws<TrustZoneException>(() => TrustZone.Load("/no/such/zone.json"));
        Assert.Contains("/no/such/zone.json", e.Message);
    }
}
