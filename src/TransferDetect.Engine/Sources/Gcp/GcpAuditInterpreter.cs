using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using TransferDetect.Engine.IO;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Gcp;

/// <summary>
/// Cloud Audit Logs entries (LogEntry with an AuditLog protoPayload, as Cloud Logging exports them: JSON
/// lines, <c>gcloud logging read --format=json</c> arrays, entries.list <c>{"entries":[...]}</c>) into
/// share events: IAM grants on Compute Engine snapshots, images, disks and machine images, Cloud Storage
/// buckets and objects, BigQuery datasets and tables, and Storage Transfer jobs that copy into a bucket.
/// </summary>
internal sealed class GcpAuditInterpreter : ShareInterpreter
{
    public GcpAuditInterpreter(ISet<ShareCategory>? categories)
        : base(categories)
    {
        Operations = GcpOperations.All.Where(o => Wants(o.Category)).Select(o => o.MethodName).ToArray();
    }

    public override Provider Provider => Provider.Gcp;

    public override string FormatName => "GCP audit log";

    public override IReadOnlyList<string> Operations { get; }

    /// <summary>
    /// Mine when the bytes hold a "protoPayload" key. A candidate when a name of the catalogue can be in it:
    /// setIamPolicy / SetIamPolicy (methodName or request @type), setIamPermissions, Create/UpdateTransferJob,
    /// buckets.create, accessChanges (a dataset's access list), or when the text has \u escapes that could
    /// spell one of them. Anything else is skipped unparsed. "bindingDeltas" is no needle: Cloud Storage
    /// writes an empty one into its data access entries (storage.objects.get ...), the bulk of many exports.
    /// setIamPolicy and setIamPermissions share one search ("etIamP"; getIamPolicy passes too, and the interpreter
    /// turns it away): a search less on every record.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public override RecordClaim Claim(ReadOnlySpan<byte> json)
    {
        if (!ProtoPayload.In(json)) return RecordClaim.NotMine;
        return Needle.AnyIn(CandidateNeedles, json) || ClaimText.UnicodeEscape.In(json) ? RecordClaim.Candidate : RecordClaim.Skip;
    }

    private static readonly Needle ProtoPayload = new("\"protoPayload\""u8);

    private static readonly Needle[] CandidateNeedles =
    {
        new("etIamP"u8), new("TransferJob"u8), new("buckets.create"u8), new("accessChanges"u8),
    };

    public override bool Recognizes(JsonElement record) => record.Prop("protoPayload"u8).IsObject();

    public override void Interpret(JsonElement record, RecordContext context, List<ShareEvent> output)
    {
        var pp = record.Prop("protoPayload"u8);
        string? method = pp.Str("methodName"u8);
        string? service = pp.Str("serviceName"u8);
        string? resourceName = pp.Str("resourceName"u8);
        var op = GcpOperations.Find(method);
        bool derived = false;
        if (op == null && method == null)
        {
            op = GcpOperations.FromRequestType(pp.Prop("request"u8).Str("@type"u8));
            derived = op != null;
        }
        if (op == null) return;
        if (service != null && !string.Equals(service, op.ServiceName, StringComparison.Ordinal)) return;
        if (service == null && op.ServiceName == GcpOperations.BigQuery && op.Kind == GcpGrantKind.IamPolicy &&
            (resourceName ?? "").IndexOf("/datasets/", StringComparison.Ordinal) < 0)
        {
            // google.iam.v1.IAMPolicy.SetIamPolicy is every service's method: without serviceName only a dataset's name tells BigQuery.
            return;
        }
        if (!Wants(op.Category)) return;
        context.Statistics.CandidateRecords++;

        var read = new GcpRecord(record, pp, op, method ?? op.MethodName, derived, context);
        switch (op.Kind)
        {
            case GcpGrantKind.IamPolicy:
            case GcpGrantKind.IamDeltasOnly:
                GcpGrants.FromIamPolicy(read);
                break;
            case GcpGrantKind.DatasetAccess:
                GcpGrants.FromDatasetAccess(read);
                break;
            case GcpGrantKind.TransferJob:
                GcpGrants.FromTransferJob(read);
                break;
        }
        foreach (var g in read.Grants) output.Add(read.EventFor(g));
    }
}

/// <summary>One access change read from a record: what it does, to whom, with which role.</summary>
internal readonly struct GcpGrant
{
    public GcpGrant(ShareAction action, string grantee, string? role, string? details, GranteeType? granteeType = null)
    {
        Action = action;
        Grantee = grantee;
        Role = role;
        Details = details;
        GranteeType = granteeType;
    }

    public ShareAction Action { get; }
    public string Grantee { get; }
    public string? Role { get; }
    public string? Details { get; }

    /// <summary>Set when the grantee is not an IAM member (a transfer job's sink bucket).</summary>
    public GranteeType? GranteeType { get; }
}

/// <summary>The parts of one audit record every event of it shares, and the grants read from it.</summary>
internal sealed class GcpRecord
{
    private static readonly string[] StatusNames =
    {
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    };

