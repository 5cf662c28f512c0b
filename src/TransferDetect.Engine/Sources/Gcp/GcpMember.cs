using System;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Gcp;

/// <summary>What kind of principal an IAM member string names.</summary>
internal enum GcpMemberKind
{
    /// <summary>Not understood: judged Unknown.</summary>
    Unknown,

    /// <summary><c>allUsers</c>, <c>allAuthenticatedUsers</c>, <c>principalSet://goog/public:all</c>.</summary>
    Public,

    /// <summary><c>user:</c> (or <c>principal://goog/subject/</c>): judged by the domain of its address.</summary>
    User,

    /// <summary><c>group:</c> (or <c>principalSet://goog/group/</c>): judged by the domain of its address.</summary>
    Group,

    /// <summary><c>domain:</c>: every account of a Google Workspace or Cloud Identity domain.</summary>
    Domain,

    /// <summary>A user-managed service account: judged by the project id in its address.</summary>
    ServiceAccount,

    /// <summary>A Google-managed service agent (service-N@..., N-compute@developer...): its project is known by number only.</summary>
    ServiceAgent,

    /// <summary><c>projectOwner:</c>, <c>projectEditor:</c>, <c>projectViewer:</c>: the holders of a basic role on a project (by id).</summary>
    ProjectRole,

    /// <summary>A workload identity pool's principal or set (<c>principal://iam.googleapis.com/projects/N/...</c>): its project is known by number only.</summary>
    WorkloadIdentity,

    /// <summary>A BigQuery authorized view, routine or dataset: judged by the project that holds it.</summary>
    AuthorizedResource,
}

