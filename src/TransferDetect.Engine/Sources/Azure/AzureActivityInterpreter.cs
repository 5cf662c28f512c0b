using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.IO;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Azure;

/// <summary>
/// Azure Activity Log records into share events, whatever the export: the portal / REST / CLI JSON
/// (an array), diagnostic-setting blobs (insights-activity-logs: one record per line, or
/// <c>{"records":[...]}</c>), Log Analytics' AzureActivity table as CSV or JSON, and the
/// Datadog-normalised form (<see cref="AzureRecord"/> reads them alike). Operations are matched without
/// regard to case (diagnostic blobs write them in upper case) and reported in their documented case.
/// The several records of one operation are folded into one event (<see cref="AzureActivityFold"/>).
/// </summary>
internal sealed class AzureActivityInterpreter : ShareInterpreter
{
    private readonly AzureActivityFold _fold = new();

    public AzureActivityInterpreter(ISet<ShareCategory>? categories)
        : base(categories)
    {
        Operations = AzureOperations.All.Where(o => Wants(o.Category)).Select(o => o.Name).ToArray();
    }

    public override Provider Provider => Provider.Azure;

    public override string FormatName => "Azure Activity Log";

    public override IReadOnlyList<string> Operations { get; }

    public override IShareEventFold? Fold => _fold;

    /// <summary>
    /// Mine when the bytes hold an operation-name key of one of the shapes (operationName,
    /// OperationNameValue, OperationName, Datadog's evt beside a resourceId). First the operation values
    /// alone are read (<see cref="ReadOperationValues"/>); when they cannot be read cleanly the whole record
    /// is searched: a candidate when a fragment of a catalogue operation appears in any case, when the text
    /// is escaped (\u, \/) so fragments could hide, or when no key only the Activity Log writes is there
    /// (then the parsed shape decides: a storage data-plane log is "JSON of another shape"). Otherwise an
    /// Activity Log record whose operation cannot be a share: skipped unparsed.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public override RecordClaim Claim(ReadOnlySpan<byte> json)
    {
        if (!Marked(json)) return RecordClaim.NotMine;
        var values = ReadOperationValues(json);
        if (values == OperationValues.MaybeShare) return RecordClaim.Candidate;
        if (values == OperationValues.Unknown)
        {
            foreach (var needle in AzureOperations.Needles)
            {
                if (ClaimText.ContainsIgnoringCase(json, needle)) return RecordClaim.Candidate;
            }
            if (ClaimText.UnicodeEscape.In(json) || Keys.EscapedSlash.In(json)) return RecordClaim.Candidate;
        }
        bool activityLog = Keys.ResultType.In(json) || Keys.EventDataId.In(json) || Keys.PascalEventDataId.In(json) ||
            Keys.ActivityStatusValue.In(json) || Keys.OperationNameValue.In(json) || Keys.Evt.In(json);
        return activityLog ? RecordClaim.Skip : RecordClaim.Candidate;
    }

    /// <summary>
    /// Is the record one the Activity Log may have written: an operationName, OperationNameValue, OperationName or
    /// operationname key, or a Datadog evt with a resourceId? The four keys are found by one search for what they
    /// share ("peration"), each named by the bytes around it, so a record of another log is searched once, not four times.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    internal static bool Marked(ReadOnlySpan<byte> json)
    {
        int from = 0;
        while (ClaimText.NextOperationKey(json, ref from, out byte letter))
        {
            var rest = json.Slice(from);
            if (letter == (byte)'o' && (rest.StartsWith("Name\""u8) || rest.StartsWith("name\""u8))) return true;
            if (letter == (byte)'O' && (rest.StartsWith("Name\""u8) || rest.StartsWith("NameValue\""u8))) return true;
        }
        return Keys.Evt.In(json) && Keys.ResourceId.In(json);
    }

    /// <summary><see cref="Marked"/> as it was written before its one search, for the tests.</summary>
    internal static bool MarkedKeyByKey(ReadOnlySpan<byte> json) =>
        Keys.OperationName.In(json) || Keys.OperationNameValue.In(json) || Keys.PascalOperationName.In(json) ||
        Keys.LowerOperationName.In(json) || (Keys.Evt.In(json) && Keys.ResourceId.In(json));

