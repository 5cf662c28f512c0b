using System;
using System.Collections.Generic;

namespace TransferDetect.Engine.Model;

/// <summary>
/// One grant or revocation of access to data, normalised across providers. A log record that
/// grants to three accounts becomes three share events with the same <see cref="EventId"/>.
/// </summary>
public sealed class ShareEvent
{
    /// <summary>The provider's record id (CloudTrail eventID).</summary>
    public string? EventId { get; init; }

    public Provider Provider { get; init; }

    /// <summary>The provider's operation name (CloudTrail eventName).</summary>
    public string Operation { get; init; } = "";

    /// <summary>The service that recorded it (CloudTrail eventSource).</summary>
    public string? EventSource { get; init; }

    /// <summary>When the call was made, in UTC.</summary>
    public DateTime EventTime { get; init; }

    /// <summary>The identity that made the call (an ARN where the log has one).</summary>
    public string? Actor { get; init; }

    /// <summary>The account of the identity that made the call.</summary>
    public string? ActorAccountId { get; init; }

    public string? SourceIp { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>The AWS service that made the call on the actor's behalf (userIdentity.invokedBy).</summary>
    public string? InvokedBy { get; init; }

    /// <summary>The account that owns the resource (CloudTrail recipientAccountId). Always trusted.</summary>
    public string? AccountId { get; init; }

    public string? Region { get; init; }

    /// <summary>The Azure or Microsoft 365 tenant the resource belongs to, where the log names it.</summary>
    public string? TenantId { get; init; }

    /// <summary>What kind of data the share exposes.</summary>
    public ShareCategory Category { get; init; }

    /// <summary>EbsSnapshot, Ami, RdsSnapshot, RdsClusterSnapshot, RedshiftSnapshot, ...</summary>
    public string ResourceType { get; init; } = "";

    public string? ResourceId { get; init; }

    public ShareAction Action { get; init; }

    /// <summary>The principal given (or losing) access: an account id, an ARN, "all", ...</summary>
    public string? Grantee { get; init; }

    public GranteeType GranteeType { get; init; }

    /// <summary>What the grant allows where the log says (a role, a permission level, an action list).</summary>
    public string? Permission { get; init; }

    /// <summary>One line of context the decision depends on (a policy condition, a link type, a destination).</summary>
    public string? Details { get; init; }

    /// <summary>The provider's id linking the records of one operation (Azure correlationId, M365 CorrelationId).</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The provider's status word (Azure Started / Accepted / Succeeded / Failed), where it has one.</summary>
    public string? Status { get; init; }

    /// <summary>Ids of the other records folded into this event (the Started record of an Azure operation, a SharingSet companion).</summary>
    public IReadOnlyList<string> RelatedEventIds { get; init; } = Array.Empty<string>();

    /// <summary>
    /// When the access this event granted was taken away, where the same operation's records say so (an Azure
    /// SAS closed by endGetAccess, folded into its beginGetAccess); null otherwise.
    /// </summary>
    public DateTime? RevokedAt { get; init; }

    /// <summary>False when the provider recorded an error: an attempt, never a share.</summary>
    public bool Succeeded { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>Where the record was read.</summary>
    public SourceLocation? Source { get; init; }

    /// <summary>
    /// A record that only carries the outcome (status) of an operation whose grant is read from another
    /// record of it (an Azure write's Succeeded record, whose request body is in its Started record): it is
    /// folded into that record's event, and dropped when none arrives.
    /// </summary>
    internal bool OutcomeOnly { get; init; }

    /// <summary>
    /// What the provider's fold knows of the event beyond its fields (<see cref="Sources.IShareEventFold"/>), set
    /// when the event is made. A field, not a weak table keyed by the event: a table's entry is a GC handle that
    /// every collection scans, and a scan makes one for each Azure record it reads.
    /// </summary>
    internal object? FoldState { get; set; }

    public override string ToString() =>
        $"{Operation} {Action} {ResourceType} {ResourceId} -> {GranteeType} {Grantee}";
}
