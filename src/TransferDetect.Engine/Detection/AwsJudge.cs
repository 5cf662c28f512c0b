using System;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Engine.Detection;

/// <summary>
/// AWS grantees against the zone: accounts (the owner always trusted), organizations and OUs (an OU of a
/// trusted organization is trusted), public; S3 canonical ids and e-mail grantees are outside (the zone
/// cannot name them). Some rows get their own severity and reason: a guardrail loosened, a vault policy
/// that only lets others copy into the vault, a RAM share RAM keeps inside the organization, a grantee
/// whose account the record does not name.
/// </summary>
internal static class AwsJudge
{
    public static Judgement Judge(ShareEvent e, TrustZone zone)
    {
        if (e.Category == ShareCategory.Guardrail) return Guardrail(e);
        var verdict = Classify(e, zone);
        switch (verdict)
        {
            case Verdict.Trusted:
                return new Judgement(Verdict.Trusted);
            case Verdict.External when e.GranteeType == GranteeType.User:
                string kind = e.Grantee != null && e.Grantee.IndexOf('@') > 0 ? "the AWS account of e-mail address" : "S3 canonical user id";
                return new Judgement(verdict, null, Sentence(e, $"{kind} {e.Grantee}, which the trust zone cannot map to an account (canonical ids and e-mail grantees count as foreign)"));
            case Verdict.External when e.Succeeded && e.Category == ShareCategory.Backup && IsOnly(e.Permission, "backup:CopyIntoBackupVault"):
                return new Judgement(verdict, Severity.Low,
                    $"{What(e)} lets AWS account {e.Grantee}, which is outside the trust zone, copy its own backups into the vault (backup:CopyIntoBackupVault); it reads nothing from it.");
            case Verdict.External when e.Succeeded && e.Details != null && e.Details.StartsWith(ResourceGrantExtractors.RamInsideOrganization, StringComparison.Ordinal):
                return new Judgement(verdict, Severity.Medium,
                    Sentence(e, $"{ExternalShareDetector.DescribeGrantee(e.Provider, e.GranteeType)} {e.Grantee}, which the trust zone does not list; RAM accepted it only if it is in the owner's organization (allowExternalPrincipals false): add the organization to the trust zone if it is yours"));
            case Verdict.Unknown when e.Details != null:
                return new Judgement(verdict, null, Sentence(e, $"'{e.Grantee}', a grantee that could not be classified ({e.Details})"));
            default:
                return new Judgement(verdict);
        }
    }

    private static Verdict Classify(ShareEvent e, TrustZone zone)
    {
        if (e.GranteeType == GranteeType.Public) return Verdict.Public;
        if (e.GranteeType == GranteeType.User) return Verdict.External;
        var g = AwsGrantee.Parse(e.Grantee);
        return g.Type switch
        {
            GranteeType.Public => Verdict.Public,
            GranteeType.Account => zone.TrustsAwsAccount(g.AccountId!, e.AccountId) ? Verdict.Trusted : Verdict.External,
            GranteeType.Organization => zone.TrustsAwsOrganization(g.OrganizationId!) ? Verdict.Trusted : Verdict.External,
            GranteeType.OrganizationalUnit => zone.TrustsAwsOrganizationalUnit(g.OrganizationalUnitId!, g.OrganizationId) ? Verdict.Trusted : Verdict.External,
            _ => Verdict.Unknown,
        };
    }

    /// <summary>
    /// Block public access loosened: no data is shared by the call itself, but the next public share will no
    /// longer be stopped. Medium, or Low for a failed attempt.
    /// </summary>
    private static Judgement Guardrail(ShareEvent e)
    {
        string what = What(e);
        string details = e.Details != null ? $" ({e.Details})" : "";
        if (!e.Succeeded)
        {
            return new Judgement(Verdict.Public, Severity.Low,
                $"An attempt to loosen {what}{details} failed ({e.ErrorCode ?? e.Status}); the guardrail against public sharing stays.");
        }
        return new Judgement(Verdict.Public, Severity.Medium,
            $"{Capitalized(what)} was loosened{details}: a guardrail against public sharing was removed; the call itself shares no data.");
    }

    private static string What(ShareEvent e) => $"{ExternalShareDetector.Describe(e.ResourceType)} {e.ResourceId ?? "(no id recorded)"}";

    /// <summary>The detector's sentence shapes with another description of the grantee.</summary>
    private static string Sentence(ShareEvent e, string who)
    {
        if (!e.Succeeded) return $"An attempt to share {What(e)} with {who} failed ({e.ErrorCode ?? e.Status}); no access was granted.";
        if (e.Action == ShareAction.Use) return $"{What(e)} was used through a share by {who} ({e.Operation}).";
        return $"{What(e)} was shared with {who}.";
    }

    private static bool IsOnly(string? list, string action) =>
        list != null && string.Equals(list.Trim(), action, StringComparison.OrdinalIgnoreCase);

    private static string Capitalized(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);
}
