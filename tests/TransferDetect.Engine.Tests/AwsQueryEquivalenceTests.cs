using System.Text.Json.Nodes;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Sources.Aws;
using TransferDetect.Tests;
using Xunit;
using static TransferDetect.Engine.Tests.AwsRecords;
using static TransferDetect.Engine.Tests.CloudTrailJson;

namespace TransferDetect.Engine.Tests;

/// <summary>
/// The generated Athena SQL, run by DuckDB over the same records loaded into an Athena-shaped table, gives
/// exactly the engine's findings (event id, grantee, severity): on ../shared/data/real and on generated records.
/// </summary>
public class AwsQueryEquivalenceTests
{
    private static IEnumerable<TrustZone> Zones()
    {
        yield return TrustZone.Empty;
        yield return Zone();
        var orgs = TrustZone.Empty;
        foreach (var org in new[] { "o-test123456", "o-xxxxxxxxxx", "o-yyyyyyyyyy" }) orgs.AddAwsOrganization(org);
        orgs.AddAwsOrganizationalUnit("ou-ab12-cdef3456");
        yield return orgs;
    }

    [Fact]
    public void Stratus_detonation_logs_give_the_same_findings_in_sql_and_in_the_engine()
    {
        RepoPaths.RequireSharedData();
        int findings = 0;
        foreach (var file in Directory.GetFiles(RepoPaths.Stratus, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            findings += AthenaTable.AssertSameFindings(File.ReadAllText(file), Zones(), Path.GetFileName(file));
        }
        Assert.True(findings >= 3, $"{findings} findings");
    }

    [Fact]
    public void Panther_fixtures_give_the_same_findings_in_sql_and_in_the_engine()
    {
        RepoPaths.RequireSharedData();
        string folder = Path.Combine(RepoPaths.SharedData, "panther-analysis", "rules", "aws_cloudtrail_rules");
        var logs = new List<string>();
        foreach (var file in Directory.GetFiles(folder, "*.tests.jsonl").OrderBy(f => f, StringComparer.Ordinal))
        {
            logs.AddRange(File.ReadLines(file).Select(line => JsonNode.Parse(line)!["log"]!.ToJsonString()));
        }
        int findings = AthenaTable.AssertSameFindings(string.Join("\n", logs) + "\n", Zones(), "the Panther fixtures");
        Assert.True(findings >= 20, $"{findings} findings");
    }

    [Fact]
    public void Otrf_collection_records_give_the_same_findings_in_sql_and_in_the_engine()
    {
        RepoPaths.RequireSharedData();
        string folder = Path.Combine(RepoPaths.SharedData, "otrf-security-datasets", "datasets", "atomic", "aws", "collection");
        foreach (var file in Directory.GetFiles(folder, "*.json"))
        {
            AthenaTable.AssertSameFindings(File.ReadAllText(file), TrustZone.Empty, Path.GetFileName(file));
        }
    }

    private static string Policy(string statements) => "{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}";

    private static string Quoted(string json) => System.Text.Json.JsonSerializer.Serialize(json);

    private static string Allow(string principal, string condition = "null", string action = "\"s3:GetObject\"") =>
        $"{{\"Effect\":\"Allow\",\"Principal\":{principal},\"Action\":{action},\"Resource\":\"*\",\"Condition\":{condition}}}";

    /// <summary>
    /// Records of every AWS detection that has a definition: positive and negative twins, a trusted account, a
    /// trusted organization and OU, public grants, failed calls and revocations, the odd shapes each extractor reads.
    /// </summary>
    public static IEnumerable<JsonObject> Corpus()
    {
        string[] items = { "{\"userId\":\"" + Foreign + "\"}", "{\"userId\":\"" + Trusted + "\"}", "{\"group\":\"all\"}", "{\"group\":\"ops\"}",
            "{\"organizationArn\":\"arn:aws:organizations::111122223333:organization/" + ForeignOrg + "\"}",
            "{\"organizationArn\":\"arn:aws:organizations::111122223333:organization/" + TrustedOrg + "\"}",
            "{\"organizationalUnitArn\":\"arn:aws:organizations::111122223333:ou/" + TrustedOrg + "/ou-ab12-cdef3456\"}",
            "{\"organizationalUnitArn\":\"arn:aws:organizations::111122223333:ou/" + ForeignOrg + "/ou-zz12-cdef3456\"}",
            "{\"userId\":\"" + Owner + "\"}" };
        foreach (var item in items)
        {
            yield return SnapshotShare("add", item);
            yield return SnapshotShare("remove", item);
            yield return SnapshotShare("add", item, errorCode: "AccessDenied");
            yield return ImageShare("add", item);
        }
        yield return SnapshotShare("add", "{\"userId\":\"" + Foreign + "\"}", attributeType: "productCodes");
        yield return SnapshotShare("add", "{\"userId\":\"" + Foreign + "\"},{\"group\":\"all\"}", attributeType: "createVolumePermission");
        yield return Call("ModifySnapshotAttribute", "ec2.amazonaws.com", "{\"snapshotId\":\"snap-1\",\"operationType\":\"add\",\"userId\":[\"" + Foreign + "\",\"" + Trusted + "\"],\"userGroup\":\"all\"}");
        yield return Call("ModifySnapshotAttribute", "ec2.amazonaws.com", "{\"snapshotId\":\"snap-1\",\"operationType\":\"remove\",\"userId\":\"" + Foreign + "\"}");
        yield return Call("ModifyImageAttribute", "ec2.amazonaws.com", "{\"imageId\":\"ami-1\",\"attributeType\":\"description\",\"launchPermission\":{\"add\":{\"items\":[{\"group\":\"all\"}]}}}");
        yield return Call("ModifySnapshotAttribute", "ec2.amazonaws.com", "null");
        foreach (var (op, id) in new[] { ("ModifyDBSnapshotAttribute", "dBSnapshotIdentifier"), ("ModifyDBClusterSnapshotAttribute", "dBClusterSnapshotIdentifier") })
        {
            yield return Call(op, "rds.amazonaws.com", $"{{\"{id}\":\"db-1\",\"attributeName\":\"restore\",\"valuesToAdd\":[\"{Foreign}\",\"{Trusted}\",\"all\"]}}");
            yield return Call(op, "rds.amazonaws.com", $"{{\"{id}\":\"db-1\",\"attributeName\":\"restore\",\"valuesToRemove\":[\"{Foreign}\"]}}");
            yield return Call(op, "rds.amazonaws.com", $"{{\"{id}\":\"db-1\",\"attributeName\":\"something\",\"valuesToAdd\":[\"{Foreign}\"]}}");
            yield return Call(op, "rds.amazonaws.com", $"{{\"{id}\":\"db-1\",\"attributeName\":\"restore\",\"valuesToAdd\":\"{Foreign}\"}}", errorCode: "AccessDenied");
        }
        yield return Call("AuthorizeSnapshotAccess", "redshift.amazonaws.com", $"{{\"snapshotIdentifier\":\"rs-1\",\"accountWithRestoreAccess\":\"{Foreign}\"}}");
        yield return Call("AuthorizeSnapshotAccess", "redshift.amazonaws.com", $"{{\"snapshotArn\":\"arn:aws:redshift:us-east-1:{Owner}:snapshot:c/rs-1\",\"accountWithRestoreAccess\":\"{Trusted}\"}}");
        yield return Call("RevokeSnapshotAccess", "redshift.amazonaws.com", $"{{\"snapshotIdentifier\":\"rs-1\",\"accountWithRestoreAccess\":\"{Foreign}\"}}");
        foreach (var (used, name) in new[] { (Foreign, "SharedSnapshotCopyInitiated"), (Trusted, "SharedSnapshotCopyInitiated"), (Owner, "SharedSnapshotVolumeCreated"), (Foreign, "SharedSnapshotVolumeCreated") })
        {
            var r = Call(name, "ec2.amazonaws.com", "null");
            r["userIdentity"] = new JsonObject { ["accountId"] = used, ["invokedBy"] = "ec2.amazonaws.com" };
            r["serviceEventDetails"] = new JsonObject { ["snapshotId"] = "snap-9" };
            r["eventType"] = "AwsServiceEvent";
            yield return r;
        }
        foreach (var grantee in new[] { Foreign, $"arn:aws:iam::{Foreign}:role/x", Trusted, "ec2.us-east-1.amazonaws.com", "AWS Internal", "someone" })
        {
            yield return Call("CreateGrant", "kms.amazonaws.com", $"{{\"keyId\":\"k-1\",\"granteePrincipal\":\"{grantee}\",\"operations\":[\"Decrypt\"]}}");
        }
        yield return Call("CreateGrant", "kms.amazonaws.com", $"{{\"keyId\":\"k-1\",\"granteePrincipal\":\"{Foreign}\"}}", errorCode: "AccessDenied");
        yield return Call("RetireGrant", "kms.amazonaws.com", "{\"keyId\":\"k-1\",\"grantId\":\"g-1\"}");
        yield return Call("RevokeGrant", "kms.amazonaws.com", "{\"keyId\":\"k-1\"}");
        foreach (var vault in new[] { $"arn:aws:backup:us-east-1:{Foreign}:backup-vault:v", $"arn:aws:backup:us-west-2:{Owner}:backup-vault:v", "vault-name-only" })
        {
            yield return Call("StartCopyJob", "backup.amazonaws.com", $"{{\"recoveryPointArn\":\"rp-1\",\"destinationBackupVaultArn\":\"{vault}\"}}");
        }
        foreach (var (op, allow) in new[] { ("CreateResourceShare", "true"), ("CreateResourceShare", "false"), ("AssociateResourceShare", "null"), ("DisassociateResourceShare", "null") })
        {
            yield return Call(op, "ram.amazonaws.com",
                $"{{\"resourceShareArn\":\"arn:aws:ram:us-east-1:{Owner}:resource-share/x\",\"allowExternalPrincipals\":{allow},\"principals\":[\"{Foreign}\",\"{Trusted}\",\"arn:aws:organizations::111122223333:organization/{ForeignOrg}\",\"arn:aws:organizations::111122223333:ou/{TrustedOrg}/ou-ab12-cdef3456\",\"ec2.amazonaws.com\"],\"resourceArns\":[\"arn:aws:ec2:us-east-1:{Owner}:subnet/s-1\"]}}");
        }
        yield return Call("AddLayerVersionPermission20181031", "lambda.amazonaws.com", $"{{\"layerName\":\"l\",\"versionNumber\":2,\"statementId\":\"s\",\"action\":\"lambda:GetLayerVersion\",\"principal\":\"*\"}}");
        yield return Call("AddLayerVersionPermission", "lambda.amazonaws.com", $"{{\"layerName\":\"l\",\"versionNumber\":2,\"principal\":\"*\",\"organizationId\":\"{ForeignOrg}\"}}");
        yield return Call("AddLayerVersionPermission", "lambda.amazonaws.com", $"{{\"layerName\":\"l\",\"principal\":\"*\",\"organizationId\":\"{TrustedOrg}\"}}");
        yield return Call("AddLayerVersionPermission", "lambda.amazonaws.com", $"{{\"layerName\":\"l\",\"principal\":\"{Foreign}\"}}");
        yield return Call("RemoveLayerVersionPermission20181031", "lambda.amazonaws.com", "{\"layerName\":\"l\",\"versionNumber\":2,\"statementId\":\"s\"}");
        yield return Call("ModifyDocumentPermission", "ssm.amazonaws.com", $"{{\"name\":\"doc\",\"permissionType\":\"Share\",\"accountIdsToAdd\":[\"All\",\"{Foreign}\",\"{Trusted}\"],\"accountIdsToRemove\":[\"{Foreign}\"]}}");
        yield return Call("ModifyDocumentPermission", "ssm.amazonaws.com", $"{{\"name\":\"doc\",\"permissionType\":\"Other\",\"accountIdsToAdd\":[\"All\"]}}");
        yield return Call("CreateInstanceExportTask", "ec2.amazonaws.com", "{\"instanceId\":\"i-1\",\"exportToS3\":{\"s3Bucket\":\"exports\"}}");
        yield return Call("ExportImage", "ec2.amazonaws.com", "{\"imageId\":\"ami-1\",\"s3ExportLocation\":{\"s3Bucket\":\"exports\"}}", errorCode: "AccessDenied");
        yield return Call("StartExportTask", "rds.amazonaws.com", $"{{\"sourceArn\":\"arn:aws:rds:us-east-1:{Owner}:cluster-snapshot:c\",\"s3BucketName\":\"exports\"}}");
        foreach (var owner in new[] { Foreign, Trusted, Owner })
        {
            yield return Call("ExportTableToPointInTime", "dynamodb.amazonaws.com", $"{{\"tableArn\":\"arn:aws:dynamodb:us-east-1:{Owner}:table/t\",\"s3Bucket\":\"exports\",\"s3BucketOwner\":\"{owner}\"}}");
        }
        yield return Call("ExportTableToPointInTime", "dynamodb.amazonaws.com", $"{{\"tableArn\":\"arn:aws:dynamodb:us-east-1:{Owner}:table/t\",\"s3Bucket\":\"exports\"}}");
        string off = "{\"BlockPublicAcls\":true,\"IgnorePublicAcls\":false,\"BlockPublicPolicy\":true,\"RestrictPublicBuckets\":true}";
        string on = "{\"BlockPublicAcls\":true,\"IgnorePublicAcls\":true,\"BlockPublicPolicy\":\"true\",\"RestrictPublicBuckets\":true}";
        yield return Call("PutBucketPublicAccessBlock", "s3.amazonaws.com", "{\"bucketName\":\"b\",\"PublicAccessBlockConfiguration\":" + off + "}");
        yield return Call("PutBucketPublicAccessBlock", "s3.amazonaws.com", "{\"bucketName\":\"b\",\"PublicAccessBlockConfiguration\":" + on + "}");
        yield return Call("PutAccountPublicAccessBlock", "s3-control.amazonaws.com", "{\"x-amz-account-id\":\"" + Owner + "\",\"PublicAccessBlockConfiguration\":" + off + "}", errorCode: "AccessDenied");
        yield return Call("PutPublicAccessBlock", "s3.amazonaws.com", "{\"bucketName\":\"b\"}");
        yield return Call("DeleteBucketPublicAccessBlock", "s3.amazonaws.com", "{\"bucketName\":\"b\"}");
        yield return Call("DeleteAccountPublicAccessBlock", "s3-control.amazonaws.com", "null");
        yield return Call("DeletePublicAccessBlock", "s3.amazonaws.com", "{\"bucketName\":\"b\"}");
        yield return Call("DisableSnapshotBlockPublicAccess", "ec2.amazonaws.com", "{}");
        yield return Call("EnableSnapshotBlockPublicAccess", "ec2.amazonaws.com", "{\"state\":\"block-all-sharing\"}");
        yield return Call("EnableImageBlockPublicAccess", "ec2.amazonaws.com", "{\"imageBlockPublicAccessState\":\"unblocked\"}");
        yield return Call("DisableImageBlockPublicAccess", "ec2.amazonaws.com", "{}", errorCode: "AccessDenied");

        // Resource policies: every principal form, Deny, NotPrincipal, narrowing conditions and their ranks, wildcards.
        string orgCondition = "{\"StringEquals\":{\"aws:PrincipalOrgID\":\"" + TrustedOrg + "\"}}";
        string[] statements =
        {
            Allow("\"*\""),
            Allow("{\"AWS\":\"*\"}", orgCondition),
            Allow("{\"AWS\":[\"*\"]}", "{\"StringEquals\":{\"aws:PrincipalOrgID\":[\"" + ForeignOrg + "\",\"" + TrustedOrg + "\"]},\"StringLike\":{\"aws:SourceAccount\":\"" + Foreign + "\"}}"),
            Allow("\"*\"", "{\"StringLike\":{\"aws:PrincipalOrgID\":\"o-*\"}}"),
            Allow("\"*\"", "{\"ForAnyValue:StringLike\":{\"aws:PrincipalOrgPaths\":[\"" + TrustedOrg + "/r-ab12/ou-ab12-cdef3456/*\",\"junk\"]}}"),
            Allow("\"*\"", "{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}"),
            Allow("\"*\"", "{\"StringEqualsIfExists\":{\"aws:PrincipalAccount\":\"" + Foreign + "\"}}"),
            Allow("{\"AWS\":[\"" + Foreign + "\",\"arn:aws:iam::" + Trusted + ":root\",\"arn:aws:iam::" + Owner + ":role/r\"]}"),
            Allow("{\"Service\":\"cloudtrail.amazonaws.com\"}"),
            Allow("{\"AWS\":\"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1\"}"),
            Allow("{\"CanonicalUser\":\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\"}"),
            Allow("{\"Federated\":\"cognito-identity.amazonaws.com\"}"),
            "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}",
            "{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"" + Trusted + "\"},\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}",
            "{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"" + Trusted + "\"},\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"" + Trusted + "\"}}}",
        };
        foreach (var statement in statements)
        {
            yield return Call("PutBucketPolicy", "s3.amazonaws.com", "{\"bucketName\":\"b\",\"bucketPolicy\":" + Policy(statement) + "}");
            yield return Call("PutKeyPolicy", "kms.amazonaws.com", "{\"keyId\":\"k\",\"policy\":" + Quoted(Policy(statement)) + "}");
        }
        yield return Call("PutBucketPolicy", "s3.amazonaws.com", "{\"bucketName\":\"b\",\"bucketPolicy\":" + Policy(Allow("\"*\"")) + "}", errorCode: "AccessDenied");
        yield return Call("SetRepositoryPolicy", "ecr.amazonaws.com", "{\"repositoryName\":\"r\",\"policyText\":" + Quoted(Policy(Allow("{\"AWS\":\"" + Foreign + "\"}"))) + "}");
        yield return Call("SetRepositoryPolicy", "ecr.amazonaws.com", "{\"repositoryName\":\"r\",\"policyText\":\"{not json\"}");
        yield return Call("PutBackupVaultAccessPolicy", "backup.amazonaws.com", "{\"backupVaultName\":\"v\",\"policy\":" + Quoted(Policy(Allow("{\"AWS\":\"" + Foreign + "\"}", "null", "\"backup:CopyIntoBackupVault\""))) + "}");
        yield return Call("PutBackupVaultAccessPolicy", "backup.amazonaws.com", "{\"backupVaultName\":\"v\",\"policy\":" + Quoted(Policy(Allow("{\"AWS\":\"" + Foreign + "\"}", "null", "[\"backup:CopyIntoBackupVault\",\"backup:DescribeBackupVault\"]"))) + "}");
        // S3 ACLs: body grants (groups, canonical ids with and without the owner's, e-mail), canned ACLs, grant headers.
        const string ownerId = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";
        string Grant(string grantee) => "{\"Grantee\":" + grantee + ",\"Permission\":\"READ\"}";
        string[] grants =
        {
            Grant("{\"xsi:type\":\"Group\",\"URI\":\"http://acs.amazonaws.com/groups/global/AllUsers\"}"),
            Grant("{\"xsi:type\":\"Group\",\"URI\":\"http://acs.amazonaws.com/groups/global/AuthenticatedUsers\"}"),
            Grant("{\"xsi:type\":\"Group\",\"URI\":\"http://acs.amazonaws.com/groups/s3/LogDelivery\"}"),
            Grant("{\"xsi:type\":\"Group\",\"URI\":\"http://acs.amazonaws.com/groups/global/Other\"}"),
            Grant("{\"xsi:type\":\"CanonicalUser\",\"ID\":\"" + ownerId + "\"}"),
            Grant("{\"xsi:type\":\"CanonicalUser\",\"ID\":\"0000000000000000000000000000000000000000000000000000000000000001\"}"),
            Grant("{\"xsi:type\":\"AmazonCustomerByEmail\",\"EmailAddress\":\"drop@example.net\"}"),
        };
        yield return Call("PutBucketAcl", "s3.amazonaws.com", "{\"bucketName\":\"b\",\"AccessControlPolicy\":{\"AccessControlList\":{\"Grant\":[" + string.Join(",", grants) + "]},\"Owner\":{\"ID\":\"" + ownerId + "\"}}}");
        yield return Call("PutBucketAcl", "s3.amazonaws.com", "{\"bucketName\":\"b\",\"AccessControlPolicy\":{\"AccessControlList\":{\"Grant\":" + grants[5] + "}}}");
        yield return Call("PutBucketAcl", "s3.amazonaws.com", "{\"bucketName\":\"b\",\"AccessControlPolicy\":{\"AccessControlList\":{\"Grant\":" + grants[0] + "}}}", errorCode: "AccessDenied");
        foreach (var acl in new[] { "private", "public-read", "public-read-write", "authenticated-read", "bucket-owner-full-control" })
        {
            yield return Call("PutBucketAcl", "s3.amazonaws.com", "{\"bucketName\":\"b\",\"x-amz-acl\":[\"" + acl + "\"]}");
        }
        yield return Call("PutBucketAcl", "s3.amazonaws.com",
            "{\"bucketName\":\"b\",\"x-amz-grant-read\":[\"uri=\\\"http://acs.amazonaws.com/groups/global/AllUsers\\\", emailAddress=\\\"drop@example.net\\\"\"]," +
            "\"x-amz-grant-write\":\"uri=http://acs.amazonaws.com/groups/s3/LogDelivery\",\"x-amz-grant-full-control\":\"id=\\\"0001\\\", junk\"}");

        // Replication: to an account, to a bucket without one, a disabled rule, a rule without a destination.
        yield return Call("PutBucketReplication", "s3.amazonaws.com", "{\"bucketName\":\"b\",\"ReplicationConfiguration\":{\"Rule\":[" +
            "{\"ID\":\"r1\",\"Status\":\"Enabled\",\"Destination\":{\"Bucket\":\"arn:aws:s3:::x\",\"Account\":\"" + Foreign + "\"}}," +
            "{\"ID\":\"r2\",\"Status\":\"Enabled\",\"Destination\":{\"Bucket\":\"arn:aws:s3:::y\"}}," +
            "{\"ID\":\"r3\",\"Status\":\"Disabled\",\"Destination\":{\"Bucket\":\"arn:aws:s3:::z\",\"Account\":\"" + Foreign + "\"}}," +
            "{\"ID\":\"r4\",\"Status\":\"Enabled\",\"Destination\":{\"Bucket\":\"arn:aws:s3:::t\",\"Account\":\"" + Trusted + "\"}}," +
            "{\"ID\":\"r5\",\"Status\":\"Enabled\",\"Destination\":{}}]}}");
        yield return Call("PutBucketReplication", "s3.amazonaws.com", "{\"bucketName\":\"b\",\"ReplicationConfiguration\":{\"Rule\":{\"Status\":\"Enabled\",\"Destination\":{\"Bucket\":\"arn:aws:s3:::x\",\"Account\":\"" + Foreign + "\"}}}}");

        // CopyObject: to a foreign bucket, within the account, destination owner redacted, direction not recorded.
        JsonObject Copy(string sourceBucket, string? sourceAccount, string destinationBucket, string? destinationAccount, string copySource, string recipient = Owner)
        {
            var r = Call("CopyObject", "s3.amazonaws.com", "{\"bucketName\":\"" + destinationBucket + "\",\"key\":\"db.csv\",\"x-amz-copy-source\":\"" + copySource + "\"}");
            JsonObject Bucket(string name, string? account)
            {
                var b = new JsonObject { ["type"] = "AWS::S3::Bucket", ["ARN"] = "arn:aws:s3:::" + name };
                if (account != null) b["accountId"] = account;
                return b;
            }
            r["resources"] = new JsonArray(new JsonObject { ["type"] = "AWS::S3::Object", ["ARN"] = "arn:aws:s3:::" + destinationBucket + "/db.csv" }, Bucket(destinationBucket, destinationAccount), Bucket(sourceBucket, sourceAccount));
            r["recipientAccountId"] = recipient;
            return r;
        }
        yield return Copy("orders", Owner, "drop-zone", Foreign, "orders/exports/db.csv");
        yield return Copy("orders", Owner, "archive", Owner, "/orders/exports/db.csv");
        yield return Copy("orders", Owner, "drop-zone", null, "orders%2Fexports/db.csv");
        yield return Copy("orders", Trusted, "drop-zone", Trusted, "orders/db.csv");
        yield return Copy("elsewhere", Foreign, "other", "111111111111", "unlisted/db.csv");

        var marketplace = Record("ModifySnapshotAttribute", "ec2.amazonaws.com", "{\"snapshotId\":\"snap-1\",\"createVolumePermission\":{\"add\":{\"items\":[{\"userId\":\"" + Foreign + "\"}]}}}", invokedBy: "aws-marketplace.amazonaws.com");
        yield return marketplace;
    }

    [Fact]
    public void Generated_records_of_every_defined_detection_give_the_same_findings_in_sql_and_in_the_engine()
    {
        var records = Corpus().ToArray();
        var names = records.Select(r => AwsShareCatalog.All.Find((string?)r["eventName"])!.EventName).Distinct().ToList();
        var defined = AwsShareCatalog.All.Operations.Where(o => o.Definition != null).Select(o => o.EventName).ToList();
        Assert.Equal(defined.OrderBy(x => x, StringComparer.Ordinal), names.OrderBy(x => x, StringComparer.Ordinal));
        int findings = AthenaTable.AssertSameFindings(Delivery(records), Zones(), "the generated corpus");
        Assert.True(findings > 100, $"only {findings} findings");
    }

    [Fact]
    public void The_comparison_sees_a_difference_when_sql_and_engine_judge_with_different_zones()
    {
        string text = Delivery(Corpus().ToArray());
        using var table = new AthenaTable();
        table.AddText(text);
        var sql = table.Findings(Zone(), AwsShareCatalog.All.Operations.Where(o => o.EventName is "ModifySnapshotAttribute" or "CreateResourceShare"));
        var engine = AthenaTable.EngineFindings(text, TrustZone.Empty).Where(k => sql.Any(s => s.Split('|')[0] == k.Split('|')[0])).ToList();
        Assert.NotEqual(engine, sql);
        Assert.Contains(engine, k => k.EndsWith("|" + Trusted + "|High", StringComparison.Ordinal));
        Assert.DoesNotContain(sql, k => k.EndsWith("|" + Trusted + "|High", StringComparison.Ordinal));
    }
}
