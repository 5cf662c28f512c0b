using System.Text;
using System.Text.Json.Nodes;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Sources.Azure;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>
/// Builds Activity Log records in the three documented shapes ("Azure Activity Log event schema";
/// "Schema from storage account and event hubs"; the AzureActivity table of Log Analytics), and reads
/// them back through the real reader and detector.
/// </summary>
internal static class AzureJson
{
    public const string Sub = "11111111-2222-3333-4444-555555555555";
    public const string OtherSub = "99999999-8888-7777-6666-555555555555";
    public const string Tenant = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    public const string OtherTenant = "12121212-3434-5656-7878-909090909090";
    public const string Workspace = "0f0f0f0f-1e1e-2d2d-3c3c-4b4b4b4b4b4b";
    public const string Caller = "alice@contoso.com";
    public const string Ip = "203.0.113.7";
    public const string Rg = "/subscriptions/" + Sub + "/resourceGroups/prod-rg/providers/";
    public const string Disk = Rg + "Microsoft.Compute/disks/db-osdisk";
    public const string Snapshot = Rg + "Microsoft.Compute/snapshots/db-snap";
    public const string Account = Rg + "Microsoft.Storage/storageAccounts/proddata";
    public const string Container = Account + "/blobServices/default/containers/backups";
    public const string Gallery = Rg + "Microsoft.Compute/galleries/goldenimages";
    public const string Invitation = Rg + "Microsoft.DataShare/accounts/share1/shares/sales/invitations/partner";
    private static int _ids;

    public static string NewId() => $"00000000-0000-4000-8000-{Interlocked.Increment(ref _ids):D12}";

    /// <summary>The REST / portal / CLI shape (operationName and status are localizable strings; properties values are strings).</summary>
    public static JsonObject Rest(string operation, string status, string resourceId, string correlationId, string time = "2026-11-24T10:00:00.0000000Z",
        string? requestBody = null, JsonObject? properties = null, string caller = Caller, string? eventDataId = null, string subscription = Sub)
    {
        var props = properties ?? new JsonObject();
        props["statusCode"] ??= status == "Started" ? null : status == "Failed" ? "Forbidden" : "OK";
        props["serviceRequestId"] ??= Guid.NewGuid().ToString();
        props["eventCategory"] ??= "Administrative";
        props["entity"] ??= resourceId;
        props["message"] ??= operation;
        props["hierarchy"] ??= Tenant + "/mg-prod/" + subscription;
        if (requestBody != null) props["requestbody"] = requestBody;
        return new JsonObject
        {
            ["authorization"] = new JsonObject { ["action"] = operation, ["scope"] = resourceId },
            ["caller"] = caller,
            ["channels"] = "Operation",
            ["claims"] = Claims(caller),
            ["correlationId"] = correlationId,
            ["description"] = "",
            ["eventDataId"] = eventDataId ?? NewId(),
            ["eventName"] = new JsonObject { ["value"] = status == "Started" ? "BeginRequest" : "EndRequest", ["localizedValue"] = status == "Started" ? "Begin request" : "End request" },
            ["category"] = new JsonObject { ["value"] = "Administrative", ["localizedValue"] = "Administrative" },
            ["eventTimestamp"] = time,
            ["id"] = resourceId + "/events/" + Guid.NewGuid() + "/ticks/638000000000000000",
            ["level"] = status == "Failed" ? "Error" : "Informational",
            ["operationId"] = Guid.NewGuid().ToString(),
            ["operationName"] = new JsonObject { ["value"] = operation, ["localizedValue"] = operation },
            ["resourceGroupName"] = "prod-rg",
            ["resourceProviderName"] = new JsonObject { ["value"] = operation.Split('/')[0], ["localizedValue"] = operation.Split('/')[0] },
            ["resourceType"] = new JsonObject { ["value"] = "x", ["localizedValue"] = "x" },
            ["resourceId"] = resourceId,
            ["status"] = new JsonObject { ["value"] = status, ["localizedValue"] = status },
            ["subStatus"] = new JsonObject { ["value"] = status == "Succeeded" ? "OK" : "", ["localizedValue"] = status == "Succeeded" ? "OK (HTTP Status Code: 200)" : "" },
            ["submissionTimestamp"] = time,
            ["subscriptionId"] = subscription,
            ["tenantId"] = Tenant,
            ["properties"] = props,
            ["relatedEvents"] = new JsonArray(),
            ["httpRequest"] = new JsonObject { ["clientRequestId"] = Guid.NewGuid().ToString(), ["clientIpAddress"] = Ip, ["method"] = "POST" },
        };
    }

    /// <summary>The statusMessage of a failed REST record: a JSON string holding the error.</summary>
    public static JsonObject FailedProperties(string code = "AuthorizationFailed") => new()
    {
        ["statusCode"] = "Forbidden",
        ["statusMessage"] = "{\"error\":{\"code\":\"" + code + "\",\"message\":\"The client does not have authorization to perform action.\"}}",
    };

    public static JsonObject Claims(string caller) => new()
    {
        ["aud"] = "https://management.core.windows.net/",
        ["iss"] = "https://sts.windows.net/" + Tenant + "/",
        ["appid"] = "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
        ["ipaddr"] = Ip,
        ["name"] = "Alice",
        ["http://schemas.microsoft.com/identity/claims/tenantid"] = Tenant,
        ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"] = caller,
        ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"] = caller,
    };

