using System.Text.Json.Nodes;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Sources.Aws;
using Xunit;
using static TransferDetect.Engine.Tests.AwsRecords;
using static TransferDetect.Engine.Tests.CloudTrailJson;

namespace TransferDetect.Engine.Tests;

/// <summary>Every row's record with its values replaced by values of other JSON kinds: reported or read, never thrown.</summary>
public class AwsBadInputTests
{
    /// <summary>One sample record of each operation of the AWS table beyond the snapshot rows, with the fields its grant lives in.</summary>
    public static TheoryData<string, string, string> Samples => new()
    {
        { "PutBucketPolicy", "s3.amazonaws.com", """{"bucketName":"b","bucketPolicy":{"Statement":[{"Sid":"a","Effect":"Allow","Principal":{"AWS":["*","999988887777"],"CanonicalUser":"abc","Federated":"x"},"NotPrincipal":null,"Action":["s3:GetObject"],"Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-a1b2c3d4e5"]},"IpAddress":{"aws:SourceIp":"1.2.3.4"}}}]}}""" },
        { "PutBucketAcl", "s3.amazonaws.com", """{"bucketName":"b","AccessControlPolicy":{"AccessControlList":{"Grant":[{"Grantee":{"URI":"http://acs.amazonaws.com/groups/global/AllUsers","ID":"x","EmailAddress":"a@b.c"},"Permission":"READ"}]},"Owner":{"ID":"o"}},"x-amz-acl":["public-read"],"x-amz-grant-read":["uri=x, id=y"]}""" },
        { "PutBucketReplication", "s3.amazonaws.com", """{"bucketName":"b","ReplicationConfiguration":{"Rule":[{"ID":"r","Status":"Enabled","Destination":{"Bucket":"arn:aws:s3:::d","Account":"999988887777","AccessControlTranslation":{"Owner":"Destination"}}}]}}""" },
        { "CopyObject", "s3.amazonaws.com", """{"bucketName":"d","key":"k","x-amz-copy-source":"s/k%zz"}""" },
        { "CreateGrant", "kms.amazonaws.com", """{"keyId":"k","granteePrincipal":"999988887777","operations":["Decrypt"],"name":"n"}""" },
        { "RetireGrant", "kms.amazonaws.com", """{"keyId":"k","grantId":"g"}""" },
        { "PutKeyPolicy", "kms.amazonaws.com", """{"keyId":"k","policy":"{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\"}}"}""" },
        { "StartCopyJob", "backup.amazonaws.com", """{"recoveryPointArn":"r","destinationBackupVaultArn":"arn:aws:backup:us-east-1:999988887777:backup-vault:v"}""" },
        { "PutBackupVaultAccessPolicy", "backup.amazonaws.com", """{"backupVaultName":"v","policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"999988887777\"},\"Action\":\"backup:CopyIntoBackupVault\"}]}"}""" },
        { "CreateResourceShare", "ram.amazonaws.com", """{"name":"n","resourceArns":["a"],"principals":["999988887777"],"allowExternalPrincipals":false,"permissionArns":["p"]}""" },
        { "SetRepositoryPolicy", "ecr.amazonaws.com", """{"repositoryName":"r","policyText":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\"}]}"}""" },
        { "AddLayerVersionPermission20181031", "lambda.amazonaws.com", """{"layerName":"l","versionNumber":1,"principal":"*","organizationId":"o-a1b2c3d4e5","statementId":"s","action":"lambda:GetLayerVersion"}""" },
        { "ModifyDocumentPermission", "ssm.amazonaws.com", """{"name":"d","permissionType":"Share","accountIdsToAdd":["All"],"accountIdsToRemove":["999988887777"]}""" },
        { "CreateInstanceExportTask", "ec2.amazonaws.com", """{"instanceId":"i","exportToS3":{"s3Bucket":"b"}}""" },
        { "ExportTableToPointInTime", "dynamodb.amazonaws.com", """{"tableArn":"t","s3Bucket":"b","s3BucketOwner":"999988887777"}""" },
        { "PutBucketPublicAccessBlock", "s3.amazonaws.com", """{"bucketName":"b","PublicAccessBlockConfiguration":{"BlockPublicAcls":false,"IgnorePublicAcls":"true"}}""" },
        { "EnableSnapshotBlockPublicAccess", "ec2.amazonaws.com", """{"state":"unblocked"}""" },
    };

    private static readonly JsonNode?[] Replacements = { null, JsonValue.Create(7), JsonValue.Create("x"), JsonValue.Create(false), new JsonArray(), new JsonObject(), new JsonArray(JsonValue.Create(1), new JsonObject()), JsonValue.Create("\\u0000{") };

    /// <summary>Every node below requestParameters, as a way to replace it.</summary>
    private static IEnumerable<Action<JsonNode?>> Places(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var name in o.Select(p => p.Key).ToList())
                {
                    yield return v => o[name] = v;
                    if (o[name] != null) foreach (var inner in Places(o[name]!)) yield return inner;
                }
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    int at = i;
                    yield return v => a[at] = v;
                    if (a[i] != null) foreach (var inner in Places(a[i]!)) yield return inner;
                }
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Values_of_the_wrong_kind_are_read_or_reported_never_thrown(string eventName, string source, string requestParameters)
    {
        var sample = Call(eventName, source, requestParameters);
        // The sample itself is read cleanly and (but for CopyObject, whose sample has no resources) gives events.
        var events0 = Events(sample);
        if (eventName != "CopyObject") Assert.NotEmpty(events0);
        int places = Places(sample["requestParameters"]!).Count();
        Assert.True(places >= 1);
        var records = new List<JsonObject>();
        for (int p = 0; p < places; p++)
        {
            foreach (var replacement in Replacements)
            {
                var copy = (JsonObject)sample.DeepClone();
                Places(copy["requestParameters"]!).ElementAt(p)(replacement?.DeepClone());
                records.Add(copy);
            }
        }
        var (events, host, reader) = Read(Lines(records.ToArray()));
        Assert.Equal(records.Count, reader.Statistics.Records);
        // Only incomplete records: an InvalidOperationException from reading a value as the wrong kind would
        // surface as an invalid record ("not valid UTF-8"), which these valid records must never be.
        Assert.All(host.Issues, i => Assert.True(i.Kind is ReadIssueKind.IncompleteRecord or ReadIssueKind.MoreIssues, i.Message));
        var detector = new ExternalShareDetector(Zone());
        foreach (var e in events) detector.Evaluate(e);
        Assert.Equal(events.Count, detector.Statistics.Evaluated);
    }

    [Fact]
    public void Every_catalogue_operation_beyond_the_snapshot_rows_has_a_sample()
    {
        var sampled = Samples.Select(row => AwsShareCatalog.All.Find(row.Data.Item1)!.EventName).ToHashSet();
        var uncovered = AwsShareCatalog.All.Operations
            .Where(o => !sampled.Contains(o.EventName) && o.Category != Model.ShareCategory.Snapshot && !o.EventName.StartsWith("Delete") && !o.EventName.StartsWith("Disable"))
            .Select(o => o.EventName).ToList();
        // These read the same fields as a sampled sibling (the extractor is shared).
        Assert.Equal(
            new[] { "RevokeGrant", "AssociateResourceShare", "DisassociateResourceShare", "RemoveLayerVersionPermission", "ExportImage", "StartExportTask", "PutAccountPublicAccessBlock", "PutPublicAccessBlock", "EnableImageBlockPublicAccess" },
            uncovered);
    }
}
