using System;
using System.Collections.Generic;
using System.Text.Json;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.IO;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.M365;

/// <summary>
/// Microsoft 365 Unified Audit Log records into share events. Three shapes: the Management Activity API
/// record (one JSON object per record, as JSON lines or an array; also Sentinel's OfficeActivity rows),
/// Search-UnifiedAuditLog output (RecordType, CreationDate, UserIds, Operations and AuditData, the
/// record as a JSON string) and the Purview audit search CSV export (CreationDate, UserIds or UserId,
/// Operations or Operation, AuditData; every value a string). The AuditData record's own fields are
/// read first; the columns are the fallback.
/// </summary>
internal sealed class M365AuditInterpreter : ShareInterpreter
{
    private static readonly JsonDocumentOptions AuditDataOptions = new() { MaxDepth = 256 };

    /// <summary>Keys only audit records (or their export rows) have, beside Operation or Operations.</summary>
    private static readonly string[] Markers = { "Workload", "OfficeWorkload", "RecordType", "AuditData", "CreationTime", "CreationDate" };

    public M365AuditInterpreter(ISet<ShareCategory>? categories)
        : base(categories)
    {
        Operations = M365Operations.Names(categories);
    }

    public override Provider Provider => Provider.M365;

    public override string FormatName => "Microsoft 365 audit log";

    public override IReadOnlyList<string> Operations { get; }

    public override IShareEventFold? Fold => M365ShareFold.Instance;

    /// <summary>
    /// Mine when the bytes hold an Operation (or Operations) key and a key only audit records have
    /// (Workload, OfficeWorkload, RecordType, AuditData, CreationDate, CreationTime). A candidate when the
    /// name of a sharing operation may be in it (AnonymousLink, Sharing, SecureLink, CompanyLink, in any
    /// case, also inside the escaped AuditData string) or when a letter is written as a \u escape;
    /// otherwise skipped without parsing.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public override RecordClaim Claim(ReadOnlySpan<byte> json)
    {
        if (!OperationKey.In(json) && !OperationsKey.In(json)) return RecordClaim.NotMine;
        if (!Needle.AnyIn(AuditKeys, json)) return RecordClaim.NotMine;
        var values = ReadOperationValues(json);
        if (values == OperationValues.NoShare) return RecordClaim.Skip;
        if (values == OperationValues.MaybeShare) return RecordClaim.Candidate;
        if (ClaimText.ContainsIgnoringCase(json, "sharing"u8) || ClaimText.ContainsIgnoringCase(json, "anonymouslink"u8) ||
            ClaimText.ContainsIgnoringCase(json, "securelink"u8) || ClaimText.ContainsIgnoringCase(json, "companylink"u8) || HasEscapedLetter(json))
        {
            return RecordClaim.Candidate;
        }
        return RecordClaim.Skip;
    }

