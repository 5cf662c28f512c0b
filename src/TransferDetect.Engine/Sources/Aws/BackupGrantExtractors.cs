using TransferDetect.Engine.Model;
using static TransferDetect.Engine.Sources.Aws.AwsGranteeRule;
using static TransferDetect.Engine.Sources.Aws.AwsPath;
using static TransferDetect.Engine.Sources.Aws.AwsValue;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>AWS Backup: a recovery point copied to a vault of another account (StartCopyJob), and vault access policies.</summary>
internal static class BackupGrantExtractors
{
    private const string Backup = "backup.amazonaws.com";

    private static readonly AwsValue Vault = Text(Rp("destinationBackupVaultArn"));

    public static readonly AwsDetectionDefinition[] Definitions =
    {
        // destinationBackupVaultArn (arn:aws:backup:region:ACCOUNT:backup-vault:name) names the account that receives
        // the copy; a copy to another region of the owner's own account is judged trusted.
        new("StartCopyJob", Backup, ShareCategory.Backup, "BackupRecoveryPoint", Text(Rp("recoveryPointArn")),
            new[]
            {
                Value(ShareAction.Add, AccountOfArn(Vault), GranteeType.Account)
                    .Described(_ => "copy", v => "destination vault " + Vault.Eval(v)),
                Value(ShareAction.Add, Vault, GranteeType.Unknown)
                    .OnlyWhen(AwsCondition.Not(AwsCondition.IsPresent(AccountOfArn(Vault))))
                    .IncompleteWithout("has no destinationBackupVaultArn, so where the copy goes cannot be read")
                    .Described(_ => "copy", _ => "destination vault owner not recorded"),
            }),
        new("PutBackupVaultAccessPolicy", Backup, ShareCategory.Backup, "BackupVault", Text(Rp("backupVaultName")), new[] { AwsPolicy.Document(Rp("policy"), "policy") }),
    };

    public static readonly AwsShareOperation[] Operations = System.Array.ConvertAll(Definitions, d => d.ToOperation());
}
