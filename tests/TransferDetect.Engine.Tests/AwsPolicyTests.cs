using System.Text.Json.Nodes;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using Xunit;
using static TransferDetect.Engine.Tests.AwsRecords;
using static TransferDetect.Engine.Tests.CloudTrailJson;

namespace TransferDetect.Engine.Tests;

/// <summary>Resource policies: S3 PutBucketPolicy, and the same reading for key, repository and vault policies.</summary>
public class AwsPolicyTests
{
    private static JsonObject BucketPolicy(string statements, string? errorCode = null) =>
        Call("PutBucketPolicy", "s3.amazonaws.com",
            $$"""{"bucketName":"orders","bucketPolicy":{"Version":"2012-10-17","Statement":{{statements}}},"host":["orders.s3.us-east-1.amazonaws.com"],"policy":[""]}""",
            errorCode);

    private static string Allow(string principal, string condition = "null", string action = "\"s3:GetObject\"") =>
        $$"""{"Sid":"S1","Effect":"Allow","Principal":{{principal}},"Action":{{action}},"Resource":"arn:aws:s3:::orders/*","Condition":{{condition}}}""";

    private static string Condition(string op, string key, string values) => $"{{\"{op}\":{{\"{key}\":{values}}}}}";

    [Theory]
    [InlineData("\"*\"")]
    [InlineData("{\"AWS\":\"*\"}")]
    [InlineData("{\"AWS\":[\"*\"]}")]
    public void Principal_star_in_any_form_is_public_and_critical(string principal)
    {
        var e = Single(BucketPolicy($"[{Allow(principal)}]"));
        Assert.Equal(("PutBucketPolicy", "S3Bucket", "orders", ShareCategory.Storage), (e.Operation, e.ResourceType, e.ResourceId, e.Category));
        Assert.Equal(("*", GranteeType.Public, ShareAction.Add), (e.Grantee, e.GranteeType, e.Action));
        Assert.Equal("s3:GetObject", e.Permission);
        Assert.Equal("Principal *; statement S1", e.Details);
        var f = Judge(e)!;
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Equal("S3 bucket orders was shared with everyone (public).", f.Reason);
    }

    [Fact]
    public void A_policy_naming_the_owner_and_a_foreign_account_is_a_finding_for_the_foreign_one_only()
    {
        var events = Events(BucketPolicy($$"""[{{Allow($$"""{"AWS":["arn:aws:iam::{{Owner}}:root","{{Foreign}}"]}""", action: "[\"s3:GetObject\",\"s3:ListBucket\"]")}}]"""));
        Assert.Equal(new[] { $"arn:aws:iam::{Owner}:root", Foreign }, events.Select(e => e.Grantee));
        Assert.All(events, e => Assert.Equal(GranteeType.Account, e.GranteeType));
        Assert.All(events, e => Assert.Equal("s3:GetObject, s3:ListBucket", e.Permission));
        Assert.Null(Judge(events[0]));
        var f = Judge(events[1])!;
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal($"S3 bucket orders was shared with AWS account {Foreign}, which is outside the trust zone.", f.Reason);
    }

    [Theory]
    [InlineData("\"arn:aws:iam::999988887777:role/reader\"")]
    [InlineData("\"arn:aws:sts::999988887777:assumed-role/reader/s\"")]
    [InlineData("\"999988887777\"")]
    public void Account_ids_and_arns_as_a_single_string_name_their_account(string aws)
    {
        var e = Single(BucketPolicy($"[{Allow($"{{\"AWS\":{aws}}}")}]"));
        Assert.Equal(GranteeType.Account, e.GranteeType);
        Assert.Equal(Severity.High, Judge(e)!.Severity);
    }

    [Fact]
    public void A_trusted_account_and_the_owner_are_no_finding()
    {
        var events = Events(BucketPolicy($$"""[{{Allow($$"""{"AWS":["{{Trusted}}","arn:aws:iam::{{Owner}}:role/app"]}""")}}]"""));
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Null(Judge(e)));
    }