    /// <summary>The diagnostic-setting shape (insights-activity-logs PT1H.json): operation and resource in upper case, resultType Start / Accept / Success / Failure.</summary>
    public static JsonObject Diagnostic(string operation, string resultType, string resourceId, string correlationId, string time = "2026-11-24T10:00:00.0000000Z",
        string? requestBody = null, string? tenantId = null)
    {
        var props = new JsonObject
        {
            ["statusCode"] = resultType == "Failure" ? "Forbidden" : "OK",
            ["serviceRequestId"] = Guid.NewGuid().ToString(),
            ["eventCategory"] = "Administrative",
            ["entity"] = resourceId,
            ["message"] = operation,
            ["hierarchy"] = Tenant + "/" + Sub,
        };
        if (requestBody != null) props["requestbody"] = requestBody;
        var r = new JsonObject
        {
            ["RoleLocation"] = "West Europe",
            ["time"] = time,
            ["resourceId"] = resourceId.ToUpperInvariant(),
            ["operationName"] = operation.ToUpperInvariant(),
            ["category"] = "Administrative",
            ["resultType"] = resultType,
            ["resultSignature"] = resultType == "Start" ? "Started." : resultType == "Failure" ? "Failed.Forbidden" : "Succeeded.OK",
            ["durationMs"] = 0,
            ["callerIpAddress"] = Ip,
            ["correlationId"] = correlationId,
            ["identity"] = new JsonObject
            {
                ["authorization"] = new JsonObject { ["scope"] = resourceId, ["action"] = operation, ["evidence"] = new JsonObject { ["role"] = "Owner", ["principalType"] = "User" } },
                ["claims"] = Claims(Caller),
            },
            ["level"] = "Information",
            ["location"] = "global",
            ["properties"] = props,
        };
        if (tenantId != null) r["tenantId"] = tenantId;
        return r;
    }

    /// <summary>A Log Analytics AzureActivity row: every value a string (as the CSV reader gives it), dynamic columns as JSON text, TenantId the workspace.</summary>
    public static JsonObject LogAnalytics(string operation, string status, string resourceId, string correlationId, string time = "2026-11-24T10:00:00.0000000Z",
        string? requestBody = null, string timeColumn = "TimeGenerated", string? eventDataId = null)
    {
        var props = new JsonObject
        {
            ["eventCategory"] = "Administrative",
            ["entity"] = resourceId,
            ["message"] = operation,
            ["hierarchy"] = Tenant + "/" + Sub,
        };
        if (requestBody != null) props["requestbody"] = requestBody;
        return new JsonObject
        {
            ["TenantId"] = Workspace,
            ["SourceSystem"] = "Azure",
            [timeColumn] = time,
            ["CallerIpAddress"] = Ip,
            ["CategoryValue"] = "Administrative",
            ["CorrelationId"] = correlationId,
            ["Authorization_d"] = "{\"action\":\"" + operation + "\",\"scope\":\"" + resourceId + "\"}",
            ["Claims_d"] = Claims(Caller).ToJsonString(),
            ["Level"] = "Informational",
            ["OperationNameValue"] = operation.ToUpperInvariant(),
            ["Properties_d"] = props.ToJsonString(),
            ["Caller"] = Caller,
            ["EventDataId"] = eventDataId ?? NewId(),
            ["Hierarchy"] = Tenant + "/" + Sub,
            ["OperationName"] = "Localized name of the operation",
            ["ActivityStatusValue"] = status,
            ["ActivitySubstatusValue"] = status == "Success" ? "OK" : "",
            ["SubscriptionId"] = Sub,
            ["_ResourceId"] = resourceId.ToLowerInvariant(),
            ["Type"] = "AzureActivity",
        };
    }

    /// <summary>The rows as a CSV export: the union of the columns, every field quoted.</summary>
    public static string Csv(params JsonObject[] rows)
    {
        var columns = new List<string>();
        foreach (var row in rows)
        {
            foreach (var p in row)
            {
                if (!columns.Contains(p.Key)) columns.Add(p.Key);
            }
        }
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", columns.Select(Quote)));
        foreach (var row in rows)
        {
            sb.AppendLine(string.Join(",", columns.Select(c => Quote(row[c]?.GetValue<string>() ?? ""))));
        }
        return sb.ToString();
    }

    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";

    /// <summary>A portal / CLI export: a JSON array.</summary>
    public static string Array(params JsonObject[] records) => new JsonArray(records.Select(r => (JsonNode)r.DeepClone()).ToArray()).ToJsonString();

    /// <summary>A diagnostic blob: one record per line.</summary>
    public static string Lines(params JsonObject[] records) => string.Join("\n", records.Select(r => r.ToJsonString())) + "\n";

    public static string Body(object value) => System.Text.Json.JsonSerializer.Serialize(value);

    public static List<ShareEvent> Events(string text, ShareLogReaderOptions? options = null)
    {
        var (events, host, _) = CloudTrailJson.Read(text, options);
        Assert.Empty(host.Issues);
        return events;
    }

    /// <summary>The findings of the text for a zone (empty: only each resource's own subscription and tenant are trusted).</summary>
    public static (List<ShareEvent> Events, List<Finding> Findings, DetectionStatistics Stats) Detect(string text, TrustZone? zone = null)
    {
        var events = Events(text);
        var detector = new ExternalShareDetector(zone ?? TrustZone.Empty);
        var findings = events.Select(detector.Evaluate).Where(f => f != null).Select(f => f!).ToList();
        return (events, findings, detector.Statistics);
    }
}

