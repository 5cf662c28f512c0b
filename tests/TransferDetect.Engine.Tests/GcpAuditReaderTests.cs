using System.Text.Json.Nodes;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using Xunit;
using static TransferDetect.Engine.Tests.GcpJson;

namespace TransferDetect.Engine.Tests;

/// <summary>
/// Builds Cloud Audit Logs entries in the documented LogEntry shape (insertId, logName, resource,
/// timestamp, severity, protoPayload AuditLog with authenticationInfo, requestMetadata, serviceName,
/// methodName, resourceName, request, response, serviceData, metadata, status).
/// </summary>
internal static class GcpJson
{
    public const string Project = "victim-prod";
    private static int _ids;

    /// <summary>The zone the GCP tests judge against: contoso.com, project partner-ok and project number 555555555555.</summary>
    public static TrustZone Zone()
    {
        var zone = TrustZone.Empty;
        zone.AddGcpDomain("contoso.com");
        zone.AddGcpProject("partner-ok");
        zone.AddGcpProject("555555555555");
        return zone;
    }

    public static JsonObject Entry(string method, string service, string resourceName, JsonNode? request = null,
        JsonNode? serviceData = null, JsonNode? metadata = null, JsonNode? response = null, int statusCode = 0,
        string resourceType = "gce_snapshot", string project = Project, string? time = "2024-08-01T12:00:00.123456Z",
        JsonObject? labels = null)
    {
        var status = new JsonObject();
        if (statusCode != 0)
        {
            status["code"] = statusCode;
            status["message"] = "The caller does not have permission";
        }
        var payload = new JsonObject
        {
            ["@type"] = "type.googleapis.com/google.cloud.audit.AuditLog",
            ["status"] = status,
            ["authenticationInfo"] = new JsonObject { ["principalEmail"] = "alice@contoso.com", ["principalSubject"] = "user:alice@contoso.com" },
            ["requestMetadata"] = new JsonObject
            {
                ["callerIp"] = "203.0.113.7",
                ["callerSuppliedUserAgent"] = "google-cloud-sdk gcloud/470.0.0",
                ["requestAttributes"] = new JsonObject { ["time"] = "2024-08-01T11:59:59Z", ["auth"] = new JsonObject() },
            },
            ["serviceName"] = service,
            ["methodName"] = method,
            ["resourceName"] = resourceName,
        };
        if (request != null) payload["request"] = request.DeepClone();
        if (response != null) payload["response"] = response.DeepClone();
        if (serviceData != null) payload["serviceData"] = serviceData.DeepClone();
        if (metadata != null) payload["metadata"] = metadata.DeepClone();
        var resourceLabels = labels ?? new JsonObject();
        resourceLabels["project_id"] = project;
        var entry = new JsonObject
        {
            ["protoPayload"] = payload,
            ["insertId"] = $"gcp{Interlocked.Increment(ref _ids):D8}",
            ["resource"] = new JsonObject { ["type"] = resourceType, ["labels"] = resourceLabels },
            ["severity"] = statusCode == 0 ? "NOTICE" : "ERROR",
            ["logName"] = $"projects/{project}/logs/cloudaudit.googleapis.com%2Factivity",
            ["receiveTimestamp"] = "2024-08-01T12:00:01.5Z",
        };
        if (time != null) entry["timestamp"] = time;
        return entry;
    }

    /// <summary>A compute setIamPolicy request: {"policy":{"bindings":[{"role":..,"members":[..]}]}, "@type": ...}.</summary>
    public static JsonObject PolicyRequest(string collection, params (string Role, string[] Members)[] bindings) => new()
    {
        ["@type"] = $"type.googleapis.com/compute.{collection}.setIamPolicy",
        ["policy"] = Policy(bindings),
    };

    public static JsonObject Policy(params (string Role, string[] Members)[] bindings) => new()
    {
        ["version"] = 3,
        ["etag"] = "BwYb3Y9a8AE=",
        ["bindings"] = new JsonArray(bindings.Select(b => (JsonNode)new JsonObject
        {
            ["role"] = b.Role,
            ["members"] = new JsonArray(b.Members.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
        }).ToArray()),
    };

    /// <summary>serviceData of google.iam.v1.logging.AuditData with policyDelta.bindingDeltas.</summary>
    public static JsonObject Deltas(params (string Action, string Role, string Member)[] deltas) => new()
    {
        ["@type"] = "type.googleapis.com/google.iam.v1.logging.AuditData",
        ["policyDelta"] = new JsonObject { ["bindingDeltas"] = DeltaArray(deltas) },
    };

    public static JsonArray DeltaArray(params (string Action, string Role, string Member)[] deltas) =>
        new(deltas.Select(d => (JsonNode)new JsonObject { ["action"] = d.Action, ["role"] = d.Role, ["member"] = d.Member }).ToArray());

    public static JsonObject SnapshotShare(string member, string role = "roles/compute.storageAdmin", int statusCode = 0) =>
        Entry("v1.compute.snapshots.setIamPolicy", "compute.googleapis.com", $"projects/{Project}/global/snapshots/snap-1",
            request: PolicyRequest("snapshots", (role, new[] { member })), statusCode: statusCode);

    public static JsonObject BucketIam(params (string Action, string Role, string Member)[] deltas) =>
        Entry("storage.setIamPermissions", "storage.googleapis.com", "projects/_/buckets/finance-exports",
            serviceData: Deltas(deltas), resourceType: "gcs_bucket",
            labels: new JsonObject { ["bucket_name"] = "finance-exports", ["location"] = "us" });

    public static string Lines(params JsonObject[] entries) => string.Join("\n", entries.Select(e => e.ToJsonString())) + "\n";

    /// <summary><c>gcloud logging read --format=json</c>: a pretty-printed array.</summary>
    public static string Array(params JsonObject[] entries) =>
        new JsonArray(entries.Select(e => (JsonNode)e.DeepClone()).ToArray()).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

    /// <summary>The entries.list API answer.</summary>
    public static string EntriesList(params JsonObject[] entries) =>
        new JsonObject { ["entries"] = new JsonArray(entries.Select(e => (JsonNode)e.DeepClone()).ToArray()), ["nextPageToken"] = "x" }.ToJsonString();

    public static Finding? Judge(ShareEvent e, TrustZone? zone = null) => new ExternalShareDetector(zone ?? Zone()).Evaluate(e);
}

/// <summary>The GCP audit log reader: every row of the GCP table of DETECTIONS.md, each with its negative twins.</summary>
public class GcpAuditReaderTests
{
    private static (List<ShareEvent> Events, CollectingScanHost Host, ShareLogReader Reader) Read(string text, ShareLogReaderOptions? options = null) =>
        CloudTrailJson.Read(text, options);