    [Fact]
    public void Deny_statements_grant_nothing()
    {
        string deny = """{"Effect":"Deny","Principal":"*","Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}""";
        var record = BucketPolicy($"[{deny},{Allow($"\"{Foreign}\"")}]");
        var e = Single(record);
        Assert.Equal(Foreign, e.Grantee);
    }

    [Theory]
    [InlineData("StringEquals", "aws:PrincipalOrgID")]
    [InlineData("StringEquals", "aws:principalorgid")]
    [InlineData("StringLike", "AWS:PRINCIPALORGID")]
    [InlineData("ForAnyValue:StringEquals", "aws:SourceOrgID")]
    public void Star_narrowed_to_an_organization_is_a_grant_to_that_organization(string op, string key)
    {
        var events = Events(BucketPolicy($"[{Allow("\"*\"", Condition(op, key, $"[\"{TrustedOrg}\",\"{ForeignOrg}\"]"))}]"));
        Assert.Equal(new[] { TrustedOrg, ForeignOrg }, events.Select(e => e.Grantee));
        Assert.All(events, e => Assert.Equal(GranteeType.Organization, e.GranteeType));
        Assert.All(events, e => Assert.StartsWith($"Principal * narrowed by {op} {key} = {TrustedOrg}, {ForeignOrg}", e.Details));
        Assert.Null(Judge(events[0]));
        var f = Judge(events[1])!;
        Assert.Equal(Severity.High, f.Severity);
        Assert.Contains($"AWS organization {ForeignOrg}, which is outside the trust zone", f.Reason);
    }

    [Theory]
    [InlineData("aws:PrincipalAccount")]
    [InlineData("aws:SourceAccount")]
    [InlineData("kms:CallerAccount")]
    public void Star_narrowed_to_accounts_is_a_grant_to_those_accounts(string key)
    {
        var events = Events(BucketPolicy($"[{Allow("{\"AWS\":\"*\"}", Condition("StringEquals", key, $"\"{Foreign}\""))}]"));
        var e = Assert.Single(events);
        Assert.Equal((Foreign, GranteeType.Account), (e.Grantee, e.GranteeType));
        Assert.Equal(Severity.High, Judge(e)!.Severity);
    }

    [Fact]
    public void Account_condition_wins_over_organization_condition_and_both_are_in_details()
    {
        string condition = $$$"""{"StringEquals":{"aws:PrincipalOrgID":"{{{TrustedOrg}}}","aws:PrincipalAccount":"{{{Trusted}}}"}}""";
        var e = Single(BucketPolicy($"[{Allow("\"*\"", condition)}]"));
        Assert.Equal(Trusted, e.Grantee);
        Assert.Contains("aws:PrincipalOrgID", e.Details);
        Assert.Contains("aws:PrincipalAccount", e.Details);
    }

    [Fact]
    public void Organization_path_narrows_to_the_organizational_unit()
    {
        var e = Single(BucketPolicy($"[{Allow("\"*\"", Condition("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", $"\"{ForeignOrg}/r-ab12/ou-ab12-11111111/*\""))}]"));
        Assert.Equal(GranteeType.OrganizationalUnit, e.GranteeType);
        Assert.Equal(Severity.High, Judge(e)!.Severity);
    }

    [Theory]
    [InlineData("""{"StringLike":{"aws:PrincipalOrgID":"o-*"}}""")]
    [InlineData("""{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}""")]
    [InlineData("""{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}""")]
    [InlineData("""{"IpAddress":{"aws:SourceIp":["203.0.113.0/24"]}}""")]
    public void Conditions_that_do_not_name_the_caller_leave_star_public(string condition)
    {
        var e = Single(BucketPolicy($"[{Allow("\"*\"", condition)}]"));
        Assert.Equal(GranteeType.Public, e.GranteeType);
        Assert.StartsWith("Principal *; conditions: ", e.Details);
        Assert.Equal(Severity.Critical, Judge(e)!.Severity);
    }

    [Fact]
    public void Service_principals_and_cloudfront_identities_are_not_accounts()
    {
        var record = BucketPolicy($$"""
            [{{Allow("{\"Service\":\"cloudtrail.amazonaws.com\"}", """{"StringEquals":{"aws:SourceAccount":"111122223333"}}""")}},
             {{Allow("{\"AWS\":\"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLE\"}")}}]
            """);
        var (events, host, reader) = Read(Delivery(record));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(1, reader.Statistics.CandidateRecords);
    }

    [Fact]
    public void NotPrincipal_with_allow_is_everyone_else()
    {
        var e = Single(BucketPolicy($$"""[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::{{Owner}}:root"},"Action":"s3:GetObject"}]"""));
        Assert.Equal(GranteeType.Public, e.GranteeType);
        Assert.Equal($"NotPrincipal (everyone except arn:aws:iam::{Owner}:root)", e.Details);
    }

    [Fact]
    public void Canonical_user_principal_is_a_foreign_user()
    {
        var e = Single(BucketPolicy($"[{Allow("{\"CanonicalUser\":\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\"}")}]"));
        Assert.Equal(GranteeType.User, e.GranteeType);
        var f = Judge(e)!;
        Assert.Equal(Severity.High, f.Severity);
        Assert.Contains("canonical user id 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be, which the trust zone cannot map to an account", f.Reason);
    }

    [Fact]
    public void NotAction_is_written_as_every_action_except()
    {
        var e = Single(BucketPolicy($$"""[{"Effect":"Allow","Principal":{"AWS":"{{Foreign}}"},"NotAction":["s3:DeleteBucket"]}]"""));
        Assert.Equal("every action except s3:DeleteBucket", e.Permission);
    }

    [Fact]
    public void Statement_as_a_single_object_and_policy_as_a_string_are_read()
    {
        string policy = $$"""{"Version":"2012-10-17","Statement":{{Allow($"\"{Foreign}\"")}}}""";
        var e = Single(Call("PutBucketPolicy", "s3.amazonaws.com", $$"""{"bucketName":"orders","bucketPolicy":{{Quoted(policy)}}}"""));
        Assert.Equal(Foreign, e.Grantee);
    }

    [Fact]
    public void Failed_public_policy_is_a_medium_attempt()
    {
        var f = Finding(BucketPolicy($"[{Allow("\"*\"")}]", errorCode: "AccessDenied"));
        Assert.False(f.Succeeded);
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.StartsWith("An attempt to share S3 bucket orders with everyone (public) failed (AccessDenied)", f.Reason);
    }

    [Theory]
    [InlineData("\"invalid-json-policy\"", "is not valid JSON")]
    [InlineData("\"\"", "has an empty bucketPolicy")]
    [InlineData("\"[1,2]\"", "is not a policy object")]
    [InlineData("{\"Version\":\"2012-10-17\"}", "without a Statement")]
    [InlineData("null", "has no bucketPolicy policy document")]
    public void Unreadable_policy_is_one_incomplete_record_and_the_next_record_is_read(string policy, string message)
    {
        var bad = Call("PutBucketPolicy", "s3.amazonaws.com", $$"""{"bucketName":"orders","bucketPolicy":{{policy}}}""");
        var good = BucketPolicy($"[{Allow($"\"{Foreign}\"")}]");
        var (events, host, reader) = Read(Lines(Background(), bad, good));
        Assert.Equal(Foreign, Assert.Single(events).Grantee);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.IncompleteRecord, issue.Kind);
        Assert.Equal(2, issue.Line);
        Assert.Contains("PutBucketPolicy record", issue.Message);
        Assert.Contains(message, issue.Message);
        Assert.Equal(1, reader.Statistics.InvalidRecords);
    }

    [Fact]
    public void Key_policy_as_a_string_uses_the_same_reading()
    {
        string policy = """
            {"Version":"2012-10-17","Statement":[
              {"Sid":"Enable IAM policies","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::OWNER:root"},"Action":"kms:*","Resource":"*"},
              {"Sid":"Allow use by the snapshot recipient","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::FOREIGN:root"},"Action":["kms:Decrypt","kms:CreateGrant"],"Resource":"*"},
              {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"TRUSTED","kms:ViaService":"ec2.us-east-1.amazonaws.com"}}}]}
            """.Replace("OWNER", Owner).Replace("FOREIGN", Foreign).Replace("TRUSTED", Trusted);
        var events = Events(Call("PutKeyPolicy", "kms.amazonaws.com", $$"""{"keyId":"1234abcd-12ab-34cd-56ef-1234567890ab","policyName":"default","policy":{{Quoted(policy)}}}"""));
        Assert.Equal(new[] { $"arn:aws:iam::{Owner}:root", $"arn:aws:iam::{Foreign}:root", Trusted }, events.Select(e => e.Grantee));
        Assert.All(events, e => Assert.Equal(("KmsKey", ShareCategory.Key), (e.ResourceType, e.Category)));
        Assert.Contains("conditions: StringEquals kms:ViaService = ec2.us-east-1.amazonaws.com", events[2].Details);
        var findings = events.Select(Judge).Where(f => f != null).ToList();
        Assert.Equal("KMS key 1234abcd-12ab-34cd-56ef-1234567890ab was shared with AWS account arn:aws:iam::999988887777:root, which is outside the trust zone.", Assert.Single(findings)!.Reason);
    }

    [Fact]
    public void Ecr_repository_policy_open_to_everyone_is_public()
    {
        string policy = """{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}""";
        var f = Finding(Call("SetRepositoryPolicy", "ecr.amazonaws.com", $$"""{"repositoryName":"community","policyText":{{Quoted(policy)}},"force":false}"""));
        Assert.Equal(("EcrRepository", "community", Severity.Critical), (f.ResourceType, f.ResourceId, f.Severity));
        Assert.Equal("ECR repository community was shared with everyone (public).", f.Reason);
    }

    [Fact]
    public void Ecr_repository_policy_limited_to_the_trusted_organization_is_no_finding()
    {
        string policy = """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}""";
        var e = Single(Call("SetRepositoryPolicy", "ecr.amazonaws.com", $$"""{"repositoryName":"base","policyText":{{Quoted(policy)}}}"""));
        Assert.Equal((TrustedOrg, GranteeType.Organization), (e.Grantee, e.GranteeType));
        Assert.Null(Judge(e));
    }
}
