using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using Xunit;
using static TransferDetect.Engine.Tests.AwsRecords;
using static TransferDetect.Engine.Tests.CloudTrailJson;

namespace TransferDetect.Engine.Tests;

/// <summary>KMS CreateGrant / RetireGrant / RevokeGrant, Backup StartCopyJob and vault access policies.</summary>
public class AwsKeyAndBackupShareTests
{
    private const string Key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private static string Grant(string grantee) =>
        $$$"""{"keyId":"{{{Key}}}","granteePrincipal":"{{{grantee}}}","operations":["Decrypt","DescribeKey","CreateGrant"],"name":"share-snap"}""";

    [Fact]
    public void Kms_grant_to_a_role_of_a_foreign_account_is_high()
    {
        var f = Finding(Call("CreateGrant", "kms.amazonaws.com", Grant($"arn:aws:iam::{Foreign}:role/copier")));
        Assert.Equal(($"arn:aws:iam::{Foreign}:role/copier", GranteeType.Account, Severity.High), (f.Grantee, f.GranteeType, f.Severity));
        Assert.Equal(("KmsKey", Key, ShareCategory.Key), (f.ResourceType, f.ResourceId, f.Event.Category));
        Assert.Equal(("Decrypt, DescribeKey, CreateGrant", "grant share-snap"), (f.Event.Permission, f.Event.Details));
        Assert.Equal($"KMS key {Key} was shared with AWS account arn:aws:iam::{Foreign}:role/copier, which is outside the trust zone.", f.Reason);
    }

    [Theory]
    [InlineData("arn:aws:iam::111122223333:role/app")]
    [InlineData("arn:aws:iam::444455556666:root")]
    public void Kms_grant_inside_the_zone_is_no_finding(string grantee)
    {
        var e = Single(Call("CreateGrant", "kms.amazonaws.com", Grant(grantee)));
        Assert.Null(Judge(e));
    }

    [Theory]
    [InlineData("ec2.us-east-1.amazonaws.com")]
    [InlineData("dynamodb.us-west-2.amazonaws.com")]
    [InlineData("AWS Internal")]
    public void Kms_grants_that_services_create_for_the_owner_are_no_share_events(string grantee)
    {
        var record = Call("CreateGrant", "kms.amazonaws.com", Grant(grantee));
        var (events, host, reader) = Read(Delivery(record));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(1, reader.Statistics.CandidateRecords);
    }

    [Theory]
    [InlineData("RetireGrant")]
    [InlineData("RevokeGrant")]
    public void Ending_a_grant_is_a_revocation(string operation)
    {
        var e = Single(Call(operation, "kms.amazonaws.com", $$$"""{"keyId":"{{{Key}}}","grantId":"0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60"}"""));
        Assert.Equal((ShareAction.Remove, "grant 0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60"), (e.Action, e.Grantee));
        var detector = new ExternalShareDetector(Zone());
        Assert.Null(detector.Evaluate(e));
        Assert.Equal(1, detector.Statistics.Revocations);
    }

    [Fact]
    public void Failed_kms_grant_to_a_foreign_account_is_a_low_attempt()
    {
        var f = Finding(Call("CreateGrant", "kms.amazonaws.com", Grant(Foreign), errorCode: "AccessDeniedException"));
        Assert.Equal((false, Severity.Low), (f.Succeeded, f.Severity));
    }

    [Fact]
    public void Kms_grant_without_grantee_is_an_incomplete_record()
    {
        var (events, host, _) = Read(Delivery(Call("CreateGrant", "kms.amazonaws.com", $$$"""{"keyId":"{{{Key}}}","operations":["Decrypt"]}""")));
        Assert.Empty(events);
        Assert.Equal(ReadIssueKind.IncompleteRecord, Assert.Single(host.Issues).Kind);
        Assert.Contains("has no granteePrincipal", host.Issues[0].Message);
    }

