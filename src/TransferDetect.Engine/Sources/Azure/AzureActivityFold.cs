using System;
using System.Collections.Generic;
using System.Globalization;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Azure;

/// <summary>What the fold knows of an event beyond its fields: set by the interpreter, carried through merges.</summary>
internal sealed class AzureEventState
{
    /// <summary>The fold key: correlationId, operation and resource; for beginGetAccess / endGetAccess the resource alone, so the two pair.</summary>
    public string? Key;

    public AzureOperationKind Kind;

    /// <summary>When the record that gave the event its status was written.</summary>
    public DateTime StatusTime;

    /// <summary>The event's grant was read from a request body (it says more than a record without one).</summary>
    public bool HasBody;

    /// <summary>A begin event's own details ("" when it has none), before a revocation was folded in; null for other events.</summary>
    public string? BeginDetails;

    /// <summary>The revocation (endGetAccess) folded into a begin event: its first time, its status and when that status was written.</summary>
    public DateTime? RevokedAt;
    public string? RevokeStatus;
    public DateTime RevokeStatusTime;
}

/// <summary>
/// One event per Activity Log operation: its Started, Accepted, Succeeded and Failed records share a
/// correlationId (and, within a deployment, an operation and a resource). The merged event keeps the
/// grant of the record that holds it (the request body is in the Started record), the most final
/// status (Failed or Succeeded over Accepted over Started), the earliest time and the eventDataId of
/// the first record, the others in RelatedEventIds; it failed only if the operation ended Failed.
/// A SAS revoked (endGetAccess) while it is folded with its beginGetAccess is folded into the begin,
/// whose details then say when it was revoked and how long the link was open.
/// </summary>
internal sealed class AzureActivityFold : IShareEventFold
{
    /// <summary>Attaches what the fold needs to an event the interpreter made.</summary>
    public void Attach(ShareEvent e, AzureEventState state) => e.FoldState = state;

    public AzureEventState? StateOf(ShareEvent e) => e.FoldState as AzureEventState;

    public string? KeyOf(ShareEvent e) => StateOf(e)?.Key;

    /// <summary>
    /// A SAS is revoked (endGetAccess) when the download is done, often more than the reader's hour after
    /// it was issued: a begin and its end pair across a day. The records of one operation use the reader's window.
    /// </summary>
    public static readonly TimeSpan SasPairingWindow = TimeSpan.FromDays(1);

    public TimeSpan? WindowOf(ShareEvent e)
    {
        var kind = StateOf(e)?.Kind;
        return kind == AzureOperationKind.GetAccessBegin || kind == AzureOperationKind.GetAccessEnd ? SasPairingWindow : null;
    }

    public ShareEvent Merge(ShareEvent earlier, ShareEvent later)
    {
        var a = StateOf(earlier) ?? new AzureEventState { StatusTime = earlier.EventTime };
        var b = StateOf(later) ?? new AzureEventState { StatusTime = later.EventTime };
        bool aBegin = a.Kind == AzureOperationKind.GetAccessBegin, bBegin = b.Kind == AzureOperationKind.GetAccessBegin;
        bool aEnd = a.Kind == AzureOperationKind.GetAccessEnd, bEnd = b.Kind == AzureOperationKind.GetAccessEnd;
        if (aBegin && bEnd) return Revoke(earlier, a, later, b);
        if (aEnd && bBegin) return Revoke(later, b, earlier, a);
        return Same(earlier, a, later, b);
    }