    private static ShareEvent Single(JsonObject entry)
    {
        var (events, host, _) = Read(Lines(entry));
        Assert.Empty(host.Issues);
        return Assert.Single(events);
    }

    // ---- Compute Engine snapshots, images, disks, machine images ----

    [Fact]
    public void Snapshot_policy_granting_an_outside_user_is_a_high_finding_with_every_field_read()
    {
        var entry = SnapshotShare("user:mallory@fabrikam.com");
        entry["operation"] = new JsonObject { ["id"] = "operation-1722513600000-abc", ["producer"] = "compute.googleapis.com" };
        var e = Single(entry);

        Assert.Equal(entry["insertId"]!.GetValue<string>(), e.EventId);
        Assert.Equal(Provider.Gcp, e.Provider);
        Assert.Equal("v1.compute.snapshots.setIamPolicy", e.Operation);
        Assert.Equal("compute.googleapis.com", e.EventSource);
        Assert.Equal(new DateTime(2024, 8, 1, 12, 0, 0, 123, DateTimeKind.Utc).AddTicks(4560), e.EventTime);
        Assert.Equal(DateTimeKind.Utc, e.EventTime.Kind);
        Assert.Equal("alice@contoso.com", e.Actor);
        Assert.Equal("203.0.113.7", e.SourceIp);
        Assert.Equal("google-cloud-sdk gcloud/470.0.0", e.UserAgent);
        Assert.Equal(Project, e.AccountId);
        Assert.Equal(ShareCategory.Snapshot, e.Category);
        Assert.Equal("ComputeSnapshot", e.ResourceType);
        Assert.Equal("projects/victim-prod/global/snapshots/snap-1", e.ResourceId);
        Assert.Equal(ShareAction.Add, e.Action);
        Assert.Equal("user:mallory@fabrikam.com", e.Grantee);
        Assert.Equal(GranteeType.User, e.GranteeType);
        Assert.Equal("roles/compute.storageAdmin", e.Permission);
        Assert.Contains("not its change", e.Details);
        Assert.Equal("operation-1722513600000-abc", e.CorrelationId);
        Assert.True(e.Succeeded);
        Assert.Null(e.ErrorCode);

        var f = Judge(e);
        Assert.NotNull(f);
        Assert.Equal(Severity.High, f!.Severity);
        Assert.Equal("Compute Engine snapshot projects/victim-prod/global/snapshots/snap-1 was shared as roles/compute.storageAdmin with user:mallory@fabrikam.com, which is outside the trust zone.", f.Reason);
    }

    [Theory]
    [InlineData("v1.compute.snapshots.setIamPolicy", "projects/victim-prod/global/snapshots/s", "ComputeSnapshot")]
    [InlineData("beta.compute.snapshots.setIamPolicy", "projects/victim-prod/global/snapshots/s", "ComputeSnapshot")]
    [InlineData("v1.compute.images.setIamPolicy", "projects/victim-prod/global/images/i", "ComputeImage")]
    [InlineData("v1.compute.disks.setIamPolicy", "projects/victim-prod/zones/europe-west1-b/disks/d", "ComputeDisk")]
    [InlineData("v1.compute.regionDisks.setIamPolicy", "projects/victim-prod/regions/europe-west1/disks/d", "ComputeDisk")]
    [InlineData("v1.compute.machineImages.setIamPolicy", "projects/victim-prod/global/machineImages/m", "ComputeMachineImage")]
    [InlineData("alpha.compute.machineImages.setIamPolicy", "projects/victim-prod/global/machineImages/m", "ComputeMachineImage")]
    public void Each_compute_collection_shared_by_set_iam_policy_is_a_snapshot_share_of_its_type(string method, string resource, string type)
    {
        string collection = method.Split('.')[2];
        var e = Single(Entry(method, "compute.googleapis.com", resource, request: PolicyRequest(collection, ("roles/compute.imageUser", new[] { "user:mallory@fabrikam.com" }))));
        Assert.Equal(method, e.Operation);
        Assert.Equal(ShareCategory.Snapshot, e.Category);
        Assert.Equal(type, e.ResourceType);
        Assert.Equal(resource, e.ResourceId);
        Assert.Equal(Severity.High, Judge(e)!.Severity);
    }

    [Fact]
    public void Snapshot_shared_with_a_user_of_a_trusted_domain_is_no_finding()
    {
        var e = Single(SnapshotShare("user:bob@contoso.com"));
        Assert.Equal(ShareAction.Add, e.Action);
        var detector = new ExternalShareDetector(Zone());
        Assert.Null(detector.Evaluate(e));
        Assert.Equal(1, detector.Statistics.Trusted);
    }

