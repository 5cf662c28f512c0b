using System;
using System.Text.Json;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Gcp;

/// <summary>Reads the grants of an audit record into <see cref="GcpRecord.Grants"/>; reports what cannot be read.</summary>
internal static class GcpGrants
{
    private const string PolicyNotDelta = "the record holds the policy the call set, not its change: the member may already have held the role";
    private const string PolicyAttempted = "the call failed: the policy it tried to set names the member";

    /// <summary>
    /// An IAM policy change. The binding deltas say what was added and removed, so they are read when the
    /// record has them (serviceData.policyDelta for Cloud Storage and older services,
    /// metadata.datasetChange or metadata.policyDelta for BigQuery and newer ones). Otherwise every member of
    /// the policy the call set (request.policy, the dataset's ACL after the change, or the response) is read
    /// as an Add: a setIamPolicy sets the whole policy, so these members hold the role after the call.
    /// </summary>
    public static void FromIamPolicy(GcpRecord r)
    {
        var pp = r.Payload;
        var metadata = pp.Prop("metadata"u8);
        JsonElement deltas = default;
        string? place = null;
        bool recorded = false;
        var serviceDelta = pp.Prop("serviceData"u8).Prop("policyDelta"u8);
        var metadataDelta = metadata.Prop("policyDelta"u8);
        var datasetDeltas = metadata.Prop("datasetChange"u8).Prop("bindingDeltas"u8);
        if (serviceDelta.IsObject())
        {
            (deltas, place, recorded) = (serviceDelta.Prop("bindingDeltas"u8), "serviceData.policyDelta.bindingDeltas", true);
        }
        else if (datasetDeltas.ValueKind != JsonValueKind.Undefined && datasetDeltas.ValueKind != JsonValueKind.Null)
        {
            (deltas, place, recorded) = (datasetDeltas, "metadata.datasetChange.bindingDeltas", true);
        }
        else if (metadataDelta.IsObject())
        {
            (deltas, place, recorded) = (metadataDelta.Prop("bindingDeltas"u8), "metadata.policyDelta.bindingDeltas", true);
        }
        if (recorded && deltas.ValueKind != JsonValueKind.Undefined && deltas.ValueKind != JsonValueKind.Null && deltas.ValueKind != JsonValueKind.Array)
        {
            r.Context.Incomplete($"{r.What} has a {place} that is not an array, so what it granted cannot be read");
            return;
        }
        bool hasDeltas = deltas.ValueKind == JsonValueKind.Array && deltas.GetArrayLength() > 0;
        if (hasDeltas || (recorded && r.Succeeded))
        {
            // An empty delta on a successful call: the policy did not change.
            if (hasDeltas) ReadDeltas(r, deltas, place!);
            return;
        }
        if (r.Op.Kind == GcpGrantKind.IamDeltasOnly) return;

        var policy = pp.Prop("request"u8).Prop("policy"u8);
        string where = "request.policy";
        if (!policy.IsObject())
        {
            policy = metadata.Prop("datasetChange"u8).Prop("dataset"u8).Prop("acl"u8).Prop("policy"u8);
            where = "metadata.datasetChange.dataset.acl.policy";
        }
        if (!policy.IsObject() && pp.Prop("response"u8).Prop("bindings"u8).ValueKind == JsonValueKind.Array)
        {
            policy = pp.Prop("response"u8);
            where = "response";
        }
        if (!policy.IsObject())
        {
            if (recorded) return;
            r.Context.Incomplete($"{r.What} has neither bindingDeltas nor request.policy, so what it granted cannot be read");
            return;
        }
        var bindings = policy.Prop("bindings"u8);
        if (bindings.ValueKind == JsonValueKind.Undefined || bindings.ValueKind == JsonValueKind.Null) return; // a policy without bindings grants nothing
        if (bindings.ValueKind != JsonValueKind.Array)
        {
            r.Context.Incomplete($"{r.What} has a {where}.bindings that is not an array, so what it granted cannot be read");
            return;
        }
        int broken = 0;
        foreach (var b in bindings.EnumerateArray())
        {
            string? role = b.Str("role"u8);
            var members = b.Prop("members"u8);
            if (role == null || members.ValueKind != JsonValueKind.Array)
            {
                broken++;
                continue;
            }
            string? note = Join(r.Succeeded ? PolicyNotDelta : PolicyAttempted, Condition(b.Prop("condition"u8)));
            foreach (var m in members.EnumerateArray())
            {
                string? member = m.Str();
                if (string.IsNullOrWhiteSpace(member))
                {
                    broken++;
                    continue;
                }
                if (Skipped(r, member!)) continue;
                r.Grants.Add(new GcpGrant(ShareAction.Add, member!.Trim(), role, note));
            }
        }
        ReportBroken(r, broken, where + ".bindings", "binding(s) or member(s) without a role or member");
    }