    public GcpRecord(JsonElement record, JsonElement protoPayload, GcpOperation op, string operation, bool derived, RecordContext context)
    {
        Record = record;
        Payload = protoPayload;
        Op = op;
        Operation = operation;
        Derived = derived;
        Context = context;
        ResourceName = protoPayload.Str("resourceName"u8);
        InsertId = record.Str("insertId"u8);
        Project = record.Prop("resource"u8).Prop("labels"u8).Str("project_id"u8) ?? ProjectOfName(ResourceName) ?? ProjectOfName(record.Str("logName"u8));
        var status = protoPayload.Prop("status"u8);
        string? code = status.Str("code"u8);
        Succeeded = code == null || code == "0" || code == "OK";
        if (!Succeeded)
        {
            ErrorCode = int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 && n < StatusNames.Length ? StatusNames[n] : code;
            ErrorMessage = status.Str("message"u8);
        }
    }

    public JsonElement Record { get; }
    public JsonElement Payload { get; }
    public GcpOperation Op { get; }
    public string Operation { get; }

    /// <summary>The operation was read from request.@type: the record has no methodName.</summary>
    public bool Derived { get; }

    public RecordContext Context { get; }
    public string? ResourceName { get; }
    public string? InsertId { get; }

    /// <summary>The project that owns the resource (resource.labels.project_id, else the resource or log name's projects/P).</summary>
    public string? Project { get; set; }

    /// <summary>The resource shared, when it is not the record's resourceName (a transfer job's name).</summary>
    public string? ResourceId { get; set; }

    /// <summary>The record does not name the resource shared (a transfer job refused before it got a name).</summary>
    public bool NoResourceName { get; set; }

    public bool Succeeded { get; }
    public string? ErrorCode { get; }
    public string? ErrorMessage { get; }
    public List<GcpGrant> Grants { get; } = new();

    /// <summary>"the v1.compute.disks.setIamPolicy record (insertId x)", for messages.</summary>
    public string What => $"the {Operation} record{(InsertId != null ? $" (insertId {InsertId})" : "")}";

    /// <summary>The project P of a name "projects/P/..." or "//service.googleapis.com/projects/P/..."; null for "projects/_".</summary>
    public static string? ProjectOfName(string? name)
    {
        if (string.IsNullOrEmpty(name)) return null;
        string s = name!;
        if (s.StartsWith("//", StringComparison.Ordinal))
        {
            int slash = s.IndexOf('/', 2);
            if (slash < 0) return null;
            s = s.Substring(slash + 1);
        }
        if (!s.StartsWith("projects/", StringComparison.Ordinal)) return null;
        s = s.Substring("projects/".Length);
        int end = s.IndexOf('/');
        string project = end < 0 ? s : s.Substring(0, end);
        return project.Length == 0 || project == "_" ? null : project;
    }

    public ShareEvent EventFor(GcpGrant g)
    {
        var auth = Payload.Prop("authenticationInfo"u8);
        var meta = Payload.Prop("requestMetadata"u8);
        string? actor = auth.Str("principalEmail"u8) ?? auth.Str("principalSubject"u8);
        var member = GcpMember.Parse(actor != null && actor.IndexOf(':') < 0 ? "serviceAccount:" + actor : actor);
        var labels = Record.Prop("resource"u8).Prop("labels"u8);
        string? region = labels.Str("zone"u8) ?? labels.Str("location"u8) ?? labels.Str("region"u8);
        if (region == null)
        {
            var locations = Payload.Prop("resourceLocation"u8).Prop("currentLocations"u8);
            if (locations.ValueKind == JsonValueKind.Array && locations.GetArrayLength() > 0) region = locations[0].Str();
        }
        string? details = Derived ? Join(g.Details, "the record has no methodName: the operation is read from request.@type") : g.Details;
        return new ShareEvent
        {
            EventId = InsertId,
            Provider = Provider.Gcp,
            Operation = Operation,
            EventSource = Payload.Str("serviceName"u8) ?? Op.ServiceName,
            EventTime = Time(),
            Actor = actor,
            ActorAccountId = member.Kind == GcpMemberKind.ServiceAccount ? member.Project : null,
            SourceIp = meta.Str("callerIp"u8) ?? meta.Str("callerIP"u8),
            UserAgent = meta.Str("callerSuppliedUserAgent"u8),
            AccountId = Project,
            Region = region,
            Category = Op.Category,
            ResourceType = GcpOperations.ResourceTypeOf(Op, ResourceName),
            ResourceId = NoResourceName ? null : ResourceId ?? ResourceName,
            Action = g.Action,
            Grantee = g.Grantee,
            GranteeType = g.GranteeType ?? GcpMember.Parse(g.Grantee).Type,
            Permission = g.Role,
            Details = details,
            CorrelationId = Record.Prop("operation"u8).Str("id"u8),
            Succeeded = Succeeded,
            ErrorCode = ErrorCode,
            ErrorMessage = ErrorMessage,
            Source = Context.Location,
        };
    }

    /// <summary>timestamp; else the request's time (requestMetadata.requestAttributes.time); else when Logging received it.</summary>
    private DateTime Time() =>
        ShareTimes.Parse(Record.Str("timestamp"u8)) ??
        ShareTimes.Parse(Payload.Prop("requestMetadata"u8).Prop("requestAttributes"u8).Str("time"u8)) ??
        ShareTimes.Parse(Record.Str("receiveTimestamp"u8)) ??
        ShareTimes.Unknown;

    public static string? Join(string? a, string? b) =>
        string.IsNullOrEmpty(a) ? b : string.IsNullOrEmpty(b) ? a : a + "; " + b;
}