    [Fact]
    public void Failed_set_iam_policy_is_an_attempt_low_to_a_user_and_medium_to_the_public()
    {
        var e = Single(SnapshotShare("user:mallory@fabrikam.com", statusCode: 7));
        Assert.False(e.Succeeded);
        Assert.Equal("PERMISSION_DENIED", e.ErrorCode);
        Assert.Equal("The caller does not have permission", e.ErrorMessage);
        Assert.Contains("the call failed", e.Details);
        var f = Judge(e)!;
        Assert.Equal(Severity.Low, f.Severity);
        Assert.Equal("An attempt to share Compute Engine snapshot projects/victim-prod/global/snapshots/snap-1 as roles/compute.storageAdmin with user:mallory@fabrikam.com, which is outside the trust zone failed (PERMISSION_DENIED); no access was granted.", f.Reason);

        var pub = Single(SnapshotShare("allUsers", statusCode: 7));
        Assert.Equal(Severity.Medium, Judge(pub)!.Severity);
    }

    [Fact]
    public void Image_made_public_is_critical_for_all_users_and_all_authenticated_users()
    {
        var entry = Entry("v1.compute.images.setIamPolicy", "compute.googleapis.com", "projects/victim-prod/global/images/golden",
            request: PolicyRequest("images", ("roles/compute.imageUser", new[] { "allUsers", "allAuthenticatedUsers" })));
        var (events, host, _) = Read(Lines(entry));
        Assert.Empty(host.Issues);
        Assert.Equal(new[] { "allUsers", "allAuthenticatedUsers" }, events.Select(e => e.Grantee));
        Assert.All(events, e => Assert.Equal(GranteeType.Public, e.GranteeType));
        var findings = events.Select(e => Judge(e)!).ToList();
        Assert.All(findings, f => Assert.Equal(Severity.Critical, f.Severity));
        Assert.Equal("Compute Engine image projects/victim-prod/global/images/golden was shared as roles/compute.imageUser with everyone (allUsers).", findings[0].Reason);
        Assert.Equal("Compute Engine image projects/victim-prod/global/images/golden was shared as roles/compute.imageUser with every signed-in Google account (allAuthenticatedUsers).", findings[1].Reason);
    }

    [Fact]
    public void Reading_a_policy_and_other_compute_methods_are_not_shares()
    {
        var get = Entry("v1.compute.snapshots.getIamPolicy", "compute.googleapis.com", "projects/victim-prod/global/snapshots/snap-1");
        var instance = Entry("v1.compute.instances.setIamPolicy", "compute.googleapis.com", "projects/victim-prod/zones/z/instances/vm",
            request: PolicyRequest("instances", ("roles/compute.admin", new[] { "user:mallory@fabrikam.com" })));
        var insert = Entry("v1.compute.snapshots.insert", "compute.googleapis.com", "projects/victim-prod/global/snapshots/snap-2");
        var (events, host, reader) = Read(Lines(get, instance, insert));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(3, reader.Statistics.Records);
        Assert.Equal(0, reader.Statistics.CandidateRecords);
        Assert.Equal(0, reader.Statistics.ForeignRecords);
    }

    [Fact]
    public void Binding_deltas_are_preferred_to_the_policy_and_tell_an_add_from_a_remove()
    {
        var entry = Entry("v1.compute.disks.setIamPolicy", "compute.googleapis.com", "projects/victim-prod/zones/z/disks/d",
            request: PolicyRequest("disks", ("roles/owner", new[] { "projectOwner:victim-prod" }), ("roles/compute.storageAdmin", new[] { "user:new@fabrikam.com" })),
            serviceData: Deltas(("ADD", "roles/compute.storageAdmin", "user:new@fabrikam.com"), ("REMOVE", "roles/compute.storageAdmin", "user:old@fabrikam.com")));
        var (events, host, _) = Read(Lines(entry));
        Assert.Empty(host.Issues);
        Assert.Equal(new[] { (ShareAction.Add, "user:new@fabrikam.com"), (ShareAction.Remove, "user:old@fabrikam.com") }, events.Select(e => (e.Action, e.Grantee!)));
        Assert.All(events, e => Assert.Null(e.Details));
        var detector = new ExternalShareDetector(Zone());
        var findings = events.Select(detector.Evaluate).Where(f => f != null).ToList();
        Assert.Equal("user:new@fabrikam.com", Assert.Single(findings)!.Grantee);
        Assert.Equal(1, detector.Statistics.Revocations);
    }

    [Fact]
    public void Conditional_binding_says_its_condition()
    {
        var delta = DeltaArray(("ADD", "roles/compute.storageAdmin", "user:mallory@fabrikam.com"));
        delta[0]!["condition"] = new JsonObject { ["title"] = "until Friday", ["expression"] = "request.time < timestamp(\"2024-08-03T00:00:00Z\")" };
        var entry = Entry("v1.compute.snapshots.setIamPolicy", "compute.googleapis.com", "projects/victim-prod/global/snapshots/snap-1",
            serviceData: new JsonObject { ["policyDelta"] = new JsonObject { ["bindingDeltas"] = delta } });
        Assert.Equal("only under the condition 'until Friday': request.time < timestamp(\"2024-08-03T00:00:00Z\")", Single(entry).Details);
    }

    [Fact]
    public void An_empty_delta_of_a_successful_call_grants_nothing_even_with_a_policy_in_the_request()
    {
        var entry = Entry("v1.compute.snapshots.setIamPolicy", "compute.googleapis.com", "projects/victim-prod/global/snapshots/snap-1",
            request: PolicyRequest("snapshots", ("roles/owner", new[] { "user:mallory@fabrikam.com" })),
            serviceData: new JsonObject { ["@type"] = "type.googleapis.com/google.iam.v1.logging.AuditData", ["policyDelta"] = new JsonObject() });
        var (events, host, reader) = Read(Lines(entry));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(1, reader.Statistics.CandidateRecords);
    }

    // ---- Cloud Storage ----