    /// <summary>
    /// Reads every value of an Operation or Operations key in the record: the columns, the API record's own
    /// Operation, an AuditData object's, and the Operation inside an AuditData JSON string (written
    /// <c>\"Operation\":\"...\"</c>), at any depth: the interpreter takes AuditData's Operation and falls back
    /// to the columns, so every one of them must pass. NoShare when there is at least one and none holds a
    /// fragment of a sharing operation; MaybeShare when one does or holds non-ASCII text (case folding the
    /// byte test cannot follow); Unknown when the text has a \u escape (a key or a quote could be written
    /// with one) or a value is not a plain string.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    internal static OperationValues ReadOperationValues(ReadOnlySpan<byte> json)
    {
        if (ClaimText.UnicodeEscape.In(json)) return OperationValues.Unknown;
        // The four keys ("Operation", "Operations", and both as written inside the AuditData string) all hold
        // "peration": one search finds every one of them, named by the bytes around it. The answer is that of
        // reading each key's occurrences in turn: the first that is not NoShare, in the key order of OperationKeys.
        Span<OperationValues> firstOf = stackalloc OperationValues[4];
        firstOf.Fill(OperationValues.NoShare);
        int found = 0, from = 0;
        while (ClaimText.NextOperationKey(json, ref from, out byte letter))
        {
            if (letter != (byte)'O') continue;
            var rest = json.Slice(from);
            // A backslash before the key's quote: the key as written inside the AuditData string.
            int quote = from - ClaimText.PerationLength - 2;
            bool inString = quote >= 1 && json[quote - 1] == (byte)'\\';
            int key;
            int end;
            if (rest.StartsWith("\""u8)) (key, end) = (0, from + 1);
            else if (rest.StartsWith("s\""u8)) (key, end) = (1, from + 2);
            else if (inString && rest.StartsWith("\\\""u8)) (key, end) = (2, from + 2);
            else if (inString && rest.StartsWith("s\\\""u8)) (key, end) = (3, from + 3);
            else continue;
            found++;
            if (firstOf[key] == OperationValues.NoShare) firstOf[key] = OperationValueAt(json, end, escaped: key >= 2);
        }
        foreach (var value in firstOf)
        {
            if (value != OperationValues.NoShare) return value;
        }
        return found > 0 ? OperationValues.NoShare : OperationValues.Unknown;
    }

    /// <summary>The value after an operation key ending at <paramref name="i"/>: NoShare, MaybeShare, or Unknown when it is not a plain string.</summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    private static OperationValues OperationValueAt(ReadOnlySpan<byte> json, int i, bool escaped)
    {
        if (!ClaimText.TakeColon(json, ref i, escaped) || !ClaimText.ReadPlainString(json, ref i, escaped, out var name)) return OperationValues.Unknown;
        if (ClaimText.HasNonAscii(name)) return OperationValues.MaybeShare;
        foreach (var needle in Fragments)
        {
            if (ClaimText.ContainsIgnoringCase(name, needle)) return OperationValues.MaybeShare;
        }
        return OperationValues.NoShare;
    }

    /// <summary>
    /// <see cref="ReadOperationValues"/> as it was written before its one search: each key searched for on its own.
    /// Kept for the tests, which compare the two on every record they make.
    /// </summary>
    internal static OperationValues ReadOperationValuesKeyByKey(ReadOnlySpan<byte> json)
    {
        if (ClaimText.UnicodeEscape.In(json)) return OperationValues.Unknown;
        int found = 0;
        foreach (var (key, escaped) in OperationKeys)
        {
            int from = 0;
            while (true)
            {
                int at = key.IndexOf(json.Slice(from));
                if (at < 0) break;
                int i = from + at + key.Length;
                if (!ClaimText.TakeColon(json, ref i, escaped) || !ClaimText.ReadPlainString(json, ref i, escaped, out var name)) return OperationValues.Unknown;
                if (ClaimText.HasNonAscii(name)) return OperationValues.MaybeShare;
                foreach (var needle in Fragments)
                {
                    if (ClaimText.ContainsIgnoringCase(name, needle)) return OperationValues.MaybeShare;
                }
                found++;
                from = i;
            }
        }
        return found > 0 ? OperationValues.NoShare : OperationValues.Unknown;
    }

    /// <summary>The operation keys of an audit record (the Azure claim looks for them too: such a record is not its own).</summary>
    internal static readonly Needle OperationKey = new("\"Operation\""u8), OperationsKey = new("\"Operations\""u8);

    private static readonly (Needle Key, bool Escaped)[] OperationKeys =
    {
        (OperationKey, false),
        (OperationsKey, false),
        (new("\\\"Operation\\\""u8), true),
        (new("\\\"Operations\\\""u8), true),
    };

    /// <summary>Keys of which an audit record (a row of any export, or the API's record) has one.</summary>
    private static readonly Needle[] AuditKeys =
    {
        new("\"Workload\""u8), new("\"RecordType\""u8), new("\"AuditData\""u8), new("\"CreationTime\""u8), new("\"CreationDate\""u8),
        new("\"OfficeWorkload\""u8),
    };