    private static string CopyJob(string vaultAccount) =>
        $$$"""
        {"recoveryPointArn":"arn:aws:ec2:us-east-1::snapshot/snap-0abc","sourceBackupVaultName":"Default",
         "destinationBackupVaultArn":"arn:aws:backup:eu-west-1:{{{vaultAccount}}}:backup-vault:landing","iamRoleArn":"arn:aws:iam::111122223333:role/backup"}
        """;

    [Fact]
    public void Backup_copy_to_a_vault_of_a_foreign_account_is_high()
    {
        var f = Finding(Call("StartCopyJob", "backup.amazonaws.com", CopyJob(Foreign)));
        Assert.Equal((Foreign, GranteeType.Account, Severity.High), (f.Grantee, f.GranteeType, f.Severity));
        Assert.Equal(("BackupRecoveryPoint", "arn:aws:ec2:us-east-1::snapshot/snap-0abc", ShareCategory.Backup), (f.ResourceType, f.ResourceId, f.Event.Category));
        Assert.Equal($"destination vault arn:aws:backup:eu-west-1:{Foreign}:backup-vault:landing", f.Event.Details);
        Assert.Equal($"Backup recovery point arn:aws:ec2:us-east-1::snapshot/snap-0abc was shared with AWS account {Foreign}, which is outside the trust zone.", f.Reason);
    }

    [Fact]
    public void Backup_copy_to_another_region_of_the_owner_is_no_finding()
    {
        Assert.Null(Judge(Single(Call("StartCopyJob", "backup.amazonaws.com", CopyJob(Owner)))));
    }

    [Fact]
    public void Backup_copy_without_destination_is_an_incomplete_record()
    {
        var (events, host, _) = Read(Delivery(Call("StartCopyJob", "backup.amazonaws.com", """{"recoveryPointArn":"arn:aws:backup:us-east-1:111122223333:recovery-point:x"}""")));
        Assert.Empty(events);
        Assert.Contains("has no destinationBackupVaultArn", Assert.Single(host.Issues).Message);
    }

    private static Finding? VaultPolicy(string statement)
    {
        string policy = $$$"""{"Version":"2012-10-17","Statement":[{{{statement}}}]}""";
        var events = Events(Call("PutBackupVaultAccessPolicy", "backup.amazonaws.com", $$$"""{"backupVaultName":"landing","policy":{{{Quoted(policy)}}}}"""));
        return Judge(Assert.Single(events));
    }

    [Fact]
    public void Vault_policy_that_only_lets_a_foreign_account_copy_in_is_low()
    {
        var f = VaultPolicy($$$"""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{{Foreign}}}:root"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}""")!;
        Assert.Equal((Severity.Low, "BackupVault", "landing"), (f.Severity, f.ResourceType, f.ResourceId));
        Assert.Equal($"Backup vault landing lets AWS account arn:aws:iam::{Foreign}:root, which is outside the trust zone, copy its own backups into the vault (backup:CopyIntoBackupVault); it reads nothing from it.", f.Reason);
    }

    [Fact]
    public void Vault_policy_that_gives_a_foreign_account_more_is_high()
    {
        var f = VaultPolicy($$$"""{"Effect":"Allow","Principal":{"AWS":"{{{Foreign}}}"},"Action":["backup:CopyIntoBackupVault","backup:StartCopyJob"],"Resource":"*"}""")!;
        Assert.Equal(Severity.High, f.Severity);
    }

    [Fact]
    public void Vault_lock_style_deny_policy_grants_nothing()
    {
        string policy = """{"Statement":[{"Effect":"Deny","Principal":"*","Action":["backup:DeleteRecoveryPoint"],"Resource":"*"}]}""";
        var (events, host, _) = Read(Delivery(Call("PutBackupVaultAccessPolicy", "backup.amazonaws.com", $$$"""{"backupVaultName":"landing","policy":{{{Quoted(policy)}}}}""")));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
    }
}