    [Fact]
    public void Bucket_granted_to_all_users_is_critical_and_owned_by_the_resource_labels_project()
    {
        var e = Single(BucketIam(("ADD", "roles/storage.objectViewer", "allUsers")));
        Assert.Equal("storage.setIamPermissions", e.Operation);
        Assert.Equal("storage.googleapis.com", e.EventSource);
        Assert.Equal(ShareCategory.Storage, e.Category);
        Assert.Equal("GcsBucket", e.ResourceType);
        Assert.Equal("projects/_/buckets/finance-exports", e.ResourceId);
        Assert.Equal(Project, e.AccountId);
        Assert.Equal("us", e.Region);
        var f = Judge(e)!;
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Equal("Cloud Storage bucket projects/_/buckets/finance-exports was shared as roles/storage.objectViewer with everyone (allUsers).", f.Reason);
    }

    [Fact]
    public void Object_acl_made_public_is_an_object_share()
    {
        var entry = Entry("storage.setIamPermissions", "storage.googleapis.com", "projects/_/buckets/finance-exports/objects/q3.xlsx",
            serviceData: Deltas(("ADD", "roles/storage.legacyObjectReader", "allUsers")), resourceType: "gcs_bucket");
        var e = Single(entry);
        Assert.Equal("GcsObject", e.ResourceType);
        Assert.Equal(Severity.Critical, Judge(e)!.Severity);
    }

    [Fact]
    public void Bucket_revocation_and_grant_to_a_trusted_group_are_no_findings()
    {
        var (events, host, _) = Read(Lines(
            BucketIam(("REMOVE", "roles/storage.objectViewer", "allUsers")),
            BucketIam(("ADD", "roles/storage.objectViewer", "group:finance@contoso.com"))));
        Assert.Empty(host.Issues);
        Assert.Equal(new[] { ShareAction.Remove, ShareAction.Add }, events.Select(e => e.Action));
        var detector = new ExternalShareDetector(Zone());
        Assert.All(events, e => Assert.Null(detector.Evaluate(e)));
        Assert.Equal(1, detector.Statistics.Revocations);
        Assert.Equal(1, detector.Statistics.Trusted);
    }

    [Fact]
    public void Bucket_creation_default_grants_are_not_shares_but_a_public_one_is()
    {
        (string, string, string)[] defaults =
        {
            ("ADD", "roles/storage.legacyBucketOwner", "projectEditor:victim-prod"),
            ("ADD", "roles/storage.legacyBucketOwner", "projectOwner:victim-prod"),
            ("ADD", "roles/storage.legacyBucketReader", "projectViewer:victim-prod"),
        };
        var plain = Entry("storage.buckets.create", "storage.googleapis.com", "projects/_/buckets/b1", serviceData: Deltas(defaults), resourceType: "gcs_bucket");
        var publicRead = Entry("storage.buckets.create", "storage.googleapis.com", "projects/_/buckets/b2",
            serviceData: Deltas(defaults.Append(("ADD", "roles/storage.legacyObjectReader", "allUsers")).ToArray()), resourceType: "gcs_bucket");
        var (events, host, _) = Read(Lines(plain, publicRead));
        Assert.Empty(host.Issues);
        var e = Assert.Single(events);
        Assert.Equal(("storage.buckets.create", "allUsers", "projects/_/buckets/b2"), (e.Operation, e.Grantee!, e.ResourceId!));
        Assert.Equal(Severity.Critical, Judge(e)!.Severity);
    }

    // ---- BigQuery ----

    private static JsonObject DatasetMetadata(JsonObject datasetChange) => new()
    {
        ["@type"] = "type.googleapis.com/google.cloud.audit.BigQueryAuditMetadata",
        ["datasetChange"] = datasetChange,
    };

    [Fact]
    public void Dataset_set_iam_policy_reads_the_dataset_change_deltas()
    {
        var metadata = DatasetMetadata(new JsonObject
        {
            ["dataset"] = new JsonObject { ["datasetName"] = "projects/victim-prod/datasets/sales" },
            ["reason"] = "SET_IAM_POLICY",
            ["bindingDeltas"] = DeltaArray(("ADD", "roles/bigquery.dataViewer", "group:analysts@fabrikam.com"), ("REMOVE", "roles/bigquery.dataViewer", "user:old@fabrikam.com")),
        });
        var entry = Entry("google.iam.v1.IAMPolicy.SetIamPolicy", "bigquery.googleapis.com", "projects/victim-prod/datasets/sales",
            request: new JsonObject { ["@type"] = "type.googleapis.com/google.iam.v1.SetIamPolicyRequest", ["resource"] = "projects/victim-prod/datasets/sales", ["policy"] = Policy(("roles/bigquery.dataViewer", new[] { "group:analysts@fabrikam.com" })) },
            metadata: metadata, resourceType: "bigquery_dataset");
        var (events, host, _) = Read(Lines(entry));
        Assert.Empty(host.Issues);
        Assert.Equal(new[] { (ShareAction.Add, "group:analysts@fabrikam.com"), (ShareAction.Remove, "user:old@fabrikam.com") }, events.Select(e => (e.Action, e.Grantee!)));
        var add = events[0];
        Assert.Equal("google.iam.v1.IAMPolicy.SetIamPolicy", add.Operation);
        Assert.Equal(ShareCategory.Storage, add.Category);
        Assert.Equal("BigQueryDataset", add.ResourceType);
        Assert.Equal(GranteeType.User, add.GranteeType);
        var f = Judge(add)!;
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal("BigQuery dataset projects/victim-prod/datasets/sales was shared as roles/bigquery.dataViewer with group:analysts@fabrikam.com, which is outside the trust zone.", f.Reason);
    }