/// <summary>
/// An IAM member as written in an audit log (<c>user:bob@example.com</c>, <c>serviceAccount:...</c>,
/// <c>deleted:user:...?uid=...</c>, ...), classified with what the trust zone can be asked about it:
/// an address and its domain, or a project (by id, or by number for Google's service agents and
/// workload identity pools).
/// </summary>
internal readonly struct GcpMember
{
    private const string GoogleSa = ".gserviceaccount.com";

    private GcpMember(GcpMemberKind kind, string? email = null, string? domain = null, string? project = null, bool projectIsNumber = false, bool deleted = false)
    {
        Kind = kind;
        Email = email;
        Domain = domain;
        Project = project;
        ProjectIsNumber = projectIsNumber;
        Deleted = deleted;
    }

    public GcpMemberKind Kind { get; }

    /// <summary>The address of a user, group or service account.</summary>
    public string? Email { get; }

    /// <summary>The domain of a <c>domain:</c> member.</summary>
    public string? Domain { get; }

    /// <summary>The project a service account, project role, pool or authorized resource belongs to.</summary>
    public string? Project { get; }

    /// <summary>True when <see cref="Project"/> is a project number (service agents, workload identity pools), not an id.</summary>
    public bool ProjectIsNumber { get; }

    /// <summary>The member was written <c>deleted:...</c>: the principal has been deleted, the binding still names it.</summary>
    public bool Deleted { get; }

    public GranteeType Type => Kind switch
    {
        GcpMemberKind.Public => GranteeType.Public,
        GcpMemberKind.User or GcpMemberKind.Group or GcpMemberKind.ServiceAccount or GcpMemberKind.ServiceAgent => GranteeType.User,
        GcpMemberKind.Domain => GranteeType.Domain,
        GcpMemberKind.ProjectRole or GcpMemberKind.AuthorizedResource => GranteeType.Account,
        _ => GranteeType.Unknown,
    };

    public static GcpMember Parse(string? text)
    {
        string t = (text ?? "").Trim();
        bool deleted = false;
        if (t.StartsWith("deleted:", StringComparison.Ordinal))
        {
            deleted = true;
            t = t.Substring("deleted:".Length);
            int uid = t.IndexOf("?uid=", StringComparison.Ordinal);
            if (uid >= 0) t = t.Substring(0, uid);
        }
        var m = ParseLive(t);
        return deleted ? new GcpMember(m.Kind, m.Email, m.Domain, m.Project, m.ProjectIsNumber, deleted: true) : m;
    }

    private static GcpMember ParseLive(string t)
    {
        if (t == "allUsers" || t == "allAuthenticatedUsers" || t == "principalSet://goog/public:all") return new GcpMember(GcpMemberKind.Public);
        if (TryStrip(t, "user:", out var rest) || TryStrip(t, "principal://goog/subject/", out rest)) return Address(GcpMemberKind.User, rest);
        if (TryStrip(t, "group:", out rest) || TryStrip(t, "principalSet://goog/group/", out rest)) return Address(GcpMemberKind.Group, rest);
        if (TryStrip(t, "domain:", out rest)) return rest.Length > 0 ? new GcpMember(GcpMemberKind.Domain, domain: rest.ToLowerInvariant()) : default;
        if (TryStrip(t, "serviceAccount:", out rest)) return ServiceAccount(rest);
        if (TryStrip(t, "projectOwner:", out rest) || TryStrip(t, "projectEditor:", out rest) || TryStrip(t, "projectViewer:", out rest))
        {
            return rest.Length > 0 ? new GcpMember(GcpMemberKind.ProjectRole, project: rest) : default;
        }
        if (TryStrip(t, "principal://iam.googleapis.com/projects/", out rest) || TryStrip(t, "principalSet://iam.googleapis.com/projects/", out rest))
        {
            string number = FirstSegment(rest);
            return IsDigits(number) ? new GcpMember(GcpMemberKind.WorkloadIdentity, project: number, projectIsNumber: true) : default;
        }
        if (TryStrip(t, "projects/", out rest))
        {
            // A BigQuery authorized view, routine or dataset (projects/P/datasets/D[/tables/T]).
            string project = FirstSegment(rest);
            return project.Length > 0 ? new GcpMember(GcpMemberKind.AuthorizedResource, project: project) : default;
        }
        if (t.IndexOf(':') < 0 && t.IndexOf('@') > 0)
        {
            // A bare address (hand-written records and some exports drop the prefix): judged as a user's.
            return t.EndsWith(GoogleSa, StringComparison.OrdinalIgnoreCase) ? ServiceAccount(t) : Address(GcpMemberKind.User, t);
        }
        return default;
    }

    private static GcpMember Address(GcpMemberKind kind, string email)
    {
        int at = email.LastIndexOf('@');
        return at > 0 && at < email.Length - 1 ? new GcpMember(kind, email: email) : default;
    }

    /// <summary>
    /// name@PROJECT.iam.gserviceaccount.com and PROJECT@appspot.gserviceaccount.com name their project
    /// by id; Google's service agents (service-N@..., project-N@..., N-compute@developer..., N@cloudservices...,
    /// N@cloudbuild...) by number; PROJECT.svc.id.goog[ns/name] is a GKE workload identity of PROJECT.
    /// </summary>
    private static GcpMember ServiceAccount(string address)
    {
        int svc = address.IndexOf(".svc.id.goog[", StringComparison.Ordinal);
        if (svc > 0) return new GcpMember(GcpMemberKind.ServiceAccount, email: address, project: address.Substring(0, svc));
        int at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1) return default;
        string local = address.Substring(0, at);
        string host = address.Substring(at + 1).ToLowerInvariant();
        if (!host.EndsWith(GoogleSa, StringComparison.Ordinal))
        {
            return new GcpMember(GcpMemberKind.User, email: address);
        }
        string? number = AgentNumber(local);
        if (number != null) return new GcpMember(GcpMemberKind.ServiceAgent, email: address, project: number, projectIsNumber: true);
        if (host == "appspot.gserviceaccount.com") return new GcpMember(GcpMemberKind.ServiceAccount, email: address, project: local);
        const string iam = ".iam" + GoogleSa;
        if (host.EndsWith(iam, StringComparison.Ordinal) && host.Length > iam.Length && host.IndexOf('.') == host.Length - iam.Length)
        {
            return new GcpMember(GcpMemberKind.ServiceAccount, email: address, project: host.Substring(0, host.Length - iam.Length));
        }
        // Another Google-owned account whose project the address does not tell.
        return new GcpMember(GcpMemberKind.Unknown, email: address);
    }

    private static string? AgentNumber(string local)
    {
        if (IsDigits(local)) return local;
        foreach (var prefix in new[] { "service-", "project-" })
        {
            if (local.StartsWith(prefix, StringComparison.Ordinal) && IsDigits(local.Substring(prefix.Length))) return local.Substring(prefix.Length);
        }
        if (local.EndsWith("-compute", StringComparison.Ordinal) && IsDigits(local.Substring(0, local.Length - "-compute".Length)))
        {
            return local.Substring(0, local.Length - "-compute".Length);
        }
        return null;
    }

    private static bool TryStrip(string t, string prefix, out string rest)
    {
        if (t.StartsWith(prefix, StringComparison.Ordinal))
        {
            rest = t.Substring(prefix.Length);
            return true;
        }
        rest = "";
        return false;
    }

    private static string FirstSegment(string s)
    {
        int slash = s.IndexOf('/');
        return slash < 0 ? s : s.Substring(0, slash);
    }

    private static bool IsDigits(string s)
    {
        if (s.Length == 0) return false;
        foreach (char c in s)
        {
            if (c < '0' || c > '9') return false;
        }
        return true;
    }
}