    /// <summary>
    /// Reads every value of the keys <see cref="AzureRecord.OperationOf"/> reads (operationName and
    /// OperationName as a string or as <c>{"value":..,"localizedValue":..}</c>, OperationNameValue), at any
    /// depth (the byte test cannot tell the top level from a nested object, so all must pass). NoShare only
    /// when there is at least one and each is an ARM operation (with a '/', so no other place of the record
    /// is consulted) holding no fragment of a catalogue operation. Unknown when the text has a \u escape
    /// (a key could be written with one), a Datadog evt (evt.name is read too) or an M365 Operation key
    /// (the M365 reader may read the record), or when a value is not a plain string of that shape.
    /// MaybeShare when a value holds a fragment, or non-ASCII text (case folding the byte test cannot follow).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    internal static OperationValues ReadOperationValues(ReadOnlySpan<byte> json)
    {
        if (ClaimText.UnicodeEscape.In(json) || Keys.Evt.In(json)) return OperationValues.Unknown;
        // The five keys (operationName, OperationNameValue, OperationName, and M365's Operation and Operations) all
        // hold "peration": one search finds every one of them, named by the bytes around it. The answer is that
        // of reading each key's occurrences in turn: the first value that is not NoShare, in the key order above.
        Span<OperationValues> firstOf = stackalloc OperationValues[3];
        firstOf.Fill(OperationValues.NoShare);
        int found = 0, from = 0;
        while (ClaimText.NextOperationKey(json, ref from, out byte letter))
        {
            var rest = json.Slice(from);
            int key;
            int end;
            if (letter == (byte)'O' && (rest.StartsWith("\""u8) || rest.StartsWith("s\""u8))) return OperationValues.Unknown;
            if (letter == (byte)'o' && rest.StartsWith("Name\""u8)) (key, end) = (0, from + 5);
            else if (letter == (byte)'O' && rest.StartsWith("NameValue\""u8)) (key, end) = (1, from + 10);
            else if (letter == (byte)'O' && rest.StartsWith("Name\""u8)) (key, end) = (2, from + 5);
            else continue;
            found++;
            if (firstOf[key] == OperationValues.NoShare) firstOf[key] = OperationValueAt(json, end);
        }
        foreach (var value in firstOf)
        {
            if (value != OperationValues.NoShare) return value;
        }
        return found > 0 ? OperationValues.NoShare : OperationValues.Unknown;
    }

    /// <summary>
    /// <see cref="ReadOperationValues"/> as it was written before its one search: each key searched for on its own.
    /// Kept for the tests, which compare the two on every record they make.
    /// </summary>
    internal static OperationValues ReadOperationValuesKeyByKey(ReadOnlySpan<byte> json)
    {
        if (ClaimText.UnicodeEscape.In(json) || Keys.Evt.In(json) || M365.M365AuditInterpreter.OperationKey.In(json) ||
            M365.M365AuditInterpreter.OperationsKey.In(json))
        {
            return OperationValues.Unknown;
        }
        int found = 0;
        foreach (var key in OperationKeys)
        {
            int from = 0;
            while (true)
            {
                int at = key.IndexOf(json.Slice(from));
                if (at < 0) break;
                int i = from + at + key.Length;
                var one = OperationValueAt(json, i);
                if (one != OperationValues.NoShare) return one;
                found++;
                from = i;
            }
        }
        return found > 0 ? OperationValues.NoShare : OperationValues.Unknown;
    }

    private static readonly Needle[] OperationKeys = { Keys.OperationName, Keys.OperationNameValue, Keys.PascalOperationName };

    /// <summary>The keys the claim looks for, each searched by its rarest bytes.</summary>
    private static class Keys
    {
        public static readonly Needle OperationName = new("\"operationName\""u8);
        public static readonly Needle OperationNameValue = new("\"OperationNameValue\""u8);
        public static readonly Needle PascalOperationName = new("\"OperationName\""u8);
        public static readonly Needle LowerOperationName = new("\"operationname\""u8);
        public static readonly Needle Evt = new("\"evt\""u8);
        public static readonly Needle ResourceId = new("\"resourceId\""u8);
        public static readonly Needle EscapedSlash = new("\\/"u8);
        public static readonly Needle ResultType = new("\"resultType\""u8);
        public static readonly Needle EventDataId = new("\"eventDataId\""u8);
        public static readonly Needle PascalEventDataId = new("\"EventDataId\""u8);
        public static readonly Needle ActivityStatusValue = new("\"ActivityStatusValue\""u8);
    }

