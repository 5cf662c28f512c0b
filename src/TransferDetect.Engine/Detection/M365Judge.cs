using System;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.M365;

namespace TransferDetect.Engine.Detection;

/// <summary>
/// Microsoft 365 grantees against the zone. Anyone links are public (Critical when created, High when
/// someone opens one); a company link is the owner's own organisation; a user is trusted when the
/// domain of the address (a guest's home domain for an <c>#EXT#</c> UPN) is in the zone, or when the
/// record says the target is a Member of the owner's directory (the owner tenant is always trusted);
/// any other guest, partner or address is outside. Sharing policy changes that loosen a guardrail are
/// findings of their own: High when they allow Anyone links, Medium when they let more guests in.
/// </summary>
internal static class M365Judge
{
    public static Judgement Judge(ShareEvent e, TrustZone zone)
    {
        if (e.Category == ShareCategory.Guardrail) return Guardrail(e, zone);
        string resource = $"{ExternalShareDetector.Describe(e.ResourceType)} {e.ResourceId ?? "(no URL recorded)"}";
        switch (e.GranteeType)
        {
            case GranteeType.AnonymousLink:
                if (e.Action == ShareAction.Use)
                {
                    return new Judgement(Verdict.Public, Severity.High,
                        $"{resource} was opened through an anonymous (Anyone) link from {e.SourceIp ?? "an address the record does not give"} ({e.Operation}).");
                }
                if (!e.Succeeded) return new Judgement(Verdict.Public);
                string permission = e.Permission != null ? $" with {e.Permission} permission" : "";
                return new Judgement(Verdict.Public, null,
                    $"{resource} was shared through an anonymous (Anyone) link{permission}: anyone who has the link can open it without signing in ({e.Operation}).");
            case GranteeType.Organization:
                // A company link (and its group) admits the members of the owner's own organisation.
                if (string.IsNullOrEmpty(e.Grantee) || string.Equals(e.Grantee, e.AccountId, StringComparison.OrdinalIgnoreCase)) return new Judgement(Verdict.Trusted);
                return new Judgement(Verdict.External);
            default:
                return User(e, zone);
        }
    }

    private static Judgement User(ShareEvent e, TrustZone zone)
    {
        string? grantee = e.Grantee;
        if (string.IsNullOrWhiteSpace(grantee)) return new Judgement(Verdict.Unknown);
        if (zone.TrustsM365Domain(grantee!)) return new Judgement(Verdict.Trusted);
        string? type = M365Targets.TargetTypeOf(e.Details);
        bool guestUpn = M365Targets.IsGuestUpn(grantee!);
        if (string.Equals(type, "Member", StringComparison.OrdinalIgnoreCase) && !guestUpn)
        {
            // A member of the owner's directory: its UPN is at one of the tenant's verified domains.
            return new Judgement(Verdict.Trusted);
        }
        if (grantee!.IndexOf('@') > 0 || guestUpn || string.Equals(type, "Guest", StringComparison.OrdinalIgnoreCase) || string.Equals(type, "Partner", StringComparison.OrdinalIgnoreCase))
        {
            string? home = grantee.IndexOf('@') > 0 || guestUpn ? TrustZone.DomainOf(grantee) : null;
            if (!e.Succeeded) return new Judgement(Verdict.External);
            string who = guestUpn || string.Equals(type, "Guest", StringComparison.OrdinalIgnoreCase) ? "guest" : "user";
            string domain = home != null ? $" (domain {home})" : "";
            string resource = $"{ExternalShareDetector.Describe(e.ResourceType)} {e.ResourceId ?? "(no URL recorded)"}";
            string permission = e.Permission != null ? $" with {e.Permission} permission" : "";
            return new Judgement(Verdict.External, null,
                $"{resource} was shared{permission} with {who} {grantee}{domain}, which is outside the trust zone ({e.Operation}).");
        }
        return new Judgement(Verdict.Unknown);
    }

    private static Judgement Guardrail(ShareEvent e, TrustZone zone)
    {
        string of = e.ResourceId != null ? $" of {e.ResourceId}" : "";
        string policy = "The SharePoint sharing policy" + of;
        if (!e.Succeeded)
        {
            return new Judgement(e.GranteeType == GranteeType.AnonymousLink ? Verdict.Public : Verdict.External, Severity.Low,
                $"An attempt to loosen the SharePoint sharing policy{of} failed ({e.Details}); nothing changed.");
        }
        switch (e.GranteeType)
        {
            case GranteeType.AnonymousLink:
                return new Judgement(Verdict.Public, Severity.High,
                    $"{policy} was loosened ({e.Details}): files can now be shared through anonymous (Anyone) links that need no sign-in.");
            case GranteeType.Domain:
                if (e.Grantee != null && zone.TrustsM365Domain(e.Grantee)) return new Judgement(Verdict.Trusted);
                return new Judgement(Verdict.External, Severity.Medium,
                    $"{policy} now lets files be shared with domain {e.Grantee}, which is outside the trust zone ({e.Details}).");
            default:
                return new Judgement(Verdict.External, Severity.Medium,
                    $"{policy} was loosened ({e.Details}): files can now be shared with {e.Grantee ?? "more guests"}.");
        }
    }
}
