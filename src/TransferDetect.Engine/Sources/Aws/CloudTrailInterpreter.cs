using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.IO;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>
/// CloudTrail records (S3 delivery, JSON lines, LookupEvents elements whose CloudTrailEvent is a JSON
/// string) into share events, through the AWS catalogue.
/// </summary>
internal sealed class CloudTrailInterpreter : ShareInterpreter
{
    private readonly AwsShareCatalog _catalog;
    private readonly HashSet<string>? _regions;

    /// <param name="operations">Event names to keep (any case), a subset of the catalogue; null for all.</param>
    /// <param name="includeLifecycle">Also read the creation calls of <see cref="AwsLifecycle"/> (a catalogue of their own, merged in only when asked).</param>
    public CloudTrailInterpreter(ISet<ShareCategory>? categories, ICollection<string>? operations, ICollection<string>? regions, bool includeLifecycle = false)
        : base(categories)
    {
        var catalog = includeLifecycle ? AwsLifecycle.With(AwsShareCatalog.All.For(categories), categories) : AwsShareCatalog.All.For(categories);
        var readable = catalog;
        if (operations != null)
        {
            var mine = operations.Where(o => catalog.Operations.Any(op => string.Equals(op.EventName, o, StringComparison.OrdinalIgnoreCase))).ToList();
            catalog = catalog.Only(mine);
        }
        _catalog = catalog;
        _regions = regions == null ? null : new HashSet<string>(regions, StringComparer.OrdinalIgnoreCase);
        Operations = readable.Operations.Select(o => o.EventName).ToArray();
    }

    public override Provider Provider => Provider.Aws;

    public override string FormatName => "CloudTrail";

    public override IReadOnlyList<string> Operations { get; }

    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public override RecordClaim Claim(ReadOnlySpan<byte> json)
    {
        switch (_catalog.Filter(json, out int key))
        {
            case EventNameFilter.NotInCatalogue:
                // An eventName key nested in another provider's record (the Azure diagnostic schema's
                // properties.eventName) is not CloudTrail's: only a record with an event source is skipped.
                return HasEventSource(json, key) ? RecordClaim.Skip : RecordClaim.NotMine;
            case EventNameFilter.InCatalogue:
                return RecordClaim.Candidate;
            case EventNameFilter.NoKey:
                return RecordClaim.NotMine;
            default:
                // No readable eventName value: a record with the key (escaped value, odd spacing) is parsed,
                // unless every such key holds an object, as the Azure Activity Log's eventName {value, localizedValue} does.
                return HasEventNameNotAnObject(json) ? RecordClaim.Candidate : RecordClaim.NotMine;
        }
    }

    /// <summary>
    /// Does <c>ventSource"</c> occur in the record? CloudTrail writes eventSource just before eventName
    /// (<c>"eventSource":"ec2.amazonaws.com","eventName"</c>), so the pair before the eventName key at
    /// <paramref name="key"/> is read first: the value's quotes, then the key's bytes compared where they must
    /// be. Else the 128 bytes before the key are searched, and only then the whole record. The answer is the
    /// same every way (each test compares the needle's own bytes); most records need no search at all.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    internal static bool HasEventSource(ReadOnlySpan<byte> json, int key)
    {
        const int Window = 128;
        if (key > 0)
        {
            if (EventSourceJustBefore(json, key)) return true;
            int from = Math.Max(0, key - Window);
            if (EventSourceKey.In(json.Slice(from, key - from))) return true;
        }
        return EventSourceKey.In(json);
    }

    private static readonly Needle EventSourceKey = new("ventSource\""u8);

    /// <summary>
    /// Is the member before the key at <paramref name="key"/> (its opening quote) an eventSource with a string
    /// value, written without spaces: <c>ventSource":"value",</c> ending just before it?
    /// </summary>
    // Optimized from its first call, and a plain loop rather than LastIndexOf: the value is a short service name, and
    // the runtime's vectorized LastIndexOf for bytes starts as unoptimized code, which was 2% of a cold scan's samples.
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    internal static bool EventSourceJustBefore(ReadOnlySpan<byte> json, int key)
    {
        int close = key - 2;
        if (close < 0 || key > json.Length || json[key - 1] != (byte)',' || json[close] != (byte)'"') return false;
        // The value's opening quote: an escaped quote inside the value stops here too, and then no colon precedes it.
        int open = close - 1;
        while (open >= 0 && json[open] != (byte)'"') open--;
        const int Name = 11; // ventSource"
        return open > Name && json[open - 1] == (byte)':' && json.Slice(open - 1 - Name, Name).SequenceEqual(EventSourceKey.Bytes);
    }