    /// <summary>The operation value after a key ending at <paramref name="i"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    private static OperationValues OperationValueAt(ReadOnlySpan<byte> json, int i)
    {
        if (!ClaimText.TakeColon(json, ref i, escaped: false)) return OperationValues.Unknown;
        if (i < json.Length && json[i] == (byte)'"')
        {
            return ClaimText.ReadPlainString(json, ref i, escaped: false, out var name) ? Judge(name, authoritative: true) : OperationValues.Unknown;
        }
        if (i >= json.Length || json[i] != (byte)'{') return OperationValues.Unknown;
        // {"value":"...","localizedValue":"..."}: value (else Value) names the operation; only plain string members are read.
        i++;
        ReadOnlySpan<byte> value = default, alternative = default;
        int values = 0, alternatives = 0;
        while (true)
        {
            ClaimText.SkipWhitespace(json, ref i, escaped: false);
            if (!ClaimText.ReadPlainString(json, ref i, escaped: false, out var member)) return OperationValues.Unknown;
            if (!ClaimText.TakeColon(json, ref i, escaped: false)) return OperationValues.Unknown;
            if (!ClaimText.ReadPlainString(json, ref i, escaped: false, out var text)) return OperationValues.Unknown;
            if (Judge(text, authoritative: false) == OperationValues.MaybeShare) return OperationValues.MaybeShare;
            if (member.SequenceEqual("value"u8))
            {
                value = text;
                values++;
            }
            else if (member.SequenceEqual("Value"u8))
            {
                alternative = text;
                alternatives++;
            }
            ClaimText.SkipWhitespace(json, ref i, escaped: false);
            if (i < json.Length && json[i] == (byte)',')
            {
                i++;
                continue;
            }
            if (i < json.Length && json[i] == (byte)'}') break;
            return OperationValues.Unknown;
        }
        if (values > 1 || (values == 0 && alternatives != 1)) return OperationValues.Unknown;
        return Judge(values == 1 ? value : alternative, authoritative: true);
    }

    /// <summary>
    /// One operation name: MaybeShare when it holds a catalogue fragment in any case (or non-ASCII text, when it
    /// names the operation); NoShare for an ARM operation ('/') without one; Unknown for a name without '/' (a
    /// localized or data-plane name: the whole record decides, as properties.message may name the operation).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    private static OperationValues Judge(ReadOnlySpan<byte> name, bool authoritative)
    {
        foreach (var needle in AzureOperations.Needles)
        {
            if (ClaimText.ContainsIgnoringCase(name, needle)) return OperationValues.MaybeShare;
        }
        if (!authoritative) return OperationValues.NoShare;
        if (ClaimText.HasNonAscii(name)) return OperationValues.MaybeShare;
        return name.IndexOf((byte)'/') >= 0 ? OperationValues.NoShare : OperationValues.Unknown;
    }

    /// <summary>
    /// An Activity Log record: its operation is an ARM operation (Namespace/type/.../verb), or the record
    /// carries what only the Activity Log writes (eventDataId, ActivityStatusValue, OperationNameValue).
    /// A storage data-plane log (operationName GetBlob) is not one.
    /// </summary>
    public override bool Recognizes(JsonElement record)
    {
        var name = AzureRecord.OperationOf(record);
        if (name == null) return false;
        if (name.IndexOf('/') > 0) return true;
        return record.Prop("eventDataId"u8).ValueKind != JsonValueKind.Undefined || record.Prop("EventDataId"u8).ValueKind != JsonValueKind.Undefined ||
            record.Prop("ActivityStatusValue"u8).ValueKind != JsonValueKind.Undefined || record.Prop("OperationNameValue"u8).ValueKind != JsonValueKind.Undefined;
    }

    public override void Interpret(JsonElement record, RecordContext context, List<ShareEvent> output)
    {
        var name = AzureRecord.OperationOf(record);
        var op = AzureOperations.Find(name);
        using var r = new AzureRecord(record);
        if (op == null && (name == null || name.IndexOf('/') < 0))
        {
            // A localized operation name (Log Analytics' OperationName): the ARM operation is in properties.message or authorization.action.
            foreach (var alternative in r.OperationAlternatives())
            {
                op = AzureOperations.Find(alternative);
                if (op != null) break;
            }
        }
        if (op == null || !Wants(op.Category)) return;
        context.Statistics.CandidateRecords++;

        var read = new Reading(r, op, context);
        var grant = op.Kind switch
        {
            AzureOperationKind.GetAccessBegin => BeginGetAccess(read),
            AzureOperationKind.GetAccessEnd => new Grant(ShareAction.Remove, SasGrantee, GranteeType.AnonymousLink),
            AzureOperationKind.StorageKeyOrSas => KeyOrSas(read),
            AzureOperationKind.StorageAccountWrite => StorageAccountWrite(read),
            AzureOperationKind.ContainerWrite => ContainerWrite(read),
            AzureOperationKind.ObjectReplicationWrite => ObjectReplication(read),
            AzureOperationKind.GalleryShare => GalleryShare(read),
            AzureOperationKind.DataShareInvitation => DataShareInvitation(read),
            AzureOperationKind.DataShareInvitationDelete => new Grant(ShareAction.Remove, null, GranteeType.Unknown) { ResourceId = SharePath(read.Resource), Details = InvitationDetails(read.Resource, null) },
            AzureOperationKind.DiskCopy => DiskCopy(read),
            _ => null,
        };
        if (grant == null) return;
        output.Add(Make(read, grant));
    }