    /// <summary>Two records of one operation.</summary>
    private ShareEvent Same(ShareEvent x, AzureEventState sx, ShareEvent y, AzureEventState sy)
    {
        var first = y.EventTime < x.EventTime ? y : x;
        var other = ReferenceEquals(first, x) ? y : x;
        // The grant comes from the record that has it: not an outcome-only record, one with a request body if any.
        ShareEvent grant;
        if (x.OutcomeOnly != y.OutcomeOnly) grant = x.OutcomeOnly ? y : x;
        else if (sx.HasBody != sy.HasBody) grant = sx.HasBody ? x : y;
        else grant = first;
        var grantState = ReferenceEquals(grant, x) ? sx : sy;
        var (status, statusTime) = Final(x.Status, sx.StatusTime, y.Status, sy.StatusTime);
        bool failed = status == "Failed";
        var failure = failed ? (x.Status == "Failed" ? x : y) : null;
        var state = new AzureEventState
        {
            Key = grantState.Key ?? sx.Key ?? sy.Key,
            Kind = grantState.Kind,
            StatusTime = statusTime,
            HasBody = sx.HasBody || sy.HasBody,
            BeginDetails = FirstSet(grantState.BeginDetails, sx.BeginDetails, sy.BeginDetails),
        };
        // A revocation already folded into either side stays.
        var revoked = sx.RevokedAt != null ? sx : sy;
        if (sx.RevokedAt != null && sy.RevokedAt != null)
        {
            var (rs, rt) = Final(sx.RevokeStatus, sx.RevokeStatusTime, sy.RevokeStatus, sy.RevokeStatusTime);
            state.RevokedAt = sx.RevokedAt < sy.RevokedAt ? sx.RevokedAt : sy.RevokedAt;
            state.RevokeStatus = rs;
            state.RevokeStatusTime = rt;
        }
        else if (revoked.RevokedAt != null)
        {
            state.RevokedAt = revoked.RevokedAt;
            state.RevokeStatus = revoked.RevokeStatus;
            state.RevokeStatusTime = revoked.RevokeStatusTime;
        }
        var merged = Copy(grant, other,
            eventId: first.EventId ?? other.EventId,
            time: first.EventTime,
            status: status,
            succeeded: !failed,
            errorCode: failed ? failure!.ErrorCode : null,
            errorMessage: failed ? failure!.ErrorMessage : null,
            details: state.RevokedAt != null ? WithRevocation(state, first.EventTime) : grant.Details ?? other.Details,
            related: ShareEventFolder.RelatedIds(first.EventId ?? other.EventId, x, y),
            outcomeOnly: x.OutcomeOnly && y.OutcomeOnly,
            revokedAt: RevokedAt(state));
        Attach(merged, state);
        return merged;
    }

    /// <summary>A SAS revocation (endGetAccess) folded into the SAS it revokes (beginGetAccess): the begin stays a finding, with the window in its details.</summary>
    private ShareEvent Revoke(ShareEvent begin, AzureEventState sb, ShareEvent end, AzureEventState se)
    {
        var state = new AzureEventState
        {
            Key = sb.Key,
            Kind = AzureOperationKind.GetAccessBegin,
            StatusTime = sb.StatusTime,
            HasBody = sb.HasBody,
            BeginDetails = sb.BeginDetails ?? "",
        };
        DateTime endTime = se.RevokedAt ?? end.EventTime;
        if (sb.RevokedAt != null)
        {
            var (rs, rt) = Final(sb.RevokeStatus, sb.RevokeStatusTime, end.Status, se.StatusTime);
            state.RevokedAt = sb.RevokedAt < endTime ? sb.RevokedAt : endTime;
            state.RevokeStatus = rs;
            state.RevokeStatusTime = rt;
        }
        else
        {
            state.RevokedAt = endTime;
            state.RevokeStatus = end.Status ?? (end.Succeeded ? "Succeeded" : "Failed");
            state.RevokeStatusTime = se.StatusTime;
        }
        var merged = Copy(begin, end,
            eventId: begin.EventId,
            time: begin.EventTime,
            status: begin.Status,
            succeeded: begin.Succeeded,
            errorCode: begin.ErrorCode,
            errorMessage: begin.ErrorMessage,
            details: WithRevocation(state, begin.EventTime),
            related: ShareEventFolder.RelatedIds(begin.EventId, begin, end),
            outcomeOnly: false,
            revokedAt: RevokedAt(state));
        Attach(merged, state);
        return merged;
    }

    /// <summary>When the SAS was revoked, unless the revocation failed.</summary>
    private static DateTime? RevokedAt(AzureEventState s) => s.RevokedAt != null && s.RevokeStatus != "Failed" ? s.RevokedAt : null;