    [Fact]
    public void Table_set_iam_policy_reads_the_request_policy()
    {
        var entry = Entry("google.iam.v1.IAMPolicy.SetIamPolicy", "bigquery.googleapis.com", "projects/victim-prod/datasets/sales/tables/orders",
            request: new JsonObject { ["@type"] = "type.googleapis.com/google.iam.v1.SetIamPolicyRequest", ["policy"] = Policy(("roles/bigquery.dataViewer", new[] { "domain:fabrikam.com", "domain:contoso.com" })) },
            metadata: new JsonObject { ["@type"] = "type.googleapis.com/google.cloud.audit.BigQueryAuditMetadata", ["tableChange"] = new JsonObject { ["reason"] = "SET_IAM_POLICY" } },
            resourceType: "bigquery_resource");
        var (events, host, _) = Read(Lines(entry));
        Assert.Empty(host.Issues);
        Assert.All(events, e => Assert.Equal("BigQueryTable", e.ResourceType));
        Assert.Equal(new[] { "domain:fabrikam.com", "domain:contoso.com" }, events.Select(e => e.Grantee));
        Assert.All(events, e => Assert.Equal(GranteeType.Domain, e.GranteeType));
        var detector = new ExternalShareDetector(Zone());
        var f = Assert.Single(events.Select(detector.Evaluate), x => x != null);
        Assert.Equal("domain:fabrikam.com", f!.Grantee);
        Assert.Equal(Severity.High, f.Severity);
    }

    [Fact]
    public void Set_iam_policy_of_other_services_is_not_read()
    {
        var topic = Entry("google.iam.v1.IAMPolicy.SetIamPolicy", "pubsub.googleapis.com", "projects/victim-prod/topics/orders",
            request: new JsonObject { ["policy"] = Policy(("roles/pubsub.subscriber", new[] { "user:mallory@fabrikam.com" })) }, resourceType: "pubsub_topic");
        var (events, host, reader) = Read(Lines(topic));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(0, reader.Statistics.CandidateRecords);
    }

    [Fact]
    public void Dataset_access_changes_by_update_are_read_as_iam_members()
    {
        JsonObject Change(string action, JsonObject access) => new() { ["action"] = action, ["access"] = access };
        var changes = new JsonArray(
            Change("ADD", new JsonObject { ["role"] = "READER", ["userByEmail"] = "mallory@fabrikam.com" }),
            Change("ADD", new JsonObject { ["role"] = "READER", ["specialGroup"] = "allAuthenticatedUsers" }),
            Change("ADD", new JsonObject { ["view"] = new JsonObject { ["projectId"] = "attacker-proj", ["datasetId"] = "loot", ["tableId"] = "v" } }),
            Change("ADD", new JsonObject { ["view"] = new JsonObject { ["projectId"] = Project, ["datasetId"] = "reports", ["tableId"] = "v" } }),
            Change("ADD", new JsonObject { ["role"] = "READER", ["specialGroup"] = "projectReaders" }),
            Change("ADD", new JsonObject { ["role"] = "WRITER", ["userByEmail"] = "etl@partner-ok.iam.gserviceaccount.com" }),
            Change("REMOVE", new JsonObject { ["role"] = "READER", ["domain"] = "fabrikam.com" }));
        var entry = Entry("google.cloud.bigquery.v2.DatasetService.PatchDataset", "bigquery.googleapis.com", "projects/victim-prod/datasets/sales",
            metadata: DatasetMetadata(new JsonObject { ["reason"] = "UPDATE", ["accessChanges"] = changes }), resourceType: "bigquery_dataset");
        var (events, host, _) = Read(Lines(entry));
        Assert.Empty(host.Issues);
        var detector = new ExternalShareDetector(Zone());
        var got = events.Select(e => $"{e.Action} {e.Grantee} {e.GranteeType} {e.Permission} => {detector.Evaluate(e)?.Severity.ToString() ?? "none"}").ToArray();
        Assert.Equal(new[]
        {
            "Add user:mallory@fabrikam.com User READER => High",
            "Add allAuthenticatedUsers Public READER => Critical",
            "Add projects/attacker-proj/datasets/loot/tables/v Account authorized view => High",
            "Add projects/victim-prod/datasets/reports/tables/v Account authorized view => none",
            "Add projectViewer:victim-prod Account READER => none",
            "Add serviceAccount:etl@partner-ok.iam.gserviceaccount.com User WRITER => none",
            "Remove domain:fabrikam.com Domain READER => none",
        }, got);
        Assert.All(events, e => Assert.Equal("BigQueryDataset", e.ResourceType));
    }

    [Fact]
    public void Dataset_update_that_leaves_the_access_list_alone_is_no_share()
    {
        var unchanged = Entry("google.cloud.bigquery.v2.DatasetService.UpdateDataset", "bigquery.googleapis.com", "projects/victim-prod/datasets/sales",
            metadata: DatasetMetadata(new JsonObject { ["reason"] = "UPDATE", ["dataset"] = new JsonObject { ["datasetName"] = "projects/victim-prod/datasets/sales" } }), resourceType: "bigquery_dataset");
        var empty = Entry("google.cloud.bigquery.v2.DatasetService.UpdateDataset", "bigquery.googleapis.com", "projects/victim-prod/datasets/sales",
            metadata: DatasetMetadata(new JsonObject { ["reason"] = "UPDATE", ["accessChanges"] = new JsonArray() }), resourceType: "bigquery_dataset");
        var (events, host, reader) = Read(Lines(unchanged, empty));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(1, reader.Statistics.CandidateRecords); // the first is skipped unparsed: no accessChanges in its bytes
    }

    // ---- Storage Transfer ----