/// <summary>The Activity Log reader: its shapes, its claim, its folding of one operation's records, and bad input.</summary>
public class AzureActivityReaderTests
{
    private static readonly string BeginBody = AzureJson.Body(new { access = "Read", durationInSeconds = 3600 });

    [Fact]
    public void Portal_export_of_started_and_succeeded_beginGetAccess_gives_one_event_with_the_first_eventDataId()
    {
        string corr = Guid.NewGuid().ToString();
        var started = AzureJson.Rest(AzureOperations.DiskBeginGetAccess, "Started", AzureJson.Disk, corr, "2026-11-24T10:00:00Z", requestBody: BeginBody);
        var succeeded = AzureJson.Rest(AzureOperations.DiskBeginGetAccess, "Succeeded", AzureJson.Disk, corr, "2026-11-24T10:00:02Z");
        var events = AzureJson.Events(AzureJson.Array(started, succeeded));

        var e = Assert.Single(events);
        Assert.Equal(started["eventDataId"]!.GetValue<string>(), e.EventId);
        Assert.Equal(new[] { succeeded["eventDataId"]!.GetValue<string>() }, e.RelatedEventIds);
        Assert.Equal(new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc), e.EventTime);
        Assert.Equal("Succeeded", e.Status);
        Assert.True(e.Succeeded);
        Assert.Equal(Provider.Azure, e.Provider);
        Assert.Equal("Microsoft.Compute/disks/beginGetAccess/action", e.Operation);
        Assert.Equal("Microsoft.Compute", e.EventSource);
        Assert.Equal(ShareCategory.Snapshot, e.Category);
        Assert.Equal("AzureDisk", e.ResourceType);
        Assert.Equal(AzureJson.Disk, e.ResourceId);
        Assert.Equal(ShareAction.Add, e.Action);
        Assert.Equal("SAS URI", e.Grantee);
        Assert.Equal(GranteeType.AnonymousLink, e.GranteeType);
        Assert.Equal("Read", e.Permission);
        Assert.Equal("access Read for 3600 s", e.Details);
        Assert.Equal(AzureJson.Caller, e.Actor);
        Assert.Equal(AzureJson.Ip, e.SourceIp);
        Assert.Equal(AzureJson.Sub, e.AccountId);
        Assert.Equal(AzureJson.Tenant, e.TenantId);
        Assert.Equal(AzureJson.Tenant, e.ActorAccountId);
        Assert.Equal(corr, e.CorrelationId);
        Assert.Equal(1, e.Source!.Record);
    }

    [Fact]
    public void Newest_first_export_folds_to_the_same_event()
    {
        string corr = Guid.NewGuid().ToString();
        var started = AzureJson.Rest(AzureOperations.SnapshotBeginGetAccess, "Started", AzureJson.Snapshot, corr, "2026-11-24T10:00:00Z", requestBody: BeginBody);
        var accepted = AzureJson.Rest(AzureOperations.SnapshotBeginGetAccess, "Accepted", AzureJson.Snapshot, corr, "2026-11-24T10:00:01Z");
        var succeeded = AzureJson.Rest(AzureOperations.SnapshotBeginGetAccess, "Succeeded", AzureJson.Snapshot, corr, "2026-11-24T10:00:30Z");
        var (events, _, reader) = CloudTrailJson.Read(AzureJson.Array(succeeded, accepted, started));

        var e = Assert.Single(events);
        Assert.Equal(started["eventDataId"]!.GetValue<string>(), e.EventId);
        Assert.Equal(new[] { succeeded["eventDataId"]!.GetValue<string>(), accepted["eventDataId"]!.GetValue<string>() }.Order(), e.RelatedEventIds.Order());
        Assert.Equal("Succeeded", e.Status);
        Assert.Equal("access Read for 3600 s", e.Details);
        Assert.Equal(new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc), e.EventTime);
        Assert.Equal(3, reader.Statistics.ShareEvents);
        Assert.Equal(2, reader.Statistics.FoldedEvents);
        Assert.Equal(3, reader.Statistics.CandidateRecords);
    }

    [Fact]
    public void An_operation_that_ends_failed_is_an_attempt_with_the_error_of_its_failed_record()
    {
        string corr = Guid.NewGuid().ToString();
        var events = AzureJson.Events(AzureJson.Array(
            AzureJson.Rest(AzureOperations.DiskBeginGetAccess, "Started", AzureJson.Disk, corr, "2026-11-24T10:00:00Z", requestBody: BeginBody),
            AzureJson.Rest(AzureOperations.DiskBeginGetAccess, "Failed", AzureJson.Disk, corr, "2026-11-24T10:00:01Z", properties: AzureJson.FailedProperties())));

        var e = Assert.Single(events);
        Assert.False(e.Succeeded);
        Assert.Equal("Failed", e.Status);
        Assert.Equal("AuthorizationFailed", e.ErrorCode);
        Assert.StartsWith("The client does not have authorization", e.ErrorMessage);
    }

    [Fact]
    public void Diagnostic_blob_lines_in_upper_case_are_read_with_the_documented_case_of_operation_and_resource()
    {
        string corr = Guid.NewGuid().ToString();
        var events = AzureJson.Events(AzureJson.Lines(
            AzureJson.Diagnostic(AzureOperations.DiskBeginGetAccess, "Start", AzureJson.Disk, corr, "2026-11-24T10:00:00Z", requestBody: BeginBody),
            AzureJson.Diagnostic(AzureOperations.DiskBeginGetAccess, "Success", AzureJson.Disk, corr, "2026-11-24T10:00:03Z")));

        var e = Assert.Single(events);
        Assert.Equal("Microsoft.Compute/disks/beginGetAccess/action", e.Operation);
        Assert.Equal(AzureJson.Disk, e.ResourceId); // properties.entity, not the upper-case resourceId
        Assert.Equal(AzureJson.Sub, e.AccountId);
        Assert.Equal(AzureJson.Tenant, e.TenantId); // the root of properties.hierarchy
        Assert.Equal("Succeeded", e.Status);
        Assert.Null(e.EventId); // the diagnostic schema has no eventDataId
        Assert.Equal(corr, e.CorrelationId);
        Assert.Equal(AzureJson.Caller, e.Actor); // the UPN claim of identity.claims
        Assert.Equal(AzureJson.Ip, e.SourceIp);
        Assert.Equal("access Read for 3600 s", e.Details);
    }

    [Fact]
    public void Diagnostic_blob_in_the_records_wrapper_is_read_like_its_lines()
    {
        string corr = Guid.NewGuid().ToString();
        var records = new JsonObject
        {
            ["records"] = new JsonArray(
                AzureJson.Diagnostic(AzureOperations.ListKeys, "Start", AzureJson.Account, corr, "2026-11-24T10:00:00Z"),
                AzureJson.Diagnostic(AzureOperations.ListKeys, "Success", AzureJson.Account, corr, "2026-11-24T10:00:00.5Z"),
                AzureJson.Diagnostic("Microsoft.Network/networkSecurityGroups/write", "Success", AzureJson.Rg + "Microsoft.Network/networkSecurityGroups/nsg1", Guid.NewGuid().ToString())),
        };
        var (events, host, reader) = CloudTrailJson.Read(records.ToJsonString());
        Assert.Empty(host.Issues);
        var e = Assert.Single(events);
        Assert.Equal(AzureOperations.ListKeys, e.Operation);
        Assert.Equal(AzureJson.Account, e.ResourceId);
        Assert.Equal(3, reader.Statistics.Records);
        Assert.Equal(2, reader.Statistics.CandidateRecords);
        Assert.Contains(host.VerboseMessages, m => m.Contains("3 record(s) (Azure Activity Log)") && m.Contains("2 share event(s)"));
    }

    [Fact]
    public void Log_analytics_csv_export_with_the_portal_time_format_is_read_as_utc()
    {
        string corr = Guid.NewGuid().ToString();
        string csv = AzureJson.Csv(
            AzureJson.LogAnalytics(AzureOperations.SnapshotBeginGetAccess, "Start", AzureJson.Snapshot, corr, "11/24/2026, 10:00:00.000 AM", requestBody: BeginBody, timeColumn: "TimeGenerated [UTC]"),
            AzureJson.LogAnalytics(AzureOperations.SnapshotBeginGetAccess, "Success", AzureJson.Snapshot, corr, "11/24/2026, 10:00:04.250 AM", timeColumn: "TimeGenerated [UTC]"),
            AzureJson.LogAnalytics("Microsoft.Compute/virtualMachines/start/action", "Success", AzureJson.Rg + "Microsoft.Compute/virtualMachines/vm1", Guid.NewGuid().ToString(), "11/24/2026, 1:15:00.000 PM", timeColumn: "TimeGenerated [UTC]"));
        var (events, host, reader) = CloudTrailJson.Read(csv);

        Assert.Empty(host.Issues);
        Assert.Equal(3, reader.Statistics.Records);
        var e = Assert.Single(events);
        Assert.Equal(AzureOperations.SnapshotBeginGetAccess, e.Operation);
        Assert.Equal(new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc), e.EventTime);
        Assert.Equal("Succeeded", e.Status); // ActivityStatusValue "Success"
        Assert.Equal(AzureJson.Snapshot, e.ResourceId); // Properties_d.entity, not the lower-case _ResourceId
        Assert.Equal(AzureJson.Tenant, e.TenantId); // not TenantId, which is the workspace
        Assert.Equal("access Read for 3600 s", e.Details); // Properties_d.requestbody: JSON text in JSON text in CSV
        Assert.Contains(host.VerboseMessages, m => m.Contains("(Azure Activity Log, CSV)"));
    }

    [Fact]
    public void Log_analytics_json_export_with_dynamic_columns_as_objects_is_read()
    {
        string corr = Guid.NewGuid().ToString();
        var row = AzureJson.LogAnalytics(AzureOperations.ContainerWrite, "Start", AzureJson.Container, corr, "2026-11-24T10:00:00Z",
            requestBody: AzureJson.Body(new { properties = new { publicAccess = "Container" } }));
        row["Properties_d"] = JsonNode.Parse(row["Properties_d"]!.GetValue<string>());
        row["Claims_d"] = JsonNode.Parse(row["Claims_d"]!.GetValue<string>());
        var e = Assert.Single(AzureJson.Events(AzureJson.Array(row)));
        Assert.Equal(AzureOperations.ContainerWrite, e.Operation);
        Assert.Equal(GranteeType.Public, e.GranteeType);
        Assert.Equal("Container", e.Permission);
        Assert.Equal("Started", e.Status);
    }

    [Fact]
    public void Records_of_one_correlationId_on_different_resources_stay_separate_operations()
    {
        // A deployment gives all its operations one correlationId.
        string corr = Guid.NewGuid().ToString();
        string other = AzureJson.Rg + "Microsoft.Storage/storageAccounts/logsdata";
        var events = AzureJson.Events(AzureJson.Array(
            AzureJson.Rest(AzureOperations.ListKeys, "Started", AzureJson.Account, corr),
            AzureJson.Rest(AzureOperations.ListKeys, "Started", other, corr),
            AzureJson.Rest(AzureOperations.ListKeys, "Succeeded", AzureJson.Account, corr),
            AzureJson.Rest(AzureOperations.ListKeys, "Succeeded", other, corr)));
        Assert.Equal(new[] { AzureJson.Account, other }, events.Select(e => e.ResourceId));
        Assert.All(events, e => Assert.Equal("Succeeded", e.Status));
    }

    [Fact]
    public void Records_of_one_operation_further_apart_than_the_fold_window_are_not_folded()
    {
        string corr = Guid.NewGuid().ToString();
        var events = AzureJson.Events(AzureJson.Array(
            AzureJson.Rest(AzureOperations.ListKeys, "Started", AzureJson.Account, corr, "2026-11-24T10:00:00Z"),
            AzureJson.Rest(AzureOperations.ListKeys, "Succeeded", AzureJson.Account, corr, "2026-11-24T12:00:00Z")));
        Assert.Equal(new[] { "Started", "Succeeded" }, events.Select(e => e.Status));
    }

    [Fact]
    public void A_write_whose_grant_is_in_the_started_record_takes_the_outcome_of_its_succeeded_record()
    {
        string corr = Guid.NewGuid().ToString();
        var started = AzureJson.Rest(AzureOperations.StorageAccountWrite, "Started", AzureJson.Account, corr, "2026-11-24T10:00:00Z",
            requestBody: AzureJson.Body(new { properties = new { allowBlobPublicAccess = true } }));
        var succeeded = AzureJson.Rest(AzureOperations.StorageAccountWrite, "Succeeded", AzureJson.Account, corr, "2026-11-24T10:00:05Z");
        var (events, host, reader) = CloudTrailJson.Read(AzureJson.Array(succeeded, started));
        Assert.Empty(host.Issues);

        var e = Assert.Single(events);
        Assert.Equal("Succeeded", e.Status);
        Assert.Equal("allowBlobPublicAccess=true", e.Permission);
        Assert.Equal(started["eventDataId"]!.GetValue<string>(), e.EventId);
        Assert.Equal(new[] { succeeded["eventDataId"]!.GetValue<string>() }, e.RelatedEventIds);
        Assert.Equal(1, reader.Statistics.FoldedEvents);
        Assert.Equal(2, reader.Statistics.ShareEvents);
    }

    [Fact]
    public void A_write_whose_outcome_record_failed_is_an_attempt()
    {
        string corr = Guid.NewGuid().ToString();
        var events = AzureJson.Events(AzureJson.Array(
            AzureJson.Rest(AzureOperations.StorageAccountWrite, "Started", AzureJson.Account, corr, "2026-11-24T10:00:00Z",
                requestBody: AzureJson.Body(new { properties = new { allowBlobPublicAccess = true } })),
            AzureJson.Rest(AzureOperations.StorageAccountWrite, "Failed", AzureJson.Account, corr, "2026-11-24T10:00:01Z", properties: AzureJson.FailedProperties("RequestDisallowedByPolicy"))));
        var e = Assert.Single(events);
        Assert.False(e.Succeeded);
        Assert.Equal("RequestDisallowedByPolicy", e.ErrorCode);
        Assert.Equal(GranteeType.Public, e.GranteeType);
    }

    [Fact]
    public void Write_records_without_a_request_body_cannot_be_judged_and_give_no_event_but_are_counted()
    {
        string corr = Guid.NewGuid().ToString();
        var (events, host, reader) = CloudTrailJson.Read(AzureJson.Array(
            AzureJson.Rest(AzureOperations.StorageAccountWrite, "Started", AzureJson.Account, corr, "2026-11-24T10:00:00Z"),
            AzureJson.Rest(AzureOperations.StorageAccountWrite, "Succeeded", AzureJson.Account, corr, "2026-11-24T10:00:05Z"),
            AzureJson.Rest(AzureOperations.GalleryShare, "Succeeded", AzureJson.Gallery, Guid.NewGuid().ToString())));
        Assert.Empty(events);
        Assert.Empty(host.Issues);
        Assert.Equal(3, reader.Statistics.CandidateRecords);
        Assert.Equal(0, reader.Statistics.ShareEvents);
        Assert.Equal(0, reader.Statistics.FoldedEvents);
    }

    [Fact]
    public void A_request_body_cut_short_is_reported_at_its_record_and_the_rest_is_read()
    {
        var cut = AzureJson.Rest(AzureOperations.StorageAccountWrite, "Started", AzureJson.Account, Guid.NewGuid().ToString(),
            requestBody: "{\"properties\":{\"allowBlobPublicAccess\":tr");
        var good = AzureJson.Rest(AzureOperations.ListKeys, "Succeeded", AzureJson.Account, Guid.NewGuid().ToString());
        var (events, host, reader) = CloudTrailJson.Read(AzureJson.Lines(cut, good));

        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.IncompleteRecord, issue.Kind);
        Assert.Equal(1, issue.Line);
        Assert.Contains("Microsoft.Storage/storageAccounts/write record (eventDataId " + cut["eventDataId"], issue.Message);
        Assert.Contains("not valid JSON", issue.Message);
        Assert.Equal(AzureOperations.ListKeys, Assert.Single(events).Operation);
        Assert.Equal(1, reader.Statistics.InvalidRecords);
    }

    [Fact]
    public void A_broken_line_in_a_diagnostic_blob_is_one_issue_and_the_other_lines_are_read()
    {
        string text = AzureJson.Diagnostic(AzureOperations.ListKeys, "Success", AzureJson.Account, Guid.NewGuid().ToString()).ToJsonString() + "\n" +
            "{\"time\":\"2026-11-24T10:00:00Z\",\"operationName\":\"MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION\",\"resourceId\":\n" +
            AzureJson.Diagnostic(AzureOperations.DiskBeginGetAccess, "Success", AzureJson.Disk, Guid.NewGuid().ToString()).ToJsonString() + "\n";
        var (events, host, _) = CloudTrailJson.Read(text);
        Assert.Equal(new[] { AzureOperations.ListKeys, AzureOperations.DiskBeginGetAccess }, events.Select(e => e.Operation));
        var issue = Assert.Single(host.Issues);
        Assert.Equal(2, issue.Line);
    }

    [Fact]
    public void A_share_record_without_a_readable_time_is_reported_once_and_skipped_in_a_time_window()
    {
        var record = AzureJson.Rest(AzureOperations.ListKeys, "Succeeded", AzureJson.Account, Guid.NewGuid().ToString(), time: "yesterday");
        record["submissionTimestamp"] = "not a time";
        var (events, host, _) = CloudTrailJson.Read(AzureJson.Array(record));
        Assert.Equal(ShareTimes.Unknown, Assert.Single(events).EventTime);
        Assert.Contains("has no readable time", Assert.Single(host.Issues).Message);

        var options = new ShareLogReaderOptions { Window = new TimeWindow(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), null) };
        var (windowed, windowHost, reader) = CloudTrailJson.Read(AzureJson.Array(record), options);
        Assert.Empty(windowed);
        Assert.Equal(1, reader.Statistics.OutsideTimeWindow);
        Assert.Contains("it was skipped", Assert.Single(windowHost.Issues).Message);
    }

    [Fact]
    public void A_broken_csv_row_is_one_issue_and_the_other_rows_are_read()
    {
        string csv = AzureJson.Csv(
            AzureJson.LogAnalytics(AzureOperations.ListKeys, "Success", AzureJson.Account, Guid.NewGuid().ToString()),
            AzureJson.LogAnalytics(AzureOperations.DiskBeginGetAccess, "Success", AzureJson.Disk, Guid.NewGuid().ToString()));
        var lines = csv.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).ToList();
        lines.Insert(2, "\"not\",\"enough\",\"fields\"");
        var (events, host, reader) = CloudTrailJson.Read(string.Join("\n", lines) + "\n");
        Assert.Equal(new[] { AzureOperations.ListKeys, AzureOperations.DiskBeginGetAccess }, events.Select(e => e.Operation));
        var issue = Assert.Single(host.Issues);
        Assert.Equal(3, issue.Line);
        Assert.Equal(1, reader.Statistics.InvalidRecords);
    }

    [Fact]
    public void Log_analytics_properties_cut_short_on_a_share_write_are_reported()
    {
        var row = AzureJson.LogAnalytics(AzureOperations.GalleryShare, "Start", AzureJson.Gallery, Guid.NewGuid().ToString(),
            requestBody: AzureJson.Body(new { operationType = "Add", groups = new[] { new { type = "AADTenants", ids = new[] { AzureJson.OtherTenant } } } }));
        string props = row["Properties_d"]!.GetValue<string>();
        row["Properties_d"] = props.Substring(0, props.Length / 2);
        var (events, host, _) = CloudTrailJson.Read(AzureJson.Csv(row));
        Assert.Empty(events);
        var issue = Assert.Single(host.Issues);
        Assert.Equal(ReadIssueKind.IncompleteRecord, issue.Kind);
        Assert.Contains("Microsoft.Compute/galleries/share/action record (eventDataId " + row["EventDataId"], issue.Message);
        Assert.Contains("properties that are not valid JSON", issue.Message);
    }

    [Fact]
    public void Operation_filter_takes_any_case_and_keeps_only_that_operation()
    {
        var options = new ShareLogReaderOptions { Operations = new[] { "microsoft.compute/disks/begingetaccess/action" } };
        var events = AzureJson.Events(AzureJson.Array(
            AzureJson.Rest(AzureOperations.ListKeys, "Succeeded", AzureJson.Account, Guid.NewGuid().ToString()),
            AzureJson.Rest(AzureOperations.DiskBeginGetAccess, "Succeeded", AzureJson.Disk, Guid.NewGuid().ToString())), options);
        Assert.Equal(AzureOperations.DiskBeginGetAccess, Assert.Single(events).Operation);
    }

    [Fact]
    public void Categories_narrow_the_operations_and_the_events()
    {
        var snapshotOps = ShareLogReader.OperationsOf(new[] { Provider.Azure }, new[] { ShareCategory.Snapshot });
        Assert.Contains(AzureOperations.SnapshotBeginGetAccess, snapshotOps);
        Assert.Contains(AzureOperations.GalleryShare, snapshotOps);
        Assert.DoesNotContain(AzureOperations.ListKeys, snapshotOps);
        Assert.Equal(AzureOperations.All.Length, ShareLogReader.OperationsOf(new[] { Provider.Azure }, null).Count);

        var options = new ShareLogReaderOptions { Categories = new[] { ShareCategory.Storage } };
        var events = AzureJson.Events(AzureJson.Array(
            AzureJson.Rest(AzureOperations.ListKeys, "Succeeded", AzureJson.Account, Guid.NewGuid().ToString()),
            AzureJson.Rest(AzureOperations.DiskBeginGetAccess, "Succeeded", AzureJson.Disk, Guid.NewGuid().ToString())), options);
        Assert.Equal(AzureOperations.ListKeys, Assert.Single(events).Operation);
    }

    [Fact]
    public void A_localized_operation_name_is_read_from_properties_message()
    {
        var row = AzureJson.LogAnalytics(AzureOperations.ListKeys, "Success", AzureJson.Account, Guid.NewGuid().ToString());
        row.Remove("OperationNameValue");
        row["OperationName"] = "List Storage Account Keys";
        Assert.Equal(AzureOperations.ListKeys, Assert.Single(AzureJson.Events(AzureJson.Csv(row))).Operation);
    }

    [Fact]
    public void A_policy_record_whose_authorization_names_a_share_operation_is_not_that_operation()
    {
        var record = AzureJson.Rest("Microsoft.Authorization/policies/deny/action", "Failed", AzureJson.Container, Guid.NewGuid().ToString(),
            requestBody: AzureJson.Body(new { properties = new { publicAccess = "Container" } }));
        record["authorization"]!["action"] = AzureOperations.ContainerWrite;
        Assert.Empty(AzureJson.Events(AzureJson.Array(record)));
    }

    private static readonly AzureActivityInterpreter Interpreter = new(null);

    [Theory]
    [InlineData("{\"operationName\":\"MICROSOFT.COMPUTE/DISKS/BEGINGETACCESS/ACTION\",\"resultType\":\"Start\"}", "Candidate")]
    [InlineData("{\"OperationNameValue\":\"microsoft.storage/storageaccounts/listkeys/action\"}", "Candidate")]
    [InlineData("{\"operationName\":{\"value\":\"Microsoft.Compute/galleries/share/action\"},\"eventDataId\":\"x\"}", "Candidate")]
    [InlineData("{\"operationName\":\"Microsoft.Network/networkSecurityGroups/write\",\"resultType\":\"Success\",\"resourceId\":\"/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkSecurityGroups/n\"}", "Skip")]
    [InlineData("{\"OperationNameValue\":\"MICROSOFT.COMPUTE/VIRTUALMACHINES/START/ACTION\",\"ActivityStatusValue\":\"Success\"}", "Skip")]
    [InlineData("{\"operationName\":\"Microsoft.Compute/disks/\\u0062eginGetAccess/action\",\"resultType\":\"Start\"}", "Candidate")]
    [InlineData("{\"operationName\":\"Microsoft.Compute\\/galleries\\/share\\/action\",\"resultType\":\"Start\"}", "Candidate")]
    [InlineData("{\"operationName\":\"GetBlob\",\"category\":\"StorageRead\",\"uri\":\"https://a.blob.core.windows.net/c/b?sig=x\"}", "Candidate")]
    [InlineData("{\"evt\":{\"name\":\"MICROSOFT.COMPUTE/DISKS/BEGINGETACCESS/ACTION\"},\"resourceId\":\"/x\"}", "Candidate")]
    [InlineData("{\"eventName\":\"ModifySnapshotAttribute\",\"eventSource\":\"ec2.amazonaws.com\"}", "NotMine")]
    [InlineData("{\"Operation\":\"AnonymousLinkCreated\",\"Workload\":\"OneDrive\"}", "NotMine")]
    public void Claim_skips_only_activity_log_records_that_cannot_be_shares(string json, string expected)
    {
        Assert.Equal(Enum.Parse<RecordClaim>(expected), Interpreter.Claim(Encoding.UTF8.GetBytes(json)));
    }

    /// <summary>Every catalogue operation, in every shape and case the reader takes, is claimed as a candidate: a Skip would lose it silently.</summary>
    [Fact]
    public void Claim_never_skips_a_catalogue_operation_in_any_shape()
    {
        foreach (var op in AzureOperations.All)
        {
            foreach (var record in new[]
            {
                AzureJson.Rest(op.Name, "Started", AzureJson.Account, "c"),
                AzureJson.Diagnostic(op.Name, "Start", AzureJson.Account, "c"),
                AzureJson.LogAnalytics(op.Name, "Start", AzureJson.Account, "c"),
            })
            {
                record.Remove("authorization");
                if (record["identity"] is JsonObject identity) identity.Remove("authorization");
                record.Remove("Authorization_d");
                var props = record["properties"] as JsonObject;
                props?.Remove("message");
                if (record["Properties_d"] != null) record["Properties_d"] = "{}";
                foreach (var text in new[] { record.ToJsonString(), record.ToJsonString().Replace(op.Name, op.Name.ToLowerInvariant()).Replace(op.Name.ToUpperInvariant(), op.Name.ToLowerInvariant()) })
                {
                    Assert.True(Interpreter.Claim(Encoding.UTF8.GetBytes(text)) == RecordClaim.Candidate, $"{op.Name}: {text}");
                }
            }
        }
    }

    /// <summary>Any field of any shape holding a value of another type (null, a number, an array, an object) is read as absent: nothing throws, nothing is misreported.</summary>
    [Fact]
    public void Fields_of_the_wrong_type_are_read_as_absent()
    {
        string body = AzureJson.Body(new { properties = new { allowBlobPublicAccess = true } });
        var shapes = new[]
        {
            AzureJson.Rest(AzureOperations.StorageAccountWrite, "Started", AzureJson.Account, "c", requestBody: body),
            AzureJson.Diagnostic(AzureOperations.StorageAccountWrite, "Start", AzureJson.Account, "c", requestBody: body),
            AzureJson.LogAnalytics(AzureOperations.StorageAccountWrite, "Start", AzureJson.Account, "c", requestBody: body),
        };
        var odd = new JsonNode?[] { null, JsonValue.Create(5), new JsonArray(1, 2), new JsonObject { ["value"] = new JsonArray() } };
        int read = 0;
        foreach (var shape in shapes)
        {
            foreach (var key in shape.Select(p => p.Key).ToList())
            {
                foreach (var value in odd)
                {
                    var record = (JsonObject)shape.DeepClone();
                    record[key] = value?.DeepClone();
                    var (_, host, _) = CloudTrailJson.Read(AzureJson.Array(record));
                    Assert.DoesNotContain(host.Issues, i => i.Kind == ReadIssueKind.InvalidRecord);
                    read++;
                }
            }
        }
        Assert.True(read > 150);
    }

    [Fact]
    public void A_storage_data_plane_record_is_json_of_another_shape()
    {
        string getBlob = """{"time":"2025-01-28T15:30:00Z","category":"StorageRead","operationName":"GetBlob","callerIpAddress":"8.8.8.8:45123","statusCode":200,"uri":"https://criticaldata001.blob.core.windows.net/backups/data.zip?sv=2021-12-02&sig=X","identity":{"type":"SAS"},"properties":{"accountName":"criticaldata001"}}""";
        var (events, host, reader) = CloudTrailJson.Read(getBlob);
        Assert.Empty(events);
        Assert.Equal(ReadIssueKind.UnexpectedShape, Assert.Single(host.Issues).Kind);
        Assert.Equal(1, reader.Statistics.ForeignRecords);
    }

    [Fact]
    public void Gzip_diagnostic_blob_file_is_read()
    {
        string corr = Guid.NewGuid().ToString();
        string text = AzureJson.Lines(AzureJson.Diagnostic(AzureOperations.SnapshotBeginGetAccess, "Success", AzureJson.Snapshot, corr));
        var (events, host, _) = CloudTrailJson.ReadFile("PT1H.json.gz", CloudTrailJson.Gzip(text));
        Assert.Empty(host.Issues);
        Assert.Equal(AzureJson.Snapshot, Assert.Single(events).ResourceId);
    }

    [Theory]
    [InlineData("11/24/2026, 10:00:00.000 AM", "2026-11-24T10:00:00")]
    [InlineData("11/24/2026, 1:05:09.5 PM", "2026-11-24T13:05:09.5")]
    [InlineData("1/2/2026, 12:00:00 AM", "2026-01-02T00:00:00")]
    [InlineData("2026-11-24T10:00:00.1234567Z", "2026-11-24T10:00:00.1234567")]
    [InlineData("2019-10-24T00:13:46.3554259Z", "2019-10-24T00:13:46.3554259")]
    public void Times_are_read_as_utc_in_iso_and_portal_forms(string text, string expected)
    {
        var t = AzureRecord.ParseTime(text);
        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), t);
        Assert.Equal(DateTimeKind.Utc, t!.Value.Kind);
    }

    [Fact]
    public void The_fold_key_is_each_part_lower_cased_and_joined_in_one_string()
    {
        // Letters whose invariant lower case is not plain ASCII arithmetic among them (Turkish dotted I, Greek sigma, Kelvin sign).
        var random = new System.Random(1539);
        const string Alphabet = "aZ09/-_.|İıΣσK\u212AÉé";
        string Text(int max) => new string(Enumerable.Range(0, random.Next(max)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
        for (int r = 0; r < 3000; r++)
        {
            string first = Text(40), resource = Text(120), operation = AzureOperations.DiskBeginGetAccess;
            Assert.Equal(first.ToLowerInvariant() + "|" + operation + "|" + resource.ToLowerInvariant(), AzureActivityInterpreter.FoldKey(first, operation, resource));
            Assert.Equal("sas|" + resource.ToLowerInvariant(), AzureActivityInterpreter.FoldKey("sas", null, resource));
        }
    }
}

/// <summary>Records that another reader's claim could take first.</summary>
public class AzureClaimOrderTests
{
    /// <summary>
    /// The mapping of "Schema from storage account and event hubs" puts the REST eventName under
    /// properties.eventName as a string: the CloudTrail reader, which claims first by its eventName key,
    /// must not skip such a record as a CloudTrail event outside its catalogue.
    /// </summary>
    [Fact]
    public void A_diagnostic_record_with_properties_eventName_is_still_read_as_activity_log()
    {
        var record = AzureJson.Diagnostic(AzureOperations.ListKeys, "Success", AzureJson.Account, Guid.NewGuid().ToString());
        record["properties"]!["eventName"] = "EndRequest";
        var e = Assert.Single(AzureJson.Events(AzureJson.Lines(record)));
        Assert.Equal(AzureOperations.ListKeys, e.Operation);
    }
}
