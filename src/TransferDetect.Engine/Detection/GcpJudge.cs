using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Gcp;

namespace TransferDetect.Engine.Detection;

/// <summary>
/// GCP IAM members against the zone: <c>allUsers</c> / <c>allAuthenticatedUsers</c> are public; users,
/// groups and domains are trusted when their domain is listed in gcp.domains; service accounts, basic-role
/// holders (projectOwner:P ...) and BigQuery authorized views by their project (the owner project, or one
/// listed in gcp.projects). Google's service agents and workload identity pools name their project by number
/// only: trusted when that number is listed, otherwise unknown. A Storage Transfer job's sink bucket is
/// unknown: the log does not say which project owns it.
/// </summary>
internal static class GcpJudge
{
    public static Judgement Judge(ShareEvent e, TrustZone zone)
    {
        if (e.ResourceType == "TransferJob")
        {
            string sink = $"{e.Grantee}, a bucket whose project the log does not name";
            return new Judgement(Verdict.Unknown, reason: e.Succeeded
                ? $"{Resource(e)} copies data into {sink}, so the copy cannot be shown to stay inside the trust zone."
                : $"An attempt to make {Resource(e)} copy data into {sink}, failed ({e.ErrorCode}); nothing was copied.");
        }
        var m = GcpMember.Parse(e.Grantee);
        if (e.GranteeType == GranteeType.Public || m.Kind == GcpMemberKind.Public)
        {
            string who = e.Grantee == "allAuthenticatedUsers" ? "every signed-in Google account (allAuthenticatedUsers)" : $"everyone ({e.Grantee})";
            return new Judgement(Verdict.Public, reason: Shared(e, who));
        }
        switch (m.Kind)
        {
            case GcpMemberKind.User:
            case GcpMemberKind.Group:
                return ByDomain(e, zone.TrustsGcpDomain(m.Email!));
            case GcpMemberKind.Domain:
                return ByDomain(e, zone.TrustsGcpDomain(m.Domain!));
            case GcpMemberKind.ServiceAccount:
            case GcpMemberKind.ProjectRole:
            case GcpMemberKind.AuthorizedResource:
                if (zone.TrustsGcpProject(m.Project!, e.AccountId)) return new Judgement(Verdict.Trusted);
                return new Judgement(Verdict.External, reason: Shared(e, $"{e.Grantee}, of project {m.Project}, which is outside the trust zone"));
            case GcpMemberKind.ServiceAgent:
            case GcpMemberKind.WorkloadIdentity:
                if (zone.TrustsGcpProject(m.Project!, e.AccountId)) return new Judgement(Verdict.Trusted);
                string what = m.Kind == GcpMemberKind.ServiceAgent ? "a Google-managed service agent" : "a workload identity pool";
                return new Judgement(Verdict.Unknown, reason: Shared(e,
                    $"{e.Grantee}, {what} of project number {m.Project}, which the trust zone does not list (add the number to gcp.projects if the project is yours)"));
            default:
                return new Judgement(Verdict.Unknown, reason: Shared(e, $"'{e.Grantee}', a member that could not be classified"));
        }
    }

    private static Judgement ByDomain(ShareEvent e, bool trusted) =>
        trusted ? new Judgement(Verdict.Trusted) : new Judgement(Verdict.External, reason: Shared(e, $"{e.Grantee}, which is outside the trust zone"));

    private static string Resource(ShareEvent e) => $"{ExternalShareDetector.Describe(e.ResourceType)} {e.ResourceId ?? "(no name recorded)"}";

    /// <summary>"X was shared as ROLE with WHO." or, for a failed call, the attempt.</summary>
    private static string Shared(ShareEvent e, string who)
    {
        string role = e.Permission != null ? $" as {e.Permission}" : "";
        return e.Succeeded
            ? $"{Resource(e)} was shared{role} with {who}."
            : $"An attempt to share {Resource(e)}{role} with {who} failed ({e.ErrorCode}); no access was granted.";
    }
}