    /// <summary>The grantee of a SAS URI: whoever holds the link.</summary>
    internal const string SasGrantee = "SAS URI";

    /// <summary>What one record grants; the rest of the event comes from the record.</summary>
    private sealed class Grant
    {
        public Grant(ShareAction action, string? grantee, GranteeType type)
        {
            Action = action;
            Grantee = grantee;
            Type = type;
        }

        public ShareAction Action { get; }
        public string? Grantee { get; }
        public GranteeType Type { get; }
        public string? Permission { get; init; }
        public string? Details { get; init; }
        public string? ResourceType { get; init; }
        public string? ResourceId { get; init; }
        public string? AccountId { get; init; }
        public bool HasBody { get; init; }
        public bool OutcomeOnly { get; init; }
    }

    /// <summary>The record's common fields, read once.</summary>
    private sealed class Reading
    {
        public Reading(AzureRecord record, AzureOperation op, RecordContext context)
        {
            Record = record;
            Operation = op;
            Context = context;
            Resource = record.ResourceId;
            Subscription = record.SubscriptionId;
            EventId = record.EventDataId;
            CorrelationId = record.CorrelationId;
        }

        public AzureRecord Record { get; }
        public AzureOperation Operation { get; }
        public RecordContext Context { get; }
        public string? Resource { get; }
        public string? Subscription { get; }
        public string? EventId { get; }
        public string? CorrelationId { get; }

        public string Named => $"the {Operation.Name} record{(EventId != null ? $" (eventDataId {EventId})" : CorrelationId != null ? $" (correlationId {CorrelationId})" : "")}";

        /// <summary>
        /// The request body, or null. A body that is not JSON (the Activity Log cuts long bodies short) is
        /// reported when <paramref name="report"/> is set: the record is a share record missing what its grant needs.
        /// </summary>
        public JsonElement? Body(bool report)
        {
            var body = Record.RequestBody(out bool unreadable);
            if (report && Record.PropertiesUnreadable)
            {
                Context.Incomplete($"{Named} has properties that are not valid JSON (cut short?), so what it shared cannot be read");
            }
            else if (unreadable && report)
            {
                Context.Incomplete($"{Named} has a request body that is not valid JSON (cut short?), so what it shared cannot be read");
            }
            return body.ValueKind == JsonValueKind.Object ? body : null;
        }
    }

    /// <summary>A record that carries only the outcome of an operation whose grant is in another of its records.</summary>
    private static Grant OutcomeOnly(Reading read) => new(ShareAction.Add, null, GranteeType.Unknown) { OutcomeOnly = true };

    private ShareEvent Make(Reading read, Grant g)
    {
        var r = read.Record;
        var op = read.Operation;
        string? status = r.Status;
        bool failed = status == "Failed";
        var (code, message) = failed ? r.Error() : (null, null);
        DateTime time = r.Time ?? ShareTimes.Unknown;
        var e = new ShareEvent
        {
            EventId = read.EventId,
            Provider = Provider.Azure,
            Operation = op.Name,
            EventSource = op.Provider,
            EventTime = time,
            Actor = r.Caller,
            ActorAccountId = r.CallerTenant,
            SourceIp = r.SourceIp,
            AccountId = g.AccountId ?? read.Subscription,
            TenantId = r.TenantId,
            Category = op.Category,
            ResourceType = g.ResourceType ?? op.ResourceType,
            ResourceId = g.ResourceId ?? read.Resource,
            Action = g.Action,
            Grantee = g.Grantee,
            GranteeType = g.Type,
            Permission = g.Permission,
            Details = g.Details,
            CorrelationId = read.CorrelationId,
            Status = status,
            Succeeded = !failed,
            ErrorCode = code,
            ErrorMessage = message,
            Source = read.Context.Location,
            OutcomeOnly = g.OutcomeOnly,
        };
        string? key;
        if (op.IsGetAccess) key = read.Resource == null ? null : FoldKey("sas", null, read.Resource);
        else key = read.CorrelationId == null ? null : FoldKey(read.CorrelationId, op.Name, read.Resource ?? "");
        _fold.Attach(e, new AzureEventState
        {
            Key = key,
            Kind = op.Kind,
            StatusTime = time,
            HasBody = g.HasBody,
            BeginDetails = op.Kind == AzureOperationKind.GetAccessBegin ? g.Details ?? "" : null,
        });
        return e;
    }