    private static JsonObject TransferJob(string sink = "exfil-drop", string method = "google.storagetransfer.v1.StorageTransferService.CreateTransferJob", int statusCode = 0, JsonObject? spec = null)
    {
        var job = new JsonObject
        {
            ["description"] = "nightly copy",
            ["projectId"] = Project,
            ["status"] = "ENABLED",
        };
        job["transferSpec"] = spec ?? new JsonObject
        {
            ["gcsDataSource"] = new JsonObject { ["bucketName"] = "finance-exports" },
            ["gcsDataSink"] = new JsonObject { ["bucketName"] = sink, ["path"] = "q3/" },
        };
        var request = new JsonObject { ["@type"] = "type.googleapis.com/google.storagetransfer.v1.CreateTransferJobRequest", ["transferJob"] = job };
        var response = statusCode == 0 ? new JsonObject { ["@type"] = "type.googleapis.com/google.storagetransfer.v1.TransferJob", ["name"] = "transferJobs/1234567890" } : null;
        return Entry(method, "storagetransfer.googleapis.com", $"projects/{Project}", request: request, response: response, statusCode: statusCode, resourceType: "storage_transfer_job");
    }

    [Fact]
    public void Transfer_job_into_a_bucket_is_an_unknown_grantee_naming_source_and_sink()
    {
        var e = Single(TransferJob());
        Assert.Equal("google.storagetransfer.v1.StorageTransferService.CreateTransferJob", e.Operation);
        Assert.Equal(ShareCategory.Storage, e.Category);
        Assert.Equal("TransferJob", e.ResourceType);
        Assert.Equal("transferJobs/1234567890", e.ResourceId);
        Assert.Equal(Project, e.AccountId);
        Assert.Equal("gs://exfil-drop/q3", e.Grantee);
        Assert.Equal(GranteeType.Unknown, e.GranteeType);
        Assert.Equal("copies gs://finance-exports to gs://exfil-drop/q3; the log does not name the project that owns the sink bucket", e.Details);
        var f = Judge(e)!;
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.Equal("Storage Transfer job transferJobs/1234567890 copies data into gs://exfil-drop/q3, a bucket whose project the log does not name, so the copy cannot be shown to stay inside the trust zone.", f.Reason);
    }

    [Fact]
    public void Transfer_job_from_another_cloud_names_its_source()
    {
        var spec = new JsonObject
        {
            ["awsS3DataSource"] = new JsonObject { ["bucketName"] = "corp-archive" },
            ["gcsDataSink"] = new JsonObject { ["bucketName"] = "landing" },
        };
        var e = Single(TransferJob(spec: spec));
        Assert.Equal("gs://landing", e.Grantee);
        Assert.StartsWith("copies s3://corp-archive to gs://landing;", e.Details);
    }

    [Fact]
    public void Failed_transfer_job_is_a_low_attempt()
    {
        var e = Single(TransferJob(statusCode: 7));
        Assert.False(e.Succeeded);
        Assert.Null(e.ResourceId);
        Assert.Equal(Project, e.AccountId);
        var f = Judge(e)!;
        Assert.Equal(Severity.Low, f.Severity);
        Assert.Equal("An attempt to make Storage Transfer job (no name recorded) copy data into gs://exfil-drop/q3, a bucket whose project the log does not name, failed (PERMISSION_DENIED); nothing was copied.", f.Reason);
    }

    [Fact]
    public void Transfer_job_update_that_does_not_change_the_spec_is_no_transfer_and_a_posix_sink_is_not_read()
    {
        var pause = Entry("google.storagetransfer.v1.StorageTransferService.UpdateTransferJob", "storagetransfer.googleapis.com", $"projects/{Project}",
            request: new JsonObject { ["jobName"] = "transferJobs/1", ["projectId"] = Project, ["transferJob"] = new JsonObject { ["status"] = "DISABLED" }, ["updateTransferJobFieldMask"] = "status" },
            resourceType: "storage_transfer_job");
        var posix = TransferJob(spec: new JsonObject
        {
            ["gcsDataSource"] = new JsonObject { ["bucketName"] = "finance-exports" },
            ["posixDataSink"] = new JsonObject { ["rootDirectory"] = "/mnt/backup" },
        });
        var run = Entry("google.storagetransfer.v1.StorageTransferService.RunTransferJob", "storagetransfer.googleapis.com", $"projects/{Project}", resourceType: "storage_transfer_job");
        var (events, host, _) = Read(Lines(pause, posix, run));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void Transfer_job_update_that_changes_the_sink_is_read()
    {
        var update = Entry("google.storagetransfer.v1.StorageTransferService.UpdateTransferJob", "storagetransfer.googleapis.com", $"projects/{Project}",
            request: new JsonObject
            {
                ["jobName"] = "transferJobs/1",
                ["projectId"] = Project,
                ["transferJob"] = new JsonObject { ["transferSpec"] = new JsonObject { ["gcsDataSource"] = new JsonObject { ["bucketName"] = "finance-exports" }, ["gcsDataSink"] = new JsonObject { ["bucketName"] = "elsewhere" } } },
                ["updateTransferJobFieldMask"] = "transferSpec",
            },
            resourceType: "storage_transfer_job");
        var e = Single(update);
        Assert.Equal(("transferJobs/1", "gs://elsewhere"), (e.ResourceId!, e.Grantee!));
    }

    // ---- Formats, times, filters, bad input ----

    [Fact]
    public void Json_lines_gcloud_arrays_entries_list_pretty_printed_and_gzip_give_the_same_events()
    {
        var a = SnapshotShare("user:mallory@fabrikam.com");
        var b = BucketIam(("ADD", "roles/storage.objectViewer", "allUsers"));
        var c = CloudTrailJson.Background();
        string Key(ShareEvent e) => $"{e.EventId} {e.Operation} {e.Grantee} {e.EventTime:o}";
        var lines = Read(Lines(a, b)).Events.Select(Key).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Equal(lines, Read(GcpJson.Array(a, b)).Events.Select(Key));
        Assert.Equal(lines, Read(EntriesList(a, b)).Events.Select(Key));
        var pretty = new System.Text.Json.JsonSerializerOptions { WriteIndented = true };
        Assert.Equal(lines, Read(a.ToJsonString(pretty) + "\n" + b.ToJsonString(pretty)).Events.Select(Key));
        Assert.Equal(lines, CloudTrailJson.ReadFile("activity.json.gz", CloudTrailJson.Gzip(Lines(a, b))).Events.Select(Key));
        // A file mixing CloudTrail and Cloud Logging records: each read by its own interpreter.
        var (mixed, host, reader) = Read(Lines(a, c, b));
        Assert.Equal(lines, mixed.Select(Key));
        Assert.Empty(host.Issues);
        Assert.Equal(3, reader.Statistics.Records);
    }

    [Fact]
    public void Entry_without_timestamp_takes_the_request_time_and_one_without_any_time_is_reported()
    {
        var noTimestamp = SnapshotShare("user:mallory@fabrikam.com");
        noTimestamp.Remove("timestamp");
        Assert.Equal(new DateTime(2024, 8, 1, 11, 59, 59, DateTimeKind.Utc), Single(noTimestamp).EventTime);

        var noTime = SnapshotShare("user:mallory@fabrikam.com");
        noTime.Remove("timestamp");
        noTime.Remove("receiveTimestamp");
        ((JsonObject)noTime["protoPayload"]!["requestMetadata"]!).Remove("requestAttributes");
        var (events, host, _) = Read(Lines(noTime));
        Assert.Equal(ShareTimes.Unknown, Assert.Single(events).EventTime);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.IncompleteRecord, issue.Kind);
        Assert.Contains("has no readable time", issue.Detail);

        var windowed = Read(Lines(noTime), new ShareLogReaderOptions { Window = new TimeWindow(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), null) });
        Assert.Empty(windowed.Events);
        Assert.Contains("skipped", Assert.Single(windowed.Host.Issues).Detail);
    }

