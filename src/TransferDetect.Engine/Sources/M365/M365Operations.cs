using System;
using System.Collections.Generic;
using System.Linq;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.M365;

/// <summary>What a Unified Audit Log sharing operation does, and so how its record is read.</summary>
internal enum M365OperationKind
{
    /// <summary>AnonymousLinkCreated / AnonymousLinkUpdated: an Anyone link exists on the item.</summary>
    AnonymousLink,

    /// <summary>AnonymousLinkUsed: someone opened the item through an Anyone link.</summary>
    AnonymousLinkUse,

    /// <summary>CompanyLinkCreated: a link for everyone in the organisation.</summary>
    CompanyLink,

    /// <summary>SecureLinkCreated: a specific-people link; its people come in AddedToSecureLink records.</summary>
    SecureLink,

    /// <summary>SharingSet, SharingInvitationCreated, AddedToSecureLink: a named user or group given access.</summary>
    Target,

    /// <summary>A link or a grant taken away (AnonymousLinkRemoved, SharingRevoked, SecureLinkDeleted, ...).</summary>
    Revocation,

    /// <summary>SharingPolicyChanged: the tenant's (or a site's) sharing settings changed.</summary>
    SharingPolicy,
}

/// <summary>One UAL operation this reader turns into share events.</summary>
internal sealed class M365Operation
{
    public M365Operation(string name, M365OperationKind kind, ShareCategory category, bool needsTarget = false)
    {
        Name = name;
        Kind = kind;
        Category = category;
        NeedsTarget = needsTarget;
    }

    /// <summary>The operation as Microsoft writes it (Operation in AuditData, Operations in Search-UnifiedAuditLog output).</summary>
    public string Name { get; }

    public M365OperationKind Kind { get; }

    public ShareCategory Category { get; }

    /// <summary>The record must name its target (TargetUserOrGroupName) for the grant to be read.</summary>
    public bool NeedsTarget { get; }
}

/// <summary>
/// The SharePoint and OneDrive sharing operations of the Unified Audit Log (Purview "Sharing and access
/// request activities" and "Site administration activities") that grant, use or take away access.
/// </summary>
internal static class M365Operations
{
    public static readonly IReadOnlyList<M365Operation> All = new[]
    {
        new M365Operation("AnonymousLinkCreated", M365OperationKind.AnonymousLink, ShareCategory.File),
        new M365Operation("AnonymousLinkUpdated", M365OperationKind.AnonymousLink, ShareCategory.File),
        new M365Operation("AnonymousLinkUsed", M365OperationKind.AnonymousLinkUse, ShareCategory.File),
        new M365Operation("AnonymousLinkRemoved", M365OperationKind.Revocation, ShareCategory.File),
        new M365Operation("CompanyLinkCreated", M365OperationKind.CompanyLink, ShareCategory.File),
        new M365Operation("CompanyLinkRemoved", M365OperationKind.Revocation, ShareCategory.File),
        new M365Operation("SecureLinkCreated", M365OperationKind.SecureLink, ShareCategory.File),
        new M365Operation("SecureLinkDeleted", M365OperationKind.Revocation, ShareCategory.File),
        new M365Operation("AddedToSecureLink", M365OperationKind.Target, ShareCategory.File, needsTarget: true),
        new M365Operation("RemovedFromSecureLink", M365OperationKind.Revocation, ShareCategory.File),
        new M365Operation("SharingSet", M365OperationKind.Target, ShareCategory.File, needsTarget: true),
        new M365Operation("SharingInvitationCreated", M365OperationKind.Target, ShareCategory.File, needsTarget: true),
        new M365Operation("SharingInvitationRevoked", M365OperationKind.Revocation, ShareCategory.File),
        new M365Operation("SharingRevoked", M365OperationKind.Revocation, ShareCategory.File),
        new M365Operation("SharingPolicyChanged", M365OperationKind.SharingPolicy, ShareCategory.Guardrail),
    };

    private static readonly Dictionary<string, M365Operation> ByName = All.ToDictionary(o => o.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The operation of that name (any case), or null when it is not a sharing operation.</summary>
    public static M365Operation? Find(string? name) =>
        name != null && ByName.TryGetValue(name.Trim(), out var op) ? op : null;

    /// <summary>The names of the operations of these categories (null: all).</summary>
    public static IReadOnlyList<string> Names(ISet<ShareCategory>? categories) =>
        All.Where(o => categories == null || categories.Contains(o.Category)).Select(o => o.Name).ToArray();
}