    private static bool HasEventNameNotAnObject(ReadOnlySpan<byte> json)
    {
        int from = 0;
        while (true)
        {
            int at = AwsShareCatalog.EventNameKey.IndexOf(json.Slice(from));
            if (at < 0) return false;
            int i = from + at + 9;
            from = i;
            ClaimText.SkipWhitespace(json, ref i, escaped: false);
            if (i < json.Length && json[i] == (byte)':')
            {
                i++;
                ClaimText.SkipWhitespace(json, ref i, escaped: false);
                if (i < json.Length && json[i] == (byte)'{') continue;
            }
            return true;
        }
    }

    public override bool Recognizes(JsonElement record)
    {
        if (!record.IsObject()) return false;
        if (record.Prop("eventName"u8).ValueKind == JsonValueKind.String && record.Prop("eventSource"u8).ValueKind == JsonValueKind.String) return true;
        return record.Prop("EventName"u8).ValueKind == JsonValueKind.String && record.Prop("CloudTrailEvent"u8).ValueKind == JsonValueKind.String;
    }

    public override void Interpret(JsonElement record, RecordContext context, List<ShareEvent> output)
    {
        bool lookup = record.Prop("eventName"u8).ValueKind != JsonValueKind.String;
        var operation = _catalog.Find(lookup ? record.Str("EventName"u8) : record.Str("eventName"u8));
        if (operation == null) return;
        if (!lookup)
        {
            Map(record, operation, context, output);
            return;
        }
        JsonDocument inner;
        try
        {
            inner = JsonDocument.Parse(record.Str("CloudTrailEvent"u8) ?? "");
        }
        catch (JsonException e)
        {
            context.Statistics.InvalidRecords++;
            context.Report(ReadIssueKind.InvalidRecord, "the CloudTrailEvent string of this LookupEvents element is not valid JSON: " + JsonMessages.Clean(e));
            return;
        }
        using (inner)
        {
            Map(inner.RootElement, operation, context, output);
        }
    }

    private void Map(JsonElement record, AwsShareOperation operation, RecordContext context, List<ShareEvent> output)
    {
        string? source = record.Str("eventSource"u8);
        if (source != null && !operation.RecordedBy(source)) return;
        context.Statistics.CandidateRecords++;
        string? eventId = record.Str("eventID"u8);
        string idText = eventId != null ? $" (eventID {eventId})" : "";

        if (_regions != null && !_regions.Contains(record.Str("awsRegion"u8) ?? ""))
        {
            context.Statistics.OtherRegions++;
            return;
        }

        var rp = record.Prop("requestParameters"u8);
        if (operation.NeedsRequestParameters && !rp.IsObject())
        {
            context.Incomplete($"the {operation.EventName} record{idText} has no requestParameters, so what it shared cannot be read");
            return;
        }
        var grants = operation.Extract(rp, record);
        if (grants?.Problem != null)
        {
            context.Incomplete($"the {operation.EventName} record{idText} {grants.Problem}");
        }
        if (grants == null || grants.Grants.Count == 0) return;

        var identity = record.Prop("userIdentity"u8);
        string? errorCode = record.Str("errorCode"u8);
        string? owner = grants.OwnerAccountId ?? record.Str("recipientAccountId"u8) ?? identity.Str("accountId"u8);
        DateTime time = ShareTimes.Parse(record.Str("eventTime"u8) ?? record.Str("@timestamp"u8)) ?? ShareTimes.Unknown;
        foreach (var g in grants.Grants)
        {
            output.Add(new ShareEvent
            {
                EventId = eventId,
                Provider = Provider.Aws,
                Operation = operation.EventName,
                EventSource = source ?? operation.EventSource,
                EventTime = time,
                Actor = identity.Str("arn"u8) ?? identity.Str("principalId"u8) ?? identity.Str("invokedBy"u8) ?? identity.Str("type"u8),
                ActorAccountId = identity.Str("accountId"u8),
                InvokedBy = identity.Str("invokedBy"u8),
                SourceIp = record.Str("sourceIPAddress"u8),
                UserAgent = record.Str("userAgent"u8),
                AccountId = owner,
                Region = record.Str("awsRegion"u8),
                Category = operation.Category,
                ResourceType = grants.ResourceType,
                ResourceId = grants.ResourceId,
                Action = g.Action,
                Grantee = g.Grantee.Length == 0 ? null : g.Grantee, // a lifecycle event has none
                GranteeType = g.GranteeType ?? AwsGrantee.Parse(g.Grantee).Type,
                Permission = g.Permission,
                Details = g.Details,
                Succeeded = errorCode == null,
                ErrorCode = errorCode,
                ErrorMessage = record.Str("errorMessage"u8),
                Source = context.Location,
            });
        }
    }
}