    private static void ReadDeltas(GcpRecord r, JsonElement deltas, string place)
    {
        int broken = 0;
        foreach (var d in deltas.EnumerateArray())
        {
            string? action = d.Str("action"u8);
            string? member = d.Str("member"u8);
            string? role = d.Str("role"u8);
            ShareAction? a = string.Equals(action, "ADD", StringComparison.OrdinalIgnoreCase) ? ShareAction.Add
                : string.Equals(action, "REMOVE", StringComparison.OrdinalIgnoreCase) ? ShareAction.Remove
                : null;
            if (a == null || string.IsNullOrWhiteSpace(member) || role == null)
            {
                broken++;
                continue;
            }
            if (Skipped(r, member!)) continue;
            r.Grants.Add(new GcpGrant(a.Value, member!.Trim(), role, Condition(d.Prop("condition"u8))));
        }
        ReportBroken(r, broken, place, "delta(s) without an ADD or REMOVE action, a member or a role");
    }

    /// <summary>A new bucket's default grants to the basic roles of its own project are not a share.</summary>
    private static bool Skipped(GcpRecord r, string member) =>
        r.Op.Kind == GcpGrantKind.IamDeltasOnly &&
        (member.StartsWith("projectOwner:", StringComparison.Ordinal) || member.StartsWith("projectEditor:", StringComparison.Ordinal) || member.StartsWith("projectViewer:", StringComparison.Ordinal));

    /// <summary>
    /// A BigQuery dataset's access list changed through datasets.update or patch: each
    /// metadata.datasetChange.accessChanges[] entry (action ADD or REMOVE, access with one of userByEmail,
    /// groupByEmail, domain, specialGroup, iamMember, view, routine or dataset) becomes an IAM member.
    /// </summary>
    public static void FromDatasetAccess(GcpRecord r)
    {
        var changes = r.Payload.Prop("metadata"u8).Prop("datasetChange"u8).Prop("accessChanges"u8);
        if (changes.ValueKind == JsonValueKind.Undefined || changes.ValueKind == JsonValueKind.Null) return; // the access list did not change
        if (changes.ValueKind != JsonValueKind.Array)
        {
            r.Context.Incomplete($"{r.What} has a metadata.datasetChange.accessChanges that is not an array, so what it granted cannot be read");
            return;
        }
        int broken = 0;
        foreach (var c in changes.EnumerateArray())
        {
            string? action = c.Str("action"u8);
            ShareAction? a = string.Equals(action, "ADD", StringComparison.OrdinalIgnoreCase) ? ShareAction.Add
                : string.Equals(action, "REMOVE", StringComparison.OrdinalIgnoreCase) ? ShareAction.Remove
                : null;
            var access = c.Prop("access"u8);
            string? member = MemberOfAccess(access, r.Project, out string? role);
            if (a == null || member == null)
            {
                broken++;
                continue;
            }
            r.Grants.Add(new GcpGrant(a.Value, member, role, Condition(access.Prop("condition"u8))));
        }
        ReportBroken(r, broken, "metadata.datasetChange.accessChanges", "change(s) without an ADD or REMOVE action or a grantee");
    }

    /// <summary>The IAM member a BigQuery access entry stands for (the mappings BigQuery documents).</summary>
    private static string? MemberOfAccess(JsonElement access, string? project, out string? role)
    {
        role = access.Str("role"u8);
        string? v;
        if ((v = access.Str("userByEmail"u8)) != null)
        {
            return (v.EndsWith(".gserviceaccount.com", StringComparison.OrdinalIgnoreCase) ? "serviceAccount:" : "user:") + v;
        }
        if ((v = access.Str("groupByEmail"u8)) != null) return "group:" + v;
        if ((v = access.Str("domain"u8)) != null) return "domain:" + v;
        if ((v = access.Str("iamMember"u8)) != null) return v;
        if ((v = access.Str("specialGroup"u8)) != null)
        {
            switch (v)
            {
                case "projectOwners": return project != null ? "projectOwner:" + project : v;
                case "projectWriters": return project != null ? "projectEditor:" + project : v;
                case "projectReaders": return project != null ? "projectViewer:" + project : v;
                default: return v; // allAuthenticatedUsers, allUsers
            }
        }
        var view = access.Prop("view"u8);
        if (view.IsObject())
        {
            role ??= "authorized view";
            return Reference(view.Str("projectId"u8), view.Str("datasetId"u8), "tables", view.Str("tableId"u8));
        }
        var routine = access.Prop("routine"u8);
        if (routine.IsObject())
        {
            role ??= "authorized routine";
            return Reference(routine.Str("projectId"u8), routine.Str("datasetId"u8), "routines", routine.Str("routineId"u8));
        }
        var dataset = access.Prop("dataset"u8).Prop("dataset"u8);
        if (dataset.IsObject())
        {
            role ??= "authorized dataset";
            return Reference(dataset.Str("projectId"u8), dataset.Str("datasetId"u8), null, null);
        }
        return null;
    }

