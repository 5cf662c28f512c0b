using System.Text.Json;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>AWS Backup: a recovery point copied to a vault of another account (StartCopyJob), and vault access policies.</summary>
internal static class BackupGrantExtractors
{
    private const string Backup = "backup.amazonaws.com";

    public static readonly AwsShareOperation[] Operations =
    {
        new("StartCopyJob", Backup, ShareCategory.Backup, (rp, _) => CopyJob(rp)),
        new("PutBackupVaultAccessPolicy", Backup, ShareCategory.Backup, (rp, _) => AwsPolicy.Read(new AwsGrantSet("BackupVault", rp.Text("backupVaultName")), rp.Get("policy"), "policy")),
    };

    /// <summary>
    /// <c>destinationBackupVaultArn</c> (arn:aws:backup:region:ACCOUNT:backup-vault:name) names the account that
    /// receives the copy; a copy to another region of the owner's own account is judged trusted.
    /// </summary>
    private static AwsGrantSet CopyJob(JsonElement rp)
    {
        var set = new AwsGrantSet("BackupRecoveryPoint", rp.Text("recoveryPointArn"));
        string? vault = rp.Text("destinationBackupVaultArn");
        if (vault == null) return set.Incomplete("has no destinationBackupVaultArn, so where the copy goes cannot be read");
        string? account = AwsGrantee.AccountOfArn(vault);
        if (account != null)
        {
            set.Add(ShareAction.Add, account, GranteeType.Account, "copy", "destination vault " + vault);
        }
        else
        {
            set.Add(ShareAction.Add, vault, GranteeType.Unknown, "copy", "destination vault owner not recorded");
        }
        return set;
    }
}