    private static string WithRevocation(AzureEventState s, DateTime issued)
    {
        string at = s.RevokedAt!.Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        string revocation;
        if (s.RevokeStatus == "Failed")
        {
            revocation = $"a revocation (endGetAccess) at {at} failed";
        }
        else
        {
            revocation = $"revoked (endGetAccess) at {at}";
            if (s.RevokedAt.Value >= issued && issued != ShareTimes.Unknown)
            {
                revocation += $", {Duration(s.RevokedAt.Value - issued)} after it was issued";
            }
        }
        return string.IsNullOrEmpty(s.BeginDetails) ? revocation : s.BeginDetails + "; " + revocation;
    }

    /// <summary>The first non-empty value; else "" when any is "" (a begin without details), else null (not a begin).</summary>
    private static string? FirstSet(params string?[] values)
    {
        foreach (var v in values)
        {
            if (!string.IsNullOrEmpty(v)) return v;
        }
        return Array.Exists(values, v => v != null) ? "" : null;
    }

    /// <summary>"45 s", "12 min 5 s", "2 h 3 min".</summary>
    internal static string Duration(TimeSpan d)
    {
        if (d.TotalSeconds < 60) return $"{(int)d.TotalSeconds} s";
        if (d.TotalMinutes < 60) return d.Seconds == 0 ? $"{(int)d.TotalMinutes} min" : $"{(int)d.TotalMinutes} min {d.Seconds} s";
        return d.Minutes == 0 ? $"{(int)d.TotalHours} h" : $"{(int)d.TotalHours} h {d.Minutes} min";
    }

    /// <summary>The most final of two statuses: Failed or Succeeded over Accepted (or another word) over Started; of two final ones, the later (Failed on a tie).</summary>
    internal static (string? Status, DateTime Time) Final(string? a, DateTime at, string? b, DateTime bt)
    {
        int ra = Rank(a), rb = Rank(b);
        if (ra != rb) return ra > rb ? (a, at) : (b, bt);
        if (string.Equals(a, b, StringComparison.Ordinal)) return (a, at > bt ? at : bt);
        if (at != bt) return at > bt ? (a, at) : (b, bt);
        return a == "Failed" ? (a, at) : (b, bt);
    }

    private static int Rank(string? s) => s switch
    {
        null => -1,
        "Started" => 0,
        "Succeeded" or "Failed" => 2,
        _ => 1,
    };

    private static ShareEvent Copy(ShareEvent g, ShareEvent o, string? eventId, DateTime time, string? status, bool succeeded,
        string? errorCode, string? errorMessage, string? details, IReadOnlyList<string> related, bool outcomeOnly, DateTime? revokedAt) => new()
    {
        EventId = eventId,
        Provider = g.Provider,
        Operation = g.Operation,
        EventSource = g.EventSource ?? o.EventSource,
        EventTime = time,
        Actor = g.Actor ?? o.Actor,
        ActorAccountId = g.ActorAccountId ?? o.ActorAccountId,
        SourceIp = g.SourceIp ?? o.SourceIp,
        UserAgent = g.UserAgent ?? o.UserAgent,
        InvokedBy = g.InvokedBy ?? o.InvokedBy,
        AccountId = g.AccountId ?? o.AccountId,
        Region = g.Region ?? o.Region,
        TenantId = g.TenantId ?? o.TenantId,
        Category = g.Category,
        ResourceType = g.ResourceType,
        ResourceId = g.ResourceId ?? o.ResourceId,
        Action = g.Action,
        Grantee = g.Grantee,
        GranteeType = g.GranteeType,
        Permission = g.Permission,
        Details = details,
        CorrelationId = g.CorrelationId ?? o.CorrelationId,
        Status = status,
        RelatedEventIds = related,
        Succeeded = succeeded,
        ErrorCode = errorCode,
        ErrorMessage = errorMessage,
        Source = g.Source ?? o.Source,
        OutcomeOnly = outcomeOnly,
        RevokedAt = revokedAt,
    };
}
