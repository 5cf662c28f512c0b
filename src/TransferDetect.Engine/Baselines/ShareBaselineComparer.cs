using System;
using System.Collections.Generic;
using System.Linq;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Baselines;

/// <summary>Whether something appeared since the baseline or went away.</summary>
public enum BaselineChangeType
{
    /// <summary>Not in the baseline, there now.</summary>
    New,

    /// <summary>In the baseline, not there now (a grant revoked since).</summary>
    Gone,
}

/// <summary>What changed: a grant (a resource shared to a principal) or a grantee (a principal outside the zone).</summary>
public enum BaselineItem
{
    Grant,
    Grantee,
}

/// <summary>One difference between a baseline and a later run, for a runbook to test (<c>Where-Object Change -eq 'New'</c>).</summary>
public sealed class BaselineChange
{
    public BaselineChangeType Change { get; init; }
    public BaselineItem Item { get; init; }
    public Provider Provider { get; init; }
    public string? AccountId { get; init; }
    public string? ResourceType { get; init; }
    public string? ResourceId { get; init; }
    public string? Grantee { get; init; }
    public GranteeType GranteeType { get; init; }

    /// <summary>When the grant was made, or when the grantee was first seen (UTC).</summary>
    public DateTime? Since { get; init; }

    public string Summary { get; init; } = "";

    public override string ToString() => $"{Change} {Item}: {Summary}";
}

/// <summary>Compares a later state with a baseline.</summary>
public static class ShareBaselineComparer
{
    /// <summary>
    /// New grants and new grantees (not in the baseline), then grants gone (in the baseline, not standing now).
    /// Grantees are never "gone": the baseline's grantees are those known, and a later run over other days need not see them again.
    /// </summary>
    public static IEnumerable<BaselineChange> Compare(ShareBaseline baseline, ShareBaseline now)
    {
        if (baseline == null) throw new ArgumentNullException(nameof(baseline));
        if (now == null) throw new ArgumentNullException(nameof(now));
        var before = new HashSet<string>(baseline.Grants.Select(g => g.Key), StringComparer.Ordinal);
        var after = new HashSet<string>(now.Grants.Select(g => g.Key), StringComparer.Ordinal);
        foreach (var g in now.Grantees)
        {
            if (!baseline.KnowsGrantee(g.Provider, g.Grantee))
            {
                yield return new BaselineChange
                {
                    Change = BaselineChangeType.New, Item = BaselineItem.Grantee, Provider = g.Provider, Grantee = g.Grantee, GranteeType = g.GranteeType, Since = g.FirstSeen,
                    Summary = $"{g.Provider} {g.GranteeType} {g.Grantee} is a grantee outside the trust zone the baseline does not know (first seen {g.FirstSeen:yyyy-MM-dd HH:mm:ss}Z).",
                };
            }
        }
        foreach (var g in now.Grants)
        {
            if (!before.Contains(g.Key)) yield return GrantChange(BaselineChangeType.New, g, "is shared with", "a grant the baseline does not have");
        }
        foreach (var g in baseline.Grants)
        {
            if (!after.Contains(g.Key)) yield return GrantChange(BaselineChangeType.Gone, g, "is no longer shared with", "a grant of the baseline not standing now");
        }
    }

    private static BaselineChange GrantChange(BaselineChangeType change, BaselineGrant g, string verb, string what) => new()
    {
        Change = change,
        Item = BaselineItem.Grant,
        Provider = g.Provider,
        AccountId = g.AccountId,
        ResourceType = g.ResourceType,
        ResourceId = g.ResourceId,
        Grantee = g.Grantee,
        GranteeType = g.GranteeType,
        Since = g.GrantedAt,
        Summary = $"{Detection.ExternalShareDetector.Describe(g.ResourceType)} {g.ResourceId} {verb} {g.GranteeType} {g.Grantee} ({what}).",
    };
}