    /// <summary>Lower-case fragments of which every sharing operation's name holds one.</summary>
    private static readonly byte[][] Fragments =
    {
        "sharing"u8.ToArray(), "anonymouslink"u8.ToArray(), "securelink"u8.ToArray(), "companylink"u8.ToArray(),
    };

    public override bool Recognizes(JsonElement record)
    {
        if (!record.IsObject()) return false;
        if (record.Prop("Operation"u8).ValueKind != JsonValueKind.String && record.Prop("Operations"u8).ValueKind != JsonValueKind.String) return false;
        foreach (var marker in Markers)
        {
            if (record.Prop(marker).ValueKind != JsonValueKind.Undefined) return true;
        }
        return false;
    }

    public override void Interpret(JsonElement record, RecordContext context, List<ShareEvent> output)
    {
        var auditData = record.Prop("AuditData"u8);
        if (auditData.ValueKind == JsonValueKind.Object)
        {
            Map(auditData, record, context, output, auditDataMissing: false);
            return;
        }
        string? text = auditData.ValueKind == JsonValueKind.String ? auditData.GetString() : null;
        if (string.IsNullOrWhiteSpace(text))
        {
            // The API shape (no AuditData key: the record is the audit record), or an export row whose AuditData is empty.
            Map(record, record, context, output, auditDataMissing: auditData.ValueKind != JsonValueKind.Undefined);
            return;
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text!, AuditDataOptions);
        }
        catch (JsonException e)
        {
            context.Statistics.InvalidRecords++;
            context.Report(ReadIssueKind.InvalidRecord, $"the AuditData of the {ColumnOperation(record) ?? "audit"} record{IdText(ColumnId(record))} is not valid JSON: {JsonMessages.Clean(e).Replace("of the record", "of AuditData")}");
            return;
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                context.Statistics.InvalidRecords++;
                context.Report(ReadIssueKind.InvalidRecord, $"the AuditData of the {ColumnOperation(record) ?? "audit"} record{IdText(ColumnId(record))} is JSON but not an object (it is {doc.RootElement.ValueKind})");
                return;
            }
            Map(doc.RootElement, record, context, output, auditDataMissing: false);
        }
    }

    /// <summary>Reads one audit record; <paramref name="row"/> is the export row around it (the record itself for the API shape).</summary>
    private void Map(JsonElement audit, JsonElement row, RecordContext context, List<ShareEvent> output, bool auditDataMissing)
    {
        var operation = M365Operations.Find(audit.Str("Operation"u8) ?? ColumnOperation(row));
        if (operation == null || !Wants(operation.Category)) return;
        context.Statistics.CandidateRecords++;

        var r = new RecordFields(audit, row, operation, context);
        if (auditDataMissing)
        {
            context.Incomplete($"the {operation.Name} row{IdText(r.EventId)} has no AuditData, so what it shared cannot be read");
            return;
        }

        switch (operation.Kind)
        {
            case M365OperationKind.AnonymousLink:
                output.Add(r.Event(ShareAction.Add, M365SharingPolicy.Anyone, GranteeType.AnonymousLink, r.LinkType,
                    "an Anyone link: whoever has it can open the item without signing in" + (r.LinkType != null ? $"; link type {r.LinkType}" : "")));
                break;
            case M365OperationKind.AnonymousLinkUse:
                output.Add(r.Event(ShareAction.Use, M365SharingPolicy.Anyone, GranteeType.AnonymousLink, r.LinkType,
                    $"opened through an Anyone link from {r.SourceIp ?? "an unrecorded address"}" + (r.UserAgent != null ? $" ({r.UserAgent})" : "")));
                break;
            case M365OperationKind.CompanyLink:
                output.Add(r.Event(ShareAction.Add, r.OrganizationId, GranteeType.Organization, r.LinkType,
                    "a link for everyone in the organisation (not guests)" + (r.LinkType != null ? $"; link type {r.LinkType}" : "")));
                break;
            case M365OperationKind.SecureLink:
                // A specific-people link names its people in AddedToSecureLink records (one per person); the
                // link on its own grants nothing to anyone named. Only a record that names a target is a grant.
                if (r.TargetName != null && M365Targets.LinkKindOf(r.TargetName) == SharingLinkKind.None) Target(r, output);
                break;
            case M365OperationKind.Target:
                if (r.TargetName == null)
                {
                    context.Incomplete($"the {operation.Name} record{IdText(r.EventId)} names no TargetUserOrGroupName, so who it shared with cannot be read");
                    return;
                }
                Target(r, output);
                break;
            case M365OperationKind.Revocation:
                Revocation(r, output);
                break;
            case M365OperationKind.SharingPolicy:
                SharingPolicy(r, audit, context, output);
                break;
        }
    }

    /// <summary>
    /// A grant to a named target. A sharing-link group is the link's companion: an Anyone link's group
    /// is the Anyone link (folded into AnonymousLinkCreated), an organisation link's group the
    /// organisation (folded into CompanyLinkCreated); a specific-people link's group names nobody. Other
    /// groups (Limited Access System Group, the link's hidden LimitedEdit security group, site groups)
    /// grant nothing to anyone outside: no event. Users (addresses, guest UPNs, Member, Guest and Partner
    /// targets) are grants.
    /// </summary>
    private static void Target(RecordFields r, List<ShareEvent> output)
    {
        string name = r.TargetName!;
        switch (M365Targets.LinkKindOf(name))
        {
            case SharingLinkKind.Anonymous:
                output.Add(r.Event(ShareAction.Add, M365SharingPolicy.Anyone, GranteeType.AnonymousLink, r.Permission,
                    $"the Anyone link's group {name} was granted {r.Permission ?? "access"}"));
                return;
            case SharingLinkKind.Organization:
                output.Add(r.Event(ShareAction.Add, r.OrganizationId, GranteeType.Organization, r.Permission,
                    $"the organisation link's group {name} was granted {r.Permission ?? "access"}"));
                return;
            case SharingLinkKind.SpecificPeople:
                return;
        }
        if (!IsUserTarget(name, r.TargetType)) return;
        output.Add(r.Event(ShareAction.Add, name, GranteeType.User, r.Permission, M365Targets.TargetDetails(r.TargetType, r.Permission)));
    }

    private static bool IsUserTarget(string name, string? type)
    {
        if (name.IndexOf('@') > 0 || M365Targets.IsGuestUpn(name)) return true;
        if (type == null) return false;
        // Member user names without an address are system accounts (SHAREPOINT\system): nothing to judge.
        return type.Equals("Guest", StringComparison.OrdinalIgnoreCase) || type.Equals("Partner", StringComparison.OrdinalIgnoreCase);
    }

    private static void Revocation(RecordFields r, List<ShareEvent> output)
    {
        string op = r.Operation.Name;
        if (op.StartsWith("AnonymousLink", StringComparison.Ordinal))
        {
            output.Add(r.Event(ShareAction.Remove, M365SharingPolicy.Anyone, GranteeType.AnonymousLink, r.LinkType, "the Anyone link was removed"));
        }
        else if (op.StartsWith("CompanyLink", StringComparison.Ordinal))
        {
            output.Add(r.Event(ShareAction.Remove, r.OrganizationId, GranteeType.Organization, r.LinkType, "the organisation link was removed"));
        }
        else if (r.TargetName != null)
        {
            var kind = M365Targets.LinkKindOf(r.TargetName);
            if (kind == SharingLinkKind.Anonymous) output.Add(r.Event(ShareAction.Remove, M365SharingPolicy.Anyone, GranteeType.AnonymousLink, r.Permission, $"the Anyone link's group {r.TargetName} lost its access"));
            else if (kind == SharingLinkKind.Organization) output.Add(r.Event(ShareAction.Remove, r.OrganizationId, GranteeType.Organization, r.Permission, $"the organisation link's group {r.TargetName} lost its access"));
            else output.Add(r.Event(ShareAction.Remove, r.TargetName, GranteeType.User, r.Permission, M365Targets.TargetDetails(r.TargetType, r.Permission)));
        }
        else
        {
            output.Add(r.Event(ShareAction.Remove, null, GranteeType.User, r.Permission, op == "SecureLinkDeleted" ? "the specific-people link was deleted" : "the record does not name whose access was taken away"));
        }
    }

    private static void SharingPolicy(RecordFields r, JsonElement audit, RecordContext context, List<ShareEvent> output)
    {
        var properties = audit.Prop("ModifiedProperties"u8);
        if (properties.ValueKind == JsonValueKind.String)
        {
            // Sentinel's OfficeActivity keeps nested arrays as JSON strings.
            try
            {
                using var doc = JsonDocument.Parse(properties.GetString() ?? "", AuditDataOptions);
                PolicyChanges(r, doc.RootElement, context, output);
            }
            catch (JsonException)
            {
                context.Incomplete($"the SharingPolicyChanged record{IdText(r.EventId)} has ModifiedProperties that are not JSON, so the change cannot be read");
            }
            return;
        }
        PolicyChanges(r, properties, context, output);
    }

    private static void PolicyChanges(RecordFields r, JsonElement properties, RecordContext context, List<ShareEvent> output)
    {
        if (properties.ValueKind != JsonValueKind.Array)
        {
            context.Incomplete($"the SharingPolicyChanged record{IdText(r.EventId)} has no ModifiedProperties, so the change cannot be read");
            return;
        }
        foreach (var change in M365SharingPolicy.Read(properties))
        {
            output.Add(r.PolicyEvent(change));
        }
    }

    /// <summary>The operation named by the export's columns (Search-UnifiedAuditLog Operations, Purview Operation or Operations).</summary>
    private static string? ColumnOperation(JsonElement row) => row.Str("Operations"u8) ?? row.Str("Operation"u8);

    private static string? ColumnId(JsonElement row) => row.Str("RecordId"u8) ?? row.Str("Identity"u8) ?? row.Str("Id"u8);

    internal static string IdText(string? id) => id != null ? $" (Id {id})" : "";

    /// <summary>A \u escape of a character from U+0040 to U+007F (letters among them), which no exporter writes unless asked to hide a name.</summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    internal static bool HasEscapedLetter(ReadOnlySpan<byte> json)
    {
        int at = 0;
        while (true)
        {
            int k = EscapeOfLatin.IndexOf(json.Slice(at));
            if (k < 0) return false;
            at += k + 4;
            if (at < json.Length && json[at] >= (byte)'4' && json[at] <= (byte)'7') return true;
        }
    }

    private static readonly Needle EscapeOfLatin = new("\\u00"u8);

    /// <summary>The fields of one audit record every event of it shares.</summary>
    private sealed class RecordFields
    {
        private readonly RecordContext _context;

        public RecordFields(JsonElement audit, JsonElement row, M365Operation operation, RecordContext context)
        {
            _context = context;
            Operation = operation;
            EventId = audit.Str("Id"u8) ?? audit.Str("OfficeId"u8) ?? ColumnId(row);
            Time = M365Targets.ParseTime(audit.Str("CreationTime"u8)) ?? M365Targets.ParseTime(row.Str("CreationDate"u8)) ??
                M365Targets.ParseTime(audit.Str("TimeGenerated"u8)) ?? ShareTimes.Unknown;
            Actor = NonEmpty(audit.Str("UserId"u8)) ?? NonEmpty(row.Str("UserIds"u8)) ?? NonEmpty(row.Str("UserId"u8));
            SourceIp = M365Targets.IpOf(audit.Str("ClientIP"u8) ?? audit.Str("ClientIPAddress"u8) ?? audit.Str("ActorIpAddress"u8));
            UserAgent = NonEmpty(audit.Str("UserAgent"u8));
            OrganizationId = NonEmpty(audit.Str("OrganizationId"u8)) ?? NonEmpty(row.Str("OrganizationId"u8));
            Workload = NonEmpty(audit.Str("Workload"u8)) ?? NonEmpty(audit.Str("OfficeWorkload"u8));
            CorrelationId = NonEmpty(audit.Str("CorrelationId"u8)) ?? NonEmpty(audit.Prop("AppAccessContext"u8).Str("CorrelationId"u8));
            Status = NonEmpty(audit.Str("ResultStatus"u8));
            string? objectId = NonEmpty(audit.Str("ObjectId"u8)) ?? NonEmpty(audit.Str("OfficeObjectId"u8));
            string? siteUrl = NonEmpty(audit.Str("SiteUrl"u8)) ?? NonEmpty(audit.Str("Site_Url"u8));
            string? relative = NonEmpty(audit.Str("SourceRelativeUrl"u8));
            ResourceId = objectId ?? (siteUrl != null && relative != null ? siteUrl.TrimEnd('/') + "/" + relative.TrimStart('/') : siteUrl);
            ResourceType = M365Targets.ResourceTypeOf(audit.Str("ItemType"u8), ResourceId, Workload, audit.Str("SourceFileName"u8));
            TargetName = NonEmpty(audit.Str("TargetUserOrGroupName"u8));
            TargetType = NonEmpty(audit.Str("TargetUserOrGroupType"u8));
            string? eventData = audit.Str("EventData"u8) ?? audit.Str("Event_Data"u8);
            LinkType = M365Targets.EventDataValue(eventData, "Type");
            Permission = M365Targets.EventDataValue(eventData, "Permissions granted") ?? LinkType;
        }

        public M365Operation Operation { get; }
        public string? EventId { get; }
        public DateTime Time { get; }
        public string? Actor { get; }
        public string? SourceIp { get; }
        public string? UserAgent { get; }
        public string? OrganizationId { get; }
        public string? Workload { get; }
        public string? CorrelationId { get; }
        public string? Status { get; }
        public string? ResourceId { get; }
        public string ResourceType { get; }
        public string? TargetName { get; }
        public string? TargetType { get; }

        /// <summary>The link's type from EventData (View, Edit, Review).</summary>
        public string? LinkType { get; }

        /// <summary>EventData's "Permissions granted" (Read, Contribute, Limited Access), else the link type.</summary>
        public string? Permission { get; }

        /// <summary>ResultStatus Failed (SharePoint) or False (Exchange-style) records an attempt.</summary>
        public bool Succeeded => !(string.Equals(Status, "Failed", StringComparison.OrdinalIgnoreCase) || string.Equals(Status, "False", StringComparison.OrdinalIgnoreCase));

        public ShareEvent Event(ShareAction action, string? grantee, GranteeType type, string? permission, string? details) =>
            Make(Operation.Category, ResourceType, ResourceId, action, grantee, type, permission, details);

        public ShareEvent PolicyEvent(SharingPolicyChange change) =>
            Make(ShareCategory.Guardrail, "SharePointSharingPolicy", ResourceId ?? OrganizationId, change.Action, change.Grantee, change.GranteeType, change.Property, change.Details);

        private ShareEvent Make(ShareCategory category, string resourceType, string? resourceId, ShareAction action, string? grantee, GranteeType type, string? permission, string? details) => new()
        {
            EventId = EventId,
            Provider = Provider.M365,
            Operation = Operation.Name,
            EventSource = Workload,
            EventTime = Time,
            Actor = Actor,
            SourceIp = SourceIp,
            UserAgent = UserAgent,
            AccountId = OrganizationId,
            TenantId = OrganizationId,
            Category = category,
            ResourceType = resourceType,
            ResourceId = resourceId,
            Action = action,
            Grantee = grantee,
            GranteeType = type,
            Permission = permission,
            Details = details,
            CorrelationId = CorrelationId,
            Status = Status,
            Succeeded = Succeeded,
            ErrorCode = Succeeded ? null : Status,
            Source = _context.Location,
        };

        private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s!.Trim();
    }
}