    [Fact]
    public void Broken_records_are_reported_one_by_one_by_line_and_the_rest_are_read()
    {
        var notArray = Entry("storage.setIamPermissions", "storage.googleapis.com", "projects/_/buckets/b",
            serviceData: new JsonObject { ["policyDelta"] = new JsonObject { ["bindingDeltas"] = "allUsers" } }, resourceType: "gcs_bucket");
        var noPolicy = Entry("v1.compute.images.setIamPolicy", "compute.googleapis.com", "projects/victim-prod/global/images/i");
        var partly = Entry("storage.setIamPermissions", "storage.googleapis.com", "projects/_/buckets/c",
            serviceData: new JsonObject { ["policyDelta"] = new JsonObject { ["bindingDeltas"] = new JsonArray(
                new JsonObject { ["action"] = "ADD", ["role"] = "roles/storage.objectViewer" },
                new JsonObject { ["action"] = "ADD", ["role"] = "roles/storage.objectViewer", ["member"] = "allUsers" }) } }, resourceType: "gcs_bucket");
        var good = SnapshotShare("user:mallory@fabrikam.com");
        string text = Lines(notArray) + "{\"protoPayload\": {\"methodName\": \"v1.compute.disks.setIamPolicy\",\n" + Lines(noPolicy, partly, good);
        var (events, host, reader) = Read(text);

        Assert.Equal(new[] { "allUsers", "user:mallory@fabrikam.com" }, events.Select(e => e.Grantee));
        Assert.Equal(4, host.Issues.Count);
        Assert.Equal(new long?[] { 1, 2, 3, 4 }, host.Issues.Select(i => i.Line).OrderBy(l => l));
        var byLine = host.Issues.ToDictionary(i => i.Line!.Value);
        Assert.Contains("serviceData.policyDelta.bindingDeltas that is not an array", byLine[1].Detail);
        Assert.Contains("has neither bindingDeltas nor request.policy", byLine[3].Detail);
        Assert.Contains("1 delta(s) without an ADD or REMOVE action, a member or a role", byLine[4].Detail);
        Assert.Contains(notArray["insertId"]!.GetValue<string>(), byLine[1].Detail);
        Assert.Equal(3, reader.Statistics.InvalidRecords);
    }

    [Theory]
    [InlineData("{\"protoPayload\":{\"methodName\":\"v1.compute.instances.start\"}}", "Skip")]
    [InlineData("{\"protoPayload\":{\"methodName\":\"storage.objects.get\"}}", "Skip")]
    [InlineData("{\"protoPayload\":{\"methodName\":\"storage.objects.get\",\"serviceData\":{\"policyDelta\":{\"bindingDeltas\":[]}}}}", "Skip")]
    [InlineData("{\"eventName\":\"ModifySnapshotAttribute\"}", "NotMine")]
    [InlineData("{\"protoPayload\":{\"methodName\":\"v1.compute.snapshots.setIamPolicy\"}}", "Candidate")]
    [InlineData("{\"protoPayload\":{\"methodName\":\"google.iam.v1.IAMPolicy.SetIamPolicy\"}}", "Candidate")]
    [InlineData("{\"protoPayload\":{\"methodName\":\"storage.setIamPermissions\"}}", "Candidate")]
    [InlineData("{\"protoPayload\":{\"methodName\":\"google.storagetransfer.v1.StorageTransferService.CreateTransferJob\"}}", "Candidate")]
    [InlineData("{\"protoPayload\":{\"methodName\":\"storage.buckets.create\",\"serviceData\":{\"policyDelta\":{\"bindingDeltas\":[]}}}}", "Candidate")]
    [InlineData("{\"protoPayload\":{\"methodName\":\"google.cloud.bigquery.v2.DatasetService.PatchDataset\",\"metadata\":{\"datasetChange\":{\"accessChanges\":[]}}}}", "Candidate")]
    [InlineData("{\"protoPayload\":{\"methodName\":\"v1.compute.snapshots.s\\u0065tIamPolicy\"}}", "Candidate")]
    // setIamPolicy and setIamPermissions are found by one search ("etIamP"), which getIamPolicy passes too: parsed, no event.
    [InlineData("{\"protoPayload\":{\"methodName\":\"v1.compute.snapshots.getIamPolicy\"}}", "Candidate")]
    [InlineData("{\"protoPayload\":{\"methodName\":\"storage.getIamPermissions\"}}", "Candidate")]
    [InlineData("{\"protoPayload\":{\"methodName\":\"storage.testIamPermissions\"}}", "Skip")]
    [InlineData("{\"protoPayload\":{\"methodName\":\"v1.compute.snapshots.etIamP\"}}", "Candidate")]
    [InlineData("{\"protoPayload\":{\"methodName\":\"v1.compute.snapshots.etIam\"}}", "Skip")]
    public void Claim_skips_entries_of_other_methods_without_parsing(string json, string expected)
    {
        var interpreter = new TransferDetect.Engine.Sources.Gcp.GcpAuditInterpreter(null);
        Assert.Equal(expected, interpreter.Claim(System.Text.Encoding.UTF8.GetBytes(json)).ToString());
    }