    /// <summary>
    /// The key the fold pairs an operation's records by: <paramref name="first"/> in lower case, "|", <paramref name="operation"/>
    /// as it is and "|" when there is one, and <paramref name="resource"/> in lower case, made in one string (three before):
    /// every candidate record of an Activity Log export makes one.
    /// </summary>
    internal static string FoldKey(string first, string? operation, string resource)
    {
#if NET8_0_OR_GREATER
        int length = first.Length + 1 + (operation == null ? 0 : operation.Length + 1) + resource.Length;
        return string.Create(length, (first, operation, resource), static (span, parts) =>
        {
            int at = parts.first.AsSpan().ToLowerInvariant(span);
            span[at++] = '|';
            if (parts.operation != null)
            {
                parts.operation.AsSpan().CopyTo(span.Slice(at));
                at += parts.operation.Length;
                span[at++] = '|';
            }
            parts.resource.AsSpan().ToLowerInvariant(span.Slice(at));
        });
#else
        return first.ToLowerInvariant() + "|" + (operation == null ? "" : operation + "|") + resource.ToLowerInvariant();
#endif
    }

    private static Grant BeginGetAccess(Reading read)
    {
        var body = read.Body(report: false);
        string? access = body?.Str("access"u8);
        string? duration = body?.Str("durationInSeconds"u8);
        var parts = new List<string>();
        if (access != null) parts.Add("access " + access);
        if (duration != null) parts.Add("for " + duration + " s");
        if (string.Equals(body?.Str("getSecureVHDWithVMGuestState"u8), "true", StringComparison.OrdinalIgnoreCase)) parts.Add("with the VM guest state");
        if (body?.Str("fileFormat"u8) is string format) parts.Add("as " + format);
        return new Grant(ShareAction.Add, SasGrantee, GranteeType.AnonymousLink)
        {
            Permission = access,
            Details = parts.Count == 0 ? null : string.Join(" ", parts),
            HasBody = body != null,
        };
    }

    private static readonly string[] SasFields =
    {
        "signedServices", "signedResourceTypes", "canonicalizedResource", "signedResource", "signedPermission", "signedStart",
        "signedExpiry", "signedIp", "signedProtocol", "keyToSign",
    };

    private static Grant KeyOrSas(Reading read)
    {
        string? caller = read.Record.Caller;
        bool keys = read.Operation.Name == AzureOperations.ListKeys;
        var body = keys ? null : read.Body(report: false);
        var parts = new List<string>();
        if (body is JsonElement b)
        {
            foreach (var field in SasFields)
            {
                if (b.Str(field) is string v) parts.Add(field + " " + v);
            }
        }
        return new Grant(ShareAction.Add, caller ?? "(caller not recorded)", caller != null && caller.IndexOf('@') > 0 ? GranteeType.User : GranteeType.Unknown)
        {
            Permission = keys ? "account keys" : body?.Str("signedPermission"u8) ?? (read.Operation.Name == AzureOperations.ListAccountSas ? "account SAS" : "service SAS"),
            Details = parts.Count == 0 ? null : string.Join(", ", parts),
            ResourceId = read.Resource == null ? null : AzureResourceIds.Upto(read.Resource, "storageAccounts") ?? read.Resource,
            HasBody = body != null,
        };
    }

