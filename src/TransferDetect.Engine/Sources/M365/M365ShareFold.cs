using System;
using System.Collections.Generic;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.M365;

/// <summary>
/// One sharing link, one event. Creating an Anyone (or organisation) link writes the link's own record
/// (AnonymousLinkCreated, CompanyLinkCreated) and a SharingSet record granting the link's
/// <c>SharingLinks.&lt;item&gt;.AnonymousEdit.&lt;id&gt;</c> group its permission, with the same CorrelationId
/// and ObjectId: they fold into the link's event, whichever comes first, the SharingSet's Id in
/// <see cref="ShareEvent.RelatedEventIds"/>.
/// </summary>
internal sealed class M365ShareFold : IShareEventFold
{
    public static readonly M365ShareFold Instance = new();

    /// <summary>A link's records are written within seconds of each other: the reader's window.</summary>
    public TimeSpan? WindowOf(ShareEvent e) => null;

    public string? KeyOf(ShareEvent e)
    {
        if (e.Provider != Provider.M365 || e.Category != ShareCategory.File || e.Action != ShareAction.Add) return null;
        if (string.IsNullOrEmpty(e.CorrelationId) || string.IsNullOrEmpty(e.ResourceId)) return null;
        string? kind = e.GranteeType switch
        {
            GranteeType.AnonymousLink => "anyone",
            GranteeType.Organization => "organization",
            _ => null,
        };
        return kind == null ? null : kind + "|" + e.CorrelationId!.ToLowerInvariant() + "|" + e.ResourceId!.ToLowerInvariant();
    }

    public ShareEvent Merge(ShareEvent earlier, ShareEvent later)
    {
        // The link's own record is the event; the SharingSet of its group is the companion.
        bool laterIsLink = !IsCompanion(later) && IsCompanion(earlier);
        var primary = laterIsLink ? later : earlier;
        var other = laterIsLink ? earlier : later;
        var related = ShareEventFolder.RelatedIds(primary.EventId, primary, other);
        string? details = primary.Details;
        if (IsCompanion(other) && other.Permission != null && !IsCompanion(primary))
        {
            details = (details == null ? "" : details + "; ") + $"its group was granted {other.Permission} (SharingSet {other.EventId})";
        }
        return new ShareEvent
        {
            EventId = primary.EventId,
            Provider = primary.Provider,
            Operation = primary.Operation,
            EventSource = primary.EventSource,
            EventTime = primary.EventTime,
            Actor = primary.Actor,
            ActorAccountId = primary.ActorAccountId,
            SourceIp = primary.SourceIp ?? other.SourceIp,
            UserAgent = primary.UserAgent ?? other.UserAgent,
            InvokedBy = primary.InvokedBy,
            AccountId = primary.AccountId ?? other.AccountId,
            Region = primary.Region,
            TenantId = primary.TenantId ?? other.TenantId,
            Category = primary.Category,
            ResourceType = primary.ResourceType,
            ResourceId = primary.ResourceId,
            Action = primary.Action,
            Grantee = primary.Grantee,
            GranteeType = primary.GranteeType,
            Permission = primary.Permission ?? other.Permission,
            Details = details,
            CorrelationId = primary.CorrelationId,
            Status = primary.Status,
            RelatedEventIds = related,
            Succeeded = primary.Succeeded,
            ErrorCode = primary.ErrorCode,
            ErrorMessage = primary.ErrorMessage,
            Source = primary.Source,
        };
    }

    private static bool IsCompanion(ShareEvent e) => string.Equals(e.Operation, "SharingSet", StringComparison.OrdinalIgnoreCase);
}
