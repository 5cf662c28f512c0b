using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Aws;

namespace TransferDetect.Engine.Detection;

/// <summary>AWS grantees against the zone: accounts (the owner always trusted), organizations and OUs (an OU of a trusted organization is trusted), public.</summary>
internal static class AwsJudge
{
    public static Judgement Judge(ShareEvent e, TrustZone zone)
    {
        if (e.GranteeType == GranteeType.Public) return new Judgement(Verdict.Public);
        var g = AwsGrantee.Parse(e.Grantee);
        switch (g.Type)
        {
            case GranteeType.Public:
                return new Judgement(Verdict.Public);
            case GranteeType.Account:
                return new Judgement(zone.TrustsAwsAccount(g.AccountId!, e.AccountId) ? Verdict.Trusted : Verdict.External);
            case GranteeType.Organization:
                return new Judgement(zone.TrustsAwsOrganization(g.OrganizationId!) ? Verdict.Trusted : Verdict.External);
            case GranteeType.OrganizationalUnit:
                return new Judgement(zone.TrustsAwsOrganizationalUnit(g.OrganizationalUnitId!, g.OrganizationId) ? Verdict.Trusted : Verdict.External);
            default:
                return new Judgement(Verdict.Unknown);
        }
    }
}