    private static bool? Flag(JsonElement body, string name)
    {
        var v = body.Prop("properties"u8).Prop(name);
        if (v.ValueKind == JsonValueKind.Undefined) v = body.Prop(name);
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when string.Equals(v.GetString(), "true", StringComparison.OrdinalIgnoreCase) => true,
            JsonValueKind.String when string.Equals(v.GetString(), "false", StringComparison.OrdinalIgnoreCase) => false,
            _ => null,
        };
    }

    internal const string PublicBlobGrantee = "anonymous";
    internal const string CrossTenantGrantee = "any tenant";

    /// <summary>
    /// allowBlobPublicAccess / allowCrossTenantReplication turned on (a guardrail loosened) or off (restored).
    /// A write whose body sets neither is not a share; a record without a body only carries the outcome.
    /// </summary>
    private static Grant? StorageAccountWrite(Reading read)
    {
        var body = read.Body(report: true);
        if (body is not JsonElement b) return OutcomeOnly(read);
        bool? blob = Flag(b, "allowBlobPublicAccess"), cross = Flag(b, "allowCrossTenantReplication");
        if (blob == null && cross == null) return null;
        var settings = new List<string>();
        if (blob != null) settings.Add("allowBlobPublicAccess=" + (blob.Value ? "true" : "false"));
        if (cross != null) settings.Add("allowCrossTenantReplication=" + (cross.Value ? "true" : "false"));
        string permission = string.Join(", ", settings);
        if (blob == true)
        {
            return new Grant(ShareAction.Add, PublicBlobGrantee, GranteeType.Public)
            {
                Permission = permission,
                Details = "anonymous (public) blob access allowed: any container of the account can now be made public" +
                    (cross == true ? "; object replication to other tenants allowed too" : ""),
                HasBody = true,
            };
        }
        if (cross == true)
        {
            return new Grant(ShareAction.Add, CrossTenantGrantee, GranteeType.Tenant)
            {
                Permission = permission,
                Details = "object replication to accounts of other tenants allowed",
                HasBody = true,
            };
        }
        return new Grant(ShareAction.Remove, blob == false ? PublicBlobGrantee : CrossTenantGrantee, blob == false ? GranteeType.Public : GranteeType.Tenant)
        {
            Permission = permission,
            Details = "guardrail restored: " + permission,
            HasBody = true,
        };
    }

    /// <summary>publicAccess Blob or Container makes the container public; None makes it private.</summary>
    private static Grant? ContainerWrite(Reading read)
    {
        var body = read.Body(report: true);
        if (body is not JsonElement b) return OutcomeOnly(read);
        string? access = b.Prop("properties"u8).Str("publicAccess"u8) ?? b.Str("publicAccess"u8);
        if (access == null) return null;
        if (string.Equals(access, "None", StringComparison.OrdinalIgnoreCase))
        {
            return new Grant(ShareAction.Remove, PublicBlobGrantee, GranteeType.Public) { Permission = "None", Details = "public access None: the container is private", HasBody = true };
        }
        string? what = access.ToLowerInvariant() switch
        {
            "blob" => "anyone can read its blobs without credentials",
            "container" => "anyone can list and read its blobs without credentials",
            _ => null,
        };
        if (what == null)
        {
            read.Context.Incomplete($"{read.Named} sets publicAccess to '{access}', which is neither None, Blob nor Container");
            return null;
        }
        return new Grant(ShareAction.Add, PublicBlobGrantee, GranteeType.Public)
        {
            Permission = access,
            Details = $"public access {access}: {what} (if the account allows blob public access)",
            HasBody = true,
        };
    }

    /// <summary>
    /// Blobs replicated from sourceAccount to destinationAccount. The grantee is the destination's
    /// subscription (from its resource id; Unknown when it is named without one, which is how an account
    /// of another tenant is named); the owner is the source's subscription.
    /// </summary>
    private static Grant? ObjectReplication(Reading read)
    {
        var body = read.Body(report: true);
        if (body is not JsonElement b) return OutcomeOnly(read);
        var props = b.Prop("properties"u8).IsObject() ? b.Prop("properties"u8) : b;
        string? source = AzureRecord.NonEmpty(props.Str("sourceAccount"u8));
        string? destination = AzureRecord.NonEmpty(props.Str("destinationAccount"u8));
        if (destination == null)
        {
            read.Context.Incomplete($"{read.Named} names no destinationAccount, so where the blobs go cannot be read");
            return null;
        }
        string? account = read.Resource == null ? null : AzureResourceIds.Upto(read.Resource, "storageAccounts");
        string? accountName = account == null ? null : AzureResourceIds.NameOf(account);
        string? SubscriptionOfAccount(string? named)
        {
            if (named == null) return read.Subscription;
            if (AzureResourceIds.IsResourceId(named)) return AzureResourceIds.SubscriptionOf(named);
            return string.Equals(named, accountName, StringComparison.OrdinalIgnoreCase) ? read.Subscription : null;
        }
        string? destinationSubscription = SubscriptionOfAccount(destination);
        string? sourceSubscription = SubscriptionOfAccount(source);
        var rules = new List<string>();
        var array = props.Prop("rules"u8);
        if (array.ValueKind == JsonValueKind.Array)
        {
            foreach (var rule in array.EnumerateArray())
            {
                string? from = rule.Str("sourceContainer"u8), to = rule.Str("destinationContainer"u8);
                if (from != null || to != null) rules.Add($"{from ?? "?"} -> {to ?? "?"}");
            }
        }
        string details = $"blobs replicated from account {source ?? accountName ?? "(not named)"} to account {destination}" +
            (rules.Count > 0 ? " (containers " + string.Join(", ", rules) + ")" : "");
        return new Grant(ShareAction.Add, destinationSubscription ?? destination, destinationSubscription != null ? GranteeType.Subscription : GranteeType.Unknown)
        {
            Permission = "replicate blobs",
            Details = details,
            AccountId = sourceSubscription ?? read.Subscription,
            ResourceId = source != null && AzureResourceIds.IsResourceId(source) ? source : account ?? read.Resource,
            HasBody = true,
        };
    }

    /// <summary>The grantee of a gallery shared with the community: every Azure user.</summary>
    internal const string CommunityGrantee = "community";

    /// <summary>
    /// operationType Add / Remove with groups of Subscriptions and AADTenants ids (one event for the
    /// operation: the ids are listed together, "subscription:" and "tenant:" prefixes when both kinds are
    /// given); EnableCommunity shares with everyone; Reset makes the gallery private again.
    /// </summary>
    private static Grant? GalleryShare(Reading read)
    {
        var body = read.Body(report: true);
        if (body is not JsonElement b) return OutcomeOnly(read);
        var props = b.Prop("operationType"u8).ValueKind == JsonValueKind.Undefined && b.Prop("properties"u8).IsObject() ? b.Prop("properties"u8) : b;
        string? type = props.Str("operationType"u8);
        switch (type?.ToLowerInvariant())
        {
            case "enablecommunity":
                return new Grant(ShareAction.Add, CommunityGrantee, GranteeType.Public)
                {
                    Details = "the gallery was shared with every Azure user (community gallery)",
                    HasBody = true,
                };
            case "reset":
                return new Grant(ShareAction.Remove, "all", GranteeType.Unknown) { Details = "sharing reset: the gallery is private again", HasBody = true };
            case "add":
            case "remove":
                break;
            default:
                read.Context.Incomplete($"{read.Named} has operationType '{type}', which is neither Add, Remove, Reset nor EnableCommunity");
                return null;
        }
        var subscriptions = new List<string>();
        var tenants = new List<string>();
        var groups = props.Prop("groups"u8);
        if (groups.ValueKind == JsonValueKind.Array)
        {
            foreach (var group in groups.EnumerateArray())
            {
                string? kind = group.Str("type"u8);
                var ids = group.Prop("ids"u8);
                if (ids.ValueKind != JsonValueKind.Array) continue;
                var target = string.Equals(kind, "AADTenants", StringComparison.OrdinalIgnoreCase) ? tenants :
                    string.Equals(kind, "Subscriptions", StringComparison.OrdinalIgnoreCase) ? subscriptions : null;
                if (target == null) continue;
                foreach (var id in ids.EnumerateArray())
                {
                    if (AzureRecord.NonEmpty(id.Str()) is string v && !target.Contains(v.ToLowerInvariant())) target.Add(v.ToLowerInvariant());
                }
            }
        }
        if (subscriptions.Count + tenants.Count == 0)
        {
            read.Context.Incomplete($"{read.Named} names no subscription or tenant in its sharing groups, so who it was shared with cannot be read");
            return null;
        }
        string grantee;
        GranteeType granteeType;
        if (tenants.Count == 0)
        {
            grantee = string.Join(", ", subscriptions);
            granteeType = GranteeType.Subscription;
        }
        else if (subscriptions.Count == 0)
        {
            grantee = string.Join(", ", tenants);
            granteeType = GranteeType.Tenant;
        }
        else
        {
            grantee = string.Join(", ", subscriptions.Select(s => "subscription:" + s).Concat(tenants.Select(t => "tenant:" + t)));
            granteeType = GranteeType.Tenant;
        }
        bool add = string.Equals(type, "Add", StringComparison.OrdinalIgnoreCase);
        return new Grant(add ? ShareAction.Add : ShareAction.Remove, grantee, granteeType)
        {
            Details = $"gallery sharing {(add ? "added for" : "removed from")} {Count(subscriptions.Count, "subscription")}{(subscriptions.Count > 0 && tenants.Count > 0 ? " and " : "")}{Count(tenants.Count, "tenant")}",
            HasBody = true,
        };
    }

    private static string Count(int n, string what) => n == 0 ? "" : n == 1 ? "1 " + what : n + " " + what + "s";

    /// <summary>The share an invitation belongs to (…/shares/{name}).</summary>
    private static string? SharePath(string? resource) => resource == null ? null : AzureResourceIds.Upto(resource, "shares") ?? resource;

    private static string? InvitationDetails(string? resource, string? more)
    {
        string? invitation = resource != null && resource.IndexOf("/invitations/", StringComparison.OrdinalIgnoreCase) > 0 ? AzureResourceIds.NameOf(resource) : null;
        var parts = new List<string>();
        if (invitation != null) parts.Add("invitation " + invitation);
        if (more != null) parts.Add(more);
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    /// <summary>A Data Share invitation to a tenant (targetActiveDirectoryId) or to an email address (targetEmail).</summary>
    private static Grant? DataShareInvitation(Reading read)
    {
        var body = read.Body(report: true);
        if (body is not JsonElement b) return OutcomeOnly(read);
        var props = b.Prop("properties"u8).IsObject() ? b.Prop("properties"u8) : b;
        string? tenant = AzureRecord.NonEmpty(props.Str("targetActiveDirectoryId"u8));
        string? email = AzureRecord.NonEmpty(props.Str("targetEmail"u8));
        string? objectId = AzureRecord.NonEmpty(props.Str("targetObjectId"u8));
        string? expiry = AzureRecord.NonEmpty(props.Str("expirationDate"u8));
        var more = new List<string>();
        if (tenant != null && objectId != null) more.Add("for object " + objectId);
        if (tenant != null && email != null) more.Add("sent to " + email);
        if (expiry != null) more.Add("expires " + expiry);
        string? details = InvitationDetails(read.Resource, more.Count == 0 ? null : string.Join(", ", more));
        if (tenant != null)
        {
            return new Grant(ShareAction.Add, tenant.ToLowerInvariant(), GranteeType.Tenant) { Details = details, ResourceId = SharePath(read.Resource), HasBody = true };
        }
        if (email != null)
        {
            return new Grant(ShareAction.Add, email, GranteeType.User) { Details = details, ResourceId = SharePath(read.Resource), HasBody = true };
        }
        read.Context.Incomplete($"{read.Named} names neither targetActiveDirectoryId nor targetEmail, so who was invited cannot be read");
        return null;
    }

    /// <summary>
    /// A disk or snapshot written from a source in another subscription: the source was used (copied)
    /// by the written resource's subscription. The event is about the source (the data that moved):
    /// ResourceId the source, AccountId its subscription, Grantee the subscription that received the copy.
    /// creationData is read from the request body, else from the response body (it cannot change after
    /// creation, so the response describes the copy as well).
    /// </summary>
    private static Grant? DiskCopy(Reading read)
    {
        var body = read.Body(report: false);
        var response = read.Record.ResponseBody(out _);
        var fromRequest = body?.Prop("properties"u8).Prop("creationData"u8) ?? default;
        var fromResponse = response.Prop("properties"u8).Prop("creationData"u8);
        var creation = fromRequest.ValueKind == JsonValueKind.Object ? fromRequest : fromResponse;
        if (body == null && response.ValueKind != JsonValueKind.Object) return OutcomeOnly(read);
        string? source = AzureRecord.NonEmpty(creation.Str("sourceResourceId"u8));
        if (source == null) return null;
        string? sourceSubscription = AzureResourceIds.SubscriptionOf(source);
        if (sourceSubscription == null || read.Subscription == null || sourceSubscription == read.Subscription) return null;
        string? option = creation.Str("createOption"u8);
        return new Grant(ShareAction.Use, read.Subscription, GranteeType.Subscription)
        {
            Permission = option,
            Details = $"copied into {read.Resource ?? "(resource not recorded)"}" + (option != null ? $" (createOption {option})" : ""),
            ResourceType = AzureResourceIds.SourceTypeOf(source),
            ResourceId = source,
            AccountId = sourceSubscription,
            HasBody = true,
        };
    }
}
