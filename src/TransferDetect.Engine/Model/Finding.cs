using System;

namespace TransferDetect.Engine.Model;

/// <summary>
/// A share event whose grantee lies outside the trust zone (or is public), with the decision:
/// severity and a one-sentence reason. The property names are the JSON-lines finding record.
/// </summary>
public sealed class Finding
{
    public Finding(ShareEvent shareEvent, Severity severity, string reason)
    {
        Event = shareEvent ?? throw new ArgumentNullException(nameof(shareEvent));
        Severity = severity;
        Reason = reason;
    }

    /// <summary>The share event the decision was made on.</summary>
    public ShareEvent Event { get; }

    public string? EventId => Event.EventId;
    public Provider Provider => Event.Provider;
    public string Operation => Event.Operation;
    public DateTime EventTime => Event.EventTime;
    public string? Actor => Event.Actor;
    public string? SourceIp => Event.SourceIp;
    public string? AccountId => Event.AccountId;
    public string ResourceType => Event.ResourceType;
    public string? ResourceId => Event.ResourceId;
    public string? Grantee => Event.Grantee;
    public GranteeType GranteeType => Event.GranteeType;
    public bool Succeeded => Event.Succeeded;
    public Severity Severity { get; }
    public string Reason { get; }

    /// <summary>File and place (or API) the record came from, as text.</summary>
    public string? Source => Event.Source?.ToString();

    public override string ToString() => $"{Severity}: {Reason}";
}