    private static string? Reference(string? project, string? dataset, string? kind, string? id)
    {
        if (project == null || dataset == null) return null;
        string name = $"projects/{project}/datasets/{dataset}";
        return kind != null && id != null ? $"{name}/{kind}/{id}" : name;
    }

    /// <summary>
    /// A Storage Transfer job (request.transferJob, or the job in the response) whose transferSpec or
    /// replicationSpec writes into a Cloud Storage bucket (gcsDataSink). The log names the sink bucket but
    /// not the project that owns it, so the grantee is the bucket, of unknown type. An update that does not
    /// change the spec (pausing, enabling, deleting the job) is not a transfer.
    /// </summary>
    public static void FromTransferJob(GcpRecord r)
    {
        var request = r.Payload.Prop("request"u8);
        var response = r.Payload.Prop("response"u8);
        var job = request.Prop("transferJob"u8);
        if (!job.IsObject() && (request.Prop("transferSpec"u8).IsObject() || request.Prop("replicationSpec"u8).IsObject())) job = request;
        var spec = Spec(job);
        if (!spec.IsObject() && r.Succeeded) spec = Spec(response);
        bool create = r.Operation.EndsWith("CreateTransferJob", StringComparison.Ordinal);
        // A job being created has no name until the response gives it one; the resource name is only its project.
        r.ResourceId = response.Str("name"u8) ?? job.Str("name"u8) ?? request.Str("jobName"u8);
        r.NoResourceName = r.ResourceId == null;
        r.Project = job.Str("projectId"u8) ?? request.Str("projectId"u8) ?? response.Str("projectId"u8) ?? r.Project;
        if (!spec.IsObject())
        {
            if (create) r.Context.Incomplete($"{r.What} has no transferSpec in its request or response, so where it copies cannot be read");
            return;
        }
        var sink = spec.Prop("gcsDataSink"u8);
        string? bucket = sink.Str("bucketName"u8);
        if (bucket == null) return; // a sink outside Cloud Storage (a POSIX file system through the project's own agents)
        string target = "gs://" + bucket + "/" + (sink.Str("path"u8) ?? "").TrimStart('/');
        string source = SourceOf(spec);
        r.Grants.Add(new GcpGrant(ShareAction.Add, target.TrimEnd('/'), null,
            $"copies {source} to {target.TrimEnd('/')}; the log does not name the project that owns the sink bucket", GranteeType.Unknown));
    }

    private static JsonElement Spec(JsonElement job)
    {
        var spec = job.Prop("transferSpec"u8);
        return spec.IsObject() ? spec : job.Prop("replicationSpec"u8);
    }

    private static string SourceOf(JsonElement spec)
    {
        string? v;
        if ((v = spec.Prop("gcsDataSource"u8).Str("bucketName"u8)) != null) return "gs://" + v;
        if ((v = spec.Prop("awsS3DataSource"u8).Str("bucketName"u8)) != null) return "s3://" + v;
        if ((v = spec.Prop("awsS3CompatibleDataSource"u8).Str("bucketName"u8)) != null) return "S3-compatible bucket " + v;
        var azure = spec.Prop("azureBlobStorageDataSource"u8);
        if ((v = azure.Str("storageAccount"u8)) != null) return $"Azure storage account {v} container {azure.Str("container"u8)}";
        if ((v = spec.Prop("httpDataSource"u8).Str("listUrl"u8)) != null) return "the URL list " + v;
        if ((v = spec.Prop("posixDataSource"u8).Str("rootDirectory"u8)) != null) return "the file system " + v;
        if ((v = spec.Prop("hdfsDataSource"u8).Str("path"u8)) != null) return "HDFS " + v;
        return "an unnamed source";
    }

    private static string? Condition(JsonElement condition)
    {
        if (!condition.IsObject()) return null;
        string? title = condition.Str("title"u8);
        string? expression = condition.Str("expression"u8);
        if (title == null && expression == null) return null;
        return "only under the condition " + (title != null ? $"'{title}'" : "") + (title != null && expression != null ? ": " : "") + expression;
    }

    private static string? Join(string? a, string? b) => GcpRecord.Join(a, b);

    private static void ReportBroken(GcpRecord r, int broken, string place, string what)
    {
        if (broken == 0) return;
        string message = $"{r.What} has {broken} {what} in {place}; they were not read";
        if (r.Grants.Count == 0) r.Context.Incomplete(message);
        else r.Context.Report(ReadIssueKind.IncompleteRecord, message);
    }
}