    [Fact]
    public void Reading_an_IAM_policy_passes_the_claim_but_is_no_share()
    {
        var (events, host, reader) = Read(
            "{\"protoPayload\":{\"methodName\":\"v1.compute.snapshots.getIamPolicy\",\"resourceName\":\"projects/p/global/snapshots/s\"},\"insertId\":\"a\"}\n" +
            "{\"protoPayload\":{\"methodName\":\"storage.getIamPermissions\",\"resourceName\":\"projects/_/buckets/b\"},\"insertId\":\"b\"}\n");
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(2, reader.Statistics.Records);
        Assert.Equal(0, reader.Statistics.CandidateRecords);
        Assert.Equal(0, reader.Statistics.ForeignRecords);
    }

    /// <summary>
    /// A wrong Skip loses a share silently. Every catalogued method, with what its grants need to be read
    /// (the binding deltas of a bucket's creation, the access changes of a dataset update), is a candidate,
    /// and stays one when any letter of the record is written as a \u escape.
    /// </summary>
    [Fact]
    public void Claim_never_skips_a_catalogued_record_even_with_an_escaped_letter()
    {
        var interpreter = new TransferDetect.Engine.Sources.Gcp.GcpAuditInterpreter(null);
        int variants = 0;
        foreach (var op in TransferDetect.Engine.Sources.Gcp.GcpOperations.All)
        {
            string data = op.Kind switch
            {
                TransferDetect.Engine.Sources.Gcp.GcpGrantKind.IamDeltasOnly => ",\"serviceData\":{\"policyDelta\":{\"bindingDeltas\":[]}}",
                TransferDetect.Engine.Sources.Gcp.GcpGrantKind.DatasetAccess => ",\"metadata\":{\"datasetChange\":{\"accessChanges\":[]}}",
                _ => "",
            };
            string json = $"{{\"protoPayload\":{{\"methodName\":\"{op.MethodName}\"{data}}}}}";
            Assert.Equal("Candidate", interpreter.Claim(System.Text.Encoding.UTF8.GetBytes(json)).ToString());
            for (int i = json.IndexOf("methodName", StringComparison.Ordinal); i < json.Length; i++)
            {
                if (!char.IsLetter(json[i])) continue;
                string escaped = json.Substring(0, i) + $"\\u{(int)json[i]:x4}" + json.Substring(i + 1);
                Assert.Equal("Candidate", interpreter.Claim(System.Text.Encoding.UTF8.GetBytes(escaped)).ToString());
                variants++;
            }
        }
        Assert.True(variants > 500);
    }

    [Fact]
    public void Method_name_written_with_escapes_is_still_read()
    {
        string text = Lines(SnapshotShare("user:mallory@fabrikam.com")).Replace("v1.compute.snapshots.setIamPolicy", "v1.compute.snapshots.s\\u0065tIamPolicy");
        var (events, host, _) = Read(text);
        Assert.Empty(host.Issues);
        Assert.Equal("v1.compute.snapshots.setIamPolicy", Assert.Single(events).Operation);
    }

    [Fact]
    public void Category_filter_keeps_only_the_categories_asked_for()
    {
        string text = Lines(SnapshotShare("user:mallory@fabrikam.com"), BucketIam(("ADD", "roles/storage.objectViewer", "allUsers")), TransferJob());
        var snapshots = Read(text, new ShareLogReaderOptions { Categories = new[] { ShareCategory.Snapshot } });
        Assert.Equal(new[] { "v1.compute.snapshots.setIamPolicy" }, snapshots.Events.Select(e => e.Operation));
        Assert.Empty(snapshots.Host.Issues);
        var storage = Read(text, new ShareLogReaderOptions { Categories = new[] { ShareCategory.Storage } });
        Assert.Equal(new[] { "storage.setIamPermissions", "google.storagetransfer.v1.StorageTransferService.CreateTransferJob" }, storage.Events.Select(e => e.Operation));

        var gcpSnapshotOps = ShareLogReader.OperationsOf(new[] { Provider.Gcp }, new[] { ShareCategory.Snapshot });
        Assert.Contains("v1.compute.machineImages.setIamPolicy", gcpSnapshotOps);
        Assert.Contains("compute.disks.setIamPolicy", gcpSnapshotOps);
        Assert.DoesNotContain("storage.setIamPermissions", gcpSnapshotOps);
        Assert.Contains("v1.compute.snapshots.setIamPolicy", ShareLogReader.SnapshotOperations);
    }

    [Fact]
    public void Operation_filter_keeps_only_the_operations_asked_for()
    {
        string text = Lines(SnapshotShare("user:mallory@fabrikam.com"), BucketIam(("ADD", "roles/storage.objectViewer", "allUsers")));
        var (events, _, _) = Read(text, new ShareLogReaderOptions { Operations = new[] { "STORAGE.setIamPermissions" } });
        Assert.Equal(new[] { "storage.setIamPermissions" }, events.Select(e => e.Operation));
    }
}
