using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Aws;
using Xunit;
using static TransferDetect.Engine.Tests.AwsRecords;

namespace TransferDetect.Engine.Tests;

/// <summary>How the AWS grantees of the new rows are classified.</summary>
public class AwsGranteeTests
{
    [Theory]
    [InlineData("o-a1b2c3d4e5", GranteeType.Organization, null, "o-a1b2c3d4e5", null)]
    [InlineData("ou-ab12-cdef3456", GranteeType.OrganizationalUnit, null, null, "ou-ab12-cdef3456")]
    [InlineData("o-a1b2c3d4e5/r-ab12/ou-ab12-cdef3456/", GranteeType.OrganizationalUnit, null, "o-a1b2c3d4e5", "ou-ab12-cdef3456")]
    [InlineData("o-a1b2c3d4e5/r-ab12/ou-ab12-cdef3456/*", GranteeType.OrganizationalUnit, null, "o-a1b2c3d4e5", "ou-ab12-cdef3456")]
    [InlineData("o-a1b2c3d4e5/*", GranteeType.Organization, null, "o-a1b2c3d4e5", null)]
    [InlineData("o-*/r-ab12/", GranteeType.Unknown, null, null, null)]
    [InlineData("http://acs.amazonaws.com/groups/global/AllUsers", GranteeType.Public, null, null, null)]
    [InlineData("http://acs.amazonaws.com/groups/global/AuthenticatedUsers", GranteeType.Public, null, null, null)]
    [InlineData("AllUsers", GranteeType.Public, null, null, null)]
    [InlineData("http://acs.amazonaws.com/groups/s3/LogDelivery", GranteeType.Unknown, null, null, null)]
    [InlineData("arn:aws:iam::999988887777:saml-provider/corp", GranteeType.Account, "999988887777", null, null)]
    [InlineData("79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", GranteeType.Unknown, null, null, null)]
    [InlineData("arn:aws:s3:::drop-zone", GranteeType.Unknown, null, null, null)]
    public void New_grantee_forms_are_classified(string text, GranteeType type, string? account, string? organization, string? unit)
    {
        var g = AwsGrantee.Parse(text);
        Assert.Equal((type, account, organization, unit), (g.Type, g.AccountId, g.OrganizationId, g.OrganizationalUnitId));
    }

    [Theory]
    [InlineData("ec2.amazonaws.com", true)]
    [InlineData("dynamodb.us-west-2.amazonaws.com", true)]
    [InlineData("ec2.cn-north-1.amazonaws.com.cn", true)]
    [InlineData("AWS Internal", true)]
    [InlineData("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLE", true)]
    [InlineData("999988887777", false)]
    [InlineData("arn:aws:iam::999988887777:role/amazonaws.com", false)]
    [InlineData("evil.amazonaws.com.example.net", false)]
    public void Service_principals_are_told_from_accounts(string principal, bool service)
    {
        Assert.Equal(service, AwsGrantee.IsServicePrincipal(principal));
    }

    [Theory]
    [InlineData("arn:aws:backup:eu-west-1:999988887777:backup-vault:landing", "999988887777")]
    [InlineData("arn:aws:s3:::bucket", null)]
    [InlineData("not-an-arn", null)]
    public void Account_of_any_arn(string arn, string? account)
    {
        Assert.Equal(account, AwsGrantee.AccountOfArn(arn));
    }

    [Fact]
    public void Federated_provider_of_an_account_is_that_account_and_web_identity_is_unknown()
    {
        string rp = """{"bucketName":"b","bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":{"Federated":["arn:aws:iam::999988887777:saml-provider/corp","cognito-identity.amazonaws.com"]},"Action":"s3:GetObject"}]}}""";
        var events = Events(Call("PutBucketPolicy", "s3.amazonaws.com", rp));
        Assert.Equal(new[] { GranteeType.Account, GranteeType.Unknown }, events.Select(e => e.GranteeType));
        Assert.All(events, e => Assert.Equal("federated identity provider", e.Details));
        Assert.Equal(new Severity?[] { Severity.High, Severity.Medium }, events.Select(e => Judge(e)?.Severity));
    }
}
