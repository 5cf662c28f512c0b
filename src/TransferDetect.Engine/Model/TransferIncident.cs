using System;
using System.Collections.Generic;

namespace TransferDetect.Engine.Model;

/// <summary>
/// One story of data leaving: the share events of one principal outside the zone (or the public) that
/// belong together, with the findings among them, the stages seen, and a severity for the whole chain
/// (used and then cleaned up is worse than any of its events alone).
/// </summary>
public sealed class TransferIncident
{
    /// <summary>A stable id derived from the incident's first event, so two runs over the same logs agree.</summary>
    public string IncidentId { get; init; } = "";

    public IncidentKind Kind { get; init; }

    public Provider Provider { get; init; }

    /// <summary>The victim's account, subscription, tenant or project.</summary>
    public string? AccountId { get; init; }

    /// <summary>Who received access: an account, a domain, an address, "all" for the public.</summary>
    public string? Grantee { get; init; }

    public GranteeType GranteeType { get; init; }

    /// <summary>True when the grantee was never seen before: not earlier in the data, not in the baseline.</summary>
    public bool FirstSeenGrantee { get; init; }

    /// <summary>The resources shared in this incident, in the order they were first shared.</summary>
    public IReadOnlyList<string> Resources { get; init; } = Array.Empty<string>();

    public IncidentStage Stages { get; init; }

    /// <summary>Time of the first and the last event of the chain (UTC).</summary>
    public DateTime Start { get; init; }

    public DateTime End { get; init; }

    /// <summary>How long access stood open, when both the grant and its end are known (a SAS opened and closed).</summary>
    public TimeSpan? OpenFor { get; init; }

    /// <summary>True when the access had not been taken away by the end of the data.</summary>
    public bool StillOpen { get; init; }

    /// <summary>Addresses the grantee used the access from, when recorded.</summary>
    public IReadOnlyList<string> SourceIps { get; init; } = Array.Empty<string>();

    /// <summary>
    /// The <see cref="SourceIps"/> not otherwise seen for the account or tenant: no share call of its own users came
    /// from them (an anyone-link opened from such an address is someone else's).
    /// </summary>
    public IReadOnlyList<string> UnfamiliarSourceIps { get; init; } = Array.Empty<string>();

    public Severity Severity { get; init; }

    /// <summary>One or two sentences a responder reads first.</summary>
    public string Summary { get; init; } = "";

    /// <summary>Every event of the chain, oldest first (grants, uses, key grants, revocations, creations).</summary>
    public IReadOnlyList<ShareEvent> Events { get; init; } = Array.Empty<ShareEvent>();

    /// <summary>The findings among the events.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = Array.Empty<Finding>();

    public override string ToString() => $"{Severity} {Kind}: {Summary}";
}
